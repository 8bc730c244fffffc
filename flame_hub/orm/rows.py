"""A QuerySet's results: how they are read once and kept (``ResultCache``), and how the QuerySet shows
itself — its rows as dicts, tuples or values (``RowQuerySet``), its repr's rows, and the HTML table
Jupyter shows."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar, overload

from flame_hub._redact import MASK
from flame_hub.schema.envelopes import MAX_PAGE_LIMIT
from flame_hub.schema.record import Record, schema_of

__all__ = ["REPR_ROWS", "ResultCache", "RowQuerySet", "html_table", "shown_rows"]

Row = TypeVar("Row")
T = TypeVar("T")

#: Rows a repr shows (Django shows 20 and fetches 21 to know whether there are more).
REPR_ROWS = 20


class _Records(Protocol):
    """What a RowQuerySet reads its records from: a QuerySet."""

    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, key: Any) -> Any: ...
    def count(self) -> int: ...
    def exists(self) -> bool: ...
    def first(self) -> Any: ...
    def iterator(self, chunk_size: int = ...) -> Iterator[Any]: ...
    def _preview(self) -> tuple[list[Any], int | None]: ...


class ResultCache(Generic[T]):
    """A lazy sequence evaluated once, on first need, then iterated, measured and tested from its cache
    (Django's ``_fetch_all``): the evaluation protocol :class:`QuerySet` and the many-to-many
    ``ThroughQuerySet`` share. A subclass says how it is evaluated, with sync and with async IO."""

    _result_cache: list[T] | None

    def _evaluate(self) -> list[T]:
        raise NotImplementedError

    async def _aevaluate(self) -> list[T]:
        raise NotImplementedError

    def _fetch_all(self) -> list[T]:
        if self._result_cache is None:
            self._result_cache = self._evaluate()
        return self._result_cache

    def __iter__(self) -> Iterator[T]:
        return iter(self._fetch_all())

    async def __aiter__(self) -> AsyncIterator[T]:
        if self._result_cache is None:
            self._result_cache = await self._aevaluate()
        for item in self._result_cache:
            yield item

    def __len__(self) -> int:
        return len(self._fetch_all())

    def __bool__(self) -> bool:
        return bool(self._fetch_all())


def shown_rows(kind: str, rows: list[Any]) -> str:
    """A repr of the first :data:`REPR_ROWS` rows, marking that there are more (as Django does)."""
    shown = [repr(r) for r in rows[:REPR_ROWS]]
    if len(rows) > REPR_ROWS:
        shown.append("'...(remaining elements truncated)...'")
    return f"<{kind} [{', '.join(shown)}]>"


class RowQuerySet(Generic[Row]):
    """The rows of a QuerySet as dicts, tuples or single values (``values()``, ``values_list()``)."""

    def __init__(self, source: _Records, row: Callable[[Any], Row]) -> None:
        self._source = source
        self._row = row

    def __iter__(self) -> Iterator[Row]:
        return (self._row(record) for record in self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __bool__(self) -> bool:
        return bool(self._source)

    @overload
    def __getitem__(self, key: int) -> Row: ...
    @overload
    def __getitem__(self, key: slice) -> RowQuerySet[Row]: ...
    def __getitem__(self, key: int | slice) -> Row | RowQuerySet[Row]:
        if isinstance(key, int):
            return self._row(self._source[key])
        picked = self._source[key]
        if isinstance(picked, list):
            return [self._row(r) for r in picked]  # type: ignore[return-value]  # a step slice evaluates (Django)
        return RowQuerySet(picked, self._row)

    def count(self) -> int:
        """How many rows match (one request)."""
        return self._source.count()

    def exists(self) -> bool:
        """Whether any row matches (one request)."""
        return self._source.exists()

    def first(self) -> Row | None:
        """The first row, or None."""
        record = self._source.first()
        return None if record is None else self._row(record)

    def iterator(self, chunk_size: int = MAX_PAGE_LIMIT) -> Iterator[Row]:
        """Stream the rows without caching."""
        return (self._row(record) for record in self._source.iterator(chunk_size))

    def __repr__(self) -> str:
        return shown_rows("RowQuerySet", [self._row(r) for r in self._source._preview()[0]])


def html_table(title: str, columns: tuple[str, ...], rows: list[Any], total: int | None) -> str:
    """A small HTML table for Jupyter: the first rows and "n of total"; secrets are masked."""
    model: type[Record] | None = type(rows[0]) if rows else None
    secret = schema_of(model).secrets if model else frozenset()
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(MASK if c in secret and getattr(r, c) is not None else str(getattr(r, c)))}</td>"
            for c in columns
        )
        + "</tr>"
        for r in rows
    )
    count = f"{len(rows)} of {total if total is not None else '?'}"
    return (
        f"<div><strong>{html.escape(title)}</strong> <small>({count})</small>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
