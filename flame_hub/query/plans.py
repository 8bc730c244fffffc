"""How QuerySets and records are evaluated, without doing any IO.

A *plan* is a generator that yields engine :class:`~flame_hub.clients.engine.Call` objects (and
:class:`Emit` batches of records for streaming) and receives each call's result. The sync QuerySet runs
plans with ``httpx.Client``, the async twins with ``httpx.AsyncClient``; the paging arithmetic, the
request economy and the save/refresh logic exist once, here.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import unicodedata
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar

from flame_hub._sync import as_coroutine, iterate_sync, run_sync
from flame_hub.clients.base import ServiceCore
from flame_hub.clients.engine import (
    Call,
    create_call,
    delete_call,
    list_call,
    list_calls,
    retrieve_call,
    update_call,
)
from flame_hub.clients.params import MAX_PAGE_LIMIT
from flame_hub.exceptions import FieldError, MultipleObjectsReturned, NotSupportedError, ObjectDoesNotExist
from flame_hub.models.base import (
    Page,
    Resource,
    ResourceT,
    client_of,
    mark_loaded,
    schema_of,
    snapshot_of,
    take_snapshot,
)
from flame_hub.query.compiler import EmptyResultSet
from flame_hub.query.lookups import did_you_mean
from flame_hub.query.query import Q, Query

__all__ = [
    "FALLBACK_WINDOW",
    "Emit",
    "IncompleteListingWarning",
    "Listing",
    "Plan",
    "adrive",
    "astream",
    "count_plan",
    "create_plan",
    "delete_plan",
    "drive",
    "exists_plan",
    "first_plan",
    "get_or_create_plan",
    "get_plan",
    "in_bulk_plan",
    "page_plan",
    "preview_plan",
    "refresh_plan",
    "save_plan",
    "stream",
    "update_or_create_plan",
]

R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True)
class Emit(Generic[T]):
    """A batch of records a streaming plan hands to its consumer before asking for the next page.

    ``total`` is the page's ``meta.total`` when the batch is a page of a listing.
    """

    items: Sequence[T]
    total: int | None = None


#: A generator yielding calls (answered with their results) and ``Emit`` batches, returning ``R``.
Plan = Generator["Call[Any] | Emit[Any] | Fanout", Any, R]


def ordered(model: type[Resource], query: Query) -> Query:
    """The query with the resource's default ordering when it has none, so that paging is stable."""
    if query.ordering or not model.meta.default_ordering:
        return query
    return replace(query, ordering=model.meta.default_ordering)


# -- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fanout:
    """Independent page reads the driver may run concurrently; it emits their records in this order."""

    calls: Sequence[Call[Any]]


def page_plan(
    core: ServiceCore,
    model: type[ResourceT],
    query: Query,
    client: object,
    *,
    chunk_size: int = MAX_PAGE_LIMIT,
    concurrency: int = 1,
) -> Plan[None]:
    """Read every record of the (possibly sliced) query, emitting each page in order.

    The first page tells the total; with ``concurrency`` > 1 the remaining pages are then handed to
    the driver as one :class:`Fanout` (their offsets are known), otherwise they are read one by one,
    stopping at a short page, at ``meta.total``, or when the slice is filled. Every page is compiled
    from the same query, so no parameter is lost on later pages.
    """
    size = max(1, min(chunk_size, MAX_PAGE_LIMIT))
    offset, high = query.low, query.high
    while True:
        limit = size if high is None else min(size, high - offset)
        if limit <= 0:
            return
        try:
            call = list_call(core, model, query, limit=limit, offset=offset, client=client)
        except EmptyResultSet:
            return
        page: Page[ResourceT] = yield call
        yield Emit(page.items, page.total)
        offset += len(page.items)
        if len(page.items) < limit or (page.total is not None and offset >= page.total):
            return
        if concurrency > 1 and page.total is not None:
            end = page.total if high is None else min(page.total, high)
            windows = [(min(size, end - start), start) for start in range(offset, end, size)]
            yield Fanout(list_calls(core, model, query, windows, client=client))
            return


class IncompleteListingWarning(UserWarning):
    """A listing read page by page could not show that it saw every record once.

    The Hub pages with ``LIMIT``/``OFFSET``. Rows that tie on the sort key have no defined order in SQL,
    so a database may order them differently for each page (Postgres and MySQL do; the sqlite Hub
    observed so far did not): a row can come on two pages and another on none. Repeats are dropped
    before they reach you; a shortfall against ``meta.total`` is what this warning reports, with the
    fix (a unique sort key, a narrower filter, or reading again when the collection changed).
    """


#: How many recent ids a listing remembers when its records do not carry their sort keys (``only()``
#: or ``defer()`` left them out) or it has no ordering: repeats further apart than this are not caught.
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
    equal sort keys are remembered: memory follows the largest tie group, not the length of the
    listing (with a unique sort key, one id). Records without their sort keys, or a query without an
    ordering, fall back to remembering the last :data:`FALLBACK_WINDOW` ids.

    :meth:`finish` runs when the listing was read to its end (not when the consumer stopped early) and
    warns with :class:`IncompleteListingWarning` when the distinct records read differ from the total.
    """

    def __init__(self, model: type[Resource], query: Query) -> None:
        self.model = model
        self.query = query
        self._paths = tuple(
            tuple(name.lstrip("-+").replace(".", "__").split("__")) for name in query.ordering
        )
        self._run_key: Any = _NO_KEY
        self._run_ids: set[Any] = set()
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
        ident = getattr(record, "id", None)
        if ident is None:  # nothing to tell records apart by (never the case for Hub entities)
            self.admitted += 1
            return True
        key = self._key(record)
        if key is _NO_KEY:
            if ident in self._recent_ids:
                self.repeats += 1
                return False
            self._recent.append(ident)
            self._recent_ids.add(ident)
            if len(self._recent) > FALLBACK_WINDOW:
                self._recent_ids.discard(self._recent.popleft())
        elif key != self._run_key:
            self._run_key, self._run_ids = key, {ident}
        elif ident in self._run_ids:
            self.repeats += 1
            return False
        else:
            self._run_ids.add(ident)
        self.admitted += 1
        return True

    def finish(self) -> None:
        """The listing was read to its end: warn when it cannot show it saw every record once."""
        if not self.totals:
            return
        expected = _in_slice(self.totals[0], self.query)
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
        elif self._is_unique():
            cause = "records were created or deleted while it was read; read it again"
        else:
            cause = (
                f"records tie on its sort key ({', '.join(self.query.ordering) or 'none'}) and the database "
                f"ordered the ties differently from page to page; fix: {self._fix()}"
            )
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


def count_plan(core: ServiceCore, model: type[ResourceT], query: Query, client: object) -> Plan[int]:
    """One request with ``page[limit]=1``; the envelope's total, clamped to the slice."""
    if query.high is not None and query.high <= query.low:
        return 0
    try:
        call = list_call(core, model, query, limit=1, offset=0, client=client)
    except EmptyResultSet:
        return 0
    page: Page[ResourceT] = yield call
    total = _in_slice(page.total, query)
    if total is None:
        raise NotSupportedError(f"the Hub sent no meta.total for {model.meta.path}, so it cannot be counted")
    return total


def _in_slice(total: int | None, query: Query) -> int | None:
    """How many of ``total`` matching records fall inside the query's slice."""
    if total is None:
        return None
    inside = max(0, total - query.low)
    return inside if query.high is None else min(inside, query.high - query.low)


def preview_plan(
    core: ServiceCore, model: type[ResourceT], query: Query, client: object, rows: int
) -> Plan[tuple[list[ResourceT], int | None]]:
    """Up to ``rows`` records for display and how many the slice holds (one request; None: unknown)."""
    limit = rows if query.high is None else min(rows, query.high - query.low)
    if limit <= 0:
        return [], 0
    try:
        call = list_call(core, model, query, limit=limit, offset=query.low, client=client)
    except EmptyResultSet:
        return [], 0
    page: Page[ResourceT] = yield call
    return list(page.items), _in_slice(page.total, query)


def exists_plan(core: ServiceCore, model: type[ResourceT], query: Query, client: object) -> Plan[bool]:
    """One request for one record."""
    return (yield from first_plan(core, model, query, client)) is not None


def _only_id(query: Query) -> object | None:
    """The id when the query's only condition is ``id=<value>`` (then the by-id route serves ``get``)."""
    where = query.where
    if where.negated or len(where.children) != 1:
        return None
    (child,) = where.children
    if isinstance(child, Q):
        return _only_id(replace(query, where=child))
    if child.path in (("id",), ("pk",)) and child.lookup == "exact" and child.value is not None:
        value: object = child.value
        return value
    return None


def get_plan(
    core: ServiceCore,
    model: type[ResourceT],
    query: Query,
    client: object,
    does_not_exist: type[ObjectDoesNotExist],
    multiple: type[MultipleObjectsReturned],
) -> Plan[ResourceT]:
    """``get()``: the by-id route for ``id=…`` alone, otherwise a filtered page of two."""
    ident = _only_id(query)
    if ident is not None and not query.is_sliced:
        record: ResourceT | None = yield retrieve_call(
            core, model, ident, fields=query.fields or None, includes=query.includes, client=client
        )
        if record is None:
            raise does_not_exist(f"{model.__name__} matching id={ident!s} does not exist.")
        return record
    try:
        call = list_call(core, model, query, limit=2, offset=query.low, client=client)
    except EmptyResultSet:
        raise does_not_exist(f"{model.__name__} matching query does not exist.") from None
    page: Page[ResourceT] = yield call
    if not page.items:
        raise does_not_exist(f"{model.__name__} matching query does not exist.")
    if len(page.items) > 1:
        total = page.total if page.total is not None else "more than one"
        raise multiple(f"get() returned more than one {model.__name__} -- it returned {total}!")
    return page.items[0]


def in_bulk_plan(
    core: ServiceCore, model: type[ResourceT], query: Query, client: object, ids: Iterable[object] | None
) -> Plan[dict[Any, ResourceT]]:
    """``in_bulk``: records by id, read with ``id__in`` in pages of 50 ids (never one request per id)."""
    if "id" not in model.meta.filters:
        raise NotSupportedError(
            f"{model.__name__} cannot be filtered by id on the Hub, so in_bulk is not possible"
        )
    found: dict[Any, ResourceT] = {}
    if ids is None:
        batches: list[Query] = [query]
    else:
        unique = list(dict.fromkeys(ids))
        batches = [
            query.filter(Q(id__in=unique[i : i + MAX_PAGE_LIMIT]))
            for i in range(0, len(unique), MAX_PAGE_LIMIT)
        ]
    for batch in batches:
        stream = page_plan(core, model, batch, client)
        reply: Any = None
        while True:
            try:
                step = stream.send(reply)
            except StopIteration:
                break
            if isinstance(step, Emit):
                found.update((getattr(record, "id", None), record) for record in step.items)
                reply = None
            else:
                reply = yield step
    return found


# -- writing ------------------------------------------------------------------------------------------


def adopt(record: Resource, fresh: Resource) -> None:
    """Take over the Hub's answer: its values, which fields it sent, and a new snapshot."""
    record.__dict__.update(fresh.__dict__)
    object.__setattr__(record, "__pydantic_fields_set__", set(fresh.model_fields_set))
    object.__setattr__(record, "__pydantic_extra__", dict(fresh.__pydantic_extra__ or {}))
    mark_loaded(record, client_of(fresh) or client_of(record))


def changed_fields(record: Resource, update_fields: Iterable[str] | None) -> dict[str, Any]:
    """The writable fields whose values differ from the snapshot (or the given ``update_fields``)."""
    model = type(record)
    writable = schema_of(model).writable("update")
    if update_fields is not None:
        names = list(update_fields)
        for name in names:
            if name not in writable:
                raise FieldError(
                    f"{model.__name__}.{name} cannot be updated.{did_you_mean(name, writable)} "
                    f"Updatable: {', '.join(writable)}"
                )
        return {name: getattr(record, name) for name in names}
    before = snapshot_of(record)
    if before is None or client_of(record) is None:  # built by hand with an id: send what was set
        return {name: getattr(record, name) for name in writable if name in record.model_fields_set}
    return {name: getattr(record, name) for name in writable if getattr(record, name) != before.get(name)}


def save_plan(
    core: ServiceCore, record: ResourceT, client: object, update_fields: Iterable[str] | None
) -> Plan[ResourceT]:
    """Create a record without id; otherwise send only the changed writable fields (none: no request)."""
    model = type(record)
    if getattr(record, "id", None) is None:
        if update_fields is not None:
            raise NotSupportedError("update_fields= cannot be used when saving a record that has no id yet")
        creatable = schema_of(model).writable("create")
        data = {name: getattr(record, name) for name in creatable if name in record.model_fields_set}
        fresh: ResourceT = yield create_call(core, model, data, client=client)
    else:
        data = changed_fields(record, update_fields)
        if not data:
            return record
        # changes left out by update_fields stay on the record, unsaved (as in Django)
        pending = {k: v for k, v in changed_fields(record, None).items() if k not in data}
        fresh = yield update_call(core, model, record.id, data, client=client)  # type: ignore[attr-defined]
        adopt(record, fresh)
        record.__dict__.update(pending)
        return record
    adopt(record, fresh)
    return record


def delete_plan(core: ServiceCore, record: Resource, client: object) -> Plan[None]:
    """Delete the record and forget its id (saving it again creates a new one)."""
    ident = getattr(record, "id", None)
    if ident is None:
        raise NotSupportedError(
            f"this {type(record).__name__} has no id: it was never saved, so it cannot be deleted"
        )
    yield delete_call(core, type(record), ident, client=client)
    record.__dict__["id"] = None


def refresh_plan(
    core: ServiceCore,
    record: Resource,
    client: object,
    fields: Iterable[str] | None,
    does_not_exist: type[ObjectDoesNotExist],
) -> Plan[None]:
    """Read the record again by id and take over the Hub's values (all, or just ``fields``)."""
    model = type(record)
    ident = getattr(record, "id", None)
    if ident is None:
        raise NotSupportedError(f"this {model.__name__} has no id, so it cannot be read again")
    names = None if fields is None else list(fields)
    unknown = [n for n in names or () if n not in model.model_fields]
    if unknown:  # checked before anything is sent
        raise FieldError(
            f"{model.__name__} has no field {unknown[0]!r}.{did_you_mean(unknown[0], model.model_fields)}"
        )
    fresh: Resource | None = yield retrieve_call(core, model, ident, client=client)
    if fresh is None:
        raise does_not_exist(f"{model.__name__} with id={ident} no longer exists.")
    if names is None:
        adopt(record, fresh)
        return
    before = snapshot_of(record) or take_snapshot(record)
    for name in names:
        record.__dict__[name] = fresh.__dict__[name]
        before[name] = copy.deepcopy(fresh.__dict__[name])
    mark_loaded(record, client_of(record) or client_of(fresh), before)


def first_plan(
    core: ServiceCore, model: type[ResourceT], query: Query, client: object
) -> Plan[ResourceT | None]:
    """The first record of the query (ordered as given), or None: one request for one record."""
    if query.high is not None and query.high <= query.low:
        return None
    try:
        call = list_call(core, model, query, limit=1, offset=query.low, client=client)
    except EmptyResultSet:
        return None
    page: Page[ResourceT] = yield call
    return page.items[0] if page.items else None


def create_plan(
    core: ServiceCore, model: type[ResourceT], fields: dict[str, Any], client: object
) -> Plan[ResourceT]:
    """``Model(**fields).save()``."""
    record = model(**fields)
    return (yield from save_plan(core, record, client, None))


def _plain(lookups: dict[str, Any]) -> dict[str, Any]:
    """The plain ``field=value`` items of lookups (``field__lookup`` items are not fields)."""
    return {key: value for key, value in lookups.items() if "__" not in key}


def get_or_create_plan(
    core: ServiceCore,
    model: type[ResourceT],
    query: Query,
    client: object,
    lookups: dict[str, Any],
    defaults: dict[str, Any] | None,
) -> Plan[tuple[ResourceT, bool]]:
    """The matching record, or a new one; a conflict on create (someone else made it) reads it again."""
    from flame_hub.exceptions import ConflictError

    matching = query.filter(Q(**lookups))
    try:
        return (
            yield from get_plan(
                core, model, matching, client, model.DoesNotExist, model.MultipleObjectsReturned
            )
        ), False
    except model.DoesNotExist:
        pass
    try:
        return (yield from create_plan(core, model, {**_plain(lookups), **(defaults or {})}, client)), True
    except ConflictError as conflict:
        try:
            return (
                yield from get_plan(
                    core, model, matching, client, model.DoesNotExist, model.MultipleObjectsReturned
                )
            ), False
        except model.DoesNotExist:
            # the conflict is with a record the lookups do not match: report it (as Django re-raises)
            raise conflict from None


def update_or_create_plan(
    core: ServiceCore,
    model: type[ResourceT],
    query: Query,
    client: object,
    lookups: dict[str, Any],
    defaults: dict[str, Any] | None,
    create_defaults: dict[str, Any] | None,
) -> Plan[tuple[ResourceT, bool]]:
    """Update the matching record with ``defaults`` (only what changes is sent), or create one."""
    matching = query.filter(Q(**lookups))
    try:
        record = yield from get_plan(
            core, model, matching, client, model.DoesNotExist, model.MultipleObjectsReturned
        )
    except model.DoesNotExist:
        fields = {**_plain(lookups), **((defaults if create_defaults is None else create_defaults) or {})}
        return (yield from create_plan(core, model, fields, client)), True
    for name, value in (defaults or {}).items():
        setattr(record, name, value)
    yield from save_plan(core, record, client, None)
    return record, False


# -- drivers: the only code that sends -------------------------------------------------------------
# Written once, as coroutines; the sync QuerySet runs them with a blocking ``execute`` (see _sync).


async def adrive(plan: Plan[R], execute: Callable[[Call[Any]], Awaitable[Any]]) -> R:
    """Run a plan with an async ``execute(call)``; a failed call is thrown back into the plan."""
    reply: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(reply)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if isinstance(step, (Emit, Fanout)):  # pragma: no cover - only page_plan emits, and it is streamed
            raise TypeError("a streaming plan must be streamed")
        reply, error = None, None
        try:
            reply = await execute(step)
        except Exception as exc:
            error = exc


async def astream(
    plan: Plan[None],
    execute: Callable[[Call[Any]], Awaitable[Any]],
    fanout: FanoutIO | None = None,
    listing: Listing | None = None,
) -> AsyncIterator[Any]:
    """Run a streaming plan with an async ``execute``, yielding the records it emits.

    A :class:`Fanout` step runs through ``fanout`` (a bounded window of concurrent calls whose results
    come back in order); without one its calls run one after the other. With a ``listing`` every
    record passes :meth:`Listing.admit` (no record twice) and, once the plan is done,
    :meth:`Listing.finish` checks the count against ``meta.total``.
    """
    reply: Any = None
    while True:
        try:
            step = plan.send(reply)
        except StopIteration:
            if listing is not None:
                listing.finish()
            return
        reply = None
        if isinstance(step, Emit):
            if listing is not None:
                listing.saw_total(step.total)
            for item in step.items:
                if listing is None or listing.admit(item):
                    yield item
        elif isinstance(step, Fanout):
            if fanout is None:  # pragma: no cover - only page_plan fans out, and only with a fan-out IO
                raise TypeError("a plan that fans out needs a driver that can run calls concurrently")
            async for page in ordered_window(step.calls, fanout):
                if listing is not None:
                    listing.saw_total(page.total)
                for item in page.items:
                    if listing is None or listing.admit(item):
                        yield item
        else:
            reply = await execute(step)


class FanoutIO(Protocol):
    """How a driver runs calls concurrently: start one, wait for it, give one up; and how many at once."""

    concurrency: int

    def start(self, call: Call[Any]) -> Any: ...
    async def wait(self, handle: Any) -> Any: ...
    def cancel(self, handle: Any) -> None: ...


async def ordered_window(calls: Sequence[Call[Any]], io: FanoutIO) -> AsyncIterator[Any]:
    """Results of ``calls`` in order, with at most ``io.concurrency`` in flight.

    When the consumer stops early the calls not yet needed are given up, so the fetching stops too.
    """
    pending: deque[Any] = deque()
    queued = iter(calls)
    try:
        for call in itertools.islice(queued, io.concurrency):
            pending.append(io.start(call))
        while pending:
            result = await io.wait(pending.popleft())
            following = next(queued, None)
            if following is not None:
                pending.append(io.start(following))
            yield result
    finally:
        for handle in pending:
            io.cancel(handle)


def drive(plan: Plan[R], execute: Callable[[Call[Any]], Any]) -> R:
    """:func:`adrive` with a blocking ``execute`` (no event loop involved)."""
    return run_sync(adrive(plan, as_coroutine(execute)))


def stream(
    plan: Plan[None],
    execute: Callable[[Call[Any]], Any],
    concurrency: int = 1,
    listing: Listing | None = None,
) -> Iterator[Any]:
    """:func:`astream` with a blocking ``execute`` (no event loop); page fan-outs run on threads."""
    if concurrency <= 1:
        yield from iterate_sync(astream(plan, as_coroutine(execute), listing=listing))
        return
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="flame-hub-pages") as pool:
        yield from iterate_sync(
            astream(plan, as_coroutine(execute), _ThreadFanout(pool, execute, concurrency), listing)
        )


def astream_concurrently(
    plan: Plan[None],
    execute: Callable[[Call[Any]], Awaitable[Any]],
    concurrency: int,
    listing: Listing | None = None,
) -> AsyncIterator[Any]:
    """:func:`astream` with page fan-outs run as asyncio tasks."""
    return astream(plan, execute, _TaskFanout(execute, concurrency) if concurrency > 1 else None, listing)


class _ThreadFanout:
    """Concurrent calls on threads sharing the sync client's connection pool."""

    def __init__(
        self, pool: ThreadPoolExecutor, execute: Callable[[Call[Any]], Any], concurrency: int
    ) -> None:
        self.pool, self.execute, self.concurrency = pool, execute, concurrency

    def start(self, call: Call[Any]) -> Future[Any]:
        return self.pool.submit(self.execute, call)

    async def wait(self, handle: Future[Any]) -> Any:
        return handle.result()

    def cancel(self, handle: Future[Any]) -> None:
        handle.cancel()


class _TaskFanout:
    """Concurrent calls as tasks of the running event loop."""

    def __init__(self, execute: Callable[[Call[Any]], Awaitable[Any]], concurrency: int) -> None:
        self.execute, self.concurrency = execute, concurrency

    def start(self, call: Call[Any]) -> asyncio.Future[Any]:
        return asyncio.ensure_future(self.execute(call))

    async def wait(self, handle: asyncio.Future[Any]) -> Any:
        return await handle

    def cancel(self, handle: asyncio.Future[Any]) -> None:
        handle.cancel()
