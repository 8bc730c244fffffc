"""Small facts of HTTP use: safe path segments, the User-Agent, TLS settings, plain-http warnings."""

from __future__ import annotations

import functools
import os
import re
import ssl
import threading
import uuid
import warnings
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote_plus

import httpx

from flame_hub._version import __version__
from flame_hub.exceptions import InvalidIdError

__all__ = [
    "Address",
    "InsecureTransportWarning",
    "URLBuilder",
    "default_ssl_context",
    "encode_query",
    "lit",
    "path_segment",
    "tls_verify",
    "user_agent",
]

# Names the Hub and authup accept in paths: UUIDs, realm/user/client names (``[a-z0-9-_.]``), storage
# bucket names, and the ``@me`` shortcut. Anything else could reach another route (``a/b``, ``..``).
_SEGMENT = re.compile(r"^@?[A-Za-z0-9_][A-Za-z0-9._~-]{0,255}$")


def path_segment(value: object, *, what: str = "id") -> str:
    """Turn an id (a model, a UUID or a string) into one safe URL path segment.

    Raises :class:`InvalidIdError` for anything that would not address a single record.
    """
    if hasattr(value, "id") and not isinstance(value, (str, uuid.UUID)):
        value = value.id
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None:
        raise InvalidIdError(f"the {what} is None: pass a UUID, a string id or a record that has been saved")
    if not isinstance(value, str):
        raise InvalidIdError(f"the {what} must be a UUID, a string or a record, got {type(value).__name__}")
    if value in (".", "..") or not _SEGMENT.match(value):
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise InvalidIdError(
            f"the {what} {shown!r} cannot be used in a URL path: ids are UUIDs or names made of letters, "
            "digits and '-', '_', '.', '~' (no '/', '?', '#', spaces or '..')"
        )
    return value


def user_agent() -> str:
    """The User-Agent every request carries: this library, its version and httpx's."""
    return f"flame-hub-client/{__version__} python-httpx/{httpx.__version__}"


class InsecureTransportWarning(UserWarning):
    """Credentials would travel over plain HTTP to a host that is not this machine."""


_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def warn_if_plain_http(*urls: str | None) -> None:
    """Warn when credentials would go unencrypted over the network (loopback and test hosts are fine)."""
    for url in urls:
        if not url:
            continue
        parsed = httpx.URL(url)
        host = parsed.host or ""
        local = host in _LOOPBACK_HOSTS or host.startswith("127.") or host.endswith((".test", ".localhost"))
        if parsed.scheme == "http" and not local:
            warnings.warn(
                f"credentials would be sent over plain http to {host}; use https:// (or a loopback address)",
                InsecureTransportWarning,
                stacklevel=5,
            )
            return


def tls_verify(verify: Any) -> Any:
    """``verify=`` as httpx wants it: False, an ``ssl.SSLContext``, or a CA bundle path turned into one;
    True is the process's :func:`default_ssl_context`."""
    if verify is True:
        return default_ssl_context()
    if isinstance(verify, (str, os.PathLike)):
        return ssl.create_default_context(cafile=os.fspath(verify))
    return verify


_DEFAULT_CONTEXTS: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_DEFAULT_CONTEXTS_LOCK = threading.Lock()


def default_ssl_context() -> ssl.SSLContext:
    """The TLS context every client built with ``verify=True`` shares: httpx's default (certifi's CAs,
    or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set), made once per process and per those two settings.

    httpx makes one per client, and loading the CA bundle costs ~20 ms of CPU: three per ``Hub``, paid
    again by every short script and every worker process. A context can be shared: verifying and
    wrapping sockets do not change it (httpcore sets the same ALPN protocols, ``http/1.1``, for every
    connection of a client without HTTP/2, which flame-hub's clients are).
    """
    key = (os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)
    context = _DEFAULT_CONTEXTS.get(key)
    if context is None:
        with _DEFAULT_CONTEXTS_LOCK:
            context = _DEFAULT_CONTEXTS.get(key)
            if context is None:
                context = _DEFAULT_CONTEXTS[key] = httpx.create_ssl_context(verify=True, trust_env=True)
    return context


class PathLiteral:
    """A literal path part (not an id): ``client.url(lit("nodes"), node_id)``."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text.strip("/")


class Address(str):
    """The absolute URL of a path below a service, as text whose segments were checked (see
    ``ServiceClient._address``). A request to it is built with one
    ``httpx.URL``, query included, instead of httpx parsing the URL and then again with its params."""

    __slots__ = ()


def encode_query(pairs: Iterable[tuple[Any, Any]]) -> str | None:
    """The query string httpx would make of ``params=pairs`` (as ``str(httpx.QueryParams(pairs))``), or
    None when a key or value is not text (httpx's own coercion then applies).

    Like httpx, the values of a key repeated further on are grouped after its first occurrence, and the
    text is encoded as :func:`urllib.parse.urlencode` encodes it. ``tests/unit/test_urls.py`` checks
    the result against httpx's for every lookup and awkward values.
    """
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        if type(key) is not str or type(value) is not str:
            return None
        values = grouped.get(key)
        if values is None:
            grouped[key] = [value]
        else:
            values.append(value)
    # urlencode's own encoding of text pairs, each part quoted once per process (keys and most values
    # repeat from request to request)
    return "&".join(f"{_quoted(key)}={_quoted(value)}" for key, values in grouped.items() for value in values)


@functools.lru_cache(maxsize=1024)
def _quoted(text: str) -> str:
    return quote_plus(text)


# Path text below a service URL that httpx's parser would leave exactly as it is (no percent-encoding, no
# dot segments to remove): what resource paths and checked ids are made of.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_~@-][A-Za-z0-9._~@/-]*|")


def _reusable_references() -> bool:
    """Whether an ``httpx.URL`` can be made from the parsed parts of another (see :class:`URLBuilder`):
    true of httpx 0.23 to 0.28; checked against httpx's own parser once, at import."""
    try:
        base = httpx.URL("https://hub.example/sub%20path/core/")
        made = httpx.URL.__new__(httpx.URL)
        made._uri_reference = base._uri_reference._replace(
            path=base._uri_reference.path + "nodes/@me", query="a=%5Bx%5D+y&b=1"
        )
        parsed = httpx.URL("https://hub.example/sub%20path/core/nodes/@me?a=%5Bx%5D+y&b=1")
        return str(made) == str(parsed) and made == parsed and made.raw_path == parsed.raw_path
    except Exception:  # httpx changed its internals: parse every URL
        return False


_REUSABLE = _reusable_references()


class URLBuilder:
    """Makes the ``httpx.URL`` of a request below one service URL without parsing it.

    httpx parses every URL it is given, character by character (~100 characters for a list request
    with its query). The service URL is parsed once; a request's URL takes its parsed parts and adds
    a path made only of characters the parser leaves alone and a query from :func:`encode_query`,
    which is already in the form the parser would give it (so the result equals ``httpx.URL(text)``;
    ``tests/unit/test_urls.py`` checks it). Anything else is parsed by httpx as usual.
    """

    __slots__ = ("_reference", "base_url")

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._reference = httpx.URL(base_url)._uri_reference if _REUSABLE else None

    def build(self, address: str, query: str) -> httpx.URL:
        """The URL of ``address`` (text below the base URL) with ``query`` (from :func:`encode_query`)."""
        reference = self._reference
        if reference is not None and address.startswith(self.base_url):
            rest = address[len(self.base_url) :]
            if _PLAIN_PATH.fullmatch(rest) and "/." not in rest:
                url = httpx.URL.__new__(httpx.URL)
                url._uri_reference = reference._replace(path=reference.path + rest, query=query or None)
                return url
        return httpx.URL(f"{address}?{query}" if query else address)


def lit(text: str) -> PathLiteral:
    """Mark a literal path part for :meth:`~flame_hub.engine.client.ServiceClient.url`."""
    return PathLiteral(text)


def describe_timeout(timeout: object) -> str:
    if isinstance(timeout, httpx.Timeout):
        parts = {
            "connect": timeout.connect,
            "read": timeout.read,
            "write": timeout.write,
            "pool": timeout.pool,
        }
        return ", ".join(f"{k}={v}s" for k, v in parts.items() if v is not None) or "none"
    return f"{timeout}s"
