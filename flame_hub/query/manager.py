"""``Manager``: the entry point of queries, ``Node.objects`` and ``hub.core.nodes``.

``Resource.objects`` is one ``Manager`` declared on the base class; as a descriptor it binds itself to
the class it is read from, so ``Node.objects`` is a ``Manager[Node]`` for type checkers too, and
reading it from an instance is an error (as in Django). The methods are written out (no
``__getattr__`` delegation) so that every one is typed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Generic, TypeVar

from flame_hub.models.base import Resource, ResourceT
from flame_hub.query.query import Q
from flame_hub.query.queryset import QuerySet, RowQuerySet

__all__ = ["Manager"]

OwnerT = TypeVar("OwnerT", bound=Resource)


class Manager(Generic[ResourceT]):
    """Queries over one resource; every method starts a new :class:`QuerySet`."""

    def __init__(self, model: type[ResourceT] | None = None, using: object = None) -> None:
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
    def model(self) -> type[ResourceT]:
        """The resource class this manager queries."""
        if self._model is None:
            raise AttributeError("this manager is not bound to a resource class")
        return self._model

    def get_queryset(self) -> QuerySet[ResourceT]:
        """A QuerySet of every record (through the bound client, if any)."""
        return QuerySet(self.model, using=self._using)

    def using(self, client: object) -> QuerySet[ResourceT]:
        """Queries through ``client`` (a ``Hub`` or the matching service client)."""
        return self.get_queryset().using(client)

    def all(self) -> QuerySet[ResourceT]:
        """Every record (lazily)."""
        return self.get_queryset()

    def filter(self, *args: Q, **lookups: Any) -> QuerySet[ResourceT]:
        """Records matching all the conditions."""
        return self.get_queryset().filter(*args, **lookups)

    def exclude(self, *args: Q, **lookups: Any) -> QuerySet[ResourceT]:
        """Records not matching the conditions taken together."""
        return self.get_queryset().exclude(*args, **lookups)

    def order_by(self, *fields: str) -> QuerySet[ResourceT]:
        """Every record in this order."""
        return self.get_queryset().order_by(*fields)

    def only(self, *fields: str) -> QuerySet[ResourceT]:
        """Every record, with only these columns."""
        return self.get_queryset().only(*fields)

    def defer(self, *fields: str) -> QuerySet[ResourceT]:
        """Every record, without these columns."""
        return self.get_queryset().defer(*fields)

    def include(self, *relations: str) -> QuerySet[ResourceT]:
        """Every record, with these relations embedded."""
        return self.get_queryset().include(*relations)

    select_related = include

    def none(self) -> QuerySet[ResourceT]:
        """An empty QuerySet (no request)."""
        return self.get_queryset().none()

    def values(self, *fields: str) -> RowQuerySet[dict[str, Any]]:
        """Every record as a dict of these fields."""
        return self.get_queryset().values(*fields)

    def values_list(self, *fields: str, flat: bool = False) -> RowQuerySet[Any]:
        """Every record as a tuple of these fields (or single values with ``flat=True``)."""
        return self.get_queryset().values_list(*fields, flat=flat)

    def iterator(self, chunk_size: int = 50, concurrency: int | None = None) -> Iterator[ResourceT]:
        """Stream every record without caching."""
        return self.get_queryset().iterator(chunk_size, concurrency)

    def count(self) -> int:
        """How many records exist (one request)."""
        return self.get_queryset().count()

    def exists(self) -> bool:
        """Whether any record exists (one request)."""
        return self.get_queryset().exists()

    def get(self, *args: Q, **lookups: Any) -> ResourceT:
        """The one matching record (``get(id=…)`` uses the by-id route)."""
        return self.get_queryset().get(*args, **lookups)

    def first(self) -> ResourceT | None:
        """The first record in the default ordering, or None."""
        return self.get_queryset().first()

    def last(self) -> ResourceT | None:
        """The last record in the default ordering, or None."""
        return self.get_queryset().last()

    def in_bulk(self, id_list: Iterable[object] | None = None) -> dict[Any, ResourceT]:
        """Records by id."""
        return self.get_queryset().in_bulk(id_list)

    def create(self, **fields: Any) -> ResourceT:
        """Create and return a record."""
        return self.get_queryset().create(**fields)

    def get_or_create(self, defaults: dict[str, Any] | None = None, **lookups: Any) -> tuple[ResourceT, bool]:
        """The matching record or a new one; ``(record, created)``."""
        return self.get_queryset().get_or_create(defaults, **lookups)

    def update_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[ResourceT, bool]:
        """Update the matching record or create one; ``(record, created)``."""
        return self.get_queryset().update_or_create(defaults, create_defaults, **lookups)

    # -- async twins (through an async client: ``Node.objects.using(async_hub)``, ``hub.core.nodes``) ---

    def aiterator(self, chunk_size: int = 50, concurrency: int | None = None) -> AsyncIterator[ResourceT]:
        """Stream every record without caching, for ``async for``."""
        return self.get_queryset().aiterator(chunk_size, concurrency)

    async def acount(self) -> int:
        """Async twin of :meth:`count`."""
        return await self.get_queryset().acount()

    async def aexists(self) -> bool:
        """Async twin of :meth:`exists`."""
        return await self.get_queryset().aexists()

    async def aget(self, *args: Q, **lookups: Any) -> ResourceT:
        """Async twin of :meth:`get`."""
        return await self.get_queryset().aget(*args, **lookups)

    async def afirst(self) -> ResourceT | None:
        """Async twin of :meth:`first`."""
        return await self.get_queryset().afirst()

    async def alast(self) -> ResourceT | None:
        """Async twin of :meth:`last`."""
        return await self.get_queryset().alast()

    async def ain_bulk(self, id_list: Iterable[object] | None = None) -> dict[Any, ResourceT]:
        """Async twin of :meth:`in_bulk`."""
        return await self.get_queryset().ain_bulk(id_list)

    async def acreate(self, **fields: Any) -> ResourceT:
        """Async twin of :meth:`create`."""
        return await self.get_queryset().acreate(**fields)

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[ResourceT, bool]:
        """Async twin of :meth:`get_or_create`."""
        return await self.get_queryset().aget_or_create(defaults, **lookups)

    async def aupdate_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **lookups: Any,
    ) -> tuple[ResourceT, bool]:
        """Async twin of :meth:`update_or_create`."""
        return await self.get_queryset().aupdate_or_create(defaults, create_defaults, **lookups)


# Every resource class gets its manager from the base: ``Node.objects`` binds itself to ``Node``.
setattr(Resource, "objects", Manager())  # noqa: B010 - declared for type checkers in Resource (TYPE_CHECKING)
