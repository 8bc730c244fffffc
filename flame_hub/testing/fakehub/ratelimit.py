"""Rate limiting as the Hub's services apply it: fixed 60-second windows per caller address.

authup counts every request per address *before* authentication, so everyone gets the anonymous
budget of 1,200 requests/minute there (auth.md §2.2, observed.md). The Hub core and storage key by
identity kind: users 6,000, clients 60,000, anonymous 1,200 per minute (core-and-storage.md §1.7).
Answers carry ``ratelimit-limit``/``ratelimit-remaining``/``ratelimit-reset``; an exhausted budget
answers 429 with a plain-text body and ``retry-after: 60`` (observed.md).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from .clock import Clock
from .http import Response

WINDOW_SECONDS = 60
AUTH_LIMIT = 1200
LIMITS = {"anonymous": 1200, "user": 6000, "client": 60000}
TOO_MANY_MESSAGE = "Too many requests, please try again later."


@dataclass(frozen=True)
class RateState:
    """The budget after one request."""

    limit: int
    remaining: int
    reset: int
    exceeded: bool

    def headers(self) -> dict[str, str]:
        """The ``ratelimit-*`` headers of an answer."""
        return {
            "ratelimit-limit": str(self.limit),
            "ratelimit-remaining": str(self.remaining),
            "ratelimit-reset": str(self.reset),
        }

    def too_many(self) -> Response:
        """The 429 answer (plain text, not the JSON error shape)."""
        headers = self.headers()
        headers["retry-after"] = str(WINDOW_SECONDS)
        return Response.text(TOO_MANY_MESSAGE, status=429, headers=headers)


class RateLimiter:
    """Fixed-window counters keyed by an arbitrary tuple (service, address, kind).

    Windows run on real (monotonic) time plus whatever ``clock.advance()`` added, so a deterministic
    hub, whose clock otherwise stands still, does not stay locked out after its first 1,200 requests.
    """

    def __init__(self, clock: Clock, *, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, ...], tuple[float, int]] = {}

    def hit(self, key: tuple[str, ...], limit: int) -> RateState | None:
        """Count one request against ``key``; ``None`` when limiting is disabled."""
        if not self.enabled:
            return None
        now = time.monotonic() + self.clock.advanced
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
        reset = max(0, math.ceil(start + WINDOW_SECONDS - now))
        return RateState(limit, max(0, limit - count), reset, count > limit)

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._windows.clear()
