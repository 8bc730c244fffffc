"""In-memory tables: one ordered dict of rows per resource, guarded by one re-entrant lock.

Rows are plain dicts keyed by wire names and hold *everything* (secrets, password hashes); what a
caller sees is decided at projection time. Insertion order is the natural order of a table, as an
SQL scan without ``ORDER BY`` would usually return it. The lock is re-entrant because hooks run
inside a request that already holds it (the loopback server is threaded).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Row = dict[str, Any]


class Table:
    """The rows of one resource, by id."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._rows: dict[str, Row] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def insert(self, row: Row) -> Row:
        """Store ``row`` (it must carry an ``id``) and return it."""
        self._rows[row["id"]] = row
        return row

    def get(self, row_id: Any) -> Row | None:
        """The stored row with this id (the live dict: copy it before handing it out)."""
        if not isinstance(row_id, str):
            return None
        return self._rows.get(row_id)

    def update(self, row_id: str, changes: Row) -> Row:
        """Merge ``changes`` into the stored row and return it."""
        row = self._rows[row_id]
        row.update(changes)
        return row

    def delete(self, row_id: str) -> Row | None:
        """Remove and return the row with this id."""
        return self._rows.pop(row_id, None)

    def rows(self) -> list[Row]:
        """All rows in insertion order (live dicts)."""
        return list(self._rows.values())

    def find(self, predicate: Callable[[Row], bool]) -> list[Row]:
        """Rows for which ``predicate`` holds."""
        return [row for row in self._rows.values() if predicate(row)]

    def first(self, **equals: Any) -> Row | None:
        """The first row whose fields equal the given values."""
        for row in self._rows.values():
            if all(row.get(k) == v for k, v in equals.items()):
                return row
        return None

    def where(self, **equals: Any) -> list[Row]:
        """All rows whose fields equal the given values."""
        return [row for row in self._rows.values() if all(row.get(k) == v for k, v in equals.items())]


class Store:
    """All tables of one FakeHub plus free-form state (sessions, files) for special routes."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._tables: dict[str, Table] = {}
        #: Non-tabular state owned by modules (e.g. ``"blobs"`` for storage file contents).
        self.extra: dict[str, Any] = {}

    def table(self, key: str) -> Table:
        """The table of resource ``key`` (``"service:path"``), created on first use."""
        with self.lock:
            table = self._tables.get(key)
            if table is None:
                table = self._tables[key] = Table(key)
            return table

    @contextmanager
    def locked(self) -> Iterator[Store]:
        """Hold the store lock for a multi-step change."""
        with self.lock:
            yield self

    def snapshot(self) -> dict[str, list[Row]]:
        """A deep copy of every table (for debugging and determinism tests)."""
        with self.lock:
            return {key: copy.deepcopy(t.rows()) for key, t in sorted(self._tables.items())}
