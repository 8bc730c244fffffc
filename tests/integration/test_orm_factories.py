"""The factory-boy factories of ``flame_hub.testing.factories``: they create through the ORM on the given
(or the configured) client, make valid unique names, and create foreign keys on the same client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import flame_hub
from flame_hub import Hub
from flame_hub.engine.resolver import reset
from flame_hub.exceptions import ConfigurationError
from flame_hub.models import MasterImage, Node, Project, Registry
from flame_hub.testing import HubBackend
from flame_hub.testing.factories import (
    AnalysisFactory,
    BucketFactory,
    NodeFactory,
    PermissionFactory,
    ProjectFactory,
    ProjectNodeFactory,
    RealmFactory,
    RegistryFactory,
    RegistryProjectFactory,
    RoleFactory,
    UserFactory,
)

from .request_log import RequestLog

#: The Hub's name rules (authup and core slugs): lower case [a-z0-9-_.], 3 to 128 characters.
NAME = re.compile(r"^[a-z0-9\-_.]{3,128}$")

SIMPLE = [
    RealmFactory,
    UserFactory,
    RoleFactory,
    PermissionFactory,
    RegistryFactory,
    RegistryProjectFactory,
    NodeFactory,
    ProjectFactory,
    ProjectNodeFactory,
    AnalysisFactory,
    BucketFactory,
]


@pytest.fixture(scope="module")
def hub(module_backend: HubBackend) -> Iterator[Hub]:
    with Hub(
        module_backend.base_url,
        module_backend.admin_auth,
        transport=module_backend.transport,
    ) as client:
        yield client


def _delete(*records: Any) -> None:
    for record in records:
        if record.id is not None:
            record.delete()


def _parents(hub: Hub, record: Any) -> list[Any]:
    """The records a factory made for the foreign keys of ``record`` (deleted after it)."""
    parents: list[Any] = []
    for key, model in (("node_id", Node), ("project_id", Project), ("registry_id", Registry)):
        ident = getattr(record, key, None)
        if ident is not None and not isinstance(record, Node):
            parents.append(model.objects.using(hub).get(id=ident))
    return parents


@pytest.mark.parametrize("factory", SIMPLE, ids=lambda f: f.__name__)
def test_each_factory_creates_a_record_through_the_orm(hub: Hub, factory: Any) -> None:
    record = factory(using=hub)
    model = factory._meta.model
    try:
        assert isinstance(record, model)
        assert record.id is not None
        assert not record.is_dirty
        assert model.objects.using(hub).get(id=record.id).id == record.id
        name = getattr(record, "name", None)
        if name is not None:
            assert NAME.match(name), name
    finally:
        _delete(record, *_parents(hub, record))


def test_sequences_give_unique_names(hub: Hub) -> None:
    first, second = NodeFactory.build(), NodeFactory.build()
    assert first.name != second.name
    assert NAME.match(first.name or "")


def test_subfactories_create_on_the_same_client(hub: Hub) -> None:
    with RequestLog(hub) as log:
        membership = ProjectNodeFactory(using=hub.core)
    try:
        assert {s.path for s in log.api_requests} >= {"/core/projects", "/core/nodes", "/core/project-nodes"}
        assert Node.objects.using(hub).get(id=membership.node_id) is not None
        assert Project.objects.using(hub).get(id=membership.project_id).nodes == 1
    finally:
        _delete(
            membership,
            Node.objects.using(hub).get(id=membership.node_id),
            Project.objects.using(hub).get(id=membership.project_id),
        )


def test_a_given_record_replaces_the_subfactory(hub: Hub) -> None:
    project = ProjectFactory(using=hub)
    try:
        memberships = [ProjectNodeFactory(using=hub, project=project) for _ in range(2)]
        analysis = AnalysisFactory(using=hub, project=project)
        assert {m.project_id for m in memberships} == {project.id}
        assert analysis.project_id == project.id
        assert Project.objects.using(hub).get(id=project.id).nodes == 2
        _delete(analysis, *memberships, *(Node.objects.using(hub).get(id=m.node_id) for m in memberships))
    finally:
        _delete(project)


def test_project_uses_a_master_image_from_the_hub(hub: Hub) -> None:
    image = MasterImage.objects.using(hub).first()
    project = ProjectFactory(using=hub)
    try:
        assert project.master_image_id == (image.id if image is not None else None)
        analysis = AnalysisFactory(using=hub, project=project)
        assert analysis.master_image_id == project.master_image_id  # the Hub's default: the project's
        _delete(analysis)
    finally:
        _delete(project)


def test_build_sends_nothing(hub: Hub) -> None:
    with RequestLog(hub) as log:
        node = NodeFactory.build()
        project = ProjectFactory.build()
        membership = ProjectNodeFactory.build()
    assert len(log) == 0
    assert node.id is None and project.id is None and membership.id is None
    assert project.master_image_id is None  # looked up only when created
    assert membership.project_id is None  # its project was only built too


def test_factories_use_the_configured_hub(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAME_HUB_URL", raising=False)
    reset()
    try:
        with pytest.raises(ConfigurationError, match=r"flame_hub\.configure"):
            NodeFactory()
        flame_hub.configure(hub)
        node = NodeFactory(hidden=True)
        assert Node.objects.get(id=node.id).hidden is True
        node.delete()
    finally:
        reset()


def test_a_wrong_client_is_refused(hub: Hub) -> None:
    with pytest.raises(ConfigurationError, match="cannot serve auth"):
        RealmFactory(using=hub.core)
