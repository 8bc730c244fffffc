"""``Manager``: the entry point of queries, ``Node.objects`` and ``hub.core.nodes``; and of saving.

``Resource.objects`` is one ``Manager`` declared on the base class; as a descriptor it binds itself to
the class it is read from, so ``Node.objects`` is a ``Manager[Node]`` for type checkers too, and
reading it from an instance is an error (as in Django). The methods are written out (no
``__getattr__`` delegation) so that every one is typed.

A record's ``save()``, ``delete()`` and ``refresh_from_db()`` go through its class's manager, as
Django's go through ``_base_manager``: the manager asks the resolver for the client and runs the plan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from flame_hub._driver import Plan, arun, run
from flame_hub.engine.client import ServiceClient
from flame_hub.engine.resolver import client_for
from flame_hub.orm.plans import delete_plan, refresh_plan, save_plan
from flame_hub.orm.queryset import QuerySet, RowQuerySet
from flame_hub.query.query import Q
from flame_hub.schema.record import Record, RecordT, client_of

__all__ = ["Manager"]

OwnerT = TypeVar("OwnerT", bound=Record)
R = TypeVar("R")


class Manager(Generic[RecordT]):
    """Queries over one resource; every method starts a new :class:`QuerySet`."""

    def __init__(self, model: type[RecordT] | None = None, using: object = None) -> None:
        self._model = model
        self._using = using

    def __get__(self, instance: None, owner: type[OwnerT]) -> Manager[OwnerT]:
        if instance is not None:
            raise AttributeError(f"Manager isn't accessible via {owner.__name__} instances")
        return Manager(owner, self._using)

    def __repr__(self) -> str:
        name = self._model.__name__ if self._model else "?"
        return f"<Manager of {name}{' (bound)' if self._using is not None else ''}>"

    @property
    def model(self) -> type[RecordT]:
        """The resource class this manager queries."""
        if self._model is None:
            raise AttributeError("this manager is not bound to a resource class")
        return self._model

    def get_queryset(self) -> QuerySet[RecordT]:
        """A QuerySet of every record (through the bound client, if any)."""
        return QuerySet(self.model, using=self._using)

    def using(self, client: object) -> QuerySet[RecordT]:
        """Queries through ``client`` (a ``Hub`` or the matching service client)."""
        return self.get_queryset().using(client)

    def all(self) -> QuerySet[RecordT]:
        """Every record (lazily)."""
        return self.get_queryset()

    def filter(self, *args: Q, **lookups: Any) -> QuerySet[RecordT]:
        """Records matching all the conditions."""
        return self.get_queryset().filter(*args, **lookups)

    def exclude(self, *args: Q, **lookups: Any) -> QuerySet[RecordT]:
        """Records not matching the conditions taken together."""
        return self.get_queryset().exclude(*args, **lookups)

    def order_by(self, *fields: str) -> QuerySet[RecordT]:
        """Every record in this order."""
        return self.get_queryset().order_by(*fields)

    def only(self, *fields: str) -> QuerySet[RecordT]:
        """Every record, with only these columns."""
        return self.get_queryset().only(*fields)

    def defer(self, *fields: str) -> QuerySet[RecordT]:
        """Every record, without these columns."""
        return self.get_queryset().defer(*fields)

    def include(self, *relations: str) -> QuerySet[RecordT]:
        """Every record, with these relations embedded."""
        return self.get_queryset().include(*relations)

    select_related = include

    def prefetch_related(self, *lookups: str | None) -> QuerySet[RecordT]:
        """Every record, with these relations loaded at once (see :meth:`QuerySet.prefetch_related`)."""
        return self.get_queryset().prefetch_related(*lookups)

    def none(self) -> QuerySet[RecordT]:
        """An empty QuerySet (no request)."""
        return self.get_queryset().none()

    def values(self, *fields: str) -> RowQuerySet[dict[str, Any]]:
        """Every record as a dict of these fields."""
        return self.get_queryset().values(*fields)

    def values_list(self, *fields: str, flat: bool = False) -> RowQuerySet[Any]:
        """Every record as a tuple of these fields (or single values with ``flat=True``)."""
        return self.get_queryset().values_list(*fields, flat=flat)

    def iterator(self, chunk_size: int = 50, concurrency: int | None = None) -> Iterator[RecordT]:
        """Stream every record without caching."""
        return self.get_queryset().iterator(chunk_size, concurrency)

    def count(self) -> int:
        """How many records exist (one request)."""
        return self.get_queryset().count()

    def exists(self) -> bool:
        """Whether any record exists (one request)."""
        return self.get_queryset().exists()

    def get(self, *args: Q, **lookups: Any) -> RecordT:
        """The one matching record (``get(id=…)`` uses the by-id route)."""
        return self.get_queryset().get(*args, **lookups)

    def first(self) -> RecordT | None:
        """The first record in the default ordering, or None."""
        return self.get_queryset().first()

    def last(self) -> RecordT | None:
        """The last record in the default ordering, or None."""
        return self.get_queryset().last()

    def in_bulk(self, id_list: Iterable[object] | None = None) -> dict[Any, RecordT]:
        """Records by id."""
        return self.get_queryset().in_bulk(id_list)

    def create(self, **fields: Any) -> RecordT:
        """Create and return a record."""
        return self.get_queryset().create(**fields)

    def get_or_create(self, defaults: dict[str, Any] | None = None, **lookups: Any) -> tuple[RecordT, bool]:
        """The matching record or a new one; ``(record, created)``."""
        return self.get_queryset().get_or_create(defaults, **lookups)

    def update_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[RecordT, bool]:
        """Update the matching record or create one; ``(record, created)``."""
        return self.get_queryset().update_or_create(defaults, create_defaults, **lookups)

    def update(self, **fields: Any) -> int:
        """Set ``fields`` on every record (see :meth:`QuerySet.update`); the number updated."""
        return self.get_queryset().update(**fields)

    def bulk_create(self, records: Iterable[RecordT]) -> list[RecordT]:
        """Create these records, one ``POST`` each (see :meth:`QuerySet.bulk_create`); they take their ids."""
        return self.get_queryset().bulk_create(records)

    # -- async twins (through an async client: ``Node.objects.using(async_hub)``, ``hub.core.nodes``) ---

    def aiterator(self, chunk_size: int = 50, concurrency: int | None = None) -> AsyncIterator[RecordT]:
        """Stream every record without caching, for ``async for``."""
        return self.get_queryset().aiterator(chunk_size, concurrency)

    async def acount(self) -> int:
        """Async twin of :meth:`count`."""
        return await self.get_queryset().acount()

    async def aupdate(self, **fields: Any) -> int:
        """Async twin of :meth:`update`."""
        return await self.get_queryset().aupdate(**fields)

    async def abulk_create(self, records: Iterable[RecordT]) -> list[RecordT]:
        """Async twin of :meth:`bulk_create`."""
        return await self.get_queryset().abulk_create(records)

    async def aexists(self) -> bool:
        """Async twin of :meth:`exists`."""
        return await self.get_queryset().aexists()

    async def aget(self, *args: Q, **lookups: Any) -> RecordT:
        """Async twin of :meth:`get`."""
        return await self.get_queryset().aget(*args, **lookups)

    async def afirst(self) -> RecordT | None:
        """Async twin of :meth:`first`."""
        return await self.get_queryset().afirst()

    async def alast(self) -> RecordT | None:
        """Async twin of :meth:`last`."""
        return await self.get_queryset().alast()

    async def ain_bulk(self, id_list: Iterable[object] | None = None) -> dict[Any, RecordT]:
        """Async twin of :meth:`in_bulk`."""
        return await self.get_queryset().ain_bulk(id_list)

    async def acreate(self, **fields: Any) -> RecordT:
        """Async twin of :meth:`create`."""
        return await self.get_queryset().acreate(**fields)

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[RecordT, bool]:
        """Async twin of :meth:`get_or_create`."""
        return await self.get_queryset().aget_or_create(defaults, **lookups)

    async def aupdate_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[RecordT, bool]:
        """Async twin of :meth:`update_or_create`."""
        return await self.get_queryset().aupdate_or_create(defaults, create_defaults, **lookups)

    # -- saving, deleting and reading again one record (what ``record.save()`` … call) ----------------

    def _client(self, record: RecordT, using: object, asynchronous: bool, action: str) -> ServiceClient:
        """``using``, else the client that fetched the record, else the default (see the resolver)."""
        source = using if using is not None else client_of(record)
        return client_for(self.model.meta.service, source, asynchronous=asynchronous, action=action)

    def _run(
        self, record: RecordT, using: object, action: str, plan: Callable[[ServiceClient], Plan[R]]
    ) -> R:
        return run(plan(self._client(record, using, False, action)))

    async def _arun(
        self, record: RecordT, using: object, action: str, plan: Callable[[ServiceClient], Plan[R]]
    ) -> R:
        return await arun(plan(self._client(record, using, True, action)))

    def _save(self, record: RecordT, update_fields: Iterable[str] | None, using: object) -> RecordT:
        return self._run(record, using, "save", lambda client: save_plan(client, record, update_fields))

    async def _asave(self, record: RecordT, update_fields: Iterable[str] | None, using: object) -> RecordT:
        return await self._arun(
            record, using, "save", lambda client: save_plan(client, record, update_fields)
        )

    def _delete(self, record: RecordT, using: object) -> None:
        self._run(record, using, "delete", lambda client: delete_plan(client, record))

    async def _adelete(self, record: RecordT, using: object) -> None:
        await self._arun(record, using, "delete", lambda client: delete_plan(client, record))

    def _refresh(self, record: RecordT, fields: Iterable[str] | None, using: object) -> None:
        self._run(record, using, "refresh_from_db", lambda client: refresh_plan(client, record, fields))

    async def _arefresh(self, record: RecordT, fields: Iterable[str] | None, using: object) -> None:
        await self._arun(
            record, using, "refresh_from_db", lambda client: refresh_plan(client, record, fields)
        )
