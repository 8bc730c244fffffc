"""The transport every service client stands on: URLs, auth, timeouts, errors and logging, once.

Request building and response checking are IO-free (:class:`ServiceCore`) so that the sync client here
and its async twin share them; only sending differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import ssl
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar

import httpx
import pydantic
from typing_extensions import Self, TypedDict, Unpack

from flame_hub._redact import redact_text
from flame_hub._sync import aiter_sync, run_sync
from flame_hub._version import __version__
from flame_hub.auth import StaticAuth, TokenAuth
from flame_hub.config import DEFAULT_TIMEOUT, derive_auth_url, normalize_url
from flame_hub.exceptions import (
    ConfigurationError,
    HubAPIError,
    HubConnectionError,
    HubTimeoutError,
    InvalidIdError,
    OutcomeUnknownError,
    OutcomeUnknownTimeoutError,
    UnexpectedResponseError,
    raise_for_response,
)
from flame_hub.retry import Retry, retry_after

if TYPE_CHECKING:
    from flame_hub.clients.engine import Call

T = TypeVar("T")

#: Pages read at once when a QuerySet iterates beyond its first page. 16 was the fastest in the bulk-read
#: benchmark (bench/); it changes how fast a listing's requests are sent, not how many.
DEFAULT_PAGE_CONCURRENCY = 16

HTTPClientT = TypeVar("HTTPClientT", httpx.Client, httpx.AsyncClient)

__all__ = [
    "USE_CLIENT_AUTH",
    "AsyncBaseClient",
    "AuthArg",
    "BaseClient",
    "ServiceCore",
    "path_segment",
    "user_agent",
]

logger = logging.getLogger("flame_hub")


class _UseClientAuth:
    """Sentinel: use the auth the client was built with."""

    def __repr__(self) -> str:
        return "USE_CLIENT_AUTH"


#: The default of every method's ``auth=``: the client's own auth flow (``auth=None`` sends no auth).
USE_CLIENT_AUTH: Final = _UseClientAuth()

#: Per-request auth: a flow, a raw bearer token, None for no Authorization at all, or the client's own.
AuthArg = httpx.Auth | str | None | _UseClientAuth

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


class ServiceCore:
    """The IO-free part of a service client: where it points, how it authenticates, how it checks answers.

    A client is configured with ``base_url``, the service's URL (``https://host/core/``; the public Hub's
    by default), ``auth``, an auth flow (``PasswordAuth``, ``ClientAuth``, ``StaticAuth``, any
    ``httpx.Auth``) or a raw bearer token string, and ``auth_url``, authup's URL for token requests
    (derived from ``base_url`` when left out).
    """

    #: The service this client talks to (``auth``, ``core``, ``storage``).
    service: ClassVar[str] = ""
    #: The public Hub's URL of that service.
    default_url: ClassVar[str] = ""

    base_url: str
    auth_url: str | None
    _auth: httpx.Auth | None

    def _configure(
        self,
        base_url: str | httpx.URL | None,
        auth: httpx.Auth | str | None,
        auth_url: str | None,
        client_base_url: httpx.URL | None,
    ) -> None:
        if base_url:
            self.base_url = normalize_url(base_url, what=f"{self.service} URL")
        elif client_base_url is not None and str(client_base_url):
            self.base_url = normalize_url(client_base_url, what=f"{self.service} URL")
        else:
            self.base_url = self.default_url
        if self.service == "auth":
            self.auth_url = normalize_url(auth_url, what="auth URL") if auth_url else self.base_url
        else:
            self.auth_url = (
                normalize_url(auth_url, what="auth URL")
                if auth_url
                else derive_auth_url(self.base_url, self.service)
            )
        self._auth = self._bind(auth)

    def _bind(self, auth: httpx.Auth | str | None) -> httpx.Auth | None:
        if auth is None:
            return None
        _warn_if_plain_http(self.base_url, self.auth_url)
        if isinstance(auth, str):
            return StaticAuth(auth)
        if isinstance(auth, (TokenAuth, StaticAuth)):
            if isinstance(auth, TokenAuth) and auth.base_url is None and self.auth_url is None:
                raise ConfigurationError(
                    f"cannot tell where {auth!r} should request tokens: the {self.service} URL "
                    f"{self.base_url} does not show authup's URL. Pass auth_url= to the client, or "
                    "base_url= to the auth flow."
                )
            return auth.bind(self.auth_url)
        if isinstance(auth, httpx.Auth):
            return auth
        raise ConfigurationError(
            f"auth must be an httpx.Auth (PasswordAuth, ClientAuth, StaticAuth …), a bearer token string or "
            f"None, got {type(auth).__name__}"
        )

    def _execute(self, call: Call[T]) -> T:
        """Run an engine call; the sync and async base clients provide it."""
        raise NotImplementedError  # pragma: no cover

    @property
    def auth(self) -> httpx.Auth | None:
        """The auth flow this client sends with every request (bound to this Hub's token URL)."""
        return self._auth

    def url(self, *segments: object) -> httpx.URL:
        """The absolute URL of a path below this service; ids are checked segment by segment.

        Literal path parts (``"nodes"``, ``"client/credentials"``) pass as they are; ids come in as
        UUIDs, records or strings and must each be one safe segment.
        """
        parts: list[str] = []
        for segment in segments:
            if isinstance(segment, _Literal):
                parts.append(segment.text)
            else:
                parts.append(path_segment(segment))
        return httpx.URL(self.base_url + "/".join(parts))

    def request_auth(self, auth: AuthArg) -> httpx.Auth | None:
        """The auth for one request: the client's own, another flow, a raw token, or none."""
        if isinstance(auth, _UseClientAuth):
            return self._auth
        return self._bind(auth)

    @staticmethod
    def check(response: httpx.Response, expected: Iterable[int]) -> httpx.Response:
        """Raise the fitting :class:`~flame_hub.exceptions.HubAPIError` unless the status is expected.

        The body of an error response must have been read.
        """
        if response.status_code not in tuple(expected):
            raise_for_response(response)
        return response

    @staticmethod
    def _log(response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            request = response.request
            logger.debug(
                "%s %s -> %s (%.0f ms)",
                request.method,
                redact_text(str(request.url)),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )

    @staticmethod
    def _transport_error(
        exc: httpx.TransportError, request: httpx.Request, timeout: object, *, outcome_unknown: bool = False
    ) -> Exception:
        target = f"{request.method} {redact_text(str(request.url))}"
        timed_out = isinstance(exc, httpx.TimeoutException)
        if timed_out:
            text = f"{target} timed out ({type(exc).__name__}; timeout {_describe_timeout(timeout)})"
        else:
            text = f"{target} failed: {type(exc).__name__}: {redact_text(str(exc))}"
        if outcome_unknown:
            text += (
                "; the request was sent, so the Hub may or may not have carried it out — it is not repeated "
                "automatically: check (e.g. look the record up) before sending it again"
            )
            cls: type[HubConnectionError] = OutcomeUnknownTimeoutError if timed_out else OutcomeUnknownError
            return cls(text, request=request)
        return (HubTimeoutError if timed_out else HubConnectionError)(text, request=request)


class InsecureTransportWarning(UserWarning):
    """Credentials would travel over plain HTTP to a host that is not this machine."""


_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _warn_if_plain_http(*urls: str | None) -> None:
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
    """``verify=`` as httpx wants it: True/False, an ``ssl.SSLContext``, or a CA bundle path turned into one."""
    if isinstance(verify, (str, os.PathLike)):
        return ssl.create_default_context(cafile=os.fspath(verify))
    return verify


class _Literal:
    """A literal path part (not an id): ``client.url(lit("nodes"), node_id)``."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text.strip("/")


def lit(text: str) -> _Literal:
    """Mark a literal path part for :meth:`ServiceCore.url`."""
    return _Literal(text)


def _describe_timeout(timeout: object) -> str:
    if isinstance(timeout, httpx.Timeout):
        parts = {
            "connect": timeout.connect,
            "read": timeout.read,
            "write": timeout.write,
            "pool": timeout.pool,
        }
        return ", ".join(f"{k}={v}s" for k, v in parts.items() if v is not None) or "none"
    return f"{timeout}s"


class RequestOptions(TypedDict, total=False):
    """Options of :meth:`BaseClient.request` / :meth:`AsyncBaseClient.request`."""

    params: Mapping[str, str] | Sequence[tuple[str, str]] | None
    json: Any
    files: Any
    data: Mapping[str, Any] | None
    auth: AuthArg
    expected: Iterable[int]
    stream: bool


class _HTTPClientCore(ServiceCore, Generic[HTTPClientT]):
    """Construction and the IO-free parts of sending, shared by the sync and the async client.

    Args:
        base_url: the service URL; defaults to ``client.base_url`` when a client is given, else the
            public Hub's.
        auth: the auth flow or bearer token for every request.
        client: your own ``httpx.Client`` / ``httpx.AsyncClient`` (its pool, proxies, TLS). Its
            ``base_url`` and ``auth`` are used unless ``base_url`` / ``auth`` are given here too (then
            those win). You keep ownership: closing this object does not close it.
        auth_url: authup's URL, when it cannot be derived from ``base_url``.
        timeout: seconds or an ``httpx.Timeout`` (default: connect 10 s, everything else 30 s).
        transport: an httpx transport for the client this object creates (e.g. FakeHub's in-process one).
        verify: TLS verification, on by default: ``True``, ``False``, an ``ssl.SSLContext``, or the path of
            a CA bundle for a Hub with its own certificate authority.
        headers: extra headers for every request.
        retry: the retry policy (a :class:`~flame_hub.retry.Retry`; ``False`` switches retries off).
        page_concurrency: how many pages a QuerySet iteration reads at once after the first page told
            the total (1 reads them one by one).
    """

    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]

    def __init__(
        self,
        base_url: str | httpx.URL | None = None,
        auth: httpx.Auth | str | None = None,
        *,
        client: HTTPClientT | None = None,
        auth_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: Any = None,
        verify: Any = True,
        headers: Mapping[str, str] | None = None,
        retry: Retry | bool | None = None,
        page_concurrency: int = DEFAULT_PAGE_CONCURRENCY,
    ) -> None:
        self._retry = Retry.of(retry)
        if not isinstance(page_concurrency, int) or page_concurrency < 1:
            raise ConfigurationError(f"page_concurrency must be a positive integer, got {page_concurrency!r}")
        self.page_concurrency = page_concurrency
        if client is not None and transport is not None:
            raise ConfigurationError(
                "pass either client= or transport=, not both (a client has its own transport)"
            )
        if client is not None and not isinstance(client, self._http_class):
            raise ConfigurationError(
                f"{type(self).__name__} needs an {self._http_class.__module__}.{self._http_class.__name__}, "
                f"got {type(client).__name__}"
            )
        if client is not None and auth is None and client.auth is not None:
            # The seed's documented set-up: the given client carries the auth (and the base URL); both
            # apply unless passed here explicitly. Requests name their auth, so it must be adopted.
            auth = client.auth
        self._configure(base_url, auth, auth_url, client.base_url if client is not None else None)
        self._owns_client = client is None
        self._timeout: httpx.Timeout | None = None if timeout is None else httpx.Timeout(timeout)
        if client is None:
            client = self._http_class(  # type: ignore[assignment]
                timeout=self._timeout or DEFAULT_TIMEOUT,
                transport=transport,
                verify=tls_verify(verify),
                headers={"User-Agent": user_agent(), **(headers or {})},
            )
        elif headers:
            client.headers.update(headers)
        assert client is not None
        self._http: HTTPClientT = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._auth!r})"

    @property
    def http(self) -> HTTPClientT:
        """The underlying httpx client."""
        return self._http

    def _build(
        self,
        method: str,
        url: httpx.URL | str,
        params: Mapping[str, str] | Sequence[tuple[str, str]] | None,
        json: Any,
        files: Any,
        data: Mapping[str, Any] | None,
    ) -> httpx.Request:
        if isinstance(url, str):
            url = self.url(lit(url))
        pairs: Any = (
            list(params.items()) if isinstance(params, Mapping) else (list(params) if params else None)
        )
        return self._http.build_request(
            method,
            url,
            params=pairs,
            json=json,
            files=files,
            data=data,
            timeout=self._timeout if self._timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )

    @contextlib.contextmanager
    def _sending(self, request: httpx.Request) -> Iterator[None]:
        """Turn httpx transport errors into errors that name the request and the timeout."""
        try:
            yield
        except httpx.TransportError as exc:
            raise self._transport_error(exc, request, self._timeout or self._http.timeout) from exc

    @contextlib.asynccontextmanager
    async def _receiving(self, response: httpx.Response, started: float) -> AsyncIterator[None]:
        """Log the answer; close it on any failure while its body is read or checked.

        Closed through the client's own IO: an async response refuses a sync ``close()``.
        """
        self._log(response, started)
        try:
            with self._sending(response.request):
                yield
        except BaseException:
            await self._io_close(response)
            raise

    @staticmethod
    def _must_read(response: httpx.Response, expected: Iterable[int], stream: bool) -> bool:
        """Error bodies are always read (to parse them); success bodies unless streaming."""
        return response.status_code not in tuple(expected) or not stream

    async def _io_send(self, request: httpx.Request, auth: httpx.Auth | None) -> httpx.Response:
        raise NotImplementedError  # pragma: no cover - BaseClient / AsyncBaseClient

    async def _io_read(self, response: httpx.Response) -> None:
        raise NotImplementedError  # pragma: no cover - BaseClient / AsyncBaseClient

    def _io_chunks(self, response: httpx.Response, chunk_size: int) -> AsyncIterator[bytes]:
        raise NotImplementedError  # pragma: no cover - BaseClient / AsyncBaseClient

    async def _io_close(self, response: httpx.Response) -> None:
        raise NotImplementedError  # pragma: no cover - BaseClient / AsyncBaseClient

    async def _run_call(self, call: Call[T]) -> T:
        """Send an engine call (unless it needs no request) and parse the answer.

        A success answer whose body does not match the resource (drift, a proxy's HTML page) raises
        :class:`UnexpectedResponseError` naming the request, never a bare pydantic or JSON error.
        """
        if not call.method:
            return call.parse(None)  # type: ignore[arg-type]
        response = await self._request(call.method, call.url, self._call_arguments(call))  # type: ignore[arg-type]
        try:
            return call.parse(response)
        except (pydantic.ValidationError, ValueError) as exc:
            target = f"{call.method} {redact_text(str(call.url))}"
            detail = (
                exc.errors(include_input=False)[:3] if isinstance(exc, pydantic.ValidationError) else str(exc)
            )
            raise UnexpectedResponseError(
                f"{target} answered {response.status_code} with a body flame-hub cannot read: {detail}"
            ) from exc

    async def _request(self, method: str, url: httpx.URL | str, options: RequestOptions) -> httpx.Response:
        """Send one request, repeating it as the retry policy allows (written once; the sync client runs it
        with blocking IO). See :mod:`flame_hub.retry` for what is repeated and why."""
        unknown = set(options) - set(RequestOptions.__annotations__)
        if unknown:
            raise TypeError(
                f"unknown request option(s) {', '.join(sorted(unknown))}; options: {', '.join(RequestOptions.__annotations__)}"
            )
        expected: tuple[int, ...] = tuple(options.get("expected", (200,)))
        stream = options.get("stream", False)
        policy = self._retry
        deadline = time.monotonic() + policy.max_time
        attempt = 0
        maybe_applied = False  # an earlier attempt may have reached the Hub and lost its answer
        while True:
            request = self._build(
                method,
                url,
                options.get("params"),
                options.get("json"),
                options.get("files"),
                options.get("data"),
            )
            idempotent = policy.idempotent(request)
            started = time.perf_counter()
            try:
                response = await self._io_send(
                    request, self.request_auth(options.get("auth", USE_CLIENT_AUTH))
                )
            except httpx.TransportError as exc:
                never_sent = policy.never_sent(exc)
                wait = self._retry_wait(attempt, deadline, None) if idempotent or never_sent else None
                if wait is None:
                    timeout = self._timeout or self._http.timeout
                    raise self._transport_error(
                        exc, request, timeout, outcome_unknown=not (never_sent or idempotent)
                    ) from exc
                maybe_applied = maybe_applied or not never_sent
                attempt += 1
                self._log_retry(request, type(exc).__name__, attempt, wait)
                await self._io_sleep(wait)
                continue
            except HubAPIError as exc:  # the token request in front of this one was refused; nothing was sent
                after = retry_after(exc.response) if exc.response is not None else None
                wait = (
                    self._retry_wait(attempt, deadline, after) if exc.status_code in policy.statuses else None
                )
                if wait is None:
                    raise
                attempt += 1
                self._log_retry(request, f"token request answered {exc.status_code}", attempt, wait)
                await self._io_sleep(wait)
                continue
            status = response.status_code
            if idempotent and status in policy.statuses and status not in expected:
                wait = self._retry_wait(attempt, deadline, retry_after(response))
                if wait is not None:
                    await self._io_close(response)
                    attempt += 1
                    self._log_retry(request, f"answer {status}", attempt, wait)
                    await self._io_sleep(wait)
                    continue
            if maybe_applied and request.method == "DELETE" and status == 404:
                expected = (*expected, 404)  # the earlier attempt deleted it; its answer was lost
            try:
                async with self._receiving(response, started):
                    if self._must_read(response, expected, stream):
                        await self._io_read(response)
                    return self.check(response, expected)
            except (HubConnectionError, httpx.TransportError):
                wait = self._retry_wait(attempt, deadline, None) if idempotent else None
                if wait is None:
                    raise
                attempt += 1
                self._log_retry(request, "the answer broke off", attempt, wait)
                await self._io_sleep(wait)

    def _retry_wait(self, attempt: int, deadline: float, after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the policy's count or time is used up."""
        policy = self._retry
        if attempt >= policy.attempts:
            return None
        wait = policy.wait(attempt + 1, after)
        if after is not None and after > policy.max_backoff:
            return None  # the Hub asks for a longer pause than the policy allows: report it instead
        if time.monotonic() + wait > deadline:
            return None
        return wait

    @staticmethod
    def _log_retry(request: httpx.Request, reason: str, attempt: int, wait: float) -> None:
        logger.info(
            "retrying %s %s after %s (repetition %d) in %.2f s",
            request.method,
            redact_text(str(request.url)),
            reason,
            attempt,
            wait,
        )

    async def _io_sleep(self, seconds: float) -> None:
        raise NotImplementedError  # pragma: no cover - BaseClient / AsyncBaseClient

    @staticmethod
    def _call_arguments(call: Call[Any]) -> dict[str, Any]:
        expected = (*call.expected, 404) if call.none_on_404 else call.expected
        return {
            "params": call.params,
            "json": call.json,
            "files": call.files,
            "auth": call.auth,
            "expected": expected,
            "stream": call.stream,
        }


class BaseClient(_HTTPClientCore[httpx.Client]):
    """A service client over one :class:`httpx.Client` (keep-alive connection pool); see the arguments of
    :class:`_HTTPClientCore`."""

    _http_class = httpx.Client

    async def _io_send(self, request: httpx.Request, auth: httpx.Auth | None) -> httpx.Response:
        return self._http.send(request, auth=auth, stream=True)

    async def _io_read(self, response: httpx.Response) -> None:
        response.read()

    async def _io_sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _io_chunks(self, response: httpx.Response, chunk_size: int) -> AsyncIterator[bytes]:
        return aiter_sync(response.iter_bytes(chunk_size))

    async def _io_close(self, response: httpx.Response) -> None:
        response.close()

    def request(self, method: str, url: httpx.URL | str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """Send one request and return the response, raising for any status not in ``expected``.

        Options: ``params``, ``json``, ``files``, ``data``, ``auth`` (per request), ``expected``
        (statuses that are not errors, default 200) and ``stream`` (do not read the body; close the
        response yourself).
        """
        return run_sync(self._request(method, url, options))

    def _execute(self, call: Call[T]) -> T:
        """Run an engine call: send it (unless it needs no request) and parse the answer."""
        return run_sync(self._run_call(call))

    def close(self) -> None:
        """Close the connection pool (unless it belongs to a client you passed in)."""
        if self._owns_client:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncBaseClient(_HTTPClientCore[httpx.AsyncClient]):
    """The async twin of :class:`BaseClient`, over one :class:`httpx.AsyncClient`."""

    _http_class = httpx.AsyncClient

    async def _io_send(self, request: httpx.Request, auth: httpx.Auth | None) -> httpx.Response:
        return await self._http.send(request, auth=auth, stream=True)

    async def _io_read(self, response: httpx.Response) -> None:
        await response.aread()

    async def _io_sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def _io_chunks(self, response: httpx.Response, chunk_size: int) -> AsyncIterator[bytes]:
        return response.aiter_bytes(chunk_size)

    async def _io_close(self, response: httpx.Response) -> None:
        await response.aclose()

    async def request(
        self, method: str, url: httpx.URL | str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """Send one request and return the response (see :meth:`BaseClient.request`)."""
        return await self._request(method, url, options)

    async def _execute(self, call: Call[T]) -> T:  # type: ignore[override]
        """Run an engine call: send it (unless it needs no request) and parse the answer."""
        return await self._run_call(call)

    async def aclose(self) -> None:
        """Close the connection pool (unless it belongs to a client you passed in)."""
        if self._owns_client:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
