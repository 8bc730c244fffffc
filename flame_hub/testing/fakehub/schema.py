"""Resource declarations: the one place that says what a FakeHub collection is.

Every collection FakeHub serves (authup's ``/realms``, core's ``/nodes``, storage's ``/buckets`` ...) is
one :class:`Resource` value. The generic CRUD handlers (:mod:`.crud`), the query engine
(:mod:`.query`), validation (:mod:`.validation`) and ``meta.schema`` (:mod:`.query.describe`) read
nothing but this declaration, so a resource is *declared*, never re-coded.

How to declare a resource
-------------------------
A service declares its collections through a :class:`Collections`, which adds the ``id`` and the
timestamps and the rules all of them share (``resources/core.py``)::

    core = Collections("core", embeds_on=frozenset({"create"}))

    NODES = core.entity(
        "nodes",                                          # /core/nodes; its entity (domain): "node"
        Field.editable("name", required=True, min_length=3, max_length=128),
        Field.editable("hidden", type="bool", default=False),
        Field.fk("registryId", "core:registries", nullable=True, create=True, update=True),
        Field("realmId", type="uuid", create=True, references=REALM_FK),
        unique=(("name", "realmId"),),                    # clash -> 409 entity_conflict
        filters=("id", "name", "realmId"),
        sorts=("name", "updatedAt", "createdAt"),
        relations=(Relation.on("registryId", "core:registries"),),
        permissions=writes("node"),                       # node_create, node_update, node_delete
        hooks=ON_NODE,                                    # its server-side effects (:mod:`.hooks`)
    )

and list it in its module's ``RESOURCES``, which ``resources.PARTS`` hands to every new FakeHub (a
:class:`~.resources.Part` per service also carries its special routes, :mod:`.router`, and a
``seed(hub)`` function that inserts a fresh service's rows with ``hub.seed_row(key, {...})``: no
validation, no hooks; id and timestamps filled in). A test may declare a resource of its own with
``Resource(service=..., path=..., domain=..., fields=...)`` and ``hub.declare(resource)``.

Field rules (:class:`Field`): ``type`` is one of ``string uuid bool int number date json``;
``create``/``update`` say whether a body key is accepted on create / on ``POST /:id``
(:meth:`Field.editable`: both; everything else sent in a body, including read-only and unknown keys,
is silently dropped); ``required`` means required on create; ``nullable`` allows ``null``;
``default`` (a value, or ``callable(ctx, row)``) fills an absent key on create;
``min_length``/``max_length``/``pattern``/``choices`` validate strings; ``normalize`` (e.g.
:data:`NAME`, trim + lower-case) runs before validation; ``check`` returns an error message or
``None``. Visibility: ``selected=False`` keeps a column out of the default projection (opt-in with
``fields=+x``), ``selectable=False`` makes it unreadable (``password``), ``echo_on_write`` returns it
in create/update responses anyway, ``read_guard(ctx, row)`` decides per request whether an opt-in
column may be shown (return False to drop it silently, raise :class:`~.errors.HubError` to refuse;
:meth:`Field.secret`).

Resource rules (:class:`Resource`): ``unique`` tuples of field names (a one-column constraint ignores
``None``; several columns compare ``None`` like a value, as authup's per-realm name checks do; strings
compare case-insensitively); foreign keys on fields (:meth:`Field.fk`, a missing row -> 400
``entity_relation_invalid``, or whatever ``ForeignKey.error`` builds); ``filters``/``sorts``/
``fields_allowed``/``relations`` are the rapiq allow-lists (``None`` = not declared, shown as ``null``
in ``meta.schema``: no filter or sort key is then allowed, while ``fields=`` may name every selectable
field); ``default_sort``; ``operations`` (``list get create update delete upsert``);
``name_field`` allows ``GET /x/{name}`` and ``POST /x/{name}`` (``name_ops`` says which operations);
``realm_field`` is defaulted to the caller's realm on create when the key is absent (an explicit
``null`` stays when the field is nullable: authup's global roles/permissions); ``permissions`` maps an
operation to the permission names of which the caller must hold **one** (:func:`reads`,
:func:`writes`); ``public`` lists operations that need no login; ``realm_guard`` makes update/delete
(and create with an explicit realm) require the caller's realm to be the record's realm or
``master``; ``hooks`` are the resource's server-side effects (:class:`~.hooks.Hooks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .context import Hub, RequestContext
from .errors import HubError, Service
from .hooks import Hooks
from .store import Table

FieldType = Literal["string", "uuid", "bool", "int", "number", "date", "json"]
Operation = Literal["list", "get", "create", "update", "delete", "upsert"]
Row = dict[str, Any]

ALL_OPERATIONS: frozenset[str] = frozenset({"list", "get", "create", "update", "delete"})


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


#: Marker: the field has no default (absent on create stays absent, i.e. ``None`` when nullable).
NO_DEFAULT: Any = _NoDefault()


def NAME(value: Any) -> Any:
    """authup's (and the Hub's slug) name normalisation: trimmed and lower-cased."""
    return value.strip().lower() if isinstance(value, str) else value


#: authup names (auth.md §3.0): 3-128 chars of ``[a-z0-9-_.]`` after lower-casing.
NAME_PATTERN = r"^[a-z0-9-_.]+$"


@dataclass(frozen=True)
class ForeignKey:
    """A field that must name an existing row of ``target`` (``"service:path"``)."""

    target: str
    #: Builds the error for a dangling reference; default 400 ``entity_relation_invalid``.
    error: Callable[[str, Any], HubError] | None = None


@dataclass(frozen=True)
class Field:
    """One wire field (camelCase) of a resource; see the module docstring for the rules."""

    name: str
    type: FieldType = "string"
    nullable: bool = False
    default: Any = NO_DEFAULT
    create: bool = False
    update: bool = False
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[Any, ...] | None = None
    normalize: Callable[[Any], Any] | None = None
    check: Callable[[Any], str | None] | None = None
    selected: bool = True
    selectable: bool = True
    echo_on_write: bool = True
    read_guard: Callable[[RequestContext, Row], bool] | None = None
    references: ForeignKey | None = None

    @classmethod
    def editable(cls, name: str, **options: Any) -> Field:
        """A column a body may set on create and on update."""
        return cls(name, create=True, update=True, **options)

    @classmethod
    def secret(cls, name: str, guard: Callable[[RequestContext, Row], bool], **options: Any) -> Field:
        """A secret column: nullable, out of the default projection, and shown when asked for
        (``fields=+name``) only where ``guard`` allows it."""
        return cls(name, nullable=True, selected=False, read_guard=guard, **options)

    @classmethod
    def uuid(cls, name: str, **options: Any) -> Field:
        """A UUID column."""
        return cls(name, type="uuid", **options)

    @classmethod
    def fk(cls, name: str, target: str, **options: Any) -> Field:
        """A UUID column that must name a row of ``target`` (``"service:path"``)."""
        return cls(name, type="uuid", references=ForeignKey(target), **options)


@dataclass(frozen=True)
class Relation:
    """A to-one relation for ``include=``: ``row[local_key]`` names ``target``'s ``remote_key``."""

    name: str
    target: str
    local_key: str
    remote_key: str = "id"

    @classmethod
    def on(cls, local_key: str, target: str) -> Relation:
        """The relation ``local_key`` names by id, called after it: ``on("nodeId", ...)`` is ``node``."""
        return cls(local_key.removesuffix("Id"), target, local_key)


@dataclass
class Resource:
    """One collection: everything the generic handlers and the query engine need to serve it."""

    service: Service
    path: str
    domain: str
    fields: tuple[Field, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    filters: tuple[str, ...] | None = None
    sorts: tuple[str, ...] | None = None
    default_sort: tuple[tuple[str, Literal["ASC", "DESC"]], ...] = ()
    relations: tuple[Relation, ...] = ()
    #: rapiq ``fields.allowed``; ``None`` = not declared (every selectable field may be asked for).
    fields_allowed: tuple[str, ...] | None = None
    #: Whether ``meta.schema.fields.default`` lists the default projection (``null`` otherwise).
    describe_default_fields: bool = True
    operations: frozenset[str] = ALL_OPERATIONS
    name_field: str | None = None
    name_ops: frozenset[str] = frozenset({"get", "update", "upsert"})
    realm_field: str | None = None
    permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    public: frozenset[str] = frozenset()
    realm_guard: bool = False
    #: ``GET /:id`` honours ``fields``/``include`` (all of core/storage; only users and clients at authup).
    record_query: bool = True
    #: authup drops a multi-key sort whole (auth.md §2.3); the Hub core applies every key.
    multi_key_sort: bool = True
    max_limit: int = 50
    #: Noun used in "The ... was not found." (defaults to ``domain`` split into words).
    entity_label: str | None = None
    #: Writes whose answer embeds the related records a body named by their foreign key: the Hub core
    #: loads them to validate the join columns and serializes them with the saved entity (observed on
    #: Hub v0.14.0: a project-node's create answer carries ``project`` and ``node``).
    embeds_on: frozenset[str] = frozenset()
    hooks: Hooks = field(default_factory=Hooks)

    def __post_init__(self) -> None:
        self._by_name = {f.name: f for f in self.fields}
        #: Fields a body may carry, per operation (declaration order), for validation.
        self._accepted = {
            "create": tuple(f for f in self.fields if f.create),
            "update": tuple(f for f in self.fields if f.update),
        }

    def accepted(self, op: str) -> tuple[Field, ...]:
        """The fields a body may carry on ``op`` (``"create"`` or ``"update"``), in declaration order."""
        return self._accepted["create" if op == "create" else "update"]

    @property
    def key(self) -> str:
        """``"service:path"``, how foreign keys and relations name this resource."""
        return f"{self.service}:{self.path}"

    @property
    def label(self) -> str:
        """The noun of not-found messages ("project node")."""
        if self.entity_label:
            return self.entity_label
        return re.sub(r"(?<!^)([A-Z])", lambda m: " " + m.group(1).lower(), self.domain)

    def field_named(self, name: str) -> Field | None:
        """The declared field called ``name``, if any."""
        return self._by_name.get(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        """All declared wire names, in declaration order."""
        return tuple(f.name for f in self.fields)

    @property
    def default_fields(self) -> tuple[str, ...]:
        """The default projection (selectable and selected)."""
        return tuple(f.name for f in self.fields if f.selectable and f.selected)

    @property
    def allowed_fields(self) -> tuple[str, ...]:
        """Everything ``fields=`` may name."""
        if self.fields_allowed is not None:
            return self.fields_allowed
        return tuple(f.name for f in self.fields if f.selectable)

    def relation(self, name: str) -> Relation | None:
        """The declared relation called ``name``, if any."""
        for rel in self.relations:
            if rel.name == name:
                return rel
        return None


class Catalog(Protocol):
    """Where declarations and their rows are found by ``"service:path"`` (the hub, for the query
    engine and the generic operations)."""

    def resource(self, key: str) -> Resource | None:
        """The declaration registered as ``key``."""
        ...

    def resources(self) -> list[Resource]:
        """Every declared resource."""
        ...

    def table(self, key: str) -> Table:
        """The rows of ``key``."""
        ...


class CatalogHub(Hub, Catalog, Protocol):
    """The hub with its declarations: what the generic operations and bulk seeding use."""


def id_field() -> Field:
    """The read-only UUID primary key every resource has."""
    return Field("id", type="uuid")


def timestamps() -> tuple[Field, Field]:
    """``createdAt``/``updatedAt``: read-only ISO strings the store maintains."""
    return Field("createdAt", type="date"), Field("updatedAt", type="date")


#: A realm reference (authup realms live in the ``auth`` service of the same FakeHub).
REALM_FK = ForeignKey("auth:realms")
#: A ``name`` by authup's rules (auth.md §3.0), which the Hub's slugs share: trimmed, lower-cased,
#: 3-128 characters of ``[a-z0-9-_.]``; required on create, writable.
SLUG = Field(
    "name", required=True, create=True, update=True, normalize=NAME, min_length=3, max_length=128,
    pattern=NAME_PATTERN,
)  # fmt: skip
#: The ``displayName`` and ``description`` authup and the Hub core give their records.
DISPLAY_NAME = Field("displayName", nullable=True, create=True, update=True, min_length=3, max_length=256)
DESCRIPTION = Field("description", nullable=True, create=True, update=True, min_length=5, max_length=4096)


#: The write operations of a collection.
WRITES = ("create", "update", "delete")


def reads(*names: str) -> dict[str, tuple[str, ...]]:
    """``permissions`` for listing and reading: one of ``names``."""
    return {"list": names, "get": names}


def writes(entity: str, *operations: str) -> dict[str, tuple[str, ...]]:
    """``permissions`` named ``<entity>_<operation>`` (default: create, update, delete), as authup and
    the Hub name them; an upsert needs ``<entity>_update``."""
    return {op: (f"{entity}_{'update' if op == 'upsert' else op}",) for op in operations or WRITES}


class Collections:
    """Declares the collections of one service with the rules they share::

        core = Collections("core", embeds_on=frozenset({"create"}))
        NODES = core.entity("nodes", Field("name", ...), ..., filters=("id", "name"))

    ``defaults`` are :class:`Resource` arguments every collection gets unless it says otherwise.
    """

    def __init__(self, service: Service, **defaults: Any) -> None:
        self.service: Service = service
        self.defaults = defaults

    def __repr__(self) -> str:
        return f"Collections({self.service!r})"

    def with_defaults(self, **defaults: Any) -> Collections:
        """These collections' rules plus ``defaults``."""
        return Collections(self.service, **{**self.defaults, **defaults})

    def entity(self, path: str, *fields: Field, domain: str | None = None, **rules: Any) -> Resource:
        """A stored collection: an ``id`` first, ``fields``, then ``createdAt``/``updatedAt``.

        Its ``domain`` is the entity ``path`` names (``project-nodes``: ``projectNode``) unless given.
        """
        return Resource(
            service=self.service,
            path=path,
            domain=domain or entity_name(path),
            fields=(id_field(), *fields, *timestamps()),
            **{**self.defaults, **rules},
        )


def entity_name(path: str) -> str:
    """The entity a collection path names, as the Hub spells it: ``registry-projects`` ->
    ``registryProject``, ``registries`` -> ``registry``, ``gadget-boxes`` -> ``gadgetBox`` (regular
    English plurals only: the domain of ``analyses`` is given, not derived)."""
    first, *rest = path.split("-")
    name = first + "".join(word.capitalize() for word in rest)
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "zes", "ches", "shes")):
        return name[:-2]
    return name.removesuffix("s")
