"""factory-boy factories for the main Hub resources, creating records through the ORM.

Needs the ``dev`` extra (``pip install flame-hub-client[dev]``): factory-boy is not a runtime
dependency, so nothing in the library imports this module.

``NodeFactory()`` saves a new node through ``Node.objects`` on the default Hub
(``flame_hub.configure``); ``NodeFactory(using=hub)`` picks a Hub or service client explicitly, and the
records a factory creates for foreign keys (``ProjectNodeFactory`` makes a project and a node) go to
the same one. ``NodeFactory.build()`` makes an unsaved record and sends nothing.

Why the names look like ``node-3f9a1c-7``: sequences alone collide with the records of an earlier run
on a shared Hub, so every name carries a per-process token; all names follow the Hub's rules
(lower case ``[a-z0-9-_.]``, 3 to 128 characters).

Example::

    membership = ProjectNodeFactory(using=hub)          # a new project, a new node and the membership
    project = ProjectFactory(using=hub)
    ProjectNodeFactory(using=hub, project=project)       # a new node in this project
    analysis = AnalysisFactory(using=hub, project=project)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from factory.base import Factory
from factory.declarations import LazyAttribute, SelfAttribute, Sequence, SubFactory

from flame_hub.models import (
    Analysis,
    Bucket,
    MasterImage,
    Node,
    Permission,
    Project,
    ProjectNode,
    Realm,
    Registry,
    RegistryProject,
    Resource,
    Role,
    User,
)

__all__ = [
    "AnalysisFactory",
    "BucketFactory",
    "FromHub",
    "NodeFactory",
    "PermissionFactory",
    "ProjectFactory",
    "ProjectNodeFactory",
    "RealmFactory",
    "RegistryFactory",
    "RegistryProjectFactory",
    "ResourceFactory",
    "RoleFactory",
    "UserFactory",
    "unique_name",
]

#: Makes the names of this process unique on a shared Hub.
RUN = uuid.uuid4().hex[:6]

V = TypeVar("V")


# factory-boy's declaration classes are not annotated; these helpers give them types, once.


def unique_name(prefix: str) -> Any:
    """A sequence of valid, unique Hub names: ``<prefix>-<run>-<n>``."""
    return Sequence(lambda n: f"{prefix}-{RUN}-{n}")  # type: ignore[no-untyped-call]


def _lazy(compute: Callable[[Any], Any]) -> Any:
    """A value computed from the other values of the record being made."""
    return LazyAttribute(compute)  # type: ignore[no-untyped-call]


class FromHub(Generic[V]):
    """A default read from the Hub when a record is created (``build()`` leaves the field unset).

    ``lookup`` receives the client the factory creates through (``None``: the configured default).
    """

    def __init__(self, lookup: Callable[[object], V]) -> None:
        self.lookup = lookup

    def __repr__(self) -> str:
        return f"FromHub({getattr(self.lookup, '__name__', 'lookup')})"


def _first_master_image_id(using: object) -> uuid.UUID | None:
    """The first image of the Hub's master-image catalogue (by path), or None when it is empty."""
    image = MasterImage.objects.all().using(using).first()
    return image.id if image is not None else None


def _id_of(name: str) -> Any:
    """The id of the record a SubFactory made for ``name`` (None when it was only built)."""
    return _lazy(lambda o: getattr(getattr(o, name), "id", None))


class ResourceFactory(Factory[Resource]):
    """Base of the factories: ``create`` saves through the ORM (``record.save()``), ``build`` sends nothing.

    ``using`` (a ``Hub`` or the resource's service client; default: ``flame_hub.configure``'s Hub) is
    not a field; it says where to create the record.
    """

    class Meta:
        abstract = True

    using: Any = None

    @classmethod
    def _values(cls, kwargs: dict[str, Any], using: object, creating: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in kwargs.items():
            if isinstance(value, FromHub):
                if not creating:
                    continue
                value = value.lookup(using)
            out[key] = value
        return out

    @classmethod
    def _build(cls, model_class: type[Resource], *args: Any, **kwargs: Any) -> Resource:
        kwargs.pop("using", None)
        return model_class(*args, **cls._values(kwargs, None, creating=False))

    @classmethod
    def _create(cls, model_class: type[Resource], *args: Any, **kwargs: Any) -> Resource:
        using = kwargs.pop("using", None)
        record = model_class(*args, **cls._values(kwargs, using, creating=True))
        return record.save(using=using)


def _factory(model: type[Resource], **declarations: Any) -> type[ResourceFactory]:
    """The factory of ``model`` with these field ``declarations``.

    A factory given as a declaration (``project=ProjectFactory``) names a related record: it is made on
    the same client as the record (unless given), its id fills ``project_id``, and it is not passed to
    the model.
    """
    body: dict[str, Any] = {}
    related: list[str] = []
    for name, value in declarations.items():
        if isinstance(value, type) and issubclass(value, ResourceFactory):
            body[name] = SubFactory(value, using=SelfAttribute("..using"))  # type: ignore[no-untyped-call]
            body[f"{name}_id"] = _id_of(name)
            related.append(name)
        else:
            body[name] = value
    meta = type("Meta", (), {"model": model, "exclude": tuple(related)})
    name = f"{model.__name__}Factory"
    return type(
        name, (ResourceFactory,), {"Meta": meta, "__module__": __name__, "__qualname__": name, **body}
    )


# -- authup -------------------------------------------------------------------------------------------

#: A realm with a unique name.
RealmFactory = _factory(Realm, name=unique_name("realm"))
#: A user in the caller's realm (``realm_id=`` to choose another).
UserFactory = _factory(User, name=unique_name("user"), email=_lazy(lambda o: f"{o.name}@example.org"))
#: A role with a unique name.
RoleFactory = _factory(Role, name=unique_name("role"))
#: A permission with a unique name.
PermissionFactory = _factory(Permission, name=unique_name("permission"))

# -- core ---------------------------------------------------------------------------------------------

#: A registry with a unique name and a host under ``example.org`` (nothing is contacted).
RegistryFactory = _factory(
    Registry, name=unique_name("registry"), host=_lazy(lambda o: f"{o.name}.example.org")
)
#: A ``default`` project of a new registry (``registry=`` to use one).
RegistryProjectFactory = _factory(
    RegistryProject,
    registry=RegistryFactory,
    name=unique_name("registry-project"),
    external_name=_lazy(lambda o: o.name.replace(".", "-")),
    type="default",
)
#: A ``default`` node in the caller's realm.
NodeFactory = _factory(Node, name=unique_name("node"))
#: A project on the first master image of the Hub's catalogue (``master_image_id=`` to choose).
ProjectFactory = _factory(
    Project, name=unique_name("project"), master_image_id=FromHub(_first_master_image_id)
)
#: A node's membership in a project; makes both unless ``project=``/``node=`` are given.
ProjectNodeFactory = _factory(ProjectNode, project=ProjectFactory, node=NodeFactory)
#: An analysis in a new project (``project=`` to use one); its master image is the project's.
AnalysisFactory = _factory(Analysis, project=ProjectFactory, name=unique_name("analysis"))

# -- storage ------------------------------------------------------------------------------------------

#: A storage bucket with a unique name.
BucketFactory = _factory(Bucket, name=unique_name("bucket"))
