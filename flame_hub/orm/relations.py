"""The accessors relations give records: ``analysis.project``, ``project.analysis_set``, ``project.node_set``.

:mod:`flame_hub.orm.graph` derives every relation from the declarations; :func:`install` puts its
accessors on the classes when a resource class is created:

- the forward descriptor (:class:`~flame_hub.orm.graph.Related`) over each relation field;
- :class:`Reverse` on the related class, which gives a :class:`RelatedManager` bound to the record:
  Django's reverse manager (``filter``, ``count``, ``exists``, iteration, ``create`` filling in the
  foreign key …);
- :class:`ManyToMany` on both classes a junction links, which gives a :class:`ManyRelatedManager`:
  reads through the junction with the far side included (one request per page), ``add``/``remove``
  create and delete junction rows, ``through`` lists the junction rows themselves.

Type checkers see the reverse and many-to-many accessors through ``ClassVar[Reverse[Analysis]]`` and
``ClassVar[ManyToMany[Node, ProjectNode]]`` lines in the resource classes, which
``tools/sync_relation_accessors.py`` writes from the same derivation (a test keeps them in step).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar, overload

from typing_extensions import Self

from flame_hub._driver import Plan, arun, run
from flame_hub.engine.calls import create_call, delete_call
from flame_hub.engine.client import ServiceClient
from flame_hub.engine.resolver import client_for, related_source
from flame_hub.exceptions import BulkOperationError, ConflictError, NotSupportedError, QueryValueError
from flame_hub.orm.bulk import fan_out
from flame_hub.orm.graph import (
    ForwardRelation,
    ManyToManyRelation,
    Related,
    ReverseRelation,
    register,
    related_cache,
)
from flame_hub.orm.listing import Listing
from flame_hub.orm.manager import Manager
from flame_hub.orm.plans import batches, ordered, records_plan
from flame_hub.orm.prefetch import check_lookups, far_of, prefetch_plan
from flame_hub.orm.queryset import DEFAULT_PAGE_CONCURRENCY, QuerySet, page_width
from flame_hub.orm.rows import REPR_ROWS, ResultCache, shown_rows
from flame_hub.query.lookups import Condition
from flame_hub.query.query import Q, Query
from flame_hub.schema.envelopes import MAX_PAGE_LIMIT
from flame_hub.schema.record import Record, RecordT, client_of

__all__ = [
    "ManyRelatedManager",
    "ManyToMany",
    "RelatedManager",
    "Reverse",
    "ThroughQuerySet",
    "aprefetch_related_objects",
    "install",
    "load_related",
    "prefetch_related_objects",
]

FarT = TypeVar("FarT", bound=Record)
ThroughT = TypeVar("ThroughT", bound=Record)
ManagerT = TypeVar("ManagerT")


def install(model: type[Record]) -> None:
    """Derive ``model``'s relations and put their accessors on the classes (at class creation)."""
    registration = register(model)
    for relation in registration.forward:
        if relation.field_backed:
            setattr(model, relation.name, Related.for_field(relation))
        else:
            declared = vars(model).get(relation.name)
            if isinstance(declared, Related) and declared.relation is None:
                declared.relation = relation
    for reverse in registration.reverse:
        setattr(reverse.parent, reverse.name, Reverse(reverse))
    for many in registration.many:
        setattr(many.model, many.name, ManyToMany(many))


# -- where a related manager sends its requests -------------------------------------------------------


def _source(instance: Record, service: str, what: str) -> object:
    """What serves ``service`` for ``instance``: its client, its Hub, or None for the default."""
    client = client_of(instance)
    return related_source(client, service, what) if isinstance(client, ServiceClient) else client


def _key(instance: Record, what: str) -> Any:
    ident = getattr(instance, "id", None)
    if ident is None:
        raise QueryValueError(
            f"{type(instance).__name__!r} instance needs to have an id before {what} can be used (save it first)"
        )
    return ident


def _prefetched(instance: Record, name: str) -> list[Any] | None:
    cache = related_cache(instance)
    found = None if cache is None else cache.get(name)
    return found if isinstance(found, list) else None


# -- the accessors: what reading a relation on a record gives -------------------------------------------


class _Accessor(Generic[ManagerT]):
    """A relation's accessor on a resource class: read on a record, it gives the record's related
    manager (``ManagerT``, made by ``manager(relation, record)``); read on the class, itself."""

    def __init__(self, relation: Any, manager: Callable[[Any, Any], ManagerT]) -> None:
        self.relation = relation
        self._manager = manager

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> ManagerT: ...
    def __get__(self, instance: object, owner: type[Any]) -> Self | ManagerT:
        return self if instance is None else self._manager(self.relation, instance)

    def __repr__(self) -> str:
        return repr(self.relation)


# -- reverse --------------------------------------------------------------------------------------------


class RelatedManager(Manager[RecordT]):
    """The children of one record (``project.analysis_set``): Django's reverse manager.

    Every query is filtered by the foreign key (``filter[projectId]=<project id>``) and goes to the
    record's Hub. ``create(**fields)`` (and ``get_or_create``/``update_or_create``) fill the foreign key
    in. After ``prefetch_related("analysis_set")``, ``all()``, iteration, ``count()`` and ``exists()``
    answer from what was prefetched, without a request; ``filter()`` asks the Hub again, as in Django.
    """

    def __init__(self, relation: ReverseRelation, instance: Record) -> None:
        super().__init__(relation.child)  # type: ignore[arg-type]
        self.relation = relation
        self.instance = instance

    def __repr__(self) -> str:
        return f"<RelatedManager {type(self.instance).__name__}.{self.relation.name} of {self.instance!r}>"

    def _what(self) -> str:
        return f"{type(self.instance).__name__}.{self.relation.name}"

    def _base(self) -> QuerySet[RecordT]:
        return QuerySet(self.model, using=_source(self.instance, self.model.meta.service, self._what()))

    def get_queryset(self) -> QuerySet[RecordT]:
        """The children, filtered by the foreign key (answered from the prefetch cache if there is one)."""
        key = _key(self.instance, self._what())
        lookups: dict[str, Any] = {self.relation.fk: key}
        queryset = self._base().filter(**lookups)
        cached = _prefetched(self.instance, self.relation.name)
        if cached is not None:
            queryset._result_cache = list(cached)
        return queryset

    def _with_key(self, fields: dict[str, Any] | None) -> dict[str, Any]:
        return {**(fields or {}), self.relation.fk: _key(self.instance, self._what())}

    def create(self, **fields: Any) -> RecordT:
        """Create a child of this record (its foreign key filled in)."""
        return self._base().create(**self._with_key(fields))

    async def acreate(self, **fields: Any) -> RecordT:
        """Async twin of :meth:`create`."""
        return await self._base().acreate(**self._with_key(fields))

    def get_or_create(self, defaults: dict[str, Any] | None = None, **lookups: Any) -> tuple[RecordT, bool]:
        """The matching child, or a new one with the foreign key filled in; ``(record, created)``."""
        return self.get_queryset().get_or_create(self._with_key(defaults), **lookups)

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[RecordT, bool]:
        """Async twin of :meth:`get_or_create`."""
        return await self.get_queryset().aget_or_create(self._with_key(defaults), **lookups)

    def update_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[RecordT, bool]:
        """Update the matching child with ``defaults`` or create one (foreign key filled in)."""
        create = None if create_defaults is None else self._with_key(create_defaults)
        return self.get_queryset().update_or_create(self._with_key(defaults), create, **lookups)

    async def aupdate_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[RecordT, bool]:
        """Async twin of :meth:`update_or_create`."""
        create = None if create_defaults is None else self._with_key(create_defaults)
        return await self.get_queryset().aupdate_or_create(self._with_key(defaults), create, **lookups)

    def __iter__(self) -> Iterator[RecordT]:
        return iter(self.all())

    def __aiter__(self) -> AsyncIterator[RecordT]:
        return self.all().__aiter__()


class Reverse(_Accessor[RelatedManager[RecordT]]):
    """The reverse accessor ``project.analysis_set``: a :class:`RelatedManager` bound to the record."""

    def __init__(self, relation: ReverseRelation) -> None:
        super().__init__(relation, RelatedManager)


# -- many-to-many ---------------------------------------------------------------------------------------


def _direct(q: Q, far: ForwardRelation) -> Q:
    """``q`` on the junction: the far side's id is the junction's own key (no relation filter needed)."""
    children: list[Q | Condition] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_direct(child, far))
        elif child.path in (("id",), ("pk",)):
            children.append(Condition((far.fk,), child.lookup, child.value))
        else:
            children.append(Condition((far.name, *child.path), child.lookup, child.value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


# -- what Django's many-to-many managers have and these do not ------------------------------------------

_ORDER = (
    "the far-side records come in the order of their junction rows; sort them in Python "
    "(sorted(project.node_set.all(), key=lambda node: node.name)), or order the junction rows themselves "
    "(project.node_set.through.order_by(...)) by the junction's own fields"
)
_CREATE = (
    "create the record with its own manager (Node.objects.create(...), hub.core.create_node(...)), "
    "then link it with add(record)"
)
_WRITE = (
    "change the records through a QuerySet of their own resource "
    "(Node.objects.filter(id__in=[...]).update(...) or .delete()), or unlink them with remove()"
)
_SHAPE = "read the records (all(), filter()) and take the fields from them"
_RELATED = (
    "read the far side's resource with it (Node.objects.filter(id__in=[...]).select_related(...)), "
    "or prefetch_related('node_set') on the QuerySet the records come from"
)

#: Methods of Django's many-to-many manager and its QuerySets that a read through a Hub junction
#: cannot honour, each with what to do instead (:class:`_Refusals`).
NOT_OFFERED: dict[str, str] = {
    **dict.fromkeys(("order_by", "reverse", "last", "alast"), _ORDER),
    **dict.fromkeys(
        (
            "create",
            "acreate",
            "get_or_create",
            "aget_or_create",
            "update_or_create",
            "aupdate_or_create",
            "bulk_create",
            "abulk_create",
        ),
        _CREATE,
    ),
    **dict.fromkeys(("update", "aupdate", "delete", "adelete"), _WRITE),
    **dict.fromkeys(("values", "values_list", "only", "defer"), _SHAPE),
    **dict.fromkeys(("select_related", "prefetch_related"), _RELATED),
}


def _refusal(
    owner: ManyRelatedManager[Any, Any] | ThroughQuerySet[Any], name: str, advice: str
) -> Callable[..., NoReturn]:
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        where = owner._what() if isinstance(owner, ManyRelatedManager) else f"{owner.model.__name__} records"
        raise NotSupportedError(
            f"{name}() is not offered on {where} read through a many-to-many junction: {advice}"
        )

    refuse.__name__ = refuse.__qualname__ = name
    return refuse


class _Refusals:
    """Django's many-to-many methods that these reads cannot honour (:data:`NOT_OFFERED`) are there at
    run time and raise NotSupportedError naming what to do instead, rather than an AttributeError that
    reads like a typo. Type checkers do not see them, so a checked program learns before it runs."""

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            advice = NOT_OFFERED.get(name)
            if advice is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            return _refusal(self, name, advice)


class ThroughQuerySet(ResultCache[FarT], _Refusals):
    """The far-side records of a many-to-many relation, read through the junction (``project.node_set.all()``).

    One request per page of junction rows with the far side included (``GET /project-nodes?
    filter[projectId]=…&include=node``); ``filter(name=…)`` becomes a filter on the included relation
    (``filter[node.name]=…``), ``filter(id=…)`` one on the junction's own key. Lazy, cached after a full
    evaluation, with the QuerySet's counting methods and their async twins.
    """

    def __init__(self, rows: QuerySet[Any], far: ForwardRelation, cache: list[FarT] | None = None) -> None:
        self._rows = rows
        self._far = far
        self._result_cache = cache

    @property
    def model(self) -> type[FarT]:
        """The far side's resource class."""
        return self._far.target  # type: ignore[return-value]

    def _items(self, rows: Iterable[Any]) -> list[FarT]:
        return [item for item in (far_of(row, self._far) for row in rows) if item is not None]

    def _next(self, rows: QuerySet[Any]) -> ThroughQuerySet[FarT]:
        return ThroughQuerySet(rows, self._far)

    def all(self) -> ThroughQuerySet[FarT]:
        """A copy (with an empty cache)."""
        return self._next(self._rows.all())

    def filter(self, *args: Q, **lookups: Any) -> ThroughQuerySet[FarT]:
        """Far-side records matching the conditions (on the far side's fields)."""
        return self._next(self._rows.filter(_direct(Q(*args, **lookups), self._far)))

    def exclude(self, *args: Q, **lookups: Any) -> ThroughQuerySet[FarT]:
        """Far-side records not matching the conditions taken together."""
        return self._next(self._rows.exclude(_direct(Q(*args, **lookups), self._far)))

    def _evaluate(self) -> list[FarT]:
        return self._items(self._rows)

    async def _aevaluate(self) -> list[FarT]:
        return self._items([row async for row in self._rows])

    @overload
    def __getitem__(self, key: int) -> FarT: ...
    @overload
    def __getitem__(self, key: slice) -> ThroughQuerySet[FarT]: ...
    def __getitem__(self, key: int | slice) -> FarT | ThroughQuerySet[FarT]:
        if self._result_cache is not None:
            return self._result_cache[key]  # type: ignore[return-value]
        if isinstance(key, slice):
            picked = self._rows[key]
            if isinstance(picked, list):
                return self._items(picked)  # a step slice evaluates (Django)
            return self._next(picked)
        item = far_of(self._rows[key], self._far)
        if item is None:
            raise IndexError(f"the Hub left the {self._far.name} of junction row {key} out")
        return item  # type: ignore[no-any-return]

    def count(self) -> int:
        """How many (one request, or the cache)."""
        return len(self._result_cache) if self._result_cache is not None else self._rows.count()

    async def acount(self) -> int:
        """Async twin of :meth:`count`."""
        return len(self._result_cache) if self._result_cache is not None else await self._rows.acount()

    def exists(self) -> bool:
        """Whether there is any (one request, or the cache)."""
        return bool(self._result_cache) if self._result_cache is not None else self._rows.exists()

    async def aexists(self) -> bool:
        """Async twin of :meth:`exists`."""
        return bool(self._result_cache) if self._result_cache is not None else await self._rows.aexists()

    def first(self) -> FarT | None:
        """The first (in the junction's order), or None; one request."""
        if self._result_cache is not None:
            return self._result_cache[0] if self._result_cache else None
        row = self._rows.first()
        return None if row is None else far_of(row, self._far)

    async def afirst(self) -> FarT | None:
        """Async twin of :meth:`first`."""
        if self._result_cache is not None:
            return self._result_cache[0] if self._result_cache else None
        row = await self._rows.afirst()
        return None if row is None else far_of(row, self._far)

    def get(self, *args: Q, **lookups: Any) -> FarT:
        """The one matching far-side record (``DoesNotExist``/``MultipleObjectsReturned`` of the far side)."""
        rows = self.filter(*args, **lookups)._rows if args or lookups else self._rows
        with self._far_errors():
            row = rows.get()
        return far_of(row, self._far)  # type: ignore[no-any-return]

    async def aget(self, *args: Q, **lookups: Any) -> FarT:
        """Async twin of :meth:`get`."""
        rows = self.filter(*args, **lookups)._rows if args or lookups else self._rows
        with self._far_errors():
            row = await rows.aget()
        return far_of(row, self._far)  # type: ignore[no-any-return]

    @contextmanager
    def _far_errors(self) -> Iterator[None]:
        """The junction's ``DoesNotExist``/``MultipleObjectsReturned`` raised as the far side's."""
        junction = self._rows.model
        try:
            yield
        except junction.DoesNotExist:
            raise self.model.DoesNotExist(f"{self.model.__name__} matching query does not exist.") from None
        except junction.MultipleObjectsReturned as exc:
            raise self.model.MultipleObjectsReturned(str(exc)) from None

    def iterator(self, chunk_size: int = MAX_PAGE_LIMIT) -> Iterator[FarT]:
        """Stream the far-side records without caching."""
        for row in self._rows.iterator(chunk_size):
            item = far_of(row, self._far)
            if item is not None:
                yield item

    async def aiterator(self, chunk_size: int = MAX_PAGE_LIMIT) -> AsyncIterator[FarT]:
        """Async twin of :meth:`iterator`."""
        async for row in self._rows.aiterator(chunk_size):
            item = far_of(row, self._far)
            if item is not None:
                yield item

    def __repr__(self) -> str:
        if self._result_cache is None and self._rows._is_async():
            return f"<ThroughQuerySet of {self.model.__name__} (async: evaluate it with async for)>"
        rows = (
            self._result_cache if self._result_cache is not None else self._items(self._rows[: REPR_ROWS + 1])
        )
        return shown_rows("ThroughQuerySet", rows)


class ManyRelatedManager(Generic[FarT, ThroughT], _Refusals):
    """The far side of a many-to-many relation of one record (``project.node_set``, ``user.role_set``).

    Reads go through the junction resource with the far side included: one request per page
    (:class:`ThroughQuerySet`). ``add(*records)`` creates a junction row per record and
    ``remove(*records)`` deletes them, as many at once as pages are read; neither is atomic (see
    :class:`~flame_hub.exceptions.BulkOperationError`). ``through`` is a QuerySet of the junction rows
    themselves, for what they carry (a project-node's approval status …).
    """

    def __init__(self, relation: ManyToManyRelation, instance: Record) -> None:
        self.relation = relation
        self.instance = instance

    def __repr__(self) -> str:
        return (
            f"<ManyRelatedManager {type(self.instance).__name__}.{self.relation.name} of {self.instance!r}>"
        )

    @property
    def model(self) -> type[FarT]:
        """The far side's resource class."""
        return self.relation.target  # type: ignore[return-value]

    def _what(self) -> str:
        return f"{type(self.instance).__name__}.{self.relation.name}"

    def _junction(self) -> QuerySet[ThroughT]:
        through = self.relation.through
        key = _key(self.instance, self._what())
        lookups: dict[str, Any] = {self.relation.source.fk: key}
        source = _source(self.instance, through.meta.service, self._what())
        return QuerySet(through, using=source).filter(**lookups)  # type: ignore[return-value]

    @property
    def through(self) -> QuerySet[ThroughT]:
        """The junction rows of this record, the far side included (``project.node_set.through``).

        Django's ``through`` is the junction class; here it is that class's rows for this record,
        which is what the Hub's junctions are read for (approval status, comments …). The class is
        ``through.model``.
        """
        return self._junction().include(self.relation.far.name)

    def all(self) -> ThroughQuerySet[FarT]:
        """The far-side records (answered from the prefetch cache if there is one)."""
        return ThroughQuerySet(
            self.through, self.relation.far, _prefetched(self.instance, self.relation.name)
        )

    def filter(self, *args: Q, **lookups: Any) -> ThroughQuerySet[FarT]:
        """The far-side records matching the conditions (a request, even after a prefetch)."""
        return ThroughQuerySet(self.through, self.relation.far).filter(*args, **lookups)

    def exclude(self, *args: Q, **lookups: Any) -> ThroughQuerySet[FarT]:
        """The far-side records not matching the conditions taken together."""
        return ThroughQuerySet(self.through, self.relation.far).exclude(*args, **lookups)

    def count(self) -> int:
        """How many (one request, or the prefetch cache)."""
        return self.all().count()

    async def acount(self) -> int:
        """Async twin of :meth:`count`."""
        return await self.all().acount()

    def exists(self) -> bool:
        """Whether there is any (one request, or the prefetch cache)."""
        return self.all().exists()

    async def aexists(self) -> bool:
        """Async twin of :meth:`exists`."""
        return await self.all().aexists()

    def first(self) -> FarT | None:
        """The first (in the junction's order), or None (one request, or the prefetch cache)."""
        return self.all().first()

    async def afirst(self) -> FarT | None:
        """Async twin of :meth:`first`."""
        return await self.all().afirst()

    def get(self, *args: Q, **lookups: Any) -> FarT:
        """The one matching far-side record, as Django's related managers have it
        (``project.node_set.get(name="site-a")``; the far side's ``DoesNotExist``)."""
        return self.all().get(*args, **lookups)

    async def aget(self, *args: Q, **lookups: Any) -> FarT:
        """Async twin of :meth:`get`."""
        return await self.all().aget(*args, **lookups)

    def iterator(self, chunk_size: int = MAX_PAGE_LIMIT) -> Iterator[FarT]:
        """Stream the far-side records without caching."""
        return self.all().iterator(chunk_size)

    def aiterator(self, chunk_size: int = MAX_PAGE_LIMIT) -> AsyncIterator[FarT]:
        """Async twin of :meth:`iterator`."""
        return self.all().aiterator(chunk_size)

    def __iter__(self) -> Iterator[FarT]:
        return iter(self.all())

    def __aiter__(self) -> AsyncIterator[FarT]:
        return self.all().__aiter__()

    # -- writing junction rows ------------------------------------------------------------------------

    def _client(self, asynchronous: bool, action: str) -> ServiceClient:
        through = self.relation.through
        source = _source(self.instance, through.meta.service, self._what())
        return client_for(through.meta.service, source, asynchronous=asynchronous, action=action)

    def _far_ids(self, records: Sequence[object]) -> list[Any]:
        ids = []
        for record in records:
            if isinstance(record, Record):
                if not isinstance(record, self.model):
                    raise TypeError(
                        f"{self._what()} links {self.model.__name__} records, not {type(record).__name__}"
                    )
                ident = getattr(record, "id", None)
                if ident is None:
                    raise QueryValueError(
                        f"an unsaved {self.model.__name__} (no id) cannot be linked; save it first"
                    )
                ids.append(ident)
            elif record is None:
                raise QueryValueError(f"{self._what()}: None is no {self.model.__name__}")
            else:
                ids.append(record)
        return list(dict.fromkeys(ids))

    def _done(self) -> None:
        cache = related_cache(self.instance)
        if cache is not None:
            cache.pop(self.relation.name, None)

    def _add_plan(self, client: ServiceClient, ids: list[Any]) -> Plan[None]:
        relation = self.relation
        key = _key(self.instance, self._what())
        items = [
            (ident, create_call(client, relation.through, {relation.source.fk: key, relation.far.fk: ident}))
            for ident in ids
        ]
        done, failed = yield from fan_out(items, page_width(client))
        # a 409 is the pair already linked: add() leaves existing links alone, as Django's does
        linked = [ident for ident, exc in failed if isinstance(exc, ConflictError)]
        failed = [(ident, exc) for ident, exc in failed if not isinstance(exc, ConflictError)]
        self._done()
        if failed:
            raise BulkOperationError(
                "add", relation.through.__name__, [ident for ident, _ in done] + linked, failed
            )

    def _rows_plan(self, client: ServiceClient, far_ids: list[Any] | None) -> Plan[list[Any]]:
        relation = self.relation
        key = _key(self.instance, self._what())
        base: dict[str, Any] = {relation.source.fk: key}
        rows: list[Any] = []
        for batch in [None] if far_ids is None else batches(far_ids):
            lookups = base if batch is None else {**base, f"{relation.far.fk}__in": batch}
            query = ordered(relation.through, Query().filter(Q(**lookups)))
            found = yield from records_plan(
                client,
                relation.through,
                query,
                concurrency=page_width(client),
                listing=Listing(relation.through, query),
            )
            rows.extend(found)
        return rows

    def _remove_plan(self, client: ServiceClient, far_ids: list[Any] | None, action: str) -> Plan[None]:
        relation = self.relation
        if far_ids is not None and not far_ids:
            return
        rows = yield from self._rows_plan(client, far_ids)
        items = [
            (row.__dict__.get(relation.far.fk), delete_call(client, relation.through, row.id)) for row in rows
        ]
        done, failed = yield from fan_out(items, page_width(client), gone_is_done=True)
        self._done()
        if failed:
            raise BulkOperationError(action, relation.through.__name__, [ident for ident, _ in done], failed)

    def _set_plan(self, client: ServiceClient, ids: list[Any]) -> Plan[None]:
        relation = self.relation
        rows = yield from self._rows_plan(client, None)
        wanted = {str(ident): ident for ident in ids}
        present = {str(row.__dict__.get(relation.far.fk)) for row in rows}
        stale = [row for row in rows if str(row.__dict__.get(relation.far.fk)) not in wanted]
        items = [
            (row.__dict__.get(relation.far.fk), delete_call(client, relation.through, row.id))
            for row in stale
        ]
        done, failed = yield from fan_out(items, page_width(client), gone_is_done=True)
        if failed:
            self._done()
            raise BulkOperationError(
                "remove", relation.through.__name__, [ident for ident, _ in done], failed
            )
        yield from self._add_plan(client, [ident for text, ident in wanted.items() if text not in present])

    def add(self, *records: FarT | object) -> None:
        """Link these records (or ids): one junction row each (``POST /<junction>``); linked ones are left."""
        ids = self._far_ids(records)
        if ids:
            run(self._add_plan(self._client(False, "add"), ids))

    async def aadd(self, *records: FarT | object) -> None:
        """Async twin of :meth:`add`."""
        ids = self._far_ids(records)
        if ids:
            await arun(self._add_plan(self._client(True, "add"), ids))

    def remove(self, *records: FarT | object) -> None:
        """Unlink these records (or ids): their junction rows are read (one request per 50) and deleted."""
        ids = self._far_ids(records)
        if ids:
            run(self._remove_plan(self._client(False, "remove"), ids, "remove"))

    async def aremove(self, *records: FarT | object) -> None:
        """Async twin of :meth:`remove`."""
        ids = self._far_ids(records)
        if ids:
            await arun(self._remove_plan(self._client(True, "remove"), ids, "remove"))

    def clear(self) -> None:
        """Unlink every record: every junction row of this record is deleted."""
        run(self._remove_plan(self._client(False, "clear"), None, "clear"))

    async def aclear(self) -> None:
        """Async twin of :meth:`clear`."""
        await arun(self._remove_plan(self._client(True, "clear"), None, "clear"))

    def set(self, records: Iterable[FarT | object]) -> None:
        """Link exactly these records: the junction rows are read, the extra ones deleted, the missing created."""
        run(self._set_plan(self._client(False, "set"), self._far_ids(list(records))))

    async def aset(self, records: Iterable[FarT | object]) -> None:
        """Async twin of :meth:`set`."""
        await arun(self._set_plan(self._client(True, "set"), self._far_ids(list(records))))


class ManyToMany(_Accessor[ManyRelatedManager[FarT, ThroughT]]):
    """The many-to-many accessor ``project.node_set``: a :class:`ManyRelatedManager` bound to the record."""

    def __init__(self, relation: ManyToManyRelation) -> None:
        super().__init__(relation, ManyRelatedManager)


# -- prefetching for records already read ----------------------------------------------------------------


def prefetch_related_objects(records: Sequence[Record], *lookups: str, using: object = None) -> None:
    """Load ``lookups`` onto records already read (of one resource), as Django's function of this name:
    one request per relation per 50 records. Afterwards the relations answer without a request."""
    load_related(records, lookups, using=using, asynchronous=False, action="prefetch_related_objects")


async def aprefetch_related_objects(records: Sequence[Record], *lookups: str, using: object = None) -> None:
    """Async twin of :func:`prefetch_related_objects` (for records read through an async client)."""
    await load_related(records, lookups, using=using, asynchronous=True, action="prefetch_related_objects")


def load_related(
    records: Sequence[Record], lookups: Sequence[str], *, using: object, asynchronous: bool, action: str
) -> Any:
    """What the two functions above and ``record.fetch_related()`` run: None, or a coroutine when
    ``asynchronous`` (``action``: the sync name the caller is known by, for the error naming its twin)."""
    present = list(records)
    names = check_lookups(type(present[0]), lookups) if present else ()
    plan = prefetch_plan(
        present, names, asynchronous=asynchronous, using=using, width=DEFAULT_PAGE_CONCURRENCY, action=action
    )
    return arun(plan) if asynchronous else run(plan)
