"""When a failed request is sent again: the :class:`Retry` policy.

What is safe to repeat decides everything here:

* a request that never left (the connection could not be made, the pool had no slot, the token
  request in front of it was refused with 429/5xx) is repeated whatever its method;
* an idempotent request (GET, HEAD, and DELETE of one record by id) is repeated after a connection
  error or a 429, 502, 503 or 504 answer;
* a create, update or command that may have reached the Hub is never repeated: the Hub has no
  idempotency keys, so sending it twice could create two records. Instead the error says that the
  outcome is unknown (:class:`~flame_hub.exceptions.OutcomeUnknownError`).

Waits grow exponentially with jitter, honour ``Retry-After``, and stop at a count and a time budget.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field

import httpx

from flame_hub.exceptions import ConfigurationError

__all__ = ["DEFAULT_RETRY", "NO_RETRY", "Retry"]

#: Transport errors raised before the request was written: nothing reached the Hub.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class Retry:
    """A retry policy; pass ``retry=Retry(...)`` to a client or Hub (``retry=False`` switches retries off).

    Attributes:
        attempts: how many times a request may be repeated after the first try (0: never).
        backoff: the first wait in seconds; it doubles with every repetition.
        max_backoff: the longest single wait (a longer ``Retry-After`` ends the retrying instead).
        max_time: the time budget in seconds for one request including its repetitions.
        statuses: the answers that mean "try again later".
        methods: the idempotent methods (a DELETE counts only when it addresses one record).
        jitter: the random share added to or taken from each wait (0.25 = ±25 %).
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_time: float = 30.0
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 502, 503, 504}))
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"GET", "HEAD", "DELETE"}))
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if self.attempts < 0 or self.backoff < 0 or self.max_backoff < 0 or self.max_time < 0:
            raise ConfigurationError("Retry attempts, backoff, max_backoff and max_time must not be negative")
        if not 0 <= self.jitter < 1:
            raise ConfigurationError(f"Retry jitter must be in [0, 1), got {self.jitter}")

    @classmethod
    def of(cls, value: Retry | bool | None) -> Retry:
        """The policy a ``retry=`` argument means: None/True → the default, False → none."""
        if value is None or value is True:
            return DEFAULT_RETRY
        if value is False:
            return NO_RETRY
        if isinstance(value, Retry):
            return value
        raise ConfigurationError(f"retry takes a flame_hub.Retry, True or False, got {type(value).__name__}")

    def idempotent(self, request: httpx.Request) -> bool:
        """Whether repeating the request cannot change the outcome."""
        method = request.method.upper()
        if method not in self.methods:
            return False
        return method != "DELETE" or not request.url.query  # a DELETE with a filter deletes many

    @staticmethod
    def never_sent(error: BaseException) -> bool:
        """Whether a transport error happened before the request reached the Hub."""
        return isinstance(error, _NOT_SENT)

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before repetition number ``attempt`` (1 for the first)."""
        if retry_after is not None:
            return retry_after
        base = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        spread = base * self.jitter
        return max(0.0, base + random.uniform(-spread, spread))


def retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (a number or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


#: The policy of ``retry=None`` and ``retry=True``: ``Retry()``'s defaults.
DEFAULT_RETRY = Retry()
#: The policy of ``retry=False``: every request is sent once.
NO_RETRY = Retry(attempts=0)
