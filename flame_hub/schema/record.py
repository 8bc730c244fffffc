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
import functools
import html
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel, to_snake

from flame_hub._redact import MASK
from flame_hub.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from flame_hub.schema.fields import FieldSpec, spec_of

__all__ = [
    "ALL_OPERATIONS",
    "IdLike",
    "Operation",
    "Record",
    "RecordT",
    "ResourceMeta",
    "Schema",
    "Service",
    "client_of",
    "get_field_names",
    "get_includable_names",
    "keep_unsaved",
    "mark_loaded",
    "mark_parsed",
    "related_model",
    "schema_of",
    "snapshot_of",
    "take_snapshot",
]

#: The Hub service a resource lives in.
Service = Literal["auth", "core", "storage"]
#: The routes a resource can have.
Operation = Literal["list", "get", "create", "update", "delete"]
#: Every route (the default of :attr:`ResourceMeta.operations`).
ALL_OPERATIONS: frozenset[Operation] = frozenset({"list", "get", "create", "update", "delete"})


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
    #: The names in the seed-style methods (``get_<singular>``, ``find_<plural>``): by default the
    #: snake_case of ``domain`` and the path with ``_`` for ``-`` (true of every Hub resource).
    singular: str = ""
    plural: str = ""

    def __post_init__(self) -> None:
        if not self.singular:
            object.__setattr__(self, "singular", to_snake(self.domain))
        if not self.plural:
            object.__setattr__(self, "plural", self.path.replace("-", "_"))


@dataclass(frozen=True)
class _FieldInfo:
    name: str
    wire: str
    spec: FieldSpec
    annotation: Any
    related: type[Record] | None = None


@dataclass(frozen=True)
class Schema:
    """Everything derived from one declaration (computed once per class)."""

    fields: Mapping[str, _FieldInfo]
    wire_to_name: Mapping[str, str]
    includes: Mapping[str, _FieldInfo] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        """The fields that are columns (not includable relations)."""
        return tuple(name for name, info in self.fields.items() if not info.spec.include)

    def writable(self, operation: Literal["create", "update"]) -> tuple[str, ...]:
        """The columns the Hub accepts on ``operation``."""
        attr = operation
        return tuple(n for n, i in self.fields.items() if getattr(i.spec, attr) and not i.spec.include)

    @property
    def required(self) -> tuple[str, ...]:
        """The fields that must be sent on create."""
        return tuple(n for n, i in self.fields.items() if i.spec.required)

    @property
    def secrets(self) -> frozenset[str]:
        """The fields whose values are secrets (masked in reprs)."""
        return frozenset(n for n, i in self.fields.items() if i.spec.secret)


class Record(BaseModel):
    """A Hub record as declared: fields, wire names, repr and parsing (``flame_hub.models.Resource`` adds
    the ORM: its manager and saving); see the module docstring for how to declare one."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        validate_assignment=False,
        arbitrary_types_allowed=False,
        protected_namespaces=(),
    )

    meta: ClassVar[ResourceMeta]

    #: Raised by ``get()`` when nothing matches (a subclass per resource, as in Django).
    DoesNotExist: ClassVar[type[ObjectDoesNotExist]]
    #: Raised by ``get()`` when several records match.
    MultipleObjectsReturned: ClassVar[type[MultipleObjectsReturned]]

    # Set on records the library loaded (see mark_loaded): the service client that fetched them, and the
    # loaded values of the fields changed since (what save() diffs against; see __setattr__). Slots, not
    # pydantic private attributes: those cost a Python call per parsed record; unset slots cost nothing
    # (a record built by hand has neither).
    __slots__ = ("_flame_client", "_flame_snapshot")

    def __setattr__(self, name: str, value: Any) -> None:
        # Copy on first write: a loaded record remembers a field's loaded value the first time the field
        # is assigned, so that loading a page costs nothing per record for dirty tracking (issue 13).
        if name in type(self).__pydantic_fields__:
            _remember_original(self, name)
        super().__setattr__(name, value)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        parents = [b for b in cls.__mro__[1:] if isinstance(b, type) and issubclass(b, Record)]
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
        schema = schema_of(type(self))
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th><td>"
            f"{html.escape(MASK if info.spec.secret and getattr(self, name) is not None else str(getattr(self, name)))}"
            "</td></tr>"
            for name, info in schema.fields.items()
            if not info.spec.include
        )
        return f"<div><strong>{html.escape(type(self).__name__)}</strong><table>{rows}</table></div>"

    def wire_dump(self, *, include: set[str] | None = None, exclude_unset: bool = True) -> dict[str, Any]:
        """The record in the Hub's wire form (camelCase keys, JSON values); what the engine sends."""
        return self.model_dump(mode="json", by_alias=True, include=include, exclude_unset=exclude_unset)


#: A record class, for code generic over resources (``Manager[RecordT]``).
RecordT = TypeVar("RecordT", bound=Record)


def client_of(record: Record) -> Any:
    """The service client that loaded the record, or None for a record built by hand."""
    return getattr(record, "_flame_client", None)


def _is_loaded(record: Record) -> bool:
    try:
        record._flame_client  # type: ignore[attr-defined]  # noqa: B018 - an unset slot raises AttributeError
    except AttributeError:
        return False
    return True


def _originals(record: Record) -> dict[str, Any] | None:
    """The loaded values of the fields changed since loading (None: none recorded yet)."""
    try:
        originals: dict[str, Any] | None = record._flame_snapshot  # type: ignore[attr-defined]
    except AttributeError:
        return None
    return originals


def _remember_original(record: Record, name: str) -> None:
    """Before a loaded record's field changes for the first time, remember its loaded value."""
    originals = _originals(record)
    if originals is None:
        if not _is_loaded(record):
            return  # built by hand: save() sends what was set, there is nothing to diff against
        originals = {}
        object.__setattr__(record, "_flame_snapshot", originals)
    if name not in originals:
        originals[name] = record.__dict__.get(name)


def snapshot_of(record: Record) -> dict[str, Any] | None:
    """The record's state when it was loaded (what ``save()`` diffs against), or None for a record built
    by hand: its current values with the loaded value of every field changed since."""
    if not _is_loaded(record):
        return None
    originals = _originals(record)
    return {**record.__dict__, **originals} if originals else dict(record.__dict__)


@functools.cache
def _mutable_fields(model: type[Record]) -> tuple[str, ...]:
    """Fields whose values can change in place (lists, dicts), which no assignment would reveal: their
    loaded values are copied when the record is loaded."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if any(t in str(info.annotation) for t in ("list", "dict"))
    )


def take_snapshot(record: Record) -> dict[str, Any]:
    """The record's current field values; lists and dicts are copied so in-place edits show up as changes."""
    state = dict(record.__dict__)
    for name in _mutable_fields(type(record)):
        value = state.get(name)
        if value is not None:
            state[name] = copy.deepcopy(value)
    return state


def _loaded_copies(record: Record) -> dict[str, Any] | None:
    """Copies of the record's mutable values (the only originals a freshly loaded record needs)."""
    mutable = _mutable_fields(type(record))
    if not mutable:
        return None
    values = record.__dict__
    copies = {name: copy.deepcopy(values[name]) for name in mutable if values.get(name) is not None}
    return copies or None


def mark_loaded(record: Record, client: object, snapshot: dict[str, Any] | None = None) -> None:
    """Remember the client that loaded the record, and that its current values are the loaded ones
    (or, with ``snapshot``, that those were: fields whose value differs from it count as changed)."""
    object.__setattr__(record, "_flame_client", client)
    if snapshot is None:
        originals = _loaded_copies(record)
    else:
        current = record.__dict__
        originals = {
            name: value
            for name, value in snapshot.items()
            if name not in current or current[name] is not value
        }
    object.__setattr__(record, "_flame_snapshot", originals or None)


_set_client = Record._flame_client.__set__  # type: ignore[attr-defined]


def mark_parsed(records: Sequence[Record], client: object) -> None:
    """Records just parsed from one answer: remember their client. Nothing else is done per record (their
    loaded values are remembered when a field is first assigned), except copying the values of the few
    resources with list or dict fields, which can change in place."""
    if not records:
        return
    if _mutable_fields(type(records[0])):
        for record in records:
            mark_loaded(record, client)
        return
    for record in records:
        _set_client(record, client)


def keep_unsaved(record: Record, values: Mapping[str, Any]) -> None:
    """Put unsaved values back on a record just loaded (what ``update_fields`` left out of a save): they
    count as changes against the values loaded."""
    for name in values:
        _remember_original(record, name)
    record.__dict__.update(values)


#: Whatever addresses a record: the record itself, its UUID, or its id (or name, where names work) as text.
#: ``None`` is accepted by the types (model ids are optional) and refused at run time with InvalidIdError.
IdLike = Record | uuid.UUID | str | None

_LABELS = ("name", "path", "virtual_path", "level")


@functools.cache
def _label_fields(model: type[Record]) -> tuple[str, ...]:
    """The fields a short repr shows: id, then a name-like field, else the foreign keys of a junction."""
    names = list(model.model_fields)
    label = next((n for n in _LABELS if n in names), None)
    if label is not None:
        return tuple(n for n in ("id", label) if n in names)
    keys = [n for n in names if n.endswith("_id") and not n.endswith("realm_id")][:3]
    return tuple(n for n in ("id", *keys) if n in names)


def related_model(annotation: Any) -> type[Record] | None:
    """The resource class a field's annotation holds (``Project | None`` -> ``Project``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    for arg in get_args(annotation):
        nested = related_model(arg)
        if nested is not None:
            return nested
    return None


@functools.cache
def schema_of(model: type[Record]) -> Schema:
    """The derived schema of a resource class (cached)."""
    fields: dict[str, _FieldInfo] = {}
    includes: dict[str, _FieldInfo] = {}
    for name, info in model.model_fields.items():
        spec = spec_of(info.annotation, list(info.metadata))
        if spec.legacy:
            continue
        related = related_model(info.annotation) if spec.include else None
        item = _FieldInfo(name, info.alias or to_camel(name), spec, info.annotation, related)
        fields[name] = item
        if spec.include:
            includes[name] = item
    return Schema(fields=fields, wire_to_name={i.wire: n for n, i in fields.items()}, includes=includes)


def get_field_names(model: type[Record]) -> tuple[str, ...]:
    """The opt-in column names of a resource (what ``fields=+name`` adds), as the existing client has it."""
    return tuple(n for n, i in schema_of(model).fields.items() if i.spec.opt_in)


def get_includable_names(model: type[Record]) -> tuple[str, ...]:
    """The includable relation names of a resource (Python names), as the existing client has it."""
    return tuple(schema_of(model).includes)
