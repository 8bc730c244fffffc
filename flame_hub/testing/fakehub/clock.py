"""Time and identifiers for FakeHub: a clock tests can move, and UUIDs a seed can make repeatable.

In deterministic mode (``FakeHub(seed=...)``) the clock stands still at a fixed instant until
``advance()`` moves it, and ids come from a seeded RNG, so two runs with the same seed and the same
requests produce byte-identical responses. Otherwise the clock is real time plus whatever offset
``advance()`` added (so token-expiry tests work in both modes) and ids are random.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
import uuid
from datetime import datetime, timezone

#: Where a deterministic clock starts: 2026-01-01T00:00:00Z.
DETERMINISTIC_EPOCH = 1767225600.0


class Clock:
    """Seconds since the Unix epoch, movable with :meth:`advance`."""

    def __init__(self, *, manual: bool = False, start: float = DETERMINISTIC_EPOCH) -> None:
        self.manual = manual
        self._lock = threading.Lock()
        self._offset = 0.0
        self._advanced = 0.0
        self._manual_now = start

    def now(self) -> float:
        """The current time in epoch seconds."""
        with self._lock:
            if self.manual:
                return self._manual_now
            return time.time() + self._offset

    @property
    def advanced(self) -> float:
        """Seconds :meth:`advance` has added in total (in either mode)."""
        with self._lock:
            return self._advanced

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (tokens expire, rate-limit windows roll over)."""
        with self._lock:
            self._advanced += seconds
            if self.manual:
                self._manual_now += seconds
            else:
                self._offset += seconds

    def iso(self, at: float | None = None) -> str:
        """ISO-8601 UTC with milliseconds and ``Z``, as JS ``Date.toISOString()`` writes it."""
        stamp = self.now() if at is None else at
        moment = datetime.fromtimestamp(stamp, tz=timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class IdSource:
    """UUIDv4 strings and random secrets, seeded in deterministic mode."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng: random.Random | None = random.Random(seed) if seed is not None else None
        self._lock = threading.Lock()

    def uuid(self) -> str:
        """A new UUIDv4 string."""
        if self._rng is None:
            return str(uuid.uuid4())
        with self._lock:
            bits = self._rng.getrandbits(128)
        return str(uuid.UUID(int=bits, version=4))

    def token(self, length: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
        """A random string of ``length`` characters from ``alphabet``."""
        if self._rng is None:
            return _system_random_text(length, alphabet)
        with self._lock:
            return "".join(self._rng.choice(alphabet) for _ in range(length))

    def hex(self, length: int) -> str:
        """A random lower-case hex string of ``length`` characters."""
        return self.token(length, "0123456789abcdef")


def _system_random_text(length: int, alphabet: str) -> str:
    """``length`` characters drawn uniformly from ``alphabet`` with the OS's CSPRNG.

    One ``token_bytes`` call per string instead of one ``secrets.choice`` per character (client
    secrets are created with every node). Bytes at or above the largest multiple of the alphabet's
    size are rejected, so every character stays equally likely.
    """
    size = len(alphabet)
    if size > 256:
        return "".join(secrets.choice(alphabet) for _ in range(length))
    limit = 256 - 256 % size
    out: list[str] = []
    while len(out) < length:
        for byte in secrets.token_bytes(length - len(out) + 8):
            if byte < limit:
                out.append(alphabet[byte % size])
                if len(out) == length:
                    break
    return "".join(out)


def is_uuid(value: object) -> bool:
    """Whether ``value`` is a UUID-shaped string (how authup and the Hub tell ids from names)."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
