"""In-memory tables: one ordered dict of rows per resource, guarded by one re-entrant lock.

Rows are plain dicts keyed by wire names and hold *everything* (secrets, password hashes); what a
caller sees is decided at projection time. Insertion order is the natural order of a table, as an
SQL scan without ``ORDER BY`` would usually return it. The lock is re-entrant because hooks run
inside a request that already holds it (the loopback server is threaded).

Scale: a stored row is a :class:`StoredRow`, a ``dict`` that tells its table when it changes, however
it is changed (``table.update``, a hook's ``row["x"] = ...``, ``row.update(...)``). That keeps the
table's hash indexes (:mod:`.index`: equality lookups, unique checks) and its memo (derived values
such as a sorted order, see :meth:`Table.memo`) exact without anyone having to remember to invalidate
them. Only the top level is watched: a JSON column's inner list or dict changed in place is not seen,
which no index or memo depends on (they read scalar columns). The ``id`` of a stored row never changes.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .index import HashIndex, Normalize, exact

Row = dict[str, Any]
T = TypeVar("T")

#: Below this many rows a lookup scans (cheaper than keeping an index up to date).
INDEX_THRESHOLD = 8
#: Memo entries kept per table state (a few sort orders per table are typical).
MEMO_LIMIT = 16


class StoredRow(dict[str, Any]):
    """A row owned by a table: every top-level change is reported to it.

    Copies (``dict(row)``, ``{**row}``, ``copy.copy``/``copy.deepcopy``, pickling) are plain dicts
    that belong to nobody.
    """

    __slots__ = ("_id", "_table")

    def __init__(self, table: Table | None, row: Row) -> None:
        super().__init__(row)
        self._table = table
        #: The id it is stored under (kept even if a caller drops the ``id`` key).
        self._id: str = row["id"]

    def _changed(self, keys: Iterable[str]) -> None:
        table = self._table
        if table is not None:
            table.row_changed(self, keys)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed((key,))

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed((key,))

    def update(self, *args: Any, **kwargs: Any) -> None:
        changes = dict(*args, **kwargs)
        super().update(changes)
        self._changed(changes)

    def __ior__(self, other: Any) -> StoredRow:  # type: ignore[override,misc]
        self.update(other)
        return self

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        self[key] = default
        return default

    def pop(self, key: str, *default: Any) -> Any:
        present = key in self
        value = super().pop(key, *default)
        if present:
            self._changed((key,))
        return value

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()
        self._changed((item[0],))
        return item

    def clear(self) -> None:
        keys = list(self)
        super().clear()
        self._changed(keys)

    def __copy__(self) -> Row:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Row:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


class Table:
    """The rows of one resource, by id."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._rows: dict[str, StoredRow] = {}
        #: Insertion sequence numbers (the table's natural order), for ordering index hits.
        self._seq: dict[str, int] = {}
        self._next_seq = 0
        self._indexes: dict[tuple[tuple[str, ...], Normalize], HashIndex] = {}
        self._memo: dict[Any, Any] = {}
        #: Bumped by every insert, delete and change of a stored row.
        self.version = 0

    def __len__(self) -> int:
        return len(self._rows)

    # -- change tracking ------------------------------------------------------------------------------
    def _bump(self) -> None:
        self.version += 1
        if self._memo:
            self._memo.clear()

    def row_changed(self, row: StoredRow, keys: Iterable[str]) -> None:
        """A stored row changed ``keys`` (called by :class:`StoredRow`)."""
        row_id = row._id
        if self._rows.get(row_id) is not row:
            return  # a detached row (deleted, or replaced by a re-insert)
        self._bump()
        if self._indexes:
            changed = set(keys)
            for index in self._indexes.values():
                if not changed.isdisjoint(index.columns):
                    index.refile(row_id, row)

    # -- writes ---------------------------------------------------------------------------------------
    def insert(self, row: Row) -> Row:
        """Store ``row`` (it must carry an ``id``) and return the stored row.

        The stored row is a new :class:`StoredRow` with ``row``'s items: keep working with the
        returned value, not with ``row``.
        """
        row_id = row["id"]
        self._detach(row_id)
        stored = StoredRow(self, row)
        self._rows[row_id] = stored
        self._seq[row_id] = self._next_seq
        self._next_seq += 1
        for index in self._indexes.values():
            index.add(row_id, stored)
        self._bump()
        return stored

    def update(self, row_id: str, changes: Row) -> Row:
        """Merge ``changes`` into the stored row and return it."""
        row = self._rows[row_id]
        row.update(changes)
        return row

    def delete(self, row_id: str) -> Row | None:
        """Remove and return the row with this id."""
        row = self._detach(row_id)
        if row is not None:
            self._bump()
        return row

    def _detach(self, row_id: str) -> StoredRow | None:
        row = self._rows.pop(row_id, None)
        if row is None:
            return None
        del self._seq[row_id]
        for index in self._indexes.values():
            index.remove(row_id)
        row._table = None
        return row

    # -- reads ----------------------------------------------------------------------------------------
    def get(self, row_id: Any) -> Row | None:
        """The stored row with this id (the live dict: copy it before handing it out)."""
        if not isinstance(row_id, str):
            return None
        return self._rows.get(row_id)

    def rows(self) -> list[Row]:
        """All rows in insertion order (live dicts)."""
        return list(self._rows.values())

    def find(self, predicate: Callable[[Row], bool]) -> list[Row]:
        """Rows for which ``predicate`` holds."""
        return [row for row in self._rows.values() if predicate(row)]

    def matching(self, normalize: Normalize = exact, **equals: Any) -> list[Row]:
        """Rows whose fields equal the given values after ``normalize`` (insertion order).

        Uses (and from :data:`INDEX_THRESHOLD` rows on, creates) a hash index over the named columns.
        """
        columns = tuple(sorted(equals))
        wanted = [equals[c] for c in columns]
        index = self._indexes.get((columns, normalize))
        if index is None and len(self._rows) >= INDEX_THRESHOLD:
            index = self.index(columns, normalize)
        ids = index.lookup(wanted) if index is not None else None
        if ids is None:
            return [row for row in self._rows.values() if _same_row(row, columns, wanted, normalize)]
        if len(ids) > 1:
            seq = self._seq
            ids.sort(key=seq.__getitem__)
        rows = self._rows
        return [rows[i] for i in ids]

    def first(self, **equals: Any) -> Row | None:
        """The first row whose fields equal the given values."""
        found = self.matching(**equals)
        return found[0] if found else None

    def where(self, **equals: Any) -> list[Row]:
        """All rows whose fields equal the given values."""
        return self.matching(**equals)

    def index(self, columns: tuple[str, ...], normalize: Normalize = exact) -> HashIndex:
        """The hash index over ``columns`` (created and filled on first use, then kept up to date)."""
        index = self._indexes.get((columns, normalize))
        if index is None:
            index = self._indexes[(columns, normalize)] = HashIndex(columns, normalize)
            for row_id, row in self._rows.items():
                index.add(row_id, row)
        return index

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """A value derived from this table's rows, computed once per state of the table.

        Any insert, delete or row change forgets every memo. ``key`` must say everything else the
        value depends on (e.g. the versions of other tables it read).
        """
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        value = compute()
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = value
        return value


def _same_row(row: Row, columns: tuple[str, ...], wanted: list[Any], normalize: Normalize) -> bool:
    return all(normalize(row.get(c)) == normalize(v) for c, v in zip(columns, wanted, strict=True))


class Store:
    """All tables of one FakeHub plus free-form state (sessions, files) for special routes."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._tables: dict[str, Table] = {}
        #: Non-tabular state owned by modules (e.g. ``"blobs"`` for storage file contents).
        self.extra: dict[str, Any] = {}

    def table(self, key: str) -> Table:
        """The table of resource ``key`` (``"service:path"``), created on first use."""
        table = self._tables.get(key)
        if table is not None:
            return table
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
