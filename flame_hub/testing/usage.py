"""What a test session asks of a real Hub, counted on the wire: ``HubUsage`` and its counting transports.

A Hub's authup allows 1,200 requests a minute per caller address, token requests included, and a test
suite that logs in per test or creates nodes in loops (core provisions an authup client for each) runs
into 429 answers, then into core's 500 "429". The ``url`` and ``docker`` backends of the pytest plugin
send every request through :class:`CountingTransport` / :class:`AsyncCountingTransport`, so the
terminal summary can say how many token requests a run made, for which identities, and how close
authup's budget came to running out (its ``ratelimit-remaining`` header, which also counts what the
Hub's own services asked of authup from the same address).

They also pace: each request is charged what it costs authup (1 for a request to authup; 6 and 8 for
creating a node and an analysis, 1 for deleting one, which the Hub sends authup itself), and a request that
would take the last 60 seconds past :attr:`HubUsage.budget` waits until older charges leave the window.
Each answer from authup also tells how much of its window is used; whatever the charges do not account
for (an earlier session, clients built without these transports, other users of the address) is
charged until that window resets. A run that stays under the budget never waits.

Nothing here ever records a password, secret or token: a token request is counted under its grant type
and the user name or client id it names.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

from flame_hub._driver import PerLoop

__all__ = ["AsyncCountingTransport", "CountingTransport", "HubUsage"]

#: authup's budget per caller address and minute (observed.md).
AUTHUP_BUDGET = 1200
WINDOW_SECONDS = 60.0
#: What creating a record of these core collections costs authup: the Hub provisions the record's authup
#: client itself, from its own address (measured on Hub v0.14.0: 30 requests for 5 nodes, 40 for 5
#: analyses). Deleting one costs 1 (the client's removal).
PROVISION_COSTS = {"nodes": 6, "analyses": 8}
#: The estimated authup requests a session may cause within 60 s before the next one waits: 650 of the
#: 1,200, leaving room for what the estimate misses (clients built without the backend's transport, core
#: checking each new token). tests/integration against the real Hub peaked at authup at 887 with 900
#: and at 1,025 with 750 (its 0.5.5-scenario tests send about 260 uncounted in a few seconds).
DEFAULT_BUDGET = 650


def _service(path: str) -> str:
    """``auth``, ``core``, ``storage`` from a Hub path (``/auth/token``), else ``other``."""
    head = path.lstrip("/").split("/", 1)[0]
    return head if head in ("auth", "core", "storage") else "other"


def _provision_cost(request: httpx.Request) -> int:
    """What a core write makes the Hub ask authup: creating or deleting a node or an analysis (else 0)."""
    parts = request.url.path.strip("/").split("/")
    try:
        at = parts.index("core")
    except ValueError:
        return 0
    rest = parts[at + 1 :]
    if not rest or rest[0] not in PROVISION_COSTS:
        return 0
    if request.method == "POST" and len(rest) == 1:
        return PROVISION_COSTS[rest[0]]
    return 1 if request.method == "DELETE" and len(rest) == 2 else 0


def _identity(request: httpx.Request) -> str:
    """``<grant>:<user name or client id>`` of a token request; never the password or secret."""
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streamed body: nothing to name
        return "unknown"
    body: dict[str, Any] = {}
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            loaded = json.loads(content or b"{}")
            body = loaded if isinstance(loaded, dict) else {}
        else:
            body = {k: v[0] for k, v in parse_qs(content.decode("utf-8", "replace")).items()}
    except ValueError:
        return "unknown"
    grant = str(body.get("grant_type") or "password")
    who = body.get("username") or body.get("client_id") or body.get("id") or "?"
    return f"{grant}:{who}"


@dataclass
class HubUsage:
    """Requests one test session sent to one Hub, and what authup's rate-limit headers said."""

    base_url: str
    requests: Counter[str] = field(default_factory=Counter)
    token_requests: Counter[str] = field(default_factory=Counter)
    too_many: int = 0
    #: The smallest ``ratelimit-remaining`` authup answered with, and its ``ratelimit-limit``.
    lowest_remaining: tuple[int, int] | None = None
    #: Estimated authup requests per test (``test_id`` is set by the plugin around each test).
    per_test: Counter[str] = field(default_factory=Counter)
    #: Node and analysis creations and deletions per test: each makes the Hub itself ask authup.
    provisioning: Counter[str] = field(default_factory=Counter)
    test_id: str | None = None
    #: Estimated authup requests allowed within 60 s before a request waits (see the module docstring).
    budget: int = DEFAULT_BUDGET
    #: The most estimated authup requests any 60 s held, and the seconds requests waited for the budget.
    busiest_minute: int = 0
    paused: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    #: (when, estimated authup requests), oldest first; a charge leaves the window 60 s after ``when``.
    _charges: list[tuple[float, int]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cost(self, request: httpx.Request) -> int:
        """What ``request`` costs authup's budget for this address (an estimate; 0 for most requests)."""
        service = _service(request.url.path)
        if service == "auth":
            return 1
        return _provision_cost(request) if service == "core" else 0

    def reserve(self, request: httpx.Request) -> float:
        """Charge ``request`` and answer 0, or answer how long to wait before asking again."""
        cost = self.cost(request)
        if cost == 0:
            return 0.0
        with self._lock:
            now = self.clock()
            spent = self._spent(now)
            if spent + cost > self.budget and self._charges:
                excess, freed = spent + cost - self.budget, 0
                for stamp, charge in self._charges:
                    freed += charge
                    if freed >= excess:
                        return max(0.01, stamp + WINDOW_SECONDS - now)
            bisect.insort(self._charges, (now, cost))
            self.busiest_minute = max(self.busiest_minute, spent + cost)
            self.per_test[self.test_id or "(outside tests)"] += cost
            return 0.0

    def _spent(self, now: float) -> int:
        """The charges still in the window ending ``now`` (older ones are dropped)."""
        while self._charges and now - self._charges[0][0] >= WINDOW_SECONDS:
            self._charges.pop(0)
        return sum(charge for _, charge in self._charges)

    def _observe(self, used: int, reset: int) -> None:
        """Take authup's own count into the estimate: when authup says more of its window is used than
        the charges show (an earlier session, clients without this transport, other users), the
        difference is charged until authup's window resets."""
        now = self.clock()
        spent = self._spent(now)
        if used > spent:
            bisect.insort(self._charges, (now + reset - WINDOW_SECONDS, used - spent))

    def waited(self, seconds: float) -> None:
        """Note time a request spent waiting for the budget."""
        with self._lock:
            self.paused += seconds

    def record(self, request: httpx.Request, response: httpx.Response) -> None:
        """Count one exchange (called by the counting transports once the answer's headers are in)."""
        service = _service(request.url.path)
        with self._lock:
            self.requests[service] += 1
            if response.status_code == 429:
                self.too_many += 1
            if service == "core" and response.status_code < 300 and _provision_cost(request):
                self.provisioning[self.test_id or "(outside tests)"] += 1
            if service != "auth":
                return
            if request.method == "POST" and request.url.path.rstrip("/").endswith("/token"):
                self.token_requests[_identity(request)] += 1
            remaining, limit, reset = (
                response.headers.get("ratelimit-remaining"),
                response.headers.get("ratelimit-limit"),
                response.headers.get("ratelimit-reset"),
            )
            if remaining is not None and limit is not None and remaining.isdigit() and limit.isdigit():
                pair = (int(remaining), int(limit))
                if self.lowest_remaining is None or pair[0] < self.lowest_remaining[0]:
                    self.lowest_remaining = pair
                if reset is not None and reset.isdigit() and int(limit) == AUTHUP_BUDGET:
                    self._observe(int(limit) - int(remaining), int(reset))

    @property
    def total(self) -> int:
        """Every request counted."""
        return sum(self.requests.values())

    def summary(self) -> list[str]:
        """Lines for the pytest terminal summary."""
        by_service = ", ".join(f"{name} {count}" for name, count in sorted(self.requests.items()))
        logins = sum(self.token_requests.values())
        lines = [
            f"{self.total} requests to {self.base_url} ({by_service or 'none'})",
            f"token requests: {logins} for {len(self.token_requests)} identities"
            + (f" (most for one identity: {max(self.token_requests.values())})" if logins else ""),
            *(
                f"  {count} token requests for {identity}"
                for identity, count in self.token_requests.most_common()
                if count > 1
            ),
            f"authup requests within 60 s, estimated (ours, and what node/analysis writes make the Hub "
            f"send): at most {self.busiest_minute} (budget {self.budget}; authup allows {AUTHUP_BUDGET} a "
            f"minute per address); waited {self.paused:.1f} s for the budget",
        ]
        if self.lowest_remaining is not None:
            remaining, limit = self.lowest_remaining
            lines.append(
                f"authup's own count (includes what the Hub's services asked from the same address): "
                f"lowest ratelimit-remaining {remaining} of {limit}"
            )
        if self.per_test:
            name, count = self.per_test.most_common(1)[0]
            lines.append(f"most estimated authup requests in one test: {count} ({name})")
        if self.provisioning:
            name, count = self.provisioning.most_common(1)[0]
            lines.append(
                f"node/analysis creations and deletions (the Hub sends authup 6-8 requests per create, 1 per "
                f"delete): "
                f"{sum(self.provisioning.values())} (most in one test: {count}, {name})"
            )
        lines.append(f"429 answers: {self.too_many}")
        return lines


class CountingTransport(httpx.BaseTransport):
    """An ``httpx.HTTPTransport`` shared by every sync client of a session, counting into ``usage``.

    Clients close their transport when they close; this one stays open for the next client (one
    connection pool for the session) and is closed by :meth:`shutdown`.
    """

    def __init__(self, usage: HubUsage, inner: httpx.BaseTransport | None = None, **options: Any) -> None:
        self.usage = usage
        self._inner = inner if inner is not None else httpx.HTTPTransport(**options)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        delay = self.usage.reserve(request)
        while delay > 0:
            time.sleep(delay)
            self.usage.waited(delay)
            delay = self.usage.reserve(request)
        response = self._inner.handle_request(request)
        self.usage.record(request, response)
        return response

    def close(self) -> None:
        """Kept open for the session's other clients (see the class docstring)."""

    def shutdown(self) -> None:
        """Close the connection pool (end of the session)."""
        self._inner.close()


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`CountingTransport`: one ``httpx.AsyncHTTPTransport`` per event loop.

    Async connections belong to the loop that opened them, so the pool is kept per loop; a client
    closing closes the pool of its loop, and the next client in that loop opens a fresh one.
    """

    def __init__(self, usage: HubUsage, **options: Any) -> None:
        self.usage = usage
        self._options = options
        self._inner = PerLoop(lambda: httpx.AsyncHTTPTransport(**self._options))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        delay = self.usage.reserve(request)
        while delay > 0:
            await asyncio.sleep(delay)
            self.usage.waited(delay)
            delay = self.usage.reserve(request)
        response = await self._inner.get().handle_async_request(request)
        self.usage.record(request, response)
        return response

    async def aclose(self) -> None:
        inner = self._inner.pop()
        if inner is not None:
            await inner.aclose()
