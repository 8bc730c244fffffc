"""``QuerySet``: a lazy, immutable, chainable query over one Hub resource, with Django's semantics.

Building a QuerySet sends nothing. Requests fire where Django's do — iteration, ``len``, ``bool``,
``list``, an int index, a step slice, ``repr`` — and each fires the fewest requests: ``count()`` reads
the envelope total of a one-record page, ``exists()`` asks for one record, ``get(id=…)`` uses the by-id
route, slices become ``page[limit]``/``page[offset]`` and span several pages when larger than the Hub's
cap of 50. A full evaluation is cached, so the QuerySet can be iterated again; ``iterator()`` streams in
bounded memory without caching.

Reading page by page never yields a record twice, even where the database orders tied rows differently
from page to page, and a listing that cannot show it saw every record (fewer distinct records than
``meta.total``) says so with an :class:`~flame_hub.orm.listing.IncompleteListingWarning` naming the fix
(see :class:`~flame_hub.orm.listing.Listing`).
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, TypeVar, overload

from typing_extensions import Self

from flame_hub._driver import Plan, Stream, arun, run
from flame_hub.engine.client import ServiceClient
from flame_hub.engine.resolver import client_for, resolve
from flame_hub.exceptions import FieldError, NotSupportedError
from flame_hub.orm.bulk import bulk_create_plan, delete_many_plan, update_many_plan
from flame_hub.orm.listing import Listing
from flame_hub.orm.plans import (
    count_plan,
    create_plan,
    exists_plan,
    first_plan,
    get_or_create_plan,
    get_plan,
    in_bulk_plan,
    ordered,
    page_plan,
    preview_plan,
    records_plan,
    update_or_create_plan,
)
from flame_hub.orm.prefetch import Nested, check_lookups, prefetch_plan, prefetching
from flame_hub.orm.rows import REPR_ROWS, ResultCache, RowQuerySet, html_table, shown_rows
from flame_hub.query.lookups import did_you_mean
from flame_hub.query.query import FieldSelection, Q, Query
from flame_hub.schema.envelopes import MAX_PAGE_LIMIT
from flame_hub.schema.record import RecordT, schema_of

__all__ = ["DEFAULT_PAGE_CONCURRENCY", "QuerySet", "RowQuerySet", "page_width"]

R = TypeVar("R")

#: Pages read at once when a QuerySet iterates beyond its first page (a client's ``page_concurrency``
#: overrides it). 16 was the fastest in the bulk-read benchmark (bench/); it changes how fast a listing's
#: requests are sent, not how many.
DEFAULT_PAGE_CONCURRENCY = 16
Row = TypeVar("Row")
#: A plan over a whole query: ``count_plan``, ``exists_plan``.
_QueryPlan = Callable[[ServiceClient, type[Any], Query], Plan[R]]


class QuerySet(ResultCache[RecordT]):
    """A lazy query over ``model``; see the module docstring. Build one with ``Model.objects``."""

    def __init__(self, model: type[RecordT], query: Query | None = None, using: object = None) -> None:
        self.model = model
        self._query = query or Query()
        self._using = using
        self._result_cache: list[RecordT] | None = None
        self._prefetch: tuple[str, ...] = ()

    # -- building (each returns a new QuerySet) -------------------------------------------------------

    def _clone(self, **changes: Any) -> Self:
        clone = type(self)(
            self.model, replace(self._query, **changes) if changes else self._query, self._using
        )
        clone._prefetch = self._prefetch
        return clone

    def _not_sliced(self, action: str) -> None:
        if self._query.is_sliced:
            raise TypeError(f"Cannot {action} a query once a slice has been taken.")

    def all(self) -> Self:
        """A copy of this QuerySet (a fresh cache)."""
        return self._clone()

    def filter(self, *args: Q, **lookups: Any) -> Self:
        """Records matching all conditions (``field__lookup=value`` and ``Q`` objects)."""
        self._not_sliced("filter")
        return (
            self._clone(where=self._query.where & Q(*args, **lookups)) if args or lookups else self._clone()
        )

    def exclude(self, *args: Q, **lookups: Any) -> Self:
        """Records not matching the conditions taken together (Django: ``NOT (a AND b)``)."""
        self._not_sliced("filter")
        if not args and not lookups:
            return self._clone()
        return self._clone(where=self._query.where & ~Q(*args, **lookups))

    def order_by(self, *fields: str) -> Self:
        """Order by these fields (``-`` for descending); replaces any previous ordering."""
        self._not_sliced("reorder")
        for name in fields:
            if not isinstance(name, str):
                raise FieldError(f"order_by takes field names, got {name!r}")
        return self._clone(ordering=tuple(fields))

    def reverse(self) -> Self:
        """The same records in the opposite order (of the given ordering, or the default one)."""
        self._not_sliced("reverse")
        ordering = self._query.ordering or self.model.meta.default_ordering
        if not ordering:
            raise NotSupportedError(
                f"{self.model.__name__} has no ordering to reverse (the Hub cannot sort it)"
            )
        return self._clone(ordering=tuple(_flip(name) for name in ordering))

    def only(self, *fields: str) -> Self:
        """Ask for these columns only (``id`` is always included); the others stay None on the records."""
        self._not_sliced("restrict the fields of")
        return self._clone(fields=FieldSelection(only=tuple(fields)))

    def defer(self, *fields: str) -> Self:
        """Leave these columns out of the answer."""
        self._not_sliced("restrict the fields of")
        current = self._query.fields
        return self._clone(fields=replace(current, remove=(*current.remove, *fields)))

    def include(self, *relations: str) -> Self:
        """Embed related records (``include=``): ``Node.objects.include("registry")``."""
        self._not_sliced("include relations in")
        return self._clone(includes=tuple(dict.fromkeys((*self._query.includes, *relations))))

    select_related = include

    def prefetch_related(self, *lookups: str | None) -> Self:
        """Load these relations of the records with one request per relation per 50 records.

        Forward (``"project"``), reverse (``"analysis_set"``) and many-to-many (``"node_set"``) relations,
        and paths through them (``"analysis_set__analysis_node_set"``); ``prefetch_related(None)``
        forgets the ones given before. ``record.project`` and ``record.analysis_set.all()`` then answer
        from what was loaded, without a request (see :mod:`flame_hub.orm.prefetch`).
        """
        clone = self._clone()
        if lookups == (None,):
            clone._prefetch = ()
            return clone
        names = check_lookups(self.model, [name for name in lookups if name is not None])
        clone._prefetch = tuple(dict.fromkeys((*self._prefetch, *names)))
        return clone

    def none(self) -> Self:
        """An empty QuerySet that never sends a request."""
        return self._clone(empty=True)

    def using(self, client: object) -> Self:
        """Run this query through ``client``: a ``Hub`` or the matching service client."""
        clone = self._clone()
        clone._using = client
        return clone

    def values(self, *fields: str) -> RowQuerySet[dict[str, Any]]:
        """Rows as dicts of the given fields (all columns when none are given); asks only for those."""
        names = self._row_fields(fields)
        source = self._rows_source(names, fields)
        return RowQuerySet(source, lambda record: {name: getattr(record, name) for name in names})

    def values_list(self, *fields: str, flat: bool = False) -> RowQuerySet[Any]:
        """Rows as tuples of the given fields, or single values with ``flat=True`` (one field)."""
        if flat and len(fields) != 1:
            raise TypeError("values_list(flat=True) takes exactly one field")
        names = self._row_fields(fields)
        source = self._rows_source(names, fields)
        if flat:
            (name,) = names
            return RowQuerySet(source, lambda record: getattr(record, name))
        return RowQuerySet(source, lambda record: tuple(getattr(record, n) for n in names))

    def _rows_source(self, names: tuple[str, ...], fields: tuple[str, ...]) -> Self:
        """The records rows are made of: only those columns, and no relations (rows cannot hold them)."""
        source = self.only(*names) if fields else self._clone()
        source._prefetch = ()
        return source

    def _row_fields(self, fields: tuple[str, ...]) -> tuple[str, ...]:
        columns = schema_of(self.model).columns
        for name in fields:
            if name not in columns:
                raise FieldError(
                    f"{self.model.__name__} has no field {name!r}.{did_you_mean(name, columns)} Fields: {', '.join(columns)}"
                )
        return fields or columns

    # -- the client ---------------------------------------------------------------------------------

    def _client(self, asynchronous: bool, action: str) -> ServiceClient:
        """The service client to run on (see :mod:`flame_hub.engine.resolver`); ``action`` is the sync name."""
        return client_for(self.model.meta.service, self._using, asynchronous=asynchronous, action=action)

    def _run(self, action: str, plan_for: Callable[[ServiceClient], Plan[R]]) -> R:
        return run(plan_for(self._client(False, action)))

    async def _arun(self, action: str, plan_for: Callable[[ServiceClient], Plan[R]]) -> R:
        return await arun(plan_for(self._client(True, action)))

    def _pages(self, client: ServiceClient, query: Query, chunk_size: int, concurrency: int) -> Plan[None]:
        """The page-reading plan, with the :class:`Listing` that keeps its records distinct and counted."""
        query = ordered(self.model, query)
        listing = Listing(self.model, query)
        return page_plan(
            client, self.model, query, chunk_size=chunk_size, concurrency=concurrency, listing=listing
        )

    def _stream(self, asynchronous: bool, chunk_size: int, concurrency: int | None) -> Stream[RecordT]:
        """What ``iterator()`` and ``aiterator()`` run: the pages, streamed (each page's relations
        prefetched before it is handed out)."""
        client = self._client(asynchronous, "iterator")
        pages = self._pages(client, self._query, _chunk(chunk_size), _width(concurrency, client))
        if self._prefetch:
            pages = prefetching(pages, lambda records: self._prefetch_plan(client, records))
        return Stream(pages)

    def _records(self, client: ServiceClient) -> Plan[list[RecordT]]:
        """Every record of the query in one list (``list(qs)``, ``len(qs)`` …), pages read ``width`` at once."""
        query = ordered(self.model, self._query)
        listing = Listing(self.model, query)
        plan = records_plan(client, self.model, query, concurrency=page_width(client), listing=listing)
        return self._then_prefetch(client, plan, lambda records: records)

    def _prefetch_plan(self, client: ServiceClient, records: list[Any]) -> Plan[None]:
        return prefetch_plan(records, self._prefetch, asynchronous=client.is_async, width=page_width(client))

    def _then_prefetch(
        self, client: ServiceClient, plan: Plan[R], records_of: Callable[[R], Iterable[Any]]
    ) -> Plan[R]:
        """``plan``, then the prefetch of the relations of the records it answered (if any are asked for)."""
        if not self._prefetch:
            return plan
        return _then(plan, lambda result: Nested(self._prefetch_plan(client, list(records_of(result)))))

    # -- evaluation (each sync method has an a-prefixed async twin over the same plan) -------------

    def _evaluate(self) -> list[RecordT]:
        return self._run("__iter__", self._records)

    async def _aevaluate(self) -> list[RecordT]:
        return await self._arun("__iter__", self._records)

    @overload
    def __getitem__(self, key: int) -> RecordT: ...
    @overload
    def __getitem__(self, key: slice) -> Self: ...
    def __getitem__(self, key: int | slice) -> RecordT | Self:
        if isinstance(key, bool) or not isinstance(key, (int, slice)):
            raise TypeError(f"QuerySet indices must be integers or slices, not {type(key).__name__}.")
        if isinstance(key, int):
            if key < 0:
                raise ValueError("Negative indexing is not supported.")
            if self._result_cache is not None:
                return self._result_cache[key]
            query = self._query.sliced(key, key + 1)
            found = self._run(
                "getitem", lambda c: self._one(c, first_plan(c, self.model, ordered(self.model, query)))
            )
            if found is None:
                raise IndexError(f"{self.model.__name__} QuerySet index {key} out of range")
            return found
        start, stop, step = key.start, key.stop, key.step
        for bound in (start, stop):
            if bound is not None and (not isinstance(bound, int) or bound < 0):
                raise ValueError("Negative indexing is not supported.")
        if step is not None:
            # Django: a step evaluates the query and returns a list
            return list(self._clone(**_slice_changes(self._query, start or 0, stop)))[::step]  # type: ignore[return-value]
        if self._result_cache is not None:
            return self._result_cache[key]  # type: ignore[return-value]
        return self._clone(**_slice_changes(self._query, start or 0, stop))

    def iterator(self, chunk_size: int = MAX_PAGE_LIMIT, concurrency: int | None = None) -> Iterator[RecordT]:
        """Stream the records without caching them: memory stays bounded by ``concurrency`` pages.

        After the first page ``concurrency`` pages are read at once (default: the client's
        ``page_concurrency``); records still come in order, and stopping early stops the reading.
        """
        return run(self._stream(False, chunk_size, concurrency))

    def aiterator(
        self, chunk_size: int = MAX_PAGE_LIMIT, concurrency: int | None = None
    ) -> AsyncIterator[RecordT]:
        """``async for`` over the records without caching them (see :meth:`iterator`)."""
        return arun(self._stream(True, chunk_size, concurrency))

    def _cached_or_run(self, action: str, of_cache: Callable[[list[RecordT]], R], plan: _QueryPlan[R]) -> R:
        """``of_cache`` of the cached records once the QuerySet was evaluated (no client needed), else
        ``plan(client, model, query)`` run: how ``count()`` and ``exists()`` answer."""
        if self._result_cache is not None:
            return of_cache(self._result_cache)
        return self._run(action, lambda c: plan(c, self.model, self._query))

    async def _acached_or_run(
        self, action: str, of_cache: Callable[[list[RecordT]], R], plan: _QueryPlan[R]
    ) -> R:
        if self._result_cache is not None:
            return of_cache(self._result_cache)
        return await self._arun(action, lambda c: plan(c, self.model, self._query))

    def count(self) -> int:
        """How many records match: the envelope total of one request (or the cache's length)."""
        return self._cached_or_run("count", len, count_plan)

    async def acount(self) -> int:
        """Async twin of :meth:`count`."""
        return await self._acached_or_run("count", len, count_plan)

    def exists(self) -> bool:
        """Whether any record matches: one request for one record (or the cache)."""
        return self._cached_or_run("exists", bool, exists_plan)

    async def aexists(self) -> bool:
        """Async twin of :meth:`exists`."""
        return await self._acached_or_run("exists", bool, exists_plan)

    def _get_plan(self, client: Any, args: tuple[Q, ...], lookups: dict[str, Any]) -> Plan[RecordT]:
        query = self.filter(*args, **lookups)._query if args or lookups else self._query
        return self._one(client, get_plan(client, self.model, query))

    def _one(self, client: ServiceClient, plan: Plan[R]) -> Plan[R]:
        """A plan answering one record (or None), with that record's relations prefetched."""
        return self._then_prefetch(client, plan, lambda record: [] if record is None else [record])

    def get(self, *args: Q, **lookups: Any) -> RecordT:
        """The one record matching; ``Model.DoesNotExist`` / ``Model.MultipleObjectsReturned`` otherwise."""
        return self._run("get", lambda c: self._get_plan(c, args, lookups))

    async def aget(self, *args: Q, **lookups: Any) -> RecordT:
        """Async twin of :meth:`get`."""
        return await self._arun("get", lambda c: self._get_plan(c, args, lookups))

    def first(self) -> RecordT | None:
        """The first record (in the given or the default ordering), or None; one request."""
        return self._run(
            "first", lambda c: self._one(c, first_plan(c, self.model, ordered(self.model, self._query)))
        )

    async def afirst(self) -> RecordT | None:
        """Async twin of :meth:`first`."""
        return await self._arun(
            "first", lambda c: self._one(c, first_plan(c, self.model, ordered(self.model, self._query)))
        )

    def last(self) -> RecordT | None:
        """The last record: the first of the reversed ordering, or None; one request."""
        self._not_sliced("reverse")
        return self.reverse().first()

    async def alast(self) -> RecordT | None:
        """Async twin of :meth:`last`."""
        self._not_sliced("reverse")
        return await self.reverse().afirst()

    def in_bulk(self, id_list: Iterable[object] | None = None) -> dict[Any, RecordT]:
        """Records by id: ``{id: record}``, read with ``id__in`` (50 ids per request)."""
        query = ordered(self.model, self._query)
        return self._run(
            "in_bulk", lambda c: self._bulk_of(c, in_bulk_plan(c, self.model, query, id_list, page_width(c)))
        )

    def _bulk_of(self, client: ServiceClient, plan: Plan[dict[Any, RecordT]]) -> Plan[dict[Any, RecordT]]:
        return self._then_prefetch(client, plan, lambda found: found.values())

    async def ain_bulk(self, id_list: Iterable[object] | None = None) -> dict[Any, RecordT]:
        """Async twin of :meth:`in_bulk`."""
        query = ordered(self.model, self._query)
        return await self._arun(
            "in_bulk", lambda c: self._bulk_of(c, in_bulk_plan(c, self.model, query, id_list, page_width(c)))
        )

    def create(self, **fields: Any) -> RecordT:
        """Create a record through this QuerySet's client (``Model(**fields).save()``)."""
        return self._run("create", lambda c: create_plan(c, self.model, fields))

    async def acreate(self, **fields: Any) -> RecordT:
        """Async twin of :meth:`create`."""
        return await self._arun("create", lambda c: create_plan(c, self.model, fields))

    def get_or_create(self, defaults: dict[str, Any] | None = None, **lookups: Any) -> tuple[RecordT, bool]:
        """The matching record, or a new one from ``lookups`` and ``defaults``; ``(record, created)``.

        Not atomic over REST: when the create meets a conflict (409, someone else created it), the
        record is read once more.
        """
        return self._run(
            "get_or_create", lambda c: get_or_create_plan(c, self.model, self._query, lookups, defaults)
        )

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[RecordT, bool]:
        """Async twin of :meth:`get_or_create`."""
        return await self._arun(
            "get_or_create", lambda c: get_or_create_plan(c, self.model, self._query, lookups, defaults)
        )

    def update_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[RecordT, bool]:
        """Update the matching record with ``defaults`` (only changed fields are sent), or create one."""
        return self._run(
            "update_or_create",
            lambda c: update_or_create_plan(c, self.model, self._query, lookups, defaults, create_defaults),
        )

    async def aupdate_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[RecordT, bool]:
        """Async twin of :meth:`update_or_create`."""
        return await self._arun(
            "update_or_create",
            lambda c: update_or_create_plan(c, self.model, self._query, lookups, defaults, create_defaults),
        )

    # -- bulk operations (one request per record: the Hub has no bulk routes and no transactions) -----

    def update(self, **fields: Any) -> int:
        """Set ``fields`` on every matching record; the number updated.

        The matching ids are read first (one request per 50), then each record is updated with its own
        ``POST /<path>/<id>``, as many at once as pages are read. Not atomic: when some updates fail,
        the others stay done and :class:`~flame_hub.exceptions.BulkOperationError` lists both.
        """
        self._not_sliced("update")
        return self._run(
            "update", lambda c: update_many_plan(c, self.model, self._query, fields, page_width(c))
        )

    async def aupdate(self, **fields: Any) -> int:
        """Async twin of :meth:`update`."""
        self._not_sliced("update")
        return await self._arun(
            "update", lambda c: update_many_plan(c, self.model, self._query, fields, page_width(c))
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete every matching record: ``(count, {"core.Node": count})``, as Django answers.

        The matching ids are read first, then each record is deleted with its own ``DELETE``. Not
        atomic (see :meth:`update`); a record someone else deleted meanwhile is not counted, and the
        Hub's own cascades are not counted either.
        """
        if self._query.is_sliced:
            raise TypeError("Cannot use 'limit' or 'offset' with delete().")
        return self._run("delete", lambda c: delete_many_plan(c, self.model, self._query, page_width(c)))

    async def adelete(self) -> tuple[int, dict[str, int]]:
        """Async twin of :meth:`delete`."""
        if self._query.is_sliced:
            raise TypeError("Cannot use 'limit' or 'offset' with delete().")
        return await self._arun(
            "delete", lambda c: delete_many_plan(c, self.model, self._query, page_width(c))
        )

    def bulk_create(self, records: Iterable[RecordT]) -> list[RecordT]:
        """Create these records (one ``POST`` each, as many at once as pages are read); they take their ids.

        Every record is checked before the first request. Not atomic: when some creates fail, the
        others stay created and :class:`~flame_hub.exceptions.BulkOperationError` lists both (the
        created records carry their ids). A failed create is not retried.
        """
        batch = list(records)
        if not batch:
            return []
        return self._run("bulk_create", lambda c: bulk_create_plan(c, self.model, batch, page_width(c)))

    async def abulk_create(self, records: Iterable[RecordT]) -> list[RecordT]:
        """Async twin of :meth:`bulk_create`."""
        batch = list(records)
        if not batch:
            return []
        return await self._arun(
            "bulk_create", lambda c: bulk_create_plan(c, self.model, batch, page_width(c))
        )

    # -- display ------------------------------------------------------------------------------------

    def _preview(self) -> tuple[list[RecordT], int | None]:
        """Up to 21 records for display (one request) and the total when the Hub gave it."""
        if self._result_cache is not None:
            return self._result_cache[: REPR_ROWS + 1], len(self._result_cache)
        query = ordered(self.model, self._query)
        return self._run("repr", lambda c: preview_plan(c, self.model, query, REPR_ROWS + 1))

    def __repr__(self) -> str:
        if self._result_cache is None and self._is_async():
            return f"<QuerySet of {self.model.__name__} (async: evaluate it with async for)>"
        return shown_rows("QuerySet", self._preview()[0])

    def _is_async(self) -> bool:
        try:
            return resolve(self.model.meta.service, self._using).is_async
        except Exception:  # no client configured: the preview will say so
            return False

    def _repr_html_(self) -> str:
        if self._result_cache is None and self._is_async():
            return f"<div>QuerySet of {html.escape(self.model.__name__)} (async: not evaluated)</div>"
        rows, total = self._preview()
        return html_table(self.model.__name__, schema_of(self.model).columns, rows[:REPR_ROWS], total)


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


def _slice_changes(query: Query, start: int, stop: int | None) -> dict[str, Any]:
    sliced = query.sliced(start, stop)
    return {"low": sliced.low, "high": sliced.high}


def page_width(client: ServiceClient) -> int:
    """How many requests of one listing or bulk operation ``client`` sends at once."""
    return client.page_concurrency or DEFAULT_PAGE_CONCURRENCY


def _width(concurrency: int | None, client: ServiceClient) -> int:
    if concurrency is None:
        return page_width(client)
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    return concurrency


def _chunk(size: int) -> int:
    if not 1 <= size <= MAX_PAGE_LIMIT:
        raise ValueError(f"chunk_size must be from 1 to {MAX_PAGE_LIMIT} (the Hub's page cap), got {size}")
    return size


def _then(plan: Plan[R], after: Callable[[R], Any]) -> Plan[R]:
    """Run ``plan``, then the step ``after`` makes of its result; answer the result."""
    result = yield from plan
    yield after(result)
    return result
