"""Where the Hub is and how to log in: URLs, defaults, and configuration from the environment.

A Hub deployment serves its three services behind one host (``https://host/auth/``, ``/core/``,
``/storage/``); split deployments give each service its own URL. Scripts and notebooks configure
themselves from these environment variables:

========================== =====================================================================
``FLAME_HUB_URL``          the Hub's URL; services at ``/auth/``, ``/core/``, ``/storage/`` below it
``FLAME_HUB_AUTH_URL``     authup's URL (overrides the one derived from ``FLAME_HUB_URL``)
``FLAME_HUB_CORE_URL``     core's URL (likewise)
``FLAME_HUB_STORAGE_URL``  storage's URL (likewise)
``FLAME_HUB_USERNAME``     with ``FLAME_HUB_PASSWORD``: log in with the password grant
``FLAME_HUB_PASSWORD``
``FLAME_HUB_REALM``        the user's realm name, when it is not ``master``
``FLAME_HUB_CLIENT_ID``    with ``FLAME_HUB_CLIENT_SECRET``: log in as an OAuth2 client (a node)
``FLAME_HUB_CLIENT_SECRET``
``FLAME_HUB_TOKEN``        a ready bearer token (never renewed)
``FLAME_HUB_TIMEOUT``      request timeout in seconds
========================== =====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from flame_hub.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_AUTH_URL",
    "DEFAULT_CORE_URL",
    "DEFAULT_STORAGE_URL",
    "DEFAULT_TIMEOUT",
    "ServiceURLs",
    "auth_from_env",
    "derive_auth_url",
    "normalize_url",
    "service_urls",
]

#: The public Hub's service URLs (the existing client's defaults).
DEFAULT_AUTH_URL = "https://auth.privateaim.dev/"
#: The public Hub's core service.
DEFAULT_CORE_URL = "https://core.privateaim.dev/"
#: The public Hub's storage service.
DEFAULT_STORAGE_URL = "https://storage.privateaim.dev/"

#: Connect quickly or fail; give slow endpoints (registry projects, uploads) time to answer.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def normalize_url(url: str | httpx.URL, *, what: str = "URL") -> str:
    """An absolute http(s) URL with exactly one trailing slash (so relative paths join below it)."""
    text = str(url).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"the {what} must be an absolute http(s) URL such as https://hub.example/, got {text!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"the {what} must not carry a query or fragment, got {text!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))


@dataclass(frozen=True)
class ServiceURLs:
    """The three service URLs of one Hub, each ending in a slash."""

    auth: str
    core: str
    storage: str


def service_urls(
    base_url: str | None = None,
    *,
    auth_url: str | None = None,
    core_url: str | None = None,
    storage_url: str | None = None,
) -> ServiceURLs:
    """Resolve the service URLs: explicit per-service URLs > ``base_url`` + ``/auth/`` … > public Hub."""
    root = normalize_url(base_url, what="Hub URL") if base_url else None

    def pick(explicit: str | None, service: str, default: str) -> str:
        if explicit:
            return normalize_url(explicit, what=f"{service} URL")
        return root + service + "/" if root else default

    return ServiceURLs(
        auth=pick(auth_url, "auth", DEFAULT_AUTH_URL),
        core=pick(core_url, "core", DEFAULT_CORE_URL),
        storage=pick(storage_url, "storage", DEFAULT_STORAGE_URL),
    )


def derive_auth_url(service_url: str, service: str) -> str | None:
    """Guess authup's URL from another service's URL, or None when there is no safe guess.

    ``https://host/core/`` → ``https://host/auth/``; ``https://core.example/`` → ``https://auth.example/``.
    """
    parts = urlsplit(service_url)
    segments = parts.path.rstrip("/").split("/")
    if segments and segments[-1] == service:
        path = "/".join([*segments[:-1], "auth"]) + "/"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    host = parts.netloc
    if host.startswith(service + "."):
        return urlunsplit((parts.scheme, "auth." + host[len(service) + 1 :], parts.path or "/", "", ""))
    return None


def timeout_from_env(environ: Mapping[str, str] | None = None) -> httpx.Timeout | None:
    """The timeout ``FLAME_HUB_TIMEOUT`` asks for, or None when it is not set."""
    env = os.environ if environ is None else environ
    value = env.get("FLAME_HUB_TIMEOUT")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigurationError(f"FLAME_HUB_TIMEOUT must be a number of seconds, got {value!r}") from None
    if seconds <= 0:
        raise ConfigurationError(f"FLAME_HUB_TIMEOUT must be positive, got {value!r}")
    return httpx.Timeout(seconds)


def auth_from_env(environ: Mapping[str, str] | None = None) -> httpx.Auth | None:
    """The auth flow the environment describes (password, client or static token), or None.

    Exactly one kind of credentials may be set; a half-set pair is an error that names the missing
    variable rather than a silent anonymous session.
    """
    from flame_hub.auth import ClientAuth, PasswordAuth, StaticAuth

    env = os.environ if environ is None else environ
    user, password = env.get("FLAME_HUB_USERNAME"), env.get("FLAME_HUB_PASSWORD")
    client_id, secret = env.get("FLAME_HUB_CLIENT_ID"), env.get("FLAME_HUB_CLIENT_SECRET")
    token = env.get("FLAME_HUB_TOKEN")
    kinds = [
        name
        for name, present in (
            ("password", user or password),
            ("client", client_id or secret),
            ("token", token),
        )
        if present
    ]
    if len(kinds) > 1:
        raise ConfigurationError(
            f"the environment sets credentials of several kinds ({', '.join(kinds)}); set only one of "
            "FLAME_HUB_USERNAME/FLAME_HUB_PASSWORD, FLAME_HUB_CLIENT_ID/FLAME_HUB_CLIENT_SECRET "
            "or FLAME_HUB_TOKEN"
        )
    if user or password:
        if not (user and password):
            missing = "FLAME_HUB_PASSWORD" if user else "FLAME_HUB_USERNAME"
            raise ConfigurationError(
                f"{missing} is not set (FLAME_HUB_USERNAME and FLAME_HUB_PASSWORD go together)"
            )
        return PasswordAuth(user, password, realm_name=env.get("FLAME_HUB_REALM") or None)
    if client_id or secret:
        if not (client_id and secret):
            missing = "FLAME_HUB_CLIENT_SECRET" if client_id else "FLAME_HUB_CLIENT_ID"
            raise ConfigurationError(
                f"{missing} is not set (FLAME_HUB_CLIENT_ID and FLAME_HUB_CLIENT_SECRET go together)"
            )
        return ClientAuth(client_id, secret)
    if token:
        return StaticAuth(token)
    return None
