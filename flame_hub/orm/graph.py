"""The relations between resources, derived from their declarations: forward, reverse, many-to-many.

A relation is declared once, on the resource that holds the foreign key, by an attribute typed with the
related resource. Its foreign key is the field ``<name>_id`` (Django's convention), which must exist:

- an includable relation field, ``project: Annotated[Project | None, INCLUDE] = None``: the Hub can
  embed it (``include=project``), otherwise it is read by id (an include typed with a resource and
  with its ``<name>_id`` field; any other include stays a plain field);
- ``realm = Related(Realm)`` for a relation the Hub cannot embed: it is always read by id;
- a field the Hub never sends that is a relation all the same (flame-hub-client 0.5.5 declared some):
  ``registry: Annotated[Registry | None, LEGACY, Relation()] = None``.

``Related(..., related_name=...)`` and ``Relation(related_name=...)`` name the reverse accessor
(``"+"``: none). Everything else follows from the declarations, for every resource alike
(:mod:`flame_hub.orm.relations` installs the accessors):

- **forward**: ``analysis.project`` (:class:`ForwardRelation`);
- **reverse**: ``project.analysis_set`` on the related resource, named ``<child>_set`` after the
  child's singular name, wherever the Hub can list the child filtered by the key
  (:class:`ReverseRelation`);
- **many-to-many**: a junction resource, one whose only required fields on create are the foreign keys
  of two includable, filterable relations (project-nodes, user-roles …), gives each side an accessor
  named after the other side's relation: ``project.node_set``, ``node.project_set``
  (:class:`ManyToManyRelation`).

An accessor that would hide a field or another accessor fails at class creation, naming the fix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from typing_extensions import Self

from flame_hub._driver import run
from flame_hub.engine.calls import retrieve_call
from flame_hub.engine.resolver import client_for, related_source
from flame_hub.exceptions import FieldError, RelationNotLoadedError
from flame_hub.query.lookups import did_you_mean
from flame_hub.schema.record import Record, client_of, mark_loaded, related_model, schema_of

__all__ = [
    "ForwardRelation",
    "ManyToManyRelation",
    "Related",
    "Relation",
    "ReverseRelation",
    "forward_relations",
    "many_to_many_relations",
    "register",
    "relation_named",
    "reverse_relations",
]

T = TypeVar("T")

#: The attribute (a slot of ``flame_hub.models.Resource``) holding a record's loaded relations:
#: forward ones by name (a record), reverse and many-to-many ones by name (a list), when prefetched.
CACHE = "_flame_related"


@dataclass(frozen=True)
class Relation:
    """Options of a relation declared as a field (``Annotated[Registry | None, LEGACY, Relation()]``).

    An ``INCLUDE`` field is a relation without it; this marker makes a field the Hub never sends a
    relation too (it is then read by id), and names its reverse accessor.
    """

    #: The reverse accessor's name on the related resource (default ``<child>_set``; ``"+"``: none).
    related_name: str | None = None


@dataclass(frozen=True, eq=False)
class ForwardRelation:
    """``model.name`` is the ``target`` record whose id is ``model.fk``."""

    model: type[Record]
    name: str
    fk: str
    target: type[Record]
    #: The Hub can embed it (``include=<name>``), so ``select_related(name)`` works.
    includable: bool
    #: It is a pydantic field (embedded values arrive in it), not only a :class:`Related` attribute.
    field_backed: bool
    related_name: str | None = None

    def __repr__(self) -> str:
        return f"<forward {self.model.__name__}.{self.name} -> {self.target.__name__} by {self.fk}>"


@dataclass(frozen=True, eq=False)
class ReverseRelation:
    """``parent.name`` manages the ``child`` records whose ``fk`` is the parent's id."""

    name: str
    parent: type[Record]
    child: type[Record]
    forward: ForwardRelation

    @property
    def fk(self) -> str:
        """The child's foreign-key field."""
        return self.forward.fk

    def __repr__(self) -> str:
        return f"<reverse {self.parent.__name__}.{self.name} -> {self.child.__name__}.{self.fk}>"


@dataclass(frozen=True, eq=False)
class ManyToManyRelation:
    """``model.name`` manages the ``far.target`` records linked to a record through ``through`` rows.

    ``source`` is the junction's relation to ``model``, ``far`` its relation to the other side.
    """

    name: str
    model: type[Record]
    through: type[Record]
    source: ForwardRelation
    far: ForwardRelation

    @property
    def target(self) -> type[Record]:
        """The resource on the other side."""
        return self.far.target

    def __repr__(self) -> str:
        return (
            f"<many-to-many {self.model.__name__}.{self.name} -> {self.target.__name__} "
            f"through {self.through.__name__}>"
        )


_FORWARD: dict[type[Record], dict[str, ForwardRelation]] = {}
_REVERSE: dict[type[Record], dict[str, ReverseRelation]] = {}
_MANY: dict[type[Record], dict[str, ManyToManyRelation]] = {}


# -- the forward descriptor ---------------------------------------------------------------------------


class Related(Generic[T]):
    """A relation the Hub cannot embed, declared in the class body: ``realm = Related(Realm)``.

    On a record it is the related record (``node.realm``) or None when the key is null; see
    :func:`forward_value` for when that sends a request. The same descriptor also serves the includable
    relation fields (installed over them once pydantic has built the class), so every forward relation
    behaves alike.

    Args:
        target: the related resource class.
        related_name: the reverse accessor's name on ``target`` (default ``<child>_set``; ``"+"``: none).
    """

    def __init__(self, target: type[T], *, related_name: str | None = None) -> None:
        self.target = target
        self.related_name = related_name
        self.name = ""
        self.field_backed = False
        self.relation: ForwardRelation | None = None

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @classmethod
    def for_field(cls, relation: ForwardRelation) -> Related[Any]:
        """The descriptor installed over a relation field."""
        descriptor: Related[Any] = Related[Any](relation.target, related_name=relation.related_name)
        descriptor.name = relation.name
        descriptor.field_backed = True
        descriptor.relation = relation
        return descriptor

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> T | None: ...
    def __get__(self, instance: object, owner: type[Any]) -> Any:
        if instance is None:
            if self.field_backed:
                # as for every pydantic field: no class attribute (pydantic reads a class attribute of a
                # field's name as its default when a subclass is built)
                raise AttributeError(self.name)
            return self
        if self.relation is None:
            raise TypeError(f"{type(instance).__name__}.{self.name} was declared outside a Hub resource")
        return forward_value(instance, self.relation)  # type: ignore[arg-type]

    def __set__(self, instance: object, value: T | None) -> None:
        # ``Resource.__setattr__`` assigns relations (and their foreign keys); this is object.__setattr__'s way in
        setattr(instance, self.name, value)

    def __repr__(self) -> str:
        return f"<Related {self.target.__name__}>"


# -- reading a forward relation -----------------------------------------------------------------------

_MISSING = object()


def related_cache(record: Record, create: bool = False) -> dict[str, Any] | None:
    """The record's loaded relations (None when there are none and ``create`` is false)."""
    cache: dict[str, Any] | None = getattr(record, CACHE, None)
    if cache is None and create:
        cache = {}
        object.__setattr__(record, CACHE, cache)
    return cache


def forget_related(record: Record) -> None:
    """Drop the record's loaded relations (after it was read again, as Django's ``refresh_from_db``)."""
    if getattr(record, CACHE, None) is not None:
        object.__setattr__(record, CACHE, None)


def _same(a: object, b: object) -> bool:
    return a == b or str(a) == str(b)


def loaded_value(record: Record, relation: ForwardRelation) -> tuple[bool, Any]:
    """``(True, value)`` when the relation can be answered without a request, else ``(False, None)``.

    Without a request: the record embeds it (it was included) and the embedded record matches the
    key; the key is null; or it was loaded before (by access, prefetch or ``fetch_related``) for the
    same key.
    """
    values = record.__dict__
    key = values.get(relation.fk)
    if relation.field_backed and relation.name in record.model_fields_set:
        embedded = values.get(relation.name)
        if embedded is not None and (key is None or _same(getattr(embedded, "id", None), key)):
            return True, embedded
        if embedded is None and key is None:
            return True, None
    if key is None:
        if relation.fk in record.model_fields_set or client_of(record) is None:
            return True, None
        return False, None
    cache = related_cache(record)
    cached = _MISSING if cache is None else cache.get(relation.name, _MISSING)
    if cached is not _MISSING and cached is not None and _same(getattr(cached, "id", None), key):
        return True, cached
    return False, None


def bind_related(value: Any, record: Record) -> Any:
    """An embedded record takes its parent's client (same service), so that it saves through it too."""
    if value is not None and client_of(value) is None:
        client = client_of(record)
        if client is not None and getattr(client, "service", None) == value.meta.service:
            mark_loaded(value, client)
    return value


def not_loaded(record: Record, relation: ForwardRelation, why: str) -> RelationNotLoadedError:
    """The error naming every way to load ``relation``."""
    name = relation.name
    model = type(record).__name__
    ways = [f".prefetch_related({name!r})"]
    if relation.includable:
        ways.insert(0, f".select_related({name!r})")
    return RelationNotLoadedError(
        f"{model}.{name} is not loaded: {why}. Load it with the query ({' or '.join(ways)}), "
        f"or on the record: record.fetch_related({name!r}), or in async code "
        f"await record.afetch_related({name!r})"
    )


def forward_value(record: Record, relation: ForwardRelation) -> Any:
    """``analysis.project``: the related record, loaded on first access with one GET by id, then cached.

    No request when it is embedded, the key is null, or it was loaded before. A record read through an
    async client never sends one: an unloaded relation raises :class:`RelationNotLoadedError`, which
    names ``select_related()``/``prefetch_related()`` and ``await record.afetch_related()``.
    """
    ready, value = loaded_value(record, relation)
    if ready:
        return bind_related(value, record)
    key = record.__dict__.get(relation.fk)
    if key is None:
        raise not_loaded(
            record, relation, f"the record was read without {relation.fk} (only()/defer()), so it is unknown"
        )
    client = client_of(record)
    if client is not None and getattr(client, "is_async", False):
        raise not_loaded(
            record,
            relation,
            "a record read through an async client never sends a request on attribute access",
        )
    target = relation.target
    what = f"{type(record).__name__}.{relation.name}"
    source = related_source(client, target.meta.service, what)
    service_client = client_for(target.meta.service, source, asynchronous=False, action=relation.name)
    found = run(retrieve_call(service_client, target, key))
    if found is None:
        raise target.DoesNotExist(f"{what}: there is no {target.__name__} with id {key} (its {relation.fk})")
    cache = related_cache(record, create=True)
    assert cache is not None
    cache[relation.name] = found
    return found


def assign_forward(
    record: Record, relation: ForwardRelation, value: Any, setter: Callable[[str, Any], None]
) -> None:
    """``analysis.project = project``: sets the foreign key too (as Django does), through ``setter``."""
    if value is not None:
        if not isinstance(value, relation.target):
            raise ValueError(
                f'Cannot assign {value!r}: "{type(record).__name__}.{relation.name}" must be a '
                f"{relation.target.__name__} instance or None."
            )
        if getattr(value, "id", None) is None:
            raise ValueError(
                f"Cannot assign an unsaved {relation.target.__name__} (it has no id) to "
                f"{type(record).__name__}.{relation.name}: save it first."
            )
    setter(relation.fk, None if value is None else value.id)
    if relation.field_backed:
        setter(relation.name, value)
    else:
        cache = related_cache(record, create=value is not None)
        if cache is not None:
            cache[relation.name] = value


# -- the registry --------------------------------------------------------------------------------------


def _declared(model: type[Record]) -> Iterator[ForwardRelation]:
    """The forward relations ``model`` declares (its own and inherited), in declaration order."""
    schema = schema_of(model)
    for name, info in model.model_fields.items():
        marker = next((m for m in info.metadata if isinstance(m, Relation)), None)
        includable = name in schema.includes
        if not includable and marker is None:
            continue
        target = related_model(info.annotation)
        if marker is None and (target is None or f"{name}_id" not in model.model_fields):
            continue  # an include that is no foreign key of this record (nothing to read it by)
        yield _forward(model, name, target, includable, True, marker.related_name if marker else None)
    seen: set[str] = set()
    for base in model.__mro__:
        for name, value in vars(base).items():
            if isinstance(value, Related) and not value.field_backed and name not in seen:
                seen.add(name)
                yield _forward(model, name, value.target, False, False, value.related_name)


def _forward(
    model: type[Record], name: str, target: Any, includable: bool, field_backed: bool, related: str | None
) -> ForwardRelation:
    fk = f"{name}_id"
    if fk not in model.model_fields:
        raise TypeError(
            f"{model.__name__}.{name} is a relation, so {model.__name__} needs its foreign key field {fk!r}"
        )
    if not (isinstance(target, type) and issubclass(target, Record)):
        raise TypeError(f"{model.__name__}.{name}: Related() takes a resource class, got {target!r}")
    return ForwardRelation(model, name, fk, target, includable, field_backed, related)


def _has_own_meta(model: type[Record]) -> bool:
    return "meta" in vars(model)


def _reverse_of(child: type[Record], relation: ForwardRelation) -> ReverseRelation | None:
    """The reverse accessor a relation gives its target, if the Hub can list the child by the key."""
    if relation.related_name == "+" or not _has_own_meta(child):
        return None
    meta = child.meta
    if "list" not in meta.operations or relation.fk not in meta.filters:
        return None
    name = relation.related_name or f"{meta.singular}_set"
    return ReverseRelation(name, relation.target, child, relation)


def _many_to_many_of(child: type[Record], relations: list[ForwardRelation]) -> list[ManyToManyRelation]:
    """The two accessors a junction gives the resources it links (none when it is no junction)."""
    if not _has_own_meta(child):
        return []
    meta = child.meta
    if not {"list", "create", "delete"} <= meta.operations:
        return []
    by_fk = {r.fk: r for r in relations}
    required = schema_of(child).required
    if len(required) != 2 or not all(fk in by_fk for fk in required):
        return []
    first, second = (by_fk[fk] for fk in required)
    if not all(r.includable and r.fk in meta.filters for r in (first, second)):
        return []
    return [
        ManyToManyRelation(f"{second.name}_set", first.target, child, first, second),
        ManyToManyRelation(f"{first.name}_set", second.target, child, second, first),
    ]


def _taken(target: type[Record], name: str) -> str | None:
    """What already answers to ``name`` on ``target`` (a field, an accessor, an attribute), if anything."""
    if name in target.model_fields:
        return "a field"
    for mapping in (_REVERSE.get(target, {}), _MANY.get(target, {})):
        if name in mapping:
            return f"the accessor of {mapping[name]!r}"
    for klass in target.__mro__:
        if name in vars(klass):
            return f"an attribute of {klass.__name__}"
    return None


@dataclass(frozen=True)
class Registration:
    """What :func:`register` derived for one resource class: its forward relations and the reverse and
    many-to-many accessors it gives the resources it points to."""

    forward: tuple[ForwardRelation, ...]
    reverse: tuple[ReverseRelation, ...]
    many: tuple[ManyToManyRelation, ...]


def register(model: type[Record]) -> Registration:
    """Derive ``model``'s relations and the accessors they give other resources; refuse clashes.

    Nothing is recorded unless every accessor is free, so a failing class leaves no trace.
    """
    forward = tuple(_declared(model))
    names = [r.name for r in forward]
    for name in names:
        if names.count(name) > 1:
            raise TypeError(f"{model.__name__} declares the relation {name!r} twice")
    reverse = tuple(r for r in (_reverse_of(model, f) for f in forward) if r is not None)
    many = tuple(_many_to_many_of(model, list(forward)))
    wanted: dict[tuple[type[Record], str], str] = {}
    accessors: list[ReverseRelation | ManyToManyRelation] = [*reverse, *many]
    for accessor in accessors:
        target = accessor.parent if isinstance(accessor, ReverseRelation) else accessor.model
        key = (target, accessor.name)
        origin = repr(accessor)
        taken = _taken(target, accessor.name) or wanted.get(key)
        if taken is not None:
            raise TypeError(
                f"{model.__name__} would give {target.__name__} the accessor {accessor.name!r} ({origin}), but "
                f"that name is taken by {taken}: give the relation another related_name= (or '+' for none)"
            )
        wanted[key] = origin
    _FORWARD[model] = {r.name: r for r in forward}
    for accessor in reverse:
        _REVERSE.setdefault(accessor.parent, {})[accessor.name] = accessor
    for accessor in many:
        _MANY.setdefault(accessor.model, {})[accessor.name] = accessor
    _forward_by_name.cache_clear()
    return Registration(forward, reverse, many)


# -- looking relations up -----------------------------------------------------------------------------


@functools.cache
def _forward_by_name(model: type[Record]) -> Mapping[str, ForwardRelation]:
    for klass in model.__mro__:
        if klass in _FORWARD:
            return _FORWARD[klass]
    return {}


def forward_relations(model: type[Record]) -> Mapping[str, ForwardRelation]:
    """``model``'s forward relations by name (``Analysis``: ``project``, ``master_image`` …)."""
    return _forward_by_name(model)


def reverse_relations(model: type[Record]) -> Mapping[str, ReverseRelation]:
    """The reverse accessors other resources gave ``model`` (``Project``: ``analysis_set`` …)."""
    found: dict[str, ReverseRelation] = {}
    for klass in reversed(model.__mro__):
        found.update(_REVERSE.get(klass, {}))
    return found


def many_to_many_relations(model: type[Record]) -> Mapping[str, ManyToManyRelation]:
    """The many-to-many accessors junctions gave ``model`` (``Project``: ``node_set``)."""
    found: dict[str, ManyToManyRelation] = {}
    for klass in reversed(model.__mro__):
        found.update(_MANY.get(klass, {}))
    return found


AnyRelation = ForwardRelation | ReverseRelation | ManyToManyRelation


def relation_named(model: type[Record], name: str) -> AnyRelation:
    """The relation ``name`` of ``model`` of any kind; a FieldError listing them when there is none."""
    for mapping in (forward_relations(model), reverse_relations(model), many_to_many_relations(model)):
        if name in mapping:
            return mapping[name]
    choices = [*forward_relations(model), *reverse_relations(model), *many_to_many_relations(model)]
    raise FieldError(
        f"{model.__name__} has no relation {name!r}.{did_you_mean(name, choices)} "
        f"Relations: {', '.join(choices) or 'none'}"
    )
