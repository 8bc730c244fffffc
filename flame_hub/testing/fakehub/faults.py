"""Fault injection for tests and benchmarks: ``hub.faults``.

Rules match a request by a glob over the full path (``"/core/nodes*"``, ``"/auth/token"``) and,
optionally, the method. They are checked in the order they were added; the first rule that still has
uses left applies. Everything is undone by :meth:`Faults.reset`.

* :meth:`Faults.add_latency` -- sleep before answering (``time.sleep`` in the sync transport and the
  loopback server, ``anyio.sleep`` in the async transport).
* :meth:`Faults.fail` -- answer an error for the next ``times`` matching requests: 429 looks like the
  rate limiter's answer (plain text, ``retry-after``); other statuses answer the service's JSON error
  shape with code ``internal_error`` (500), ``upstream_error`` (502) or ``service_unavailable``
  (503/504; not a Hub code -- in a real deployment the reverse proxy answers these).
* :meth:`Faults.drop_connection` -- close the connection: before any answer (in-process:
  ``httpx.RemoteProtocolError``; loopback: the socket closes) or, with ``after_bytes``, in the middle
  of the response body (in-process: ``httpx.ReadError`` while streaming; loopback: the socket closes
  after that many body bytes).
* :meth:`Faults.revoke_sessions` / :meth:`Faults.revoke_token` -- kill sessions as authup does on a
  refresh-token replay; ``at_core=True`` also makes core/storage reject tokens they had already
  accepted (a real core keeps accepting them until ``exp``, observed.md).
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass

from .errors import HubError, Service, error_body
from .http import Request, Response
from .ratelimit import TOO_MANY_MESSAGE
from .tokens import TokenService

_CODES = {500: "internal_error", 502: "upstream_error", 507: "storage_insufficient"}


@dataclass
class _Rule:
    kind: str  # "latency" | "error" | "drop"
    pattern: str
    method: str | None
    times: int | None  # None = forever
    seconds: float = 0.0
    status: int = 503
    retry_after: int | None = None
    after_bytes: int | None = None

    def matches(self, request: Request) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method is not None and self.method.upper() != request.method.upper():
            return False
        return fnmatch.fnmatchcase(request.path, self.pattern)


class Faults:
    """The fault-injection switchboard of one FakeHub."""

    def __init__(self, tokens: TokenService) -> None:
        self._tokens = tokens
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []

    # -- configuration --------------------------------------------------------------------------------
    def add_latency(
        self, pattern: str, seconds: float, *, method: str | None = None, times: int | None = None
    ) -> None:
        """Delay matching requests by ``seconds`` (every time, or the next ``times`` requests)."""
        with self._lock:
            self._rules.append(_Rule("latency", pattern, method, times, seconds=seconds))

    def fail(
        self,
        pattern: str,
        status: int = 503,
        *,
        times: int = 1,
        retry_after: int | None = None,
        method: str | None = None,
    ) -> None:
        """Answer ``status`` to the next ``times`` matching requests (with ``Retry-After`` if given)."""
        with self._lock:
            self._rules.append(_Rule("error", pattern, method, times, status=status, retry_after=retry_after))

    def drop_connection(
        self, pattern: str, *, times: int = 1, after_bytes: int | None = None, method: str | None = None
    ) -> None:
        """Close the connection for the next ``times`` matching requests (mid-body with ``after_bytes``)."""
        with self._lock:
            self._rules.append(_Rule("drop", pattern, method, times, after_bytes=after_bytes))

    def revoke_sessions(self, *, at_core: bool = False) -> int:
        """Revoke every session (all tokens answer ``inactive_token`` at authup); returns how many."""
        return self._tokens.revoke_all(at_core=at_core)

    def revoke_token(self, token: str, *, at_core: bool = False) -> bool:
        """Revoke the session of one access or refresh token; returns whether one was found."""
        return self._tokens.revoke_session_of(token, at_core=at_core)

    def reset(self) -> None:
        """Remove every rule (revoked sessions stay revoked, as they would on a real server)."""
        with self._lock:
            self._rules.clear()

    # -- used by the transports and the app -------------------------------------------------------------
    def _take(self, request: Request, kind: str) -> _Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.kind == kind and rule.matches(request):
                    if rule.times is not None:
                        rule.times -= 1
                    return rule
        return None

    def delay_for(self, request: Request) -> float:
        """Seconds to wait before answering ``request``."""
        rule = self._take(request, "latency")
        return rule.seconds if rule is not None else 0.0

    def intercept(self, request: Request, service: Service) -> tuple[Response | None, int | None]:
        """(an injected answer replacing the real one, body bytes after which to cut the connection)."""
        cut: int | None = None
        rule = self._take(request, "drop")
        if rule is not None:
            if rule.after_bytes is None:
                return Response(0, drop=True), None
            cut = rule.after_bytes  # answer normally; the transport cuts the body
        error = self._take(request, "error")
        if error is None:
            return None, cut
        headers = {"retry-after": str(error.retry_after)} if error.retry_after is not None else {}
        if error.status == 429:
            return Response.text(TOO_MANY_MESSAGE, status=429, headers=headers), cut
        code = _CODES.get(error.status, "service_unavailable")
        failure = HubError(code, "The service is unavailable (injected fault).", status=error.status)
        return Response.json(error_body(failure, service), status=error.status, headers=headers), cut
