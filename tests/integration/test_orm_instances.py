"""Active records against the backend: save (create, diff update, ``update_fields``), failed saves,
delete, refresh_from_db, equality, reprs; and the manager's create / get_or_create / update_or_create.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from flame_hub import Hub
from flame_hub.exceptions import BadRequestError, ConflictError, FieldError, NotFoundError, NotSupportedError
from flame_hub.models import Analysis, Node, Project, ProjectNode, Registry
from flame_hub.models.core import MasterImageCommandArgument
from flame_hub.testing import HubBackend
from flame_hub.testing.factories import AnalysisFactory, NodeFactory, ProjectNodeFactory, RegistryFactory

from .request_log import RequestLog


@pytest.fixture(scope="module")
def hub(module_backend: HubBackend) -> Iterator[Hub]:
    with Hub(
        module_backend.base_url,
        module_backend.admin_auth,
        transport=module_backend.transport,
    ) as client:
        yield client


@pytest.fixture
def made(hub: Hub) -> Iterator[Callable[..., Any]]:
    """``made(Factory, **kw)``: a record created for this test and deleted afterwards."""
    records: list[Any] = []

    def make(factory: Any, **kwargs: Any) -> Any:
        record = factory(using=hub, **kwargs)
        records.append(record)
        return record

    yield make
    for record in reversed(records):
        if record.id is not None:
            with contextlib.suppress(NotFoundError):  # the test deleted it already
                record.delete()


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    run = uuid.uuid4().hex[:8]
    return lambda label: f"inst-{run}-{label}"


# -- save ---------------------------------------------------------------------------------------------


def test_save_without_id_creates(hub: Hub, unique_name: Callable[[str], str]) -> None:
    node = Node(name=unique_name("created"), hidden=True)
    assert node.is_dirty

    with RequestLog(hub) as log:
        returned = node.save(using=hub)

    try:
        assert returned is node
        assert node.id is not None
        assert node.created_at is not None and node.type == "default"  # the Hub's answer was adopted
        assert not node.is_dirty
        (sent,) = log.api_requests
        assert (sent.method, sent.path, sent.body) == (
            "POST",
            "/core/nodes",
            {"name": node.name, "hidden": True},
        )
        assert Node.objects.using(hub).get(id=node.id).hidden is True
    finally:
        node.delete()


def test_save_sends_the_changed_fields_and_adopts_the_answer(hub: Hub, made: Callable[..., Any]) -> None:
    node = Node.objects.using(hub).get(id=made(NodeFactory).id)
    before = node.updated_at
    node.hidden = True
    node.external_name = "ext-one"
    assert node.is_dirty

    with RequestLog(hub) as log:
        node.save()

    (sent,) = log.sent
    assert sent.body == {"hidden": True, "externalName": "ext-one"}
    assert not node.is_dirty
    assert node.updated_at is not None and before is not None and node.updated_at >= before
    fresh = Node.objects.using(hub).get(id=node.id)
    assert (fresh.hidden, fresh.external_name) == (True, "ext-one")


def test_update_fields_sends_only_those(hub: Hub, made: Callable[..., Any]) -> None:
    node = made(NodeFactory)
    node.hidden = True
    node.external_name = "not-yet"

    with RequestLog(hub) as log:
        node.save(update_fields=["hidden"])

    (sent,) = log.sent
    assert sent.body == {"hidden": True}
    assert node.is_dirty  # external_name is still unsaved
    assert Node.objects.using(hub).get(id=node.id).external_name is None

    with pytest.raises(FieldError, match="cannot be updated"):
        node.save(update_fields=["realm_id"])
    with pytest.raises(NotSupportedError, match="no id yet"):
        Node(name="x-unsaved").save(using=hub, update_fields=["name"])


def test_a_failed_save_raises_and_leaves_the_record_dirty(
    hub: Hub, made: Callable[..., Any], unique_name: Callable[[str], str]
) -> None:
    taken = made(NodeFactory).name
    node = made(NodeFactory)
    original = node.name
    node.name = taken  # (name, realm) is unique: 409

    with pytest.raises(ConflictError):
        node.save()

    assert node.name == taken
    assert node.is_dirty
    assert Node.objects.using(hub).get(id=node.id).name == original
    node.name = unique_name("renamed")
    node.save()  # the next save still sends the change
    assert Node.objects.using(hub).get(id=node.id).name == node.name


def test_a_failed_create_leaves_the_record_unsaved(hub: Hub) -> None:
    node = Node(name="ab")  # too short
    with pytest.raises(BadRequestError):
        node.save(using=hub)
    assert node.id is None
    assert node.is_dirty


def test_in_place_changes_of_a_list_are_seen(hub: Hub, made: Callable[..., Any]) -> None:
    analysis = made(AnalysisFactory, image_command_arguments=[{"value": "--one"}])
    assert analysis.image_command_arguments is not None
    assert not analysis.is_dirty

    analysis.image_command_arguments.append(MasterImageCommandArgument(value="--two"))
    assert analysis.is_dirty
    with RequestLog(hub) as log:
        analysis.save()

    (sent,) = log.sent
    assert list(sent.body) == ["imageCommandArguments"]
    assert [a["value"] for a in sent.body["imageCommandArguments"]] == ["--one", "--two"]
    stored = Analysis.objects.using(hub).get(id=analysis.id).image_command_arguments or []
    assert [a.value for a in stored] == ["--one", "--two"]


# -- delete, refresh ---------------------------------------------------------------------------------


def test_delete_forgets_the_id(hub: Hub, made: Callable[..., Any]) -> None:
    node = made(NodeFactory)
    ident = node.id

    with RequestLog(hub) as log:
        node.delete()

    ((method, path),) = [(s.method, s.path) for s in log]
    assert (method, path) == ("DELETE", f"/core/nodes/{ident}")
    assert node.id is None
    with pytest.raises(Node.DoesNotExist):
        Node.objects.using(hub).get(id=ident)
    with pytest.raises(NotSupportedError, match="never saved"):
        node.delete()


def test_refresh_from_db_reads_all_fields_or_some(hub: Hub, made: Callable[..., Any]) -> None:
    node = made(NodeFactory)
    elsewhere = Node.objects.using(hub).get(id=node.id)
    elsewhere.hidden = True
    elsewhere.external_name = "changed-elsewhere"
    elsewhere.save()

    node.external_name = "local-change"
    node.refresh_from_db(fields=["hidden"])
    assert node.hidden is True
    assert node.external_name == "local-change" and node.is_dirty  # not refreshed: still unsaved

    node.refresh_from_db()
    assert node.external_name == "changed-elsewhere"
    assert not node.is_dirty

    elsewhere.delete()
    with pytest.raises(Node.DoesNotExist):
        node.refresh_from_db()
    with pytest.raises(FieldError, match="Did you mean 'hidden'"):
        Node(id=uuid.uuid4()).refresh_from_db(fields=["hiden"], using=hub)


# -- identity and reprs ------------------------------------------------------------------------------


def test_records_compare_by_value_and_hash_by_id(hub: Hub, made: Callable[..., Any]) -> None:
    node = made(NodeFactory)
    other = made(NodeFactory)
    narrow = Node.objects.using(hub).only("name").get(id=node.id)
    renamed = hub.core.update_node(node, name=f"{node.name}-x")  # the example

    # equal values are equal records (as pydantic models, and as in flame-hub-client 0.5.5) ...
    assert node.model_copy() == node
    assert Node.objects.using(hub).get(id=other.id) == other
    # ... and the same Hub record read with other values is another value: compare ids for identity
    assert narrow != node and narrow.id == node.id  # only the name was read
    assert renamed != node and renamed.id == node.id  # the update changed it
    assert other != node
    assert Project(id=node.id) != Node(id=node.id)  # another resource
    # hashable by id, which agrees with == (equal records have equal ids)
    assert hash(narrow) == hash(node) == hash(renamed)
    assert {node, node.model_copy(), other} == {node, other}
    assert {n.id for n in (node, narrow, renamed, other)} == {node.id, other.id}
    unsaved = Node(name="x-y-z")
    assert unsaved == Node(name="x-y-z") and unsaved != Node(name="x-y-z-2")
    with pytest.raises(TypeError, match="unhashable"):
        hash(unsaved)


def test_short_reprs(hub: Hub, made: Callable[..., Any]) -> None:
    node = made(NodeFactory)
    assert repr(node) == f"<Node id={node.id} name={node.name}>"
    assert repr(Node(name="draft")) == "<Node name=draft>"

    membership = made(ProjectNodeFactory)
    assert repr(membership) == (
        f"<ProjectNode id={membership.id} project_id={membership.project_id} node_id={membership.node_id}>"
    )

    registry = made(RegistryFactory, account_secret="s3cr3t-value")
    fetched = Registry.objects.using(hub).get(id=registry.id)
    for record in (registry, fetched):
        assert "s3cr3t-value" not in repr(record)
        assert "s3cr3t-value" not in str(record)
        assert "s3cr3t-value" not in record._repr_html_()


# -- create, get_or_create, update_or_create ----------------------------------------------------------


def test_create_returns_a_saved_record_bound_to_the_client(
    hub: Hub, unique_name: Callable[[str], str]
) -> None:
    node = hub.core.nodes.create(name=unique_name("made"))
    try:
        assert node.id is not None
        node.hidden = True
        node.save()  # through the client that created it
        assert Node.objects.using(hub).get(id=node.id).hidden is True
    finally:
        node.delete()


def test_get_or_create(hub: Hub, unique_name: Callable[[str], str]) -> None:
    name = unique_name("goc")
    nodes = Node.objects.using(hub)

    first, created = nodes.get_or_create(name=name, defaults={"hidden": True})
    try:
        assert created is True
        assert first.hidden is True
        second, created_again = nodes.get_or_create(name=name, defaults={"hidden": False})
        assert created_again is False
        assert second.id == first.id and second.hidden is True
    finally:
        first.delete()


def test_update_or_create(hub: Hub, unique_name: Callable[[str], str]) -> None:
    name = unique_name("uoc")
    nodes = Node.objects.using(hub)

    node, created = nodes.update_or_create(name=name, defaults={"hidden": True})
    try:
        assert created is True and node.hidden is True
        with RequestLog(hub) as log:
            updated, created_again = nodes.update_or_create(name=name, defaults={"hidden": False})
        assert created_again is False
        assert updated.id == node.id and updated.hidden is False
        assert [s.method for s in log] == ["GET", "POST"]
        assert log.sent[1].body == {"hidden": False}
        assert Node.objects.using(hub).get(id=node.id).hidden is False
    finally:
        node.delete()


def test_create_through_a_junction(hub: Hub, made: Callable[..., Any]) -> None:
    membership = made(ProjectNodeFactory)
    found = ProjectNode.objects.using(hub).include("node", "project").get(id=membership.id)
    assert found.node is not None and found.node.id == membership.node_id
    assert found.project is not None and found.project.id == membership.project_id


def test_get_or_create_reads_again_when_someone_else_created_it(
    hub: Hub, module_backend: HubBackend, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("race")
    raced: list[Node] = []

    with Hub(
        module_backend.base_url,
        module_backend.admin_auth,
        transport=module_backend.transport,
    ) as other:

        def create_meanwhile(response: httpx.Response) -> None:
            # between our read (nothing found) and our create, another client creates the node
            if response.request.method == "GET" and not raced:
                raced.append(NodeFactory(using=other, name=name))

        hooks = hub.core.http.event_hooks["response"]
        hooks.append(create_meanwhile)
        try:
            with RequestLog(hub) as log:
                node, created = Node.objects.using(hub).get_or_create(name=name)
        finally:
            hooks.remove(create_meanwhile)

    try:
        assert created is False
        assert node == raced[0]
        core_calls = [s.method for s in log if "/core/" in s.path]  # a login may come first on a fresh Hub
        assert core_calls == ["GET", "POST", "GET"]  # read, create (409), read again
    finally:
        node.delete()


def test_get_or_create_reports_a_conflict_with_a_record_it_does_not_match(
    hub: Hub, made: Callable[..., Any]
) -> None:
    existing = made(NodeFactory, hidden=False)
    with pytest.raises(ConflictError):
        # no hidden node has this name, but the name is taken: the create conflicts
        Node.objects.using(hub).get_or_create(name=existing.name, hidden=True)
