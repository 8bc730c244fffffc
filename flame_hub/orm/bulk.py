"""Bulk operations as plans: ``QuerySet.update()``/``delete()``, ``Manager.bulk_create()`` and the
many-to-many ``add()``/``remove()``, fanned out over the Hub's per-record routes.

The Hub has no bulk routes and no transactions, so a bulk operation is one request per record, sent
``width`` at a time (the concurrency listings read pages with). None is atomic: when some requests fail,
what succeeded stays done, and one :class:`~flame_hub.exceptions.BulkOperationError` lists what
succeeded and what failed, with each reason. Nothing is retried here; the engine's retry policy alone
decides, and it never repeats a create or an update (the Hub has no idempotency keys).

Before any request is sent, the whole batch is checked (fields, values, required keys), so bad input
fails without side effects. ``update()`` and ``delete()`` read the matching ids first, completely, and
only then write: a write that changes what the filter matches cannot shift the pages still to be read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from flame_hub._driver import Plan, Prefetch
from flame_hub.engine.calls import Call, create_call, delete_call, update_call
from flame_hub.engine.client import ServiceClient
from flame_hub.exceptions import BulkOperationError, FlameHubError, NotFoundError, QueryValueError
from flame_hub.orm.listing import Listing
from flame_hub.orm.plans import adopt, ordered, records_plan
from flame_hub.query.query import FieldSelection, Query
from flame_hub.schema.record import Record, RecordT, schema_of

__all__ = ["bulk_create_plan", "delete_many_plan", "fan_out", "label_of", "update_many_plan"]

#: Stands for "some record" when a bulk update's fields are checked before the ids are known.
_PROBE = uuid.UUID(int=0)


def label_of(model: type[Record]) -> str:
    """A resource's label in ``delete()``'s counts, as Django's ``app_label.Model``: ``core.Node``."""
    return f"{model.meta.service}.{model.__name__}"


def fan_out(
    items: Sequence[tuple[Any, Call[Any]]], width: int, *, gone_is_done: bool = False
) -> Plan[tuple[list[tuple[Any, Any]], list[tuple[Any, BaseException]]]]:
    """Send every call, ``width`` at once; ``(done, failed)`` as ``(item, result or error)`` in order.

    An error of the library (the Hub's answer, a lost connection) fails its item only; anything else
    is a bug and propagates. With ``gone_is_done`` a 404 means the record is already gone: neither done
    nor failed (what ``delete()`` wants).
    """
    done: list[tuple[Any, Any]] = []
    failed: list[tuple[Any, BaseException]] = []
    if len(items) > 1 and width > 1:
        yield Prefetch([call for _item, call in items], width)
    for item, call in items:
        try:
            result = yield call
        except NotFoundError as exc:
            if not gone_is_done:
                failed.append((item, exc))
        except FlameHubError as exc:
            failed.append((item, exc))
        else:
            done.append((item, result))
    return done, failed


def _ids(client: ServiceClient, model: type[Record], query: Query, width: int) -> Plan[list[Any]]:
    """Every matching id, read completely before any write (only the ids are asked for)."""
    query = replace(ordered(model, query), fields=FieldSelection(only=("id",)), includes=())
    records: list[Record] = yield from records_plan(
        client, model, query, concurrency=width, listing=Listing(model, query)
    )
    return [getattr(record, "id", None) for record in records]


def update_many_plan(
    client: ServiceClient, model: type[Record], query: Query, fields: dict[str, Any], width: int
) -> Plan[int]:
    """``qs.update(**fields)``: the matching ids, then ``POST /<path>/<id>`` with ``fields`` for each."""
    if not fields:
        raise TypeError("update() needs at least one field=value")
    update_call(client, model, _PROBE, fields)  # checks the fields and values; nothing is sent
    ids = yield from _ids(client, model, query, width)
    items = [(ident, update_call(client, model, ident, fields)) for ident in ids]
    done, failed = yield from fan_out(items, width)
    if failed:
        raise BulkOperationError("update", model.__name__, [ident for ident, _ in done], failed)
    return len(done)


def delete_many_plan(
    client: ServiceClient, model: type[Record], query: Query, width: int
) -> Plan[tuple[int, dict[str, int]]]:
    """``qs.delete()``: the matching ids, then ``DELETE /<path>/<id>`` for each.

    A record already gone (404: someone else deleted it meanwhile) is not counted, and is no failure.
    The Hub's own cascades (a project's project-nodes …) are not counted either: it does not report them.
    """
    ids = yield from _ids(client, model, query, width)
    items = [(ident, delete_call(client, model, ident)) for ident in ids]
    done, failed = yield from fan_out(items, width, gone_is_done=True)
    if failed:
        raise BulkOperationError("delete", model.__name__, [ident for ident, _ in done], failed)
    return len(done), ({label_of(model): len(done)} if done else {})


def bulk_create_plan(
    client: ServiceClient, model: type[RecordT], records: Sequence[RecordT], width: int
) -> Plan[list[RecordT]]:
    """``Manager.bulk_create(records)``: ``POST /<path>`` for each; each record takes the Hub's answer.

    Every record is checked (its class, no id yet, the required fields) before the first request.
    """
    items: list[tuple[RecordT, Call[Any]]] = []
    creatable = schema_of(model).writable("create")
    for index, record in enumerate(records):
        if not isinstance(record, model):
            raise TypeError(
                f"bulk_create() of {model.__name__} got {type(record).__name__} at position {index}"
            )
        if getattr(record, "id", None) is not None:
            raise QueryValueError(
                f"bulk_create() creates records; the {model.__name__} at position {index} already has an id"
            )
        data = {name: getattr(record, name) for name in creatable if name in record.model_fields_set}
        items.append((record, create_call(client, model, data)))
    done, failed = yield from fan_out(items, width)
    for record, fresh in done:
        adopt(record, fresh)
    if failed:
        raise BulkOperationError("create", model.__name__, [record for record, _ in done], failed)
    return list(records)
