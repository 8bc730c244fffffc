"""``prefetch_related``: the named relations of many records, read at once and kept on each record.

One request per relation per 50 records (the Hub's page cap), never one per record:

- a forward relation (``analysis.project``): ``GET /projects?filter[id]=a,b,c`` with the keys the
  records hold, skipping those already embedded (``select_related``) or loaded;
- a reverse relation (``project.analysis_set``): ``GET /analyses?filter[projectId]=a,b,c``, paged when
  more than 50 children come back, grouped by parent;
- a many-to-many relation (``project.node_set``): the junction rows, with the far side included,
  ``GET /project-nodes?filter[projectId]=a,b,c&include=node``.

``analysis_set__analysis_node_set`` prefetches along the path, level by level. The results go to each
record's relation cache, which ``record.<relation>`` and ``<manager>.all()`` read without a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flame_hub._driver import Emit, Plan
from flame_hub.engine.client import ServiceClient
from flame_hub.engine.resolver import client_for, related_source
from flame_hub.exceptions import NotSupportedError
from flame_hub.orm.graph import (
    ForwardRelation,
    ManyToManyRelation,
    ReverseRelation,
    bind_related,
    loaded_value,
    not_loaded,
    related_cache,
    relation_named,
)
from flame_hub.orm.listing import Listing
from flame_hub.orm.plans import batches, ordered, records_plan
from flame_hub.query.query import Q, Query
from flame_hub.schema.record import Record, client_of

__all__ = ["Nested", "check_lookups", "prefetch_plan", "prefetching"]

R = TypeVar("R")


@dataclass(frozen=True)
class Nested(Generic[R]):
    """A plan run as one step of another (the driver runs a step's ``plan()`` on its own), so that the
    pages it reads at once keep to a window of their own, apart from the outer plan's."""

    body: Plan[R]

    def plan(self) -> Plan[R]:
        """The plan to run."""
        return self.body


def check_lookups(model: type[Record], lookups: Iterable[str]) -> tuple[str, ...]:
    """The lookups, each checked along its path (``analysis_set__node``) before anything is sent."""
    checked = []
    for lookup in lookups:
        if not isinstance(lookup, str) or not lookup:
            raise TypeError(f"prefetch_related takes relation names, got {lookup!r}")
        current = model
        for part in lookup.split("__"):
            relation = relation_named(current, part)
            if isinstance(relation, ForwardRelation):
                _check_batchable(relation)
            current = _far_model(relation)
        checked.append(lookup)
    return tuple(checked)


def _check_batchable(relation: ForwardRelation) -> None:
    """A forward relation is prefetched with ``filter[id]=a,b,c``: the target must be filterable by id."""
    if "id" not in relation.target.meta.filters:
        instead = f"select_related({relation.name!r})" if relation.includable else "reading each one"
        raise NotSupportedError(
            f"the Hub cannot filter {relation.target.__name__} by id, so prefetch_related({relation.name!r}) "
            f"cannot read them at once; use {instead}"
        )


def _far_model(relation: ForwardRelation | ReverseRelation | ManyToManyRelation) -> type[Record]:
    if isinstance(relation, ForwardRelation):
        return relation.target
    if isinstance(relation, ReverseRelation):
        return relation.child
    return relation.target


def _client(
    records: Sequence[Record], service: str, what: str, asynchronous: bool, using: object, action: str
) -> ServiceClient:
    base = using if using is not None else client_of(records[0])
    source = related_source(base, service, what) if isinstance(base, ServiceClient) else base
    return client_for(service, source, asynchronous=asynchronous, action=action)


def prefetch_plan(
    records: Sequence[Record],
    lookups: Sequence[str],
    *,
    asynchronous: bool,
    using: object = None,
    width: int = 1,
    action: str = "prefetch_related",
) -> Plan[None]:
    """Load ``lookups`` onto ``records`` (all of one resource); ``width``: pages of one read at once;
    ``action``: the caller's (sync) name, for the error when the client does the other kind of IO."""
    present = [record for record in records if record is not None]
    if not present or not lookups:
        return
    model = type(present[0])
    tree: dict[str, list[str]] = {}
    for lookup in lookups:
        head, _, rest = lookup.partition("__")
        tree.setdefault(head, [])
        if rest:
            tree[head].append(rest)
    for head, rests in tree.items():
        relation = relation_named(model, head)
        what = f"{model.__name__}.{head}"
        related: list[Record]
        if isinstance(relation, ForwardRelation):
            client = _client(present, relation.target.meta.service, what, asynchronous, using, action)
            related = yield from _forward(present, relation, client)
        elif isinstance(relation, ReverseRelation):
            client = _client(present, relation.child.meta.service, what, asynchronous, using, action)
            related = yield from _reverse(present, relation, client, width)
        else:
            client = _client(present, relation.through.meta.service, what, asynchronous, using, action)
            related = yield from _many(present, relation, client, width)
        if rests and related:
            yield from prefetch_plan(
                related, rests, asynchronous=asynchronous, using=using, width=width, action=action
            )


def _forward(
    records: Sequence[Record], relation: ForwardRelation, client: ServiceClient
) -> Plan[list[Record]]:
    related: dict[int, Record] = {}
    pending: dict[str, list[Record]] = {}
    for record in records:
        ready, value = loaded_value(record, relation)
        if ready:
            if value is not None:
                related[id(value)] = value
            continue
        key = record.__dict__.get(relation.fk)
        if key is None:
            raise not_loaded(record, relation, f"the record was read without {relation.fk} (only()/defer())")
        pending.setdefault(str(key), []).append(record)
    if pending:
        target = relation.target
        _check_batchable(relation)
        for batch in batches(list(pending)):
            query = ordered(target, Query().filter(Q(id__in=batch)))
            found: list[Record] = yield from records_plan(client, target, query)
            for item in found:
                for record in pending.get(str(getattr(item, "id", None)), ()):
                    _cache(record)[relation.name] = item
                related[id(item)] = item
    return list(related.values())


def _parents(records: Sequence[Record]) -> dict[str, list[Record]]:
    by_id: dict[str, list[Record]] = {}
    for record in records:
        ident = getattr(record, "id", None)
        if ident is not None:
            by_id.setdefault(str(ident), []).append(record)
    return by_id


def _cache(record: Record) -> dict[str, Any]:
    cache = related_cache(record, create=True)
    assert cache is not None
    return cache


def _reverse(
    records: Sequence[Record], relation: ReverseRelation, client: ServiceClient, width: int
) -> Plan[list[Record]]:
    parents, rows = yield from _rows_of(records, relation.child, relation.fk, (), client, width)
    for key, item in rows:
        if key in parents:
            # the child knows its parent without asking (Django's known related objects)
            _cache(item)[relation.forward.name] = parents[key][0]
    _hand_out(parents, rows, relation.name)
    return [item for _key, item in rows]


def _many(
    records: Sequence[Record], relation: ManyToManyRelation, client: ServiceClient, width: int
) -> Plan[list[Record]]:
    far = relation.far
    parents, rows = yield from _rows_of(
        records, relation.through, relation.source.fk, (far.name,), client, width
    )
    items = [(key, item) for key, row in rows if (item := far_of(row, far)) is not None and key in parents]
    _hand_out(parents, items, relation.name)
    return list({id(item): item for _key, item in items}.values())


def _rows_of(
    records: Sequence[Record],
    model: type[Record],
    fk: str,
    includes: tuple[str, ...],
    client: ServiceClient,
    width: int,
) -> Plan[tuple[dict[str, list[Record]], list[tuple[str, Record]]]]:
    """The records by id, and every ``model`` row whose ``fk`` names one of them with that id.

    The rows are read with ``fk__in``, a batch of ids at a time, their pages ``width`` at once.
    """
    parents = _parents(records)
    rows: list[tuple[str, Record]] = []
    for batch in batches(list(parents)):
        lookups: dict[str, Any] = {f"{fk}__in": batch}
        query = ordered(model, Query(includes=includes).filter(Q(**lookups)))
        found: list[Record] = yield from records_plan(
            client, model, query, concurrency=width, listing=Listing(model, query)
        )
        rows.extend((str(row.__dict__.get(fk)), row) for row in found)
    return parents, rows


def _hand_out(parents: dict[str, list[Record]], items: Iterable[tuple[str, Record]], name: str) -> None:
    """Cache, under the relation's ``name``, each parent's items (a list of its own per parent)."""
    grouped: dict[str, list[Record]] = {key: [] for key in parents}
    for key, item in items:
        if key in grouped:
            grouped[key].append(item)
    for key, owners in parents.items():
        for owner in owners:
            _cache(owner)[name] = list(grouped[key])


def far_of(row: Record, far: ForwardRelation) -> Any:
    """The far-side record a junction row embeds (bound to the row's client), or None if the Hub left
    it out (it drops an include the caller may not read, with an IncludeNotReturnedWarning)."""
    return bind_related(row.__dict__.get(far.name), row)


def prefetching(plan: Plan[None], prefetch: Callable[[list[Any]], Plan[None]]) -> Plan[None]:
    """``plan`` (a listing that emits its pages), prefetching each page's relations before it is emitted."""
    reply: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                step = plan.send(reply) if error is None else plan.throw(error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            error = None
            if type(step) is Emit and step.items:
                yield Nested(prefetch(list(step.items)))
            try:
                reply = yield step
            except BaseException as exc:  # passed on to the listing where it yielded the step
                error = exc
                reply = None
    finally:
        plan.close()
