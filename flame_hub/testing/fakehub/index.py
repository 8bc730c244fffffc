"""Hash indexes over a table's rows: which rows hold given values in given columns, without a scan.

A table keeps one :class:`HashIndex` per column tuple it is asked about (``where(nodeId=...)``, a
unique constraint, a lookup by name) and updates it on every insert, delete and change of a stored
row, so equality lookups and uniqueness checks cost the same at 10 rows and at 100,000.

Values are compared as the callers compared them before there were indexes: ``exact`` keys use
Python equality (``1 == 1.0 == True``, which hashing honours), ``folded`` keys compare strings
case-insensitively (unique constraints, name lookups). A value that cannot be hashed (a JSON list or
object) cannot be bucketed: such rows are kept aside as *loose* rows and every lookup checks them by
comparison, so an index never answers differently from a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

Normalize = Callable[[Any], Any]


def exact(value: Any) -> Any:
    """Equality as ``==`` has it."""
    return value


def folded(value: Any) -> Any:
    """Strings compare case-insensitively, everything else as ``==`` has it."""
    return value.lower() if isinstance(value, str) else value


class HashIndex:
    """Row ids by the (normalised) values of ``columns``."""

    __slots__ = ("_buckets", "_keys", "_loose", "columns", "normalize")

    def __init__(self, columns: tuple[str, ...], normalize: Normalize = exact) -> None:
        self.columns = columns
        self.normalize = normalize
        self._buckets: dict[Hashable, dict[str, None]] = {}
        #: The key each indexed row was filed under (``None`` for loose rows).
        self._keys: dict[str, Hashable | None] = {}
        #: Ids of rows whose key cannot be hashed; compared one by one on every lookup.
        self._loose: dict[str, tuple[Any, ...]] = {}

    def key_of(self, values: Iterable[Any]) -> tuple[Any, ...]:
        """The normalised key of column values given in ``columns`` order."""
        if self.normalize is exact:
            return tuple(values)
        return tuple(map(self.normalize, values))

    def add(self, row_id: str, row: dict[str, Any]) -> None:
        """File ``row`` (stored under ``row_id``)."""
        key = self.key_of([row.get(column) for column in self.columns])
        try:
            bucket = self._buckets.get(key)
        except TypeError:
            self._keys[row_id] = None
            self._loose[row_id] = key
            return
        if bucket is None:
            bucket = self._buckets[key] = {}
        bucket[row_id] = None
        self._keys[row_id] = key

    def remove(self, row_id: str) -> None:
        """Forget the row stored under ``row_id``."""
        if row_id not in self._keys:
            return
        key = self._keys.pop(row_id)
        if key is None:
            self._loose.pop(row_id, None)
            return
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.pop(row_id, None)
            if not bucket:
                del self._buckets[key]

    def refile(self, row_id: str, row: dict[str, Any]) -> None:
        """``row`` changed one of ``columns``: file it under its new key."""
        self.remove(row_id)
        self.add(row_id, row)

    def lookup(self, values: Iterable[Any]) -> list[str] | None:
        """Ids of rows whose columns equal ``values`` (unordered), or ``None`` if ``values`` cannot be
        hashed (the caller then scans)."""
        key = self.key_of(values)
        try:
            bucket = self._buckets.get(key)
        except TypeError:
            return None
        found = list(bucket) if bucket is not None else []
        for row_id, loose_key in self._loose.items():
            if loose_key == key:
                found.append(row_id)
        return found
