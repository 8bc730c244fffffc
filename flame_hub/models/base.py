"""``Resource``: a declared Hub record with its ORM — ``Node.objects`` and ``node.save()`` — and ``Entity``.

The declaration machinery (fields, ``ResourceMeta``, the derived schema, parsing) is
:class:`flame_hub.schema.record.Record`; this class adds what Django's ``Model`` adds on top of its
fields: a manager per class and saving, deleting and reading again through that manager (as Django
saves through ``_base_manager``). Every resource of :mod:`flame_hub.models` derives from it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict
from typing_extensions import Self

from flame_hub.orm.graph import Related, assign_forward, forget_related, forward_relations
from flame_hub.orm.manager import Manager
from flame_hub.orm.plans import changed_fields
from flame_hub.orm.relations import install, load_related
from flame_hub.schema.fields import READ_ONLY
from flame_hub.schema.record import Record

__all__ = ["Entity", "Resource"]


class Resource(Record):
    """Base of every Hub resource model: its declaration (see :mod:`flame_hub.schema.record`) and its ORM,
    including its relations (:mod:`flame_hub.orm.graph` derives them, :mod:`flame_hub.orm.relations`
    puts their accessors on the classes when a resource class is created)."""

    # ``realm = Related(Realm)`` in a class body is a relation, not a field
    model_config = ConfigDict(ignored_types=(Related,))

    #: ``Node.objects``: the manager of queries over this resource (a ``Manager[Node]``).
    objects: ClassVar[Manager[Any]]

    # The relations loaded on the record (by access, prefetch_related or fetch_related); a slot, so that
    # parsing a record costs nothing for it and dumps, copies and comparisons never see it.
    __slots__ = ("_flame_related",)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "objects" in cls.model_fields:
            raise TypeError(f"{cls.__name__} declares a field named 'objects', which would hide its manager")
        install(cls)

    def __setattr__(self, name: str, value: Any) -> None:
        # ``analysis.project = project`` sets ``project_id`` too, as in Django
        relation = forward_relations(type(self)).get(name)
        if relation is None:
            super().__setattr__(name, value)
        else:
            assign_forward(self, relation, value, super().__setattr__)

    def fetch_related(self, *relations: str, using: object = None) -> None:
        """Load these relations onto the record (one request each), so that reading them sends none.

        ``analysis.fetch_related("project", "analysis_node_set")``; the same as
        ``prefetch_related_objects([analysis], ...)``. ``using``: the Hub to read them through, for a
        record read through a service client made on its own.
        """
        load_related([self], relations, using=using, asynchronous=False, action="fetch_related")

    async def afetch_related(self, *relations: str, using: object = None) -> None:
        """Async twin of :meth:`fetch_related`: how a record read through an async client loads relations."""
        await load_related([self], relations, using=using, asynchronous=True, action="fetch_related")

    def save(self, *, update_fields: Iterable[str] | None = None, using: object = None) -> Self:
        """Create the record (no id yet) or send only its changed writable fields (none: no request).

        A failed save raises and leaves the record as it was, still carrying its unsaved changes.
        """
        return type(self).objects._save(self, update_fields, using)

    async def asave(self, *, update_fields: Iterable[str] | None = None, using: object = None) -> Self:
        """Async twin of :meth:`save`."""
        return await type(self).objects._asave(self, update_fields, using)

    def delete(self, *, using: object = None) -> None:
        """Delete the record on the Hub; its ``id`` becomes None."""
        type(self).objects._delete(self, using)

    async def adelete(self, *, using: object = None) -> None:
        """Async twin of :meth:`delete`."""
        await type(self).objects._adelete(self, using)

    def refresh_from_db(self, fields: Iterable[str] | None = None, *, using: object = None) -> None:
        """Read the record again (all fields, or just ``fields``) and drop unsaved changes to them."""
        type(self).objects._refresh(self, fields, using)
        if fields is None:
            forget_related(self)  # as Django's refresh_from_db drops cached relations

    async def arefresh_from_db(self, fields: Iterable[str] | None = None, *, using: object = None) -> None:
        """Async twin of :meth:`refresh_from_db`."""
        await type(self).objects._arefresh(self, fields, using)
        if fields is None:
            forget_related(self)

    @property
    def is_dirty(self) -> bool:
        """Whether the record has writable changes that ``save()`` would send."""
        return getattr(self, "id", None) is None or bool(changed_fields(self, None))


# Every resource class gets its manager from the base: ``Node.objects`` binds itself to ``Node``.
setattr(Resource, "objects", Manager())  # noqa: B010 - declared above for type checkers


class Entity(Resource):
    """A Hub record with the columns every database entity has: its id and its timestamps (all server-set).

    Resources declare only their own fields on top of it.
    """

    id: Annotated[uuid.UUID | None, READ_ONLY] = None
    created_at: Annotated[datetime.datetime | None, READ_ONLY] = None
    updated_at: Annotated[datetime.datetime | None, READ_ONLY] = None
