"""Time and identifiers for FakeHub: a clock tests can move, and UUIDs a seed can make repeatable.

In deterministic mode (``FakeHub(seed=...)``) the clock stands still at a fixed instant until
``advance()`` moves it, and ids come from a seeded RNG, so two runs with the same seed and the same
requests produce byte-identical responses. Otherwise the clock is real time plus whatever offset
``advance()`` added (so token-expiry tests work in both modes) and ids are random.
"""

from __future__ import annotations

import functools
import os
import random
import re
import secrets
import threading
import time
import uuid
from datetime import datetime, timezone

#: The usual spelling of a UUID (``uuid.UUID`` accepts a few more; those take the slow path).
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")

#: Where a deterministic clock starts: 2026-01-01T00:00:00Z.
DETERMINISTIC_EPOCH = 1767225600.0

#: How finely FakeHub stamps ``createdAt``/``updatedAt``. A real Hub v0.14.0 on sqlite stores whole
#: seconds and writes them as ``...T21:32:07.000Z`` (observed), so records made within one second tie
#: on every timestamp sort; ``"seconds"`` (the default) reproduces that, ``"milliseconds"`` is what a
#: Postgres-backed Hub's ``timestamp`` columns keep (inferred from the column type, not observed).
TIMESTAMP_PRECISIONS = ("seconds", "milliseconds")


class Clock:
    """Seconds since the Unix epoch, movable with :meth:`advance`."""

    def __init__(
        self, *, manual: bool = False, start: float = DETERMINISTIC_EPOCH, precision: str = "seconds"
    ) -> None:
        if precision not in TIMESTAMP_PRECISIONS:
            raise ValueError(
                f"timestamp precision {precision!r} is not one of {', '.join(map(repr, TIMESTAMP_PRECISIONS))}"
            )
        self.manual = manual
        self.precision = precision
        self._lock = threading.Lock()
        self._offset = 0.0
        self._advanced = 0.0
        self._manual_now = start
        self._last_iso: tuple[float, str] = (float("nan"), "")

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
        """ISO-8601 UTC with milliseconds and ``Z``, as JS ``Date.toISOString()`` writes it; with whole-second
        precision the milliseconds are always ``000``, as the Hub's sqlite columns give them back."""
        stamp = self.now() if at is None else at
        if self.precision == "seconds":
            stamp = float(int(stamp))
        last = self._last_iso
        if last[0] == stamp:
            return last[1]  # a standing (deterministic) clock asks for the same instant again and again
        moment = datetime.fromtimestamp(stamp, tz=timezone.utc).replace(tzinfo=None)
        text = moment.isoformat(timespec="milliseconds") + "Z"
        self._last_iso = (stamp, text)
        return text


class IdSource:
    """UUIDv4 strings and random secrets, seeded in deterministic mode."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng: random.Random | None = random.Random(seed) if seed is not None else None
        self._lock = threading.Lock()

    def uuid(self) -> str:
        """A new UUIDv4 string."""
        if self._rng is None:
            bits = int.from_bytes(os.urandom(16), "big")
        else:
            with self._lock:
                bits = self._rng.getrandbits(128)
        return _uuid4_text(bits)

    def token(self, length: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
        """A random string of ``length`` characters from ``alphabet``."""
        if self._rng is None:
            return _system_random_text(length, alphabet)
        with self._lock:
            return "".join(self._rng.choice(alphabet) for _ in range(length))

    def hex(self, length: int) -> str:
        """A random lower-case hex string of ``length`` characters."""
        return self.token(length, "0123456789abcdef")


#: UUID version 4 and RFC 4122 variant bits, as ``uuid.UUID(int=..., version=4)`` sets them.
_VERSION_MASK = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_BITS = (0x8000 << 48) | (4 << 76)


def _uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building a ``UUID``."""
    text = "%032x" % ((bits & _VERSION_MASK) | _VERSION_BITS)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.lru_cache(maxsize=16)
def _byte_map(alphabet: str) -> tuple[bytes, bytes]:
    """For an ASCII alphabet: a ``bytes.translate`` table sending each byte to ``alphabet[b % size]``,
    and the bytes to drop (those at or above the largest multiple of ``size``, which would make the
    first characters likelier)."""
    size = len(alphabet)
    limit = 256 - 256 % size
    table = bytes(ord(alphabet[b % size]) for b in range(256))
    return table, bytes(range(limit, 256))


def _system_random_text(length: int, alphabet: str) -> str:
    """``length`` characters drawn uniformly from ``alphabet`` with the OS's CSPRNG.

    One ``token_bytes`` call and one C-level translation per string instead of one ``secrets.choice``
    per character (a client secret is made for every node).
    """
    if not alphabet.isascii() or len(alphabet) > 256:
        return "".join(secrets.choice(alphabet) for _ in range(length))
    table, rejected = _byte_map(alphabet)
    out = b""
    while len(out) < length:
        out += secrets.token_bytes(length - len(out) + 8).translate(table, rejected)
    return out[:length].decode("ascii")


def is_uuid(value: object) -> bool:
    """Whether ``value`` is a UUID-shaped string (how authup and the Hub tell ids from names)."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    if _CANONICAL_UUID.match(value):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
