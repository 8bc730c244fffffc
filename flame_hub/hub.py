"""``Hub``: the three service clients of one Hub, built from one URL and one auth flow."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx
from typing_extensions import Self

from flame_hub.clients.auth import AuthClient
from flame_hub.clients.core import CoreClient
from flame_hub.clients.storage import StorageClient
from flame_hub.config import ServiceURLs, auth_from_env, service_urls, timeout_from_env

__all__ = ["Hub"]


class Hub:
    """One Hub: ``hub.auth`` (authup), ``hub.core`` and ``hub.storage``, sharing one auth flow and token.

    Args:
        base_url: the Hub's URL; the services are ``/auth/``, ``/core/`` and ``/storage/`` below it.
            Without it (and without per-service URLs) the public Hub is used.
        auth: an auth flow (``PasswordAuth``, ``ClientAuth``, ``StaticAuth``) or a bearer token string.
            Its token URL is derived from the Hub URL unless the flow has its own ``base_url``.
        auth_url, core_url, storage_url: per-service URLs for split deployments (each wins over
            ``base_url`` for its service).
        timeout, transport, verify, headers: passed to each service client (see ``BaseClient``).

    Example::

        with Hub("https://hub.example/", PasswordAuth("admin", "start123")) as hub:
            hub.core.get_nodes()
    """

    def __init__(
        self,
        base_url: str | None = None,
        auth: httpx.Auth | str | None = None,
        *,
        auth_url: str | None = None,
        core_url: str | None = None,
        storage_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: Any = True,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.urls: ServiceURLs = service_urls(
            base_url, auth_url=auth_url, core_url=core_url, storage_url=storage_url
        )
        self.credentials = auth
        options: dict[str, Any] = {
            "auth_url": self.urls.auth,
            "timeout": timeout,
            "transport": transport,
            "verify": verify,
            "headers": headers,
        }
        self.auth = AuthClient(self.urls.auth, auth, **options)
        self.core = CoreClient(self.urls.core, auth, **options)
        self.storage = StorageClient(self.urls.storage, auth, **options)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Hub:
        """A Hub configured from the ``FLAME_HUB_*`` environment variables (see :mod:`flame_hub.config`).

        Keyword arguments override what the environment says.
        """
        env = os.environ if environ is None else environ
        options: dict[str, Any] = {
            "base_url": env.get("FLAME_HUB_URL") or None,
            "auth_url": env.get("FLAME_HUB_AUTH_URL") or None,
            "core_url": env.get("FLAME_HUB_CORE_URL") or None,
            "storage_url": env.get("FLAME_HUB_STORAGE_URL") or None,
            "timeout": timeout_from_env(env),
        }
        if "auth" not in overrides:
            options["auth"] = auth_from_env(env)
        options.update(overrides)
        return cls(**options)

    def __repr__(self) -> str:
        return f"Hub(auth={self.urls.auth!r}, core={self.urls.core!r}, storage={self.urls.storage!r})"

    def close(self) -> None:
        """Close the three service clients' connection pools."""
        for client in (self.auth, self.core, self.storage):
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
