"""What requests an ORM operation needs: each operation as a plan, without doing any IO.

A plan is a generator that yields engine :class:`~flame_hub.engine.calls.Call` objects (and, for
listings, :class:`~flame_hub._driver.Emit` batches of records and :class:`~flame_hub._driver.Prefetch`
hints) and receives each call's result; :func:`~flame_hub._driver.run` carries it out with sync IO and
:func:`~flame_hub._driver.arun` with async IO. So the paging arithmetic, the request economy and the
save/refresh logic exist once, here, for both.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from flame_hub._driver import Emit, Plan, Prefetch
from flame_hub.engine.calls import (
    create_call,
    delete_call,
    list_call,
    list_calls,
    retrieve_call,
    update_call,
)
from flame_hub.engine.client import ServiceClient
from flame_hub.exceptions import (
    ConflictError,
    FieldError,
    NotSupportedError,
)
from flame_hub.orm.listing import Listing, in_slice
from flame_hub.query.compiler import EmptyResultSet
from flame_hub.query.lookups import did_you_mean
from flame_hub.query.query import Q, Query
from flame_hub.schema.envelopes import MAX_PAGE_LIMIT, Page
from flame_hub.schema.record import (
    Record,
    RecordT,
    client_of,
    keep_unsaved,
    mark_loaded,
    schema_of,
    snapshot_of,
    take_snapshot,
)

__all__ = [
    "batches",
    "count_plan",
    "create_plan",
    "delete_plan",
    "exists_plan",
    "first_plan",
    "get_or_create_plan",
    "get_plan",
    "in_bulk_plan",
    "ordered",
    "page_plan",
    "preview_plan",
    "records_plan",
    "refresh_plan",
    "save_plan",
    "update_or_create_plan",
]


T = TypeVar("T")


def batches(values: Sequence[T]) -> Iterator[list[T]]:
    """``values`` in groups of :data:`MAX_PAGE_LIMIT`: the ids one ``filter[...]=a,b,c`` request asks
    for, so that each batch's answer fits in one page."""
    for start in range(0, len(values), MAX_PAGE_LIMIT):
        yield list(values[start : start + MAX_PAGE_LIMIT])


def ordered(model: type[Record], query: Query) -> Query:
    """The query with the resource's default ordering when it has none, so that paging is stable."""
    if query.ordering or not model.meta.default_ordering:
        return query
    return replace(query, ordering=model.meta.default_ordering)


# -- reading ------------------------------------------------------------------------------------------


def page_plan(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    *,
    chunk_size: int = MAX_PAGE_LIMIT,
    concurrency: int = 1,
    listing: Listing | None = None,
) -> Plan[None]:
    """Read every record of the (possibly sliced) query, emitting each page in order (a Stream's plan).

    The first page tells the total; with ``concurrency`` > 1 the remaining pages are then announced to
    the driver as one :class:`~flame_hub._driver.Prefetch` (their offsets are known), otherwise they are
    read one by one, stopping at a short page, at ``meta.total``, or when the slice is filled. Every page
    is compiled from the same query, so no parameter is lost on later pages. With a ``listing`` every
    record passes :meth:`Listing.admit` (no record twice) and, once the last page is read,
    :meth:`Listing.finish` checks the count against ``meta.total``.
    """
    yield from _paging(client, model, query, chunk_size, concurrency, listing, None)


def records_plan(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    *,
    concurrency: int = 1,
    listing: Listing | None = None,
) -> Plan[list[RecordT]]:
    """:func:`page_plan`, answering every record in one list instead of emitting the pages."""
    found: list[RecordT] = []
    yield from _paging(client, model, query, MAX_PAGE_LIMIT, concurrency, listing, found)
    return found


def _paging(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    chunk_size: int,
    concurrency: int,
    listing: Listing | None,
    into: list[RecordT] | None,
) -> Plan[None]:
    """The paging of :func:`page_plan`: each page's records are emitted, or added to ``into``."""
    size = max(1, min(chunk_size, MAX_PAGE_LIMIT))
    offset, high = query.low, query.high
    while True:
        limit = size if high is None else min(size, high - offset)
        if limit <= 0:
            break
        try:
            call = list_call(client, model, query, limit=limit, offset=offset)
        except EmptyResultSet:
            break
        page: Page[RecordT] = yield call
        yield from _deliver(page, listing, into)
        offset += len(page.items)
        if len(page.items) < limit or (page.total is not None and offset >= page.total):
            break
        if concurrency > 1 and page.total is not None:
            end = page.total if high is None else min(page.total, high)
            windows = [(min(size, end - start), start) for start in range(offset, end, size)]
            calls = list_calls(client, model, query, windows)
            yield Prefetch(calls, concurrency)
            for call in calls:
                page = yield call
                yield from _deliver(page, listing, into)
            break
    if listing is not None:
        listing.finish()


def _deliver(page: Page[RecordT], listing: Listing | None, into: list[RecordT] | None) -> Plan[None]:
    items = page.items
    if listing is not None:
        listing.saw_total(page.total)
        items = listing.admit_page(items)
    if into is None:
        yield Emit(items)
    else:
        into.extend(items)


def count_plan(client: ServiceClient, model: type[RecordT], query: Query) -> Plan[int]:
    """One request with ``page[limit]=1``; the envelope's total, clamped to the slice."""
    if query.high is not None and query.high <= query.low:
        return 0
    try:
        call = list_call(client, model, query, limit=1, offset=0)
    except EmptyResultSet:
        return 0
    page: Page[RecordT] = yield call
    total = in_slice(page.total, query)
    if total is None:
        raise NotSupportedError(f"the Hub sent no meta.total for {model.meta.path}, so it cannot be counted")
    return total


def preview_plan(
    client: ServiceClient, model: type[RecordT], query: Query, rows: int
) -> Plan[tuple[list[RecordT], int | None]]:
    """Up to ``rows`` records for display and how many the slice holds (one request; None: unknown)."""
    limit = rows if query.high is None else min(rows, query.high - query.low)
    if limit <= 0:
        return [], 0
    try:
        call = list_call(client, model, query, limit=limit, offset=query.low)
    except EmptyResultSet:
        return [], 0
    page: Page[RecordT] = yield call
    return list(page.items), in_slice(page.total, query)


def exists_plan(client: ServiceClient, model: type[RecordT], query: Query) -> Plan[bool]:
    """One request for one record."""
    return (yield from first_plan(client, model, query)) is not None


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


def get_plan(client: ServiceClient, model: type[RecordT], query: Query) -> Plan[RecordT]:
    """``get()``: the by-id route for ``id=…`` alone, otherwise a filtered page of two."""
    ident = _only_id(query)
    if ident is not None and not query.is_sliced:
        record: RecordT | None = yield retrieve_call(
            client, model, ident, fields=query.fields or None, includes=query.includes
        )
        if record is None:
            raise model.DoesNotExist(f"{model.__name__} matching id={ident!s} does not exist.")
        return record
    try:
        call = list_call(client, model, query, limit=2, offset=query.low)
    except EmptyResultSet:
        raise model.DoesNotExist(f"{model.__name__} matching query does not exist.") from None
    page: Page[RecordT] = yield call
    if not page.items:
        raise model.DoesNotExist(f"{model.__name__} matching query does not exist.")
    if len(page.items) > 1:
        total = page.total if page.total is not None else "more than one"
        raise model.MultipleObjectsReturned(
            f"get() returned more than one {model.__name__} -- it returned {total}!"
        )
    return page.items[0]


def in_bulk_plan(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    ids: Iterable[object] | None,
    width: int = 1,
) -> Plan[dict[Any, RecordT]]:
    """``in_bulk``: records by id, read with ``id__in`` in pages of 50 ids (never one request per id);
    without ids, every record of the query, read as ``list(qs)`` reads them (``width`` pages at once)."""
    if "id" not in model.meta.filters:
        raise NotSupportedError(
            f"{model.__name__} cannot be filtered by id on the Hub, so in_bulk is not possible"
        )
    found: list[RecordT] = []
    if ids is None:
        found = yield from records_plan(
            client, model, query, concurrency=width, listing=Listing(model, query)
        )
    else:
        for batch in batches(list(dict.fromkeys(ids))):  # a batch fits in one page
            found += yield from records_plan(client, model, query.filter(Q(id__in=batch)))
    return {getattr(record, "id", None): record for record in found}


# -- writing ------------------------------------------------------------------------------------------


def adopt(record: Record, fresh: Record) -> None:
    """Take over the Hub's answer: its values, which fields it sent, and a new snapshot."""
    record.__dict__.update(fresh.__dict__)
    object.__setattr__(record, "__pydantic_fields_set__", set(fresh.model_fields_set))
    object.__setattr__(record, "__pydantic_extra__", dict(fresh.__pydantic_extra__ or {}))
    mark_loaded(record, client_of(fresh) or client_of(record))


def changed_fields(record: Record, update_fields: Iterable[str] | None) -> dict[str, Any]:
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


def save_plan(client: ServiceClient, record: RecordT, update_fields: Iterable[str] | None) -> Plan[RecordT]:
    """Create a record without id; otherwise send only the changed writable fields (none: no request)."""
    model = type(record)
    if getattr(record, "id", None) is None:
        if update_fields is not None:
            raise NotSupportedError("update_fields= cannot be used when saving a record that has no id yet")
        creatable = schema_of(model).writable("create")
        data = {name: getattr(record, name) for name in creatable if name in record.model_fields_set}
        fresh: RecordT = yield create_call(client, model, data)
    else:
        data = changed_fields(record, update_fields)
        if not data:
            return record
        # changes left out by update_fields stay on the record, unsaved (as in Django)
        pending = (
            {}
            if update_fields is None
            else {k: v for k, v in changed_fields(record, None).items() if k not in data}
        )
        fresh = yield update_call(client, model, record.id, data)  # type: ignore[attr-defined]
        adopt(record, fresh)
        keep_unsaved(record, pending)
        return record
    adopt(record, fresh)
    return record


def delete_plan(client: ServiceClient, record: Record) -> Plan[None]:
    """Delete the record and forget its id (saving it again creates a new one)."""
    ident = getattr(record, "id", None)
    if ident is None:
        raise NotSupportedError(
            f"this {type(record).__name__} has no id: it was never saved, so it cannot be deleted"
        )
    yield delete_call(client, type(record), ident)
    record.__dict__["id"] = None


def refresh_plan(
    client: ServiceClient,
    record: Record,
    fields: Iterable[str] | None,
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
    fresh: Record | None = yield retrieve_call(client, model, ident)
    if fresh is None:
        raise model.DoesNotExist(f"{model.__name__} with id={ident} no longer exists.")
    if names is None:
        adopt(record, fresh)
        return
    before = snapshot_of(record) or take_snapshot(record)
    for name in names:
        record.__dict__[name] = fresh.__dict__[name]
        before[name] = copy.deepcopy(fresh.__dict__[name])
    mark_loaded(record, client_of(record) or client_of(fresh), before)


def first_plan(client: ServiceClient, model: type[RecordT], query: Query) -> Plan[RecordT | None]:
    """The first record of the query (ordered as given), or None: one request for one record."""
    if query.high is not None and query.high <= query.low:
        return None
    try:
        call = list_call(client, model, query, limit=1, offset=query.low)
    except EmptyResultSet:
        return None
    page: Page[RecordT] = yield call
    return page.items[0] if page.items else None


def create_plan(client: ServiceClient, model: type[RecordT], fields: dict[str, Any]) -> Plan[RecordT]:
    """``Model(**fields).save()``."""
    record = model(**fields)
    return (yield from save_plan(client, record, None))


def _plain(lookups: dict[str, Any]) -> dict[str, Any]:
    """The plain ``field=value`` items of lookups (``field__lookup`` items are not fields)."""
    return {key: value for key, value in lookups.items() if "__" not in key}


def get_or_create_plan(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    lookups: dict[str, Any],
    defaults: dict[str, Any] | None,
) -> Plan[tuple[RecordT, bool]]:
    """The matching record, or a new one; a conflict on create (someone else made it) reads it again."""
    matching = query.filter(Q(**lookups))
    try:
        return (yield from get_plan(client, model, matching)), False
    except model.DoesNotExist:
        pass
    try:
        return (yield from create_plan(client, model, {**_plain(lookups), **(defaults or {})})), True
    except ConflictError as conflict:
        try:
            return (yield from get_plan(client, model, matching)), False
        except model.DoesNotExist:
            # the conflict is with a record the lookups do not match: report it (as Django re-raises)
            raise conflict from None


def update_or_create_plan(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    lookups: dict[str, Any],
    defaults: dict[str, Any] | None,
    create_defaults: dict[str, Any] | None,
) -> Plan[tuple[RecordT, bool]]:
    """Update the matching record with ``defaults`` (only what changes is sent), or create one."""
    matching = query.filter(Q(**lookups))
    try:
        record = yield from get_plan(client, model, matching)
    except model.DoesNotExist:
        fields = {**_plain(lookups), **((defaults if create_defaults is None else create_defaults) or {})}
        return (yield from create_plan(client, model, fields)), True
    for name, value in (defaults or {}).items():
        setattr(record, name, value)
    yield from save_plan(client, record, None)
    return record, False
