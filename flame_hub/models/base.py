"""How a Hub resource is declared, once, and everything derived from that declaration.

A resource is a pydantic model with snake_case attributes (camelCase on the wire) and a ``meta``
class attribute saying where it lives and what the Hub lets you do with it::

    class Node(Resource):
        meta: ClassVar[ResourceMeta] = ResourceMeta(
            service="core", path="nodes", domain="node",
            filters=("id", "name", "hidden", "realm_id"), sorts=("name", "created_at"),
        )
        id: Annotated[UUID | None, READ_ONLY] = None
        name: Annotated[str | None, REQUIRED] = None
        realm_id: Annotated[UUID | None, CREATE_ONLY] = None
        registry: Annotated[Registry | None, INCLUDE] = None

Why every field is optional: a record fetched with ``fields=id,name`` lacks the other columns, and the
Hub adds fields between releases; a response must always parse. Which fields were actually sent is in
``model_fields_set``. Why enums are ``Literal[...] | str``: an enum value the Hub adds later comes
through as a plain string instead of failing the whole page. Unknown keys are kept in ``model_extra``
(authup merges user attributes into user records that way).

From the declaration the library derives: the wire names (aliases), which keys may be sent on create
and on update, which are required on create, the filter/sort/fields/include vocabularies the query
compiler checks keys against, and the parsers (one ``TypeAdapter`` per envelope and model).
"""

from __future__ import annotations

import copy
import datetime
import functools
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.alias_generators import to_camel
from typing_extensions import Self

from flame_hub._redact import MASK
from flame_hub.exceptions import MultipleObjectsReturned, ObjectDoesNotExist

if TYPE_CHECKING:
    from flame_hub.query.manager import Manager

__all__ = [
    "CREATE_ONLY",
    "INCLUDE",
    "LEGACY",
    "OPT_IN",
    "READ_ONLY",
    "REQUIRED",
    "REQUIRED_CREATE_ONLY",
    "SECRET",
    "Entity",
    "FieldSpec",
    "IsIncludable",
    "IsOptionalField",
    "ItemEnvelope",
    "ListEnvelope",
    "ListMeta",
    "Page",
    "Resource",
    "ResourceMeta",
    "ResourceT",
    "SingleResourceMeta",
    "get_field_names",
    "get_includable_names",
]

Service = Literal["auth", "core", "storage"]
Operation = Literal["list", "get", "create", "update", "delete"]
ALL_OPERATIONS: frozenset[Operation] = frozenset({"list", "get", "create", "update", "delete"})


# -- field markers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """What the Hub does with a field: accepts it on create/update, requires it, hides it.

    Attributes:
        create: the Hub accepts the key on create.
        update: the Hub accepts the key on update (``POST /<path>/:id``).
        required: the key must be sent on create.
        secret: the value is a secret (never shown in a repr).
        opt_in: not in the default projection; only returned with ``fields=+name``.
        include: the field is an includable relation (``include=name``), not a column.
        legacy: flame-hub-client 0.5.5 declared the field but the Hub (v0.14) never sends it; the
            attribute exists (None) so that code written for 0.5.5 still reads it, and nothing else
            knows it: it is no column, include, filter or writable key.
    """

    create: bool = True
    update: bool = True
    required: bool = False
    secret: bool = False
    opt_in: bool = False
    include: bool = False
    legacy: bool = False


#: Server-owned: ignored when sent.
READ_ONLY = FieldSpec(create=False, update=False)
#: Accepted on create, never changed afterwards (``realm_id`` and foreign keys of junctions).
CREATE_ONLY = FieldSpec(update=False)
#: Required on create and updatable.
REQUIRED = FieldSpec(required=True)
#: Required on create, never changed afterwards.
REQUIRED_CREATE_ONLY = FieldSpec(required=True, update=False)
#: A writable secret that the Hub returns only on request (``fields=+secret``).
SECRET = FieldSpec(secret=True, opt_in=True)
#: A writable column outside the default projection (``fields=+email``).
OPT_IN = FieldSpec(opt_in=True)
#: An includable relation.
INCLUDE = FieldSpec(create=False, update=False, include=True)
#: A field only flame-hub-client 0.5.5 knew (see :attr:`FieldSpec.legacy`).
LEGACY = FieldSpec(create=False, update=False, legacy=True)


class IsOptionalField:
    """flame-hub-client 0.5.5's marker of an opt-in column (``Annotated[str | None, IsOptionalField]``).

    Read as :data:`OPT_IN`, so models written against 0.5.5's markers keep working.
    """


class IsIncludable:
    """flame-hub-client 0.5.5's marker of an includable relation; read as :data:`INCLUDE`."""


_MARKERS: dict[object, FieldSpec] = {IsOptionalField: OPT_IN, IsIncludable: INCLUDE}


# -- the resource declaration -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceMeta:
    """Where a resource lives and what the Hub lets you do with it (from the API reference).

    Filter and sort names are Python (snake_case) names; the reference's allow-lists.
    """

    service: Service
    path: str
    domain: str
    filters: tuple[str, ...] = ()
    sorts: tuple[str, ...] = ()
    operations: frozenset[Operation] = ALL_OPERATIONS
    #: The order ``first()``/``last()`` and stable paging use when the caller gives none.
    default_ordering: tuple[str, ...] = ()
    #: Whether several sort keys are honoured (authup drops a multi-key sort whole).
    multi_sort: bool = True
    #: Whether ``GET /<path>/<name>`` addresses a record by name (authup, storage buckets).
    by_name: bool = False
    #: Whether the record route honours ``fields``/``include`` (at authup only users and clients do).
    record_query: bool = True
    #: Singular and plural names used in messages and the seed-style method names.
    singular: str = ""
    plural: str = ""


@dataclass(frozen=True)
class _FieldInfo:
    name: str
    wire: str
    spec: FieldSpec
    annotation: Any
    related: type[Resource] | None = None


@dataclass(frozen=True)
class Schema:
    """Everything derived from one declaration (computed once per class)."""

    fields: Mapping[str, _FieldInfo]
    wire_to_name: Mapping[str, str]
    includes: Mapping[str, _FieldInfo] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, info in self.fields.items() if not info.spec.include)

    def writable(self, operation: Literal["create", "update"]) -> tuple[str, ...]:
        attr = operation
        return tuple(n for n, i in self.fields.items() if getattr(i.spec, attr) and not i.spec.include)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(n for n, i in self.fields.items() if i.spec.required)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(n for n, i in self.fields.items() if i.spec.secret)


class Resource(BaseModel):
    """Base of every Hub resource model; see the module docstring for how to declare one."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        validate_assignment=False,
        arbitrary_types_allowed=False,
        protected_namespaces=(),
    )

    meta: ClassVar[ResourceMeta]

    if TYPE_CHECKING:
        #: ``Node.objects``: the manager of queries over this resource (attached by flame_hub.query).
        objects: ClassVar[Manager[Any]]
        #: Raised by ``get()`` when nothing matches (a subclass per resource, as in Django).
        DoesNotExist: ClassVar[type[ObjectDoesNotExist]]
        #: Raised by ``get()`` when several records match.
        MultipleObjectsReturned: ClassVar[type[MultipleObjectsReturned]]

    # Set on records the library loaded (see mark_loaded): the service client that fetched them and
    # their loaded state, which save() diffs against. Slots, not pydantic private attributes: those cost
    # a Python call per parsed record; unset slots cost nothing (a record built by hand has neither).
    __slots__ = ("_flame_client", "_flame_snapshot")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "objects" in cls.model_fields:
            raise TypeError(f"{cls.__name__} declares a field named 'objects', which would hide its manager")
        parents = [b for b in cls.__mro__[1:] if isinstance(b, type) and issubclass(b, Resource)]
        missing = tuple(getattr(p, "DoesNotExist", None) for p in parents[:1]) or ()
        does_not_exist = tuple(b for b in missing if b is not None) or (ObjectDoesNotExist,)
        several = tuple(getattr(p, "MultipleObjectsReturned", None) for p in parents[:1]) or ()
        multiple = tuple(b for b in several if b is not None) or (MultipleObjectsReturned,)
        cls.DoesNotExist = type(
            "DoesNotExist",
            does_not_exist,
            {"__qualname__": f"{cls.__qualname__}.DoesNotExist", "__module__": cls.__module__},
        )
        cls.MultipleObjectsReturned = type(
            "MultipleObjectsReturned",
            multiple,
            {"__qualname__": f"{cls.__qualname__}.MultipleObjectsReturned", "__module__": cls.__module__},
        )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        secrets = schema_of(type(self)).secrets
        for name, value in super().__repr_args__():
            yield name, (MASK if name in secrets and value is not None else value)

    def __repr__(self) -> str:
        """Short: the id and the fields that identify the record (its name or path, or its foreign keys)."""
        shown = [
            f"{name}={getattr(self, name)!s}"
            for name in _label_fields(type(self))
            if getattr(self, name, None) is not None
        ]
        return f"<{type(self).__name__}{' ' if shown else ''}{' '.join(shown)}>"

    # Equality is pydantic's: records of one class with the same field values (and extra keys) are
    # equal, as in flame-hub-client 0.5.5, so ``node != core.update_node(node, name="new")``. A record
    # is hashable by its id (equal records have equal ids, so this agrees with ``==``): it can key a
    # dict or sit in a set while its values change. Where code means "the same Hub record", it
    # compares ids (``a.id == b.id``), never records.
    __eq__ = BaseModel.__eq__

    def __hash__(self) -> int:
        ident = getattr(self, "id", None)
        if ident is None:
            raise TypeError(f"an unsaved {type(self).__name__} (no id) is unhashable")
        return hash((type(self).meta.path, ident))

    def _repr_html_(self) -> str:
        """An HTML table of the record's fields for Jupyter (secrets masked)."""
        import html

        schema = schema_of(type(self))
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th><td>"
            f"{html.escape(MASK if info.spec.secret and getattr(self, name) is not None else str(getattr(self, name)))}"
            "</td></tr>"
            for name, info in schema.fields.items()
            if not info.spec.include
        )
        return f"<div><strong>{html.escape(type(self).__name__)}</strong><table>{rows}</table></div>"

    # -- active record -------------------------------------------------------------------------------

    def _service_client(self, using: object, method: str) -> Any:
        from flame_hub.clients.base import AsyncBaseClient
        from flame_hub.connection import client_for

        client = client_for(type(self).meta.service, using if using is not None else client_of(self))
        is_async = isinstance(client, AsyncBaseClient)
        if is_async != method.startswith("a"):
            twin = method[1:] if method.startswith("a") else "a" + method
            raise TypeError(
                f"{method}() cannot run through {type(client).__name__}; use {twin}() (or pass using=…)"
            )
        return client

    def save(self, *, update_fields: Iterable[str] | None = None, using: object = None) -> Self:
        """Create the record (no id yet) or send only its changed writable fields (none: no request).

        A failed save raises and leaves the record as it was, still carrying its unsaved changes.
        """
        from flame_hub.query.plans import drive, save_plan

        client = self._service_client(using, "save")
        return drive(save_plan(client, self, client, update_fields), client._execute)

    async def asave(self, *, update_fields: Iterable[str] | None = None, using: object = None) -> Self:
        """Async twin of :meth:`save`."""
        from flame_hub.query.plans import adrive, save_plan

        client = self._service_client(using, "asave")
        return await adrive(save_plan(client, self, client, update_fields), client._execute)

    def delete(self, *, using: object = None) -> None:
        """Delete the record on the Hub; its ``id`` becomes None."""
        from flame_hub.query.plans import delete_plan, drive

        client = self._service_client(using, "delete")
        drive(delete_plan(client, self, client), client._execute)

    async def adelete(self, *, using: object = None) -> None:
        """Async twin of :meth:`delete`."""
        from flame_hub.query.plans import adrive, delete_plan

        client = self._service_client(using, "adelete")
        await adrive(delete_plan(client, self, client), client._execute)

    def refresh_from_db(self, fields: Iterable[str] | None = None, *, using: object = None) -> None:
        """Read the record again (all fields, or just ``fields``) and drop unsaved changes to them."""
        from flame_hub.query.plans import drive, refresh_plan

        client = self._service_client(using, "refresh_from_db")
        drive(refresh_plan(client, self, client, fields, type(self).DoesNotExist), client._execute)

    async def arefresh_from_db(self, fields: Iterable[str] | None = None, *, using: object = None) -> None:
        """Async twin of :meth:`refresh_from_db`."""
        from flame_hub.query.plans import adrive, refresh_plan

        client = self._service_client(using, "arefresh_from_db")
        await adrive(refresh_plan(client, self, client, fields, type(self).DoesNotExist), client._execute)

    @property
    def is_dirty(self) -> bool:
        """Whether the record has writable changes that ``save()`` would send."""
        from flame_hub.query.plans import changed_fields

        return getattr(self, "id", None) is None or bool(changed_fields(self, None))

    def wire_dump(self, *, include: set[str] | None = None, exclude_unset: bool = True) -> dict[str, Any]:
        """The record in the Hub's wire form (camelCase keys, JSON values); what the engine sends."""
        return self.model_dump(mode="json", by_alias=True, include=include, exclude_unset=exclude_unset)


class Entity(Resource):
    """A Hub record with the columns every database entity has: its id and its timestamps (all server-set).

    Resources declare only their own fields on top of it.
    """

    id: Annotated[uuid.UUID | None, READ_ONLY] = None
    created_at: Annotated[datetime.datetime | None, READ_ONLY] = None
    updated_at: Annotated[datetime.datetime | None, READ_ONLY] = None


#: A resource model class, for code generic over resources (``Manager[ResourceT]``).
ResourceT = TypeVar("ResourceT", bound=Resource)


def client_of(record: Resource) -> Any:
    """The service client that loaded the record, or None for a record built by hand."""
    return getattr(record, "_flame_client", None)


def snapshot_of(record: Resource) -> dict[str, Any] | None:
    """The record's state when it was loaded (what ``save()`` diffs against), or None."""
    return getattr(record, "_flame_snapshot", None)


@functools.cache
def _mutable_fields(model: type[Resource]) -> tuple[str, ...]:
    """Fields whose values can change in place (lists, dicts): the snapshot copies only these."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if any(t in str(info.annotation) for t in ("list", "dict"))
    )


def take_snapshot(record: Resource) -> dict[str, Any]:
    """The record's current field values; lists and dicts are copied so in-place edits show up as changes."""
    state = dict(record.__dict__)
    for name in _mutable_fields(type(record)):
        value = state.get(name)
        if value is not None:
            state[name] = copy.deepcopy(value)
    return state


def mark_loaded(record: Resource, client: object, snapshot: dict[str, Any] | None = None) -> None:
    """Remember the client that loaded the record and its loaded state."""
    object.__setattr__(record, "_flame_client", client)
    object.__setattr__(record, "_flame_snapshot", take_snapshot(record) if snapshot is None else snapshot)


#: Whatever addresses a record: the record itself, its UUID, or its id (or name, where names work) as text.
#: ``None`` is accepted by the types (model ids are optional) and refused at run time with InvalidIdError.
IdLike = Resource | uuid.UUID | str | None

_LABELS = ("name", "path", "virtual_path", "level")


@functools.cache
def _label_fields(model: type[Resource]) -> tuple[str, ...]:
    """The fields a short repr shows: id, then a name-like field, else the foreign keys of a junction."""
    names = list(model.model_fields)
    label = next((n for n in _LABELS if n in names), None)
    if label is not None:
        return tuple(n for n in ("id", label) if n in names)
    keys = [n for n in names if n.endswith("_id") and not n.endswith("realm_id")][:3]
    return tuple(n for n in ("id", *keys) if n in names)


def _spec_of(annotation: Any, metadata: list[Any]) -> FieldSpec:
    items = list(metadata)
    if get_origin(annotation) is Annotated:
        items += get_args(annotation)[1:]
    for item in items:
        if isinstance(item, FieldSpec):
            return item
        if isinstance(item, type) and item in _MARKERS:
            return _MARKERS[item]
    return FieldSpec()


def _related_model(annotation: Any) -> type[Resource] | None:
    if isinstance(annotation, type) and issubclass(annotation, Resource):
        return annotation
    for arg in get_args(annotation):
        nested = _related_model(arg)
        if nested is not None:
            return nested
    return None


@functools.cache
def schema_of(model: type[Resource]) -> Schema:
    """The derived schema of a resource class (cached)."""
    fields: dict[str, _FieldInfo] = {}
    includes: dict[str, _FieldInfo] = {}
    for name, info in model.model_fields.items():
        spec = _spec_of(info.annotation, list(info.metadata))
        if spec.legacy:
            continue
        related = _related_model(info.annotation) if spec.include else None
        item = _FieldInfo(name, info.alias or to_camel(name), spec, info.annotation, related)
        fields[name] = item
        if spec.include:
            includes[name] = item
    return Schema(fields=fields, wire_to_name={i.wire: n for n, i in fields.items()}, includes=includes)


def get_field_names(model: type[Resource]) -> tuple[str, ...]:
    """The opt-in column names of a resource (what ``fields=+name`` adds), as the existing client has it."""
    return tuple(n for n, i in schema_of(model).fields.items() if i.spec.opt_in)


def get_includable_names(model: type[Resource]) -> tuple[str, ...]:
    """The includable relation names of a resource (Python names), as the existing client has it."""
    return tuple(schema_of(model).includes)


# -- envelopes ----------------------------------------------------------------------------------------


class ListMeta(BaseModel):
    """``meta`` of a collection: the total before paging and the page that was applied."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    total: int | None = None
    limit: int | None = None
    offset: int | None = None
    # ``schema`` would shadow BaseModel.schema(); the name is flame-hub-client 0.5.5's.
    response_schema: dict[str, Any] | None = Field(default=None, alias="schema")


class SingleResourceMeta(BaseModel):
    """``meta`` of a single record's envelope (``get_<x>(id, meta=True)``): the resource's schema."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    response_schema: dict[str, Any] | None = Field(default=None, alias="schema")


class ListEnvelope(BaseModel, Generic[ResourceT]):
    """``{"data": [...], "meta": {...}}`` of a collection."""

    data: list[ResourceT]
    meta: ListMeta = Field(default_factory=ListMeta)


class ItemEnvelope(BaseModel, Generic[ResourceT]):
    """``{"data": {...}, "meta": {...}}`` of a single record (every Hub service envelopes records)."""

    data: ResourceT
    meta: SingleResourceMeta = Field(default_factory=SingleResourceMeta)


@dataclass
class Page(Generic[ResourceT]):
    """One page of a collection with its ``meta`` (``total`` is the count before paging)."""

    items: list[ResourceT]
    total: int | None
    limit: int | None
    offset: int | None
    meta: ListMeta

    def __iter__(self) -> Iterator[ResourceT]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


_ADAPTERS: dict[tuple[str, type[Any]], TypeAdapter[Any]] = {}

ModelT = TypeVar("ModelT", bound=BaseModel)


def _adapter(kind: str, model: type[Any], shape: Any) -> TypeAdapter[Any]:
    """The parser of ``shape``, built once per (kind, model): building one costs far more than a parse."""
    key = (kind, model)
    if key not in _ADAPTERS:
        _ADAPTERS[key] = TypeAdapter(shape)
    return _ADAPTERS[key]


def list_adapter(model: type[ResourceT]) -> TypeAdapter[ListEnvelope[ResourceT]]:
    """The one-pass parser of a collection of ``model``."""
    return _adapter("list", model, ListEnvelope[model])  # type: ignore[valid-type]


def item_adapter(model: type[ResourceT]) -> TypeAdapter[ItemEnvelope[ResourceT]]:
    """The one-pass parser of one enveloped ``model`` record."""
    return _adapter("item", model, ItemEnvelope[model])  # type: ignore[valid-type]


def bare_adapter(model: type[ModelT]) -> TypeAdapter[ModelT]:
    """Parser of a record that comes without an envelope (credentials routes)."""
    return _adapter("bare", model, model)
