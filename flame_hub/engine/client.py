"""``ServiceClient``: what every service client is to the engine — where it points, how it authenticates,
how a request is sent (with its retries) and how an answer is checked. Written once, as plans.

Sending is a plan (:meth:`ServiceClient._request_plan`) that yields the driver's steps, so the sync clients
and the async ones share every line of it; only the driver differs (:func:`~flame_hub._driver.run` for
a sync client, :func:`~flame_hub._driver.arun` for an async one, as each client class says with
``is_async``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Final, TypeVar, overload

import httpx
from typing_extensions import TypedDict

from flame_hub._driver import Close, Plan, Planned, Read, Send, Sleep, Stream, gate_pool, run
from flame_hub._redact import redact_text
from flame_hub.auth import BoundTokenAuth, StaticAuth, TokenAuth
from flame_hub.config import DEFAULT_TIMEOUT, derive_auth_url, normalize_url
from flame_hub.engine.http import (
    Address,
    PathLiteral,
    URLBuilder,
    describe_timeout,
    encode_query,
    lit,
    path_segment,
    tls_verify,
    user_agent,
    warn_if_plain_http,
)
from flame_hub.exceptions import (
    ConfigurationError,
    HubAPIError,
    HubConnectionError,
    HubTimeoutError,
    OutcomeUnknownError,
    OutcomeUnknownTimeoutError,
    raise_for_response,
)
from flame_hub.retry import Retry, retry_after

__all__ = [
    "USE_CLIENT_AUTH",
    "AuthArg",
    "ClientOptions",
    "RequestOptions",
    "ServiceClient",
    "check_request_options",
]

T = TypeVar("T")

logger = logging.getLogger("flame_hub")


class _UseClientAuth:
    """Sentinel: use the auth the client was built with."""

    def __repr__(self) -> str:
        return "USE_CLIENT_AUTH"


#: The default of every method's ``auth=``: the client's own auth flow (``auth=None`` sends no auth).
USE_CLIENT_AUTH: Final = _UseClientAuth()

#: Per-request auth: a flow, a raw bearer token, None for no Authorization at all, or the client's own.
AuthArg = httpx.Auth | str | None | _UseClientAuth


class RequestOptions(TypedDict, total=False):
    """Options of :meth:`~flame_hub.clients.BaseClient.request` (and the async client's)."""

    params: Mapping[str, str] | Sequence[tuple[str, str]] | None
    json: Any
    files: Any
    data: Mapping[str, Any] | None
    auth: AuthArg
    expected: Iterable[int]
    stream: bool


_OPTIONS = frozenset(RequestOptions.__annotations__)


def check_request_options(options: Mapping[str, object]) -> None:
    """Refuse an option ``request()`` does not know (a typo such as ``expect=`` would otherwise be
    ignored) with a ``TypeError`` naming the options there are."""
    unknown = set(options) - _OPTIONS
    if unknown:
        raise TypeError(
            f"unknown request option(s) {', '.join(sorted(unknown))}; options: {', '.join(sorted(_OPTIONS))}"
        )


class ClientOptions(TypedDict, total=False):
    """The options every service client takes besides its URLs and auth (see :class:`ServiceClient`);
    a ``Hub`` passes them to its three clients."""

    timeout: float | httpx.Timeout | None
    transport: Any
    verify: Any
    headers: Mapping[str, str] | None
    retry: Retry | bool | None
    page_concurrency: int | None


class ServiceClient:
    """A client of one Hub service (``auth``, ``core`` or ``storage``), as the engine sees it.

    Args:
        base_url: the service URL; defaults to ``client.base_url`` when a client is given, else the
            public Hub's.
        auth: the auth flow (``PasswordAuth``, ``ClientAuth``, ``StaticAuth``, any ``httpx.Auth``) or
            bearer token for every request.
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
            the total (1 reads them one by one; None: the QuerySet's default).
    """

    #: The service this client talks to (``auth``, ``core``, ``storage``).
    service: ClassVar[str] = ""
    #: The public Hub's URL of that service.
    default_url: ClassVar[str] = ""
    #: Whether the client does async IO (its methods are coroutines, run with ``arun``).
    is_async: ClassVar[bool] = False
    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]] = httpx.Client

    base_url: str
    auth_url: str | None

    def __init__(
        self,
        base_url: str | httpx.URL | None = None,
        auth: httpx.Auth | str | None = None,
        *,
        client: httpx.Client | httpx.AsyncClient | None = None,
        auth_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: Any = None,
        verify: Any = True,
        headers: Mapping[str, str] | None = None,
        retry: Retry | bool | None = None,
        page_concurrency: int | None = None,
    ) -> None:
        self._retry = Retry.of(retry)
        if page_concurrency is not None and (
            not isinstance(page_concurrency, int)
            or isinstance(page_concurrency, bool)
            or page_concurrency < 1
        ):
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
        own_pool = client is None and (transport is None or type(transport) is httpx.AsyncHTTPTransport)
        if client is None:
            client = self._http_class(
                timeout=self._timeout or DEFAULT_TIMEOUT,
                transport=transport,
                verify=tls_verify(verify),
                headers={"User-Agent": user_agent(), **(headers or {})},
            )
        elif headers:
            client.headers.update(headers)
        if own_pool and isinstance(client, httpx.AsyncClient):
            gate_pool(client)  # httpx's own async transport, whose pool needs the gate (see PoolGate)
        self._http: Any = client

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
        self._urls = URLBuilder(self.base_url)
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
        warn_if_plain_http(self.base_url, self.auth_url)
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._auth!r})"

    @overload
    def _run(self, plan: Stream[T]) -> Iterator[T]: ...
    @overload
    def _run(self, plan: Planned[T] | Plan[T]) -> T: ...
    def _run(self, plan: Any) -> Any:
        """Run one of this client's plans with its driver: ``run`` (blocking IO); async clients use ``arun``."""
        return run(plan)

    @property
    def auth(self) -> httpx.Auth | None:
        """The auth flow this client sends with every request (bound to this Hub's token URL)."""
        return self._auth

    @property
    def http(self) -> Any:
        """The underlying httpx client (``httpx.Client``, or ``httpx.AsyncClient`` for an async client)."""
        return self._http

    def url(self, *segments: object) -> httpx.URL:
        """The absolute URL of a path below this service; ids are checked segment by segment.

        Literal path parts (``"nodes"``, ``"client/credentials"``) pass as they are; ids come in as
        UUIDs, records or strings and must each be one safe segment.
        """
        return httpx.URL(self._address(*segments))

    def _address(self, *segments: object) -> Address:
        """:meth:`url` as text, not parsed yet: what a call carries, so that sending it parses the URL
        once, query included."""
        parts: list[str] = []
        for segment in segments:
            if isinstance(segment, PathLiteral):
                parts.append(segment.text)
            else:
                parts.append(path_segment(segment))
        return Address(self.base_url + "/".join(parts))

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

    # -- the plan of one request with its retries ------------------------------------------------------

    def _request_plan(
        self, method: str, url: httpx.URL | str, options: RequestOptions
    ) -> Plan[httpx.Response]:
        """Send one request, repeating it as the retry policy allows. See :mod:`flame_hub.retry` for what
        is repeated and why. A token flow of this library runs inside this plan (its token requests and
        renewals are steps too); any other ``httpx.Auth`` is left to httpx.

        The options are the library's own or were checked by :func:`check_request_options` (the public
        ``request()``). What only a retry needs (is the request idempotent, how long may it go on) is
        worked out only when one is considered: this runs for every page of every listing.
        """
        expected: tuple[int, ...] = tuple(options.get("expected", (200,)))
        stream = options.get("stream", False)
        auth = self.request_auth(options.get("auth", USE_CLIENT_AUTH))
        policy = self._retry
        first = time.monotonic()  # the policy's max_time counts from here
        attempt = 0
        maybe_applied = False  # an earlier attempt may have reached the Hub and lost its answer
        while True:
            request = self._build(method, url, options)
            started = time.perf_counter()
            try:
                if isinstance(auth, BoundTokenAuth):
                    response = yield from auth.send_plan(self._http, request)
                else:
                    response = yield Send(self._http, request, auth)
            except httpx.TransportError as exc:
                never_sent = policy.never_sent(exc)
                idempotent = policy.idempotent(request)
                wait = self._retry_wait(attempt, first, None) if idempotent or never_sent else None
                if wait is None:
                    raise self._transport_error(
                        exc, request, outcome_unknown=not (never_sent or idempotent)
                    ) from exc
                maybe_applied = maybe_applied or not never_sent
                attempt += 1
                self._log_retry(request, type(exc).__name__, attempt, wait)
                yield Sleep(wait)
                continue
            except HubAPIError as exc:  # the token request in front of this one was refused; nothing was sent
                after = retry_after(exc.response) if exc.response is not None else None
                wait = self._retry_wait(attempt, first, after) if exc.status_code in policy.statuses else None
                if wait is None:
                    raise
                attempt += 1
                self._log_retry(request, f"token request answered {exc.status_code}", attempt, wait)
                yield Sleep(wait)
                continue
            status = response.status_code
            if status in policy.statuses and status not in expected and policy.idempotent(request):
                wait = self._retry_wait(attempt, first, retry_after(response))
                if wait is not None:
                    yield Close(response)
                    attempt += 1
                    self._log_retry(request, f"answer {status}", attempt, wait)
                    yield Sleep(wait)
                    continue
            if maybe_applied and request.method == "DELETE" and status == 404:
                expected = (*expected, 404)  # the earlier attempt deleted it; its answer was lost
            self._log(response, started)
            try:
                try:
                    try:
                        # error bodies are always read (to parse them); success bodies unless streaming
                        if status not in expected or not stream:
                            yield Read(response)
                        if status not in expected:
                            raise_for_response(response)
                        return response
                    except httpx.TransportError as exc:
                        raise self._transport_error(exc, request) from exc
                except GeneratorExit:
                    raise
                except BaseException:
                    yield Close(response)  # through the driver's IO: an async response refuses close()
                    raise
            except HubConnectionError:
                wait = self._retry_wait(attempt, first, None) if policy.idempotent(request) else None
                if wait is None:
                    raise
                attempt += 1
                self._log_retry(request, "the answer broke off", attempt, wait)
                yield Sleep(wait)

    def _build(self, method: str, url: httpx.URL | str, options: RequestOptions) -> httpx.Request:
        if isinstance(url, str) and not isinstance(url, Address):
            url = self._address(lit(url))
        params = options.get("params")
        pairs: Any = (
            list(params.items()) if isinstance(params, Mapping) else (list(params) if params else None)
        )
        if isinstance(url, Address):
            # one httpx.URL with the query in it: httpx would parse the URL, then again with the params
            query = encode_query(pairs) if pairs else ""
            if query is not None and "?" not in url and "#" not in url:
                url, pairs = self._urls.build(url, query), None
        return self._http.build_request(  # type: ignore[no-any-return]
            method,
            url,
            params=pairs,
            json=options.get("json"),
            files=options.get("files"),
            data=options.get("data"),
            timeout=self._timeout if self._timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )

    def _retry_wait(self, attempt: int, first: float, after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the policy's count or time (counted from
        ``first``, the first attempt's ``time.monotonic()``) is used up."""
        policy = self._retry
        deadline = first + policy.max_time
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

    def _transport_error(
        self, exc: httpx.TransportError, request: httpx.Request, *, outcome_unknown: bool = False
    ) -> Exception:
        """The named error for a transport failure: the request, what failed, and the timeout in force."""
        target = f"{request.method} {redact_text(str(request.url))}"
        timed_out = isinstance(exc, httpx.TimeoutException)
        if timed_out:
            timeout = self._timeout or self._http.timeout
            text = f"{target} timed out ({type(exc).__name__}; timeout {describe_timeout(timeout)})"
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
