"""``Listing``: a paged read that never yields a record twice and says when it missed one.

The Hub pages with ``LIMIT``/``OFFSET``; see :class:`IncompleteListingWarning` for why a page may repeat
a row of the one before, and :class:`Listing` for how repeats are dropped in bounded memory.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections import deque
from collections.abc import Sequence
from typing import Any

from flame_hub.query.query import Query
from flame_hub.schema.record import Record

__all__ = ["FALLBACK_WINDOW", "IncompleteListingWarning", "Listing", "in_slice"]


class IncompleteListingWarning(UserWarning):
    """A listing read page by page could not show that it saw every record once.

    The Hub pages with ``LIMIT``/``OFFSET``. Rows that tie on the sort key have no defined order in SQL,
    so a database may order them differently for each page (Postgres and MySQL do; the sqlite Hub
    observed so far did not): a row can come on two pages and another on none. Repeats are dropped
    before they reach you; a shortfall against ``meta.total`` is what this warning reports, with the
    fix (a unique sort key, a narrower filter, or reading again when the collection changed).
    """


#: The most ids a listing remembers (about 1 MiB): those of the current run of equal sort keys, its latest
#: ones when a run is longer, or the latest ids read where records do not carry their sort keys
#: (``only()``/``defer()`` left them out) or the query has no ordering. A repeat further apart than this
#: gets through; a shortfall against ``meta.total`` is still warned about.
FALLBACK_WINDOW = 10_000

_NO_KEY = object()


def _coarse(value: Any) -> Any:
    """A value as a database collation may equate it: text without case, accents or trailing spaces.

    Grouping by a coarser key than the database's is safe (a tie group only grows); a finer one could
    split a group the database treats as one, letting a repeat through.
    """
    if isinstance(value, str):
        if not value.isascii():
            decomposed = unicodedata.normalize("NFKD", value)
            value = "".join(c for c in decomposed if not unicodedata.combining(c))
        return value.casefold().rstrip()
    return value


class Listing:
    """Keeps one paged read honest: no record twice, and a shortfall against ``meta.total`` reported.

    Records arrive in sort order, and while the collection does not change a repeated row can only
    come among the rows that share its sort-key value (each page holds the rows of its positions, and
    the positions of a tie group are the same in every query). So only the ids of the current run of
    equal sort keys are remembered, at most :data:`FALLBACK_WINDOW` of them: memory stays flat however
    long the listing (with a unique sort key, one id). Records without their sort keys, or a query
    without an ordering, are remembered in the same bounded window, which then never resets.

    :meth:`finish` runs when the listing was read to its end (not when the consumer stopped early) and
    warns with :class:`IncompleteListingWarning` when the distinct records read differ from the total.
    """

    def __init__(self, model: type[Record], query: Query) -> None:
        self.model = model
        self.query = query
        self._paths = tuple(
            tuple(name.lstrip("-+").replace(".", "__").split("__")) for name in query.ordering
        )
        #: Every sort key a field of the record itself: the keys are read the quick way (``_page_key``).
        self._simple = bool(self._paths) and all(len(path) == 1 for path in self._paths)
        self._names = tuple(path[0] for path in self._paths)
        self._run_key: Any = _NO_KEY
        self._recent: deque[Any] = deque()
        self._recent_ids: set[Any] = set()
        self.admitted = 0
        self.repeats = 0
        self.totals: list[int] = []

    def saw_total(self, total: int | None) -> None:
        """Note a page's ``meta.total`` (a change between pages means the collection changed)."""
        if total is not None and (not self.totals or self.totals[-1] != total):
            self.totals.append(total)

    def _key(self, record: Any) -> Any:
        if not self._paths:
            return _NO_KEY
        values = []
        for path in self._paths:
            target = record
            for part in path:
                loaded = getattr(target, "model_fields_set", None)
                if loaded is None or part not in loaded:
                    return _NO_KEY
                target = getattr(target, part)
            values.append(_coarse(target))
        return tuple(values)

    def admit(self, record: Any) -> bool:
        """Whether to yield ``record``: False for a record this listing already yielded."""
        return bool(self.admit_page([record]))

    def admit_page(self, records: Sequence[Any]) -> list[Any]:
        """The records of one page this listing has not yielded yet, in order (:meth:`admit` for each,
        written once per page: a bulk read passes every record through here)."""
        key_of = self._page_key if self._simple else self._key
        recent, recent_ids = self._recent, self._recent_ids
        admitted: list[Any] = []
        for record in records:
            ident = getattr(record, "id", None)
            if ident is None:  # nothing to tell records apart by (never the case for Hub entities)
                admitted.append(record)
                continue
            key = key_of(record)
            if key is not _NO_KEY and key != self._run_key:  # a new run: no earlier record can repeat now
                self._run_key = key
                recent.clear()
                recent_ids.clear()
            if ident in recent_ids:
                self.repeats += 1
                continue
            recent.append(ident)
            recent_ids.add(ident)
            if len(recent) > FALLBACK_WINDOW:
                recent_ids.discard(recent.popleft())
            admitted.append(record)
        self.admitted += len(admitted)
        return admitted

    def _page_key(self, record: Any) -> Any:
        """:meth:`_key` where every sort key is a field of the record itself (no relation path)."""
        loaded = getattr(record, "__pydantic_fields_set__", None)
        if loaded is None:
            return self._key(record)
        values = record.__dict__
        key = []
        for name in self._names:
            if name not in loaded:
                return _NO_KEY
            value = values[name] if name in values else getattr(record, name)
            key.append(_coarse(value) if type(value) is str else value)
        return tuple(key)

    def finish(self) -> None:
        """The listing was read to its end: warn when it cannot show it saw every record once."""
        if not self.totals:
            return
        expected = in_slice(self.totals[0], self.query)
        if len(self.totals) == 1 and self.admitted == expected:
            return
        name = self.model.__name__
        said = f"{name} listing read {self.admitted} distinct records where meta.total promised {expected}"
        if self.repeats:
            said += f" ({self.repeats} repeated records dropped)"
        if len(self.totals) > 1:
            cause = (
                f"the collection changed while it was read (meta.total went {' -> '.join(map(str, self.totals))})"
                "; read it again, or narrow the query so it changes less while being read"
            )
        elif self.repeats and not self._is_unique():
            # offset pages of an unchanged collection hold meta.total rows in all, so a record missed
            # through ties shows as another one read twice
            cause = (
                f"records tie on its sort key ({', '.join(self.query.ordering) or 'none'}) and the database "
                f"ordered the ties differently from page to page; fix: {self._fix()}"
            )
        elif expected is not None and self.admitted < expected and not self.repeats:
            cause = (
                "its pages held fewer records than meta.total counted (records deleted while it was read, "
                "or a count the pages do not match); read it again"
            )
        else:
            cause = "records were created or deleted while it was read; read it again"
        warnings.warn(IncompleteListingWarning(f"{said}: {cause}"), stacklevel=2)

    def _is_unique(self) -> bool:
        return any(path == ("id",) for path in self._paths)

    def _fix(self) -> str:
        meta = self.model.meta
        if "id" in meta.sorts and meta.multi_sort:
            keys = ", ".join(repr(n) for n in (*self.query.ordering, "id"))
            return f"order by a unique key as well, .order_by({keys})"
        if "id" in meta.sorts:
            return ".order_by('id') (the only unique sort key; authup sorts by one key only)"
        return (
            f"{self.model.__name__} has no unique sort key on the Hub, so filter the query into parts "
            "that each fit in one page of 50, or order by keys with fewer ties"
        )


def in_slice(total: int | None, query: Query) -> int | None:
    """How many of ``total`` matching records fall inside the query's slice."""
    if total is None:
        return None
    inside = max(0, total - query.low)
    return inside if query.high is None else min(inside, query.high - query.low)
