"""Relations and bulk operations of the ORM, counted on the wire (issue 14).

The same tests run against FakeHub (in process and on loopback) and, unchanged, against a real Hub. The
module's data is created once per backend, through the public API, with unique names, and deleted
afterwards on a shared Hub:

* three nodes ``n0 n1 n2`` (each costs a real Hub about seven authup requests: it provisions a client);
* projects ``p1`` (analyses ``a1 a2 a3``; nodes ``n0 n1``) and ``p2`` (analysis ``b1``; node ``n1``).
  The analyses are created before the project-nodes, so that no Hub assigns analysis-nodes by itself
  (it does for approved project-nodes), whatever its approval settings;
* a user and a role in the master realm, for authup's many-to-many (user-roles).

Tests that write make and delete their own records. Counts are of API requests (token requests aside:
a real Hub's token may be renewed at any time).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from flame_hub import AsyncHub, CoreClient, Hub
from flame_hub.exceptions import BulkOperationError, ConfigurationError, ConflictError, RelationNotLoadedError
from flame_hub.models import (
    Analysis,
    Bucket,
    Client,
    Node,
    Permission,
    Project,
    ProjectNode,
    Realm,
    Role,
    User,
)
from flame_hub.testing import HubBackend

from .deployment import Deployment, of_fakehub, probe
from .request_log import RequestLog, Sent


@dataclass
class Data:
    hub: Hub
    prefix: str
    nodes: list[Node]
    p1: Project
    p2: Project
    analyses: dict[str, Analysis]
    user: User
    role: Role


def open_hub(backend: HubBackend) -> Hub:
    return Hub(backend.base_url, backend.admin_auth, transport=backend.transport)


@pytest.fixture(scope="module")
def module_hub(module_backend: HubBackend) -> Iterator[Hub]:
    with open_hub(module_backend) as hub:
        yield hub


@pytest.fixture(scope="module")
def data(module_hub: Hub, module_backend: HubBackend) -> Iterator[Data]:
    hub = module_hub
    prefix = f"rel-{uuid.uuid4().hex[:8]}"
    nodes = [Node.objects.using(hub).create(name=f"{prefix}-n{i}") for i in range(3)]
    p1 = Project.objects.using(hub).create(name=f"{prefix}-p1")
    p2 = Project.objects.using(hub).create(name=f"{prefix}-p2")
    analyses = {
        key: Analysis.objects.using(hub).create(project_id=project.id, name=f"{prefix}-{key}")
        for key, project in (("a1", p1), ("a2", p1), ("a3", p1), ("b1", p2))
    }
    for project, node in ((p1, nodes[0]), (p1, nodes[1]), (p2, nodes[1])):
        ProjectNode.objects.using(hub).create(project_id=project.id, node_id=node.id)
    user = User.objects.using(hub).create(name=f"{prefix}-user", email=f"{prefix}@example.com")
    role = Role.objects.using(hub).create(name=f"{prefix}-role")
    yield Data(hub, prefix, nodes, p1, p2, analyses, user, role)
    if module_backend.fakehub is None:  # a shared Hub: leave it as it was
        for record in [*analyses.values(), *nodes, p1, p2, user, role]:
            record.delete()


@pytest.fixture(scope="module")
def deployment(module_backend: HubBackend, _deployments: dict[str, Deployment]) -> Deployment:
    """The Hub's deployment facts, for the module's backend (conftest's fixture is per test and backend)."""
    if module_backend.fakehub is not None:
        return of_fakehub(
            module_backend.fakehub.skip_project_approval, module_backend.fakehub.skip_analysis_approval
        )
    if module_backend.base_url not in _deployments:
        with open_hub(module_backend) as hub:
            _deployments[module_backend.base_url] = probe(hub)
    return _deployments[module_backend.base_url]


def endpoints(log: RequestLog) -> list[tuple[str, str]]:
    """``(method, path below the service)`` of each API request, e.g. ``("GET", "projects/<id>")``."""
    return [(sent.method, sent.path.split("/", 2)[2]) for sent in log.api_requests]


def only(log: RequestLog) -> Sent:
    (sent,) = log.api_requests
    return sent


def ids_in(value: str) -> set[str]:
    return set(value.split(","))


# -- forward ----------------------------------------------------------------------------------------------


def test_a_forward_relation_is_one_get_by_id_then_cached(data: Data) -> None:
    a1 = data.analyses["a1"]
    analysis = Analysis.objects.using(data.hub).get(id=a1.id)
    with RequestLog(data.hub) as log:
        project = analysis.project
        assert project is not None and project.id == data.p1.id and project.name == data.p1.name
        assert endpoints(log) == [("GET", f"projects/{data.p1.id}")]
        log.clear()
        assert analysis.project is project  # cached on the record
        assert log.api_requests == []


def test_select_related_embeds_the_relation_without_a_request(data: Data) -> None:
    with RequestLog(data.hub) as log:
        analysis = Analysis.objects.using(data.hub).select_related("project").get(id=data.analyses["a2"].id)
        assert only(log).params["include"] == "project"
        log.clear()
        assert analysis.project is not None and analysis.project.name == data.p1.name
        assert log.api_requests == []


def test_a_null_key_is_none_without_a_request(data: Data) -> None:
    project = Project.objects.using(data.hub).get(id=data.p2.id)
    assert project.master_image_id is None
    with RequestLog(data.hub) as log:
        assert project.master_image is None
        assert log.api_requests == []


def test_a_relation_across_services_goes_through_the_records_hub(
    data: Data, module_backend: HubBackend
) -> None:
    node = Node.objects.using(data.hub).get(id=data.nodes[0].id)
    with RequestLog(data.hub) as log:
        realm = node.realm
        client = node.client
        assert realm is not None and realm.id == node.realm_id
        assert client is not None and client.id == node.client_id
        assert endpoints(log) == [("GET", f"realms/{node.realm_id}"), ("GET", f"clients/{node.client_id}")]
        assert [sent.path.split("/")[-3] for sent in log.api_requests] == ["auth", "auth"]

    # a core client made on its own knows no authup: the error names the fix, and nothing is sent
    with CoreClient(
        data.hub.urls.core, module_backend.admin_auth, transport=module_backend.transport
    ) as core:
        lone = Node.objects.using(core).get(id=data.nodes[0].id)
        with RequestLog(data.hub) as log, pytest.raises(ConfigurationError, match=r"through a Hub"):
            lone.realm  # noqa: B018
        assert log.api_requests == []


def test_assigning_a_relation_sets_its_key(data: Data) -> None:
    analysis = Analysis(name="unsaved")
    analysis.project = data.p2
    assert analysis.project_id == data.p2.id and analysis.project is data.p2
    with pytest.raises(ValueError, match=r'"Analysis\.project" must be a Project instance'):
        analysis.project = data.nodes[0]  # type: ignore[assignment]


def test_an_async_record_never_does_hidden_io(data: Data, module_backend: HubBackend) -> None:
    a1 = data.analyses["a1"]

    async def scenario() -> None:
        async with AsyncHub(
            module_backend.base_url, module_backend.admin_auth, transport=module_backend.async_transport
        ) as hub:
            analysis = await Analysis.objects.using(hub).aget(id=a1.id)
            with RequestLog(hub) as log:
                with pytest.raises(RelationNotLoadedError) as caught:
                    analysis.project  # noqa: B018
                assert log.api_requests == []
                message = str(caught.value)
                assert "select_related('project')" in message and "prefetch_related('project')" in message
                assert "await record.afetch_related('project')" in message

                await analysis.afetch_related("project")
                sent = only(log)
                assert sent.path.endswith("/projects") and sent.params["filter[id]"] == str(data.p1.id)
                log.clear()
                assert analysis.project is not None and analysis.project.id == data.p1.id
                assert log.api_requests == []

                embedded = await Analysis.objects.using(hub).select_related("project").aget(id=a1.id)
                log.clear()
                assert embedded.project is not None and embedded.project.name == data.p1.name
                assert log.api_requests == []

    asyncio.run(scenario())


# -- reverse ----------------------------------------------------------------------------------------------


def test_a_reverse_manager_is_filtered_by_the_key(data: Data) -> None:
    p1 = Project.objects.using(data.hub).get(id=data.p1.id)
    names = {data.analyses[k].name for k in ("a1", "a2", "a3")}
    with RequestLog(data.hub) as log:
        assert p1.analysis_set.count() == 3
        sent = only(log)
        assert sent.params["filter[projectId]"] == str(p1.id) and sent.params["page[limit]"] == "1"
        log.clear()
        assert {a.name for a in p1.analysis_set.all()} == names
        assert {a.name for a in p1.analysis_set} == names  # the manager iterates too
        assert len(log.api_requests) == 2
        log.clear()
        assert p1.analysis_set.filter(name=data.analyses["a2"].name).exists()
        assert not p1.analysis_set.filter(name=data.analyses["b1"].name).exists()  # p2's
        assert [s.params["filter[projectId]"] for s in log.api_requests] == [str(p1.id)] * 2


def test_reverse_create_fills_in_the_key_and_the_hubs_counter_keeps_its_meaning(data: Data) -> None:
    p2 = Project.objects.using(data.hub).get(id=data.p2.id)
    assert p2.analyses == 1  # the Hub's counter, a field: no accessor hides it
    with RequestLog(data.hub) as log:
        made = p2.analysis_set.create(name=f"{data.prefix}-b2")
        assert only(log).body["projectId"] == str(p2.id)
    try:
        assert made.project_id == p2.id and p2.analysis_set.count() == 2
        p2.refresh_from_db()
        assert p2.analyses == 2
    finally:
        made.delete()


def test_authup_and_storage_reverse_managers(data: Data, unique: Any) -> None:
    hub = data.hub
    with RequestLog(hub) as log:
        master = Realm.objects.using(hub).get(name="master")
        log.clear()
        assert master.user_set.filter(name=data.user.name).count() == 1
        assert only(log).params["filter[realmId]"] == str(master.id)

        log.clear()
        user = User.objects.using(hub).get(id=data.user.id)
        log.clear()
        assert user.realm is not None and user.realm.id == master.id  # user.realm: one GET by id
        assert endpoints(log) == [("GET", f"realms/{master.id}")]

    bucket = Bucket.objects.using(hub).create(name=unique("rel-bucket"))
    try:
        hub.storage.upload_to_bucket(bucket.id, ("a.txt", b"a"), ("dir/b.txt", b"b"))
        with RequestLog(hub) as log:
            files = list(bucket.bucket_file_set.all())
            assert sorted(f.path for f in files) == ["a.txt", "dir/b.txt"]
            assert only(log).params["filter[bucketId]"] == str(bucket.id)
            log.clear()
            assert files[0].bucket is not None and files[0].bucket.name == bucket.name  # bucket_file.bucket
            assert endpoints(log) == [("GET", f"buckets/{bucket.id}")]
    finally:
        bucket.delete()


def test_an_analysis_reaches_its_buckets_across_services(data: Data, deployment: Deployment) -> None:
    deployment.require("worker")  # it creates an analysis' buckets
    analysis = Analysis.objects.using(data.hub).get(id=data.analyses["a1"].id)
    with RequestLog(data.hub) as log:
        links = list(analysis.analysis_bucket_set.all())
        assert {getattr(link.type, "value", link.type) for link in links} >= {"CODE", "RESULT"}
        assert only(log).params["filter[analysisId]"] == str(analysis.id)
        log.clear()
        assert links[0].bucket is not None and links[0].bucket.id == links[0].bucket_id  # core -> storage
        assert endpoints(log) == [("GET", f"buckets/{links[0].bucket_id}")]
        assert log.api_requests[0].path.split("/")[-3] == "storage"


# -- many-to-many -------------------------------------------------------------------------------------------


def test_many_to_many_reads_through_the_junction_with_the_far_side_included(
    data: Data, deployment: Deployment
) -> None:
    p1 = Project.objects.using(data.hub).get(id=data.p1.id)
    n0, n1, _ = data.nodes
    with RequestLog(data.hub) as log:
        assert {n.name for n in p1.node_set.all()} == {n0.name, n1.name}
        sent = only(log)
        assert sent.path.endswith("/project-nodes")
        assert sent.params["filter[projectId]"] == str(p1.id) and sent.params["include"] == "node"
        log.clear()
        assert p1.node_set.count() == 2 and len(log.api_requests) == 1
        log.clear()
        assert [n.id for n in p1.node_set.filter(name=n1.name)] == [n1.id]
        assert only(log).params["filter[node.name]"] == n1.name
        log.clear()
        assert {p.id for p in n1.project_set.all()} == {data.p1.id, data.p2.id}  # the other side
        assert only(log).params["filter[nodeId]"] == str(n1.id)
        log.clear()
        rows = list(p1.node_set.through)
        assert len(log.api_requests) == 1
    expected = "approved" if deployment.skip_project_approval else None
    assert {row.node_id for row in rows} == {n0.id, n1.id}
    assert all(row.approval_status == expected and row.node is not None for row in rows)
    # get() answers the far side, and raises the far side's errors, not the junction's
    assert p1.node_set.all().get(name=n1.name).id == n1.id
    with pytest.raises(Node.DoesNotExist):
        p1.node_set.all().get(name=f"{data.prefix}-none")
    with pytest.raises(Node.MultipleObjectsReturned):
        p1.node_set.all().get()
    # and the manager reads as Django's related managers do
    assert p1.node_set.get(name=n0.name).id == n0.id
    with pytest.raises(Node.DoesNotExist):
        p1.node_set.get(name=f"{data.prefix}-none")
    first = p1.node_set.first()
    assert first is not None and first.id in {n0.id, n1.id}
    assert {n.id for n in p1.node_set.iterator(chunk_size=1)} == {n0.id, n1.id}


def test_add_and_remove_create_and_delete_junction_rows(data: Data) -> None:
    p2 = Project.objects.using(data.hub).get(id=data.p2.id)
    n0, n1, n2 = data.nodes
    try:
        with RequestLog(data.hub) as log:
            p2.node_set.add(n0, n2)
            assert endpoints(log) == [("POST", "project-nodes")] * 2
            assert {(s.body["projectId"], s.body["nodeId"]) for s in log.api_requests} == {
                (str(p2.id), str(n0.id)),
                (str(p2.id), str(n2.id)),
            }
            log.clear()
            p2.node_set.add(n2)  # already linked: the Hub answers 409, and add() leaves it be
            assert endpoints(log) == [("POST", "project-nodes")]
            assert {n.id for n in p2.node_set.all()} == {n0.id, n1.id, n2.id}
            log.clear()
            p2.node_set.remove(n0, n2)
            listing, *deletes = log.api_requests
            assert listing.method == "GET" and ids_in(listing.params["filter[nodeId]"]) == {
                str(n0.id),
                str(n2.id),
            }
            assert sorted(d.method for d in deletes) == ["DELETE", "DELETE"]
        assert {n.id for n in p2.node_set.all()} == {n1.id}
    finally:
        p2.node_set.remove(n0, n2)


def test_analysis_nodes_and_user_roles_are_many_to_many_too(data: Data) -> None:
    hub = data.hub
    a3 = Analysis.objects.using(hub).get(id=data.analyses["a3"].id)
    user = User.objects.using(hub).get(id=data.user.id)
    role = Role.objects.using(hub).get(id=data.role.id)
    with RequestLog(hub) as log:
        a3.node_set.add(data.nodes[0])
        assert endpoints(log) == [("POST", "analysis-nodes")]
        log.clear()
        assert [n.id for n in a3.node_set.all()] == [data.nodes[0].id]
        assert only(log).params["include"] == "node"

        log.clear()
        user.role_set.add(role)
        assert endpoints(log) == [("POST", "user-roles")]
        log.clear()
        assert [u.id for u in role.user_set.all()] == [user.id]
        sent = only(log)
        assert sent.params["filter[roleId]"] == str(role.id) and sent.params["include"] == "user"
        log.clear()
        user.role_set.remove(role)
        assert [s.method for s in log.api_requests] == ["GET", "DELETE"]
        log.clear()

        permission = Permission.objects.using(hub).get(name="realm_read")
        client = Client.objects.using(hub).get(id=data.nodes[0].client_id)
        log.clear()
        role.permission_set.add(permission)  # role-permissions
        client.role_set.add(role)  # client-roles
        assert endpoints(log) == [("POST", "role-permissions"), ("POST", "client-roles")]
        log.clear()
        assert permission.role_set.filter(id=role.id).exists()  # the junction's own key: filter[roleId]
        assert [c.id for c in role.client_set.all()] == [client.id]
        assert log.api_requests[0].params["filter[roleId]"] == str(role.id)
        assert "filter[role.id]" not in log.api_requests[0].params
        client.role_set.remove(role)
        role.permission_set.clear()
    assert not user.role_set.exists() and not role.permission_set.exists() and not role.client_set.exists()
    a3.node_set.clear()
    assert a3.node_set.count() == 0


# -- prefetch_related ---------------------------------------------------------------------------------------


def test_prefetch_related_is_one_request_per_relation(data: Data) -> None:
    hub = data.hub
    query = (
        Project.objects.using(hub)
        .filter(name__startswith=f"{data.prefix}-p")
        .order_by("name")
        .prefetch_related("analysis_set", "node_set", "realm")
    )
    with RequestLog(hub) as log:
        p1, p2 = list(query)
        projects, analyses, project_nodes, realms = log.api_requests
        assert projects.path.endswith("/projects")
        assert analyses.path.endswith("/analyses")
        assert ids_in(analyses.params["filter[projectId]"]) == {str(p1.id), str(p2.id)}
        assert project_nodes.path.endswith("/project-nodes") and project_nodes.params["include"] == "node"
        assert ids_in(project_nodes.params["filter[projectId]"]) == {str(p1.id), str(p2.id)}
        assert realms.path.endswith("/realms") and realms.params["filter[id]"] == str(p1.realm_id)
        log.clear()

        assert {a.name for a in p1.analysis_set.all()} == {data.analyses[k].name for k in ("a1", "a2", "a3")}
        assert [a.name for a in p2.analysis_set.all()] == [data.analyses["b1"].name]
        assert p1.analysis_set.count() == 3 and p2.node_set.count() == 1 and p1.node_set.exists()
        assert {n.id for n in p1.node_set.all()} == {data.nodes[0].id, data.nodes[1].id}
        assert p1.realm is not None and p1.realm is p2.realm
        assert all(a.project is p1 for a in p1.analysis_set.all())  # the children know their parent
        assert log.api_requests == []

        assert p1.analysis_set.filter(name=data.analyses["a1"].name).count() == 1  # filter() asks again
        assert len(log.api_requests) == 1


def test_iterator_prefetches_page_by_page(data: Data) -> None:
    query = (
        Project.objects.using(data.hub)
        .filter(name__startswith=f"{data.prefix}-p")
        .order_by("name")
        .prefetch_related("analysis_set")
    )
    with RequestLog(data.hub) as log:
        p1, p2 = list(query.iterator(chunk_size=1))
        kinds = [s.path.rsplit("/", 1)[-1] for s in log.api_requests]
        assert kinds == ["projects", "analyses", "projects", "analyses"]  # each page, then its relations
        assert [s.params["filter[projectId]"] for s in log.api_requests[1::2]] == [str(p1.id), str(p2.id)]
        log.clear()
        assert p1.analysis_set.count() == 3 and p2.analysis_set.count() == 1 and log.api_requests == []


def test_prefetch_related_follows_paths(data: Data) -> None:
    query = (
        Analysis.objects.using(data.hub)
        .filter(name__startswith=f"{data.prefix}-a")
        .prefetch_related("project__node_set")
    )
    with RequestLog(data.hub) as log:
        analyses = list(query)
        assert [s.path.rsplit("/", 1)[-1] for s in log.api_requests] == [
            "analyses",
            "projects",
            "project-nodes",
        ]
        log.clear()
        assert len(analyses) == 3
        assert {n.id for n in analyses[0].project.node_set.all()} == {data.nodes[0].id, data.nodes[1].id}  # type: ignore[union-attr]
        assert log.api_requests == []


def test_prefetch_pages_the_parents_and_the_children(data: Data, unique: Any) -> None:
    hub = data.hub
    name = unique("rel-many")
    projects = Project.objects.using(hub).bulk_create([Project(name=f"{name}-{i:03d}") for i in range(55)])
    realm = Realm.objects.using(hub).create(name=unique("rel-realm"))
    try:
        query = (
            Project.objects.using(hub).filter(name__startswith=name).prefetch_related("analysis_set", "realm")
        )
        with RequestLog(hub) as log:
            found = list(query)
            assert len(found) == 55 and all(p.realm is not None and not p.analysis_set.all() for p in found)
            kinds = [s.path.rsplit("/", 1)[-1] for s in log.api_requests]
            # the children per 50 parents; a forward relation per 50 distinct keys (here all share one realm)
            assert sorted(kinds) == ["analyses", "analyses", "projects", "projects", "realms"]
            batches = [
                ids_in(s.params["filter[projectId]"])
                for s in log.api_requests
                if s.path.endswith("/analyses")
            ]
            assert sorted(map(len, batches)) == [5, 50] and set.union(*batches) == {str(p.id) for p in found}

        User.objects.using(hub).bulk_create(
            [
                User(name=f"{name}-u{i:02d}", email=f"{name}-u{i:02d}@example.com", realm_id=realm.id)
                for i in range(55)
            ]
        )
        with RequestLog(hub) as log:
            (only_realm,) = Realm.objects.using(hub).filter(id=realm.id).prefetch_related("user_set")
            _realm, *pages = log.api_requests
            assert len(pages) == 2 and all(p.params["filter[realmId]"] == str(realm.id) for p in pages)
            log.clear()
            assert len(only_realm.user_set.all()) == 55 and log.api_requests == []
    finally:
        realm.delete()  # its users go with it
        Project.objects.using(hub).filter(id__in=[p.id for p in projects]).delete()


# -- bulk operations ---------------------------------------------------------------------------------------


def test_bulk_create_update_and_delete(data: Data, unique: Any) -> None:
    hub = data.hub
    name = unique("rel-bulk")
    with RequestLog(hub) as log:
        made = Project.objects.using(hub).bulk_create([Project(name=f"{name}-{i}") for i in range(3)])
        assert endpoints(log) == [("POST", "projects")] * 3
        assert all(p.id is not None for p in made) and [p.name for p in made] == [
            f"{name}-{i}" for i in range(3)
        ]
        log.clear()

        query = Project.objects.using(hub).filter(name__startswith=name)
        assert query.update(display_name=f"{name}-shown") == 3
        listing, *updates = log.api_requests
        assert listing.method == "GET" and listing.params["fields"] == "id"
        assert sorted(s.path.rsplit("/", 1)[-1] for s in updates) == sorted(str(p.id) for p in made)
        assert all(s.method == "POST" and s.body == {"displayName": f"{name}-shown"} for s in updates)
        log.clear()
        assert Project.objects.using(hub).filter(display_name=f"{name}-shown").count() == 3

        log.clear()
        assert query.delete() == (3, {"core.Project": 3})
        listing, *deletes = log.api_requests
        assert [s.method for s in deletes] == ["DELETE"] * 3
    assert not query.exists()


def test_a_partial_failure_is_one_error_listing_what_succeeded_and_what_failed(
    data: Data, unique: Any
) -> None:
    hub = data.hub
    name = unique("rel-part")
    batch = [Project(name=f"{name}-0"), Project(name=data.p1.name), Project(name=f"{name}-2")]
    try:
        with RequestLog(hub) as log, pytest.raises(BulkOperationError) as caught:
            Project.objects.using(hub).bulk_create(batch)
        assert endpoints(log) == [("POST", "projects")] * 3  # the failed create is not retried
        error = caught.value
        assert error.operation == "create" and error.model == "Project"
        assert [p.name for p in error.succeeded] == [f"{name}-0", f"{name}-2"]
        assert all(p.id is not None for p in error.succeeded)  # created, and they know it
        ((failed, reason),) = error.failed
        assert failed is batch[1] and failed.id is None and isinstance(reason, ConflictError)
        assert "not atomic" in str(error) and data.p1.name in str(error)
    finally:
        Project.objects.using(hub).filter(name__startswith=name).delete()


def test_the_async_twins(data: Data, module_backend: HubBackend, unique: Any) -> None:
    name = unique("rel-async")

    async def scenario() -> None:
        async with AsyncHub(
            module_backend.base_url, module_backend.admin_auth, transport=module_backend.async_transport
        ) as hub:
            made = await Project.objects.using(hub).abulk_create(
                [Project(name=f"{name}-{i}") for i in range(2)]
            )
            assert all(p.id is not None for p in made)
            query = Project.objects.using(hub).filter(name__startswith=name)
            assert await query.aupdate(description="made by the async twins") == 2
            streamed = [p async for p in query.prefetch_related("realm").aiterator()]
            assert len(streamed) == 2 and all(p.realm is not None for p in streamed)  # no hidden IO: loaded
            with pytest.raises(TypeError, match=r"afetch_related\(\)"):
                streamed[0].fetch_related("analysis_set")  # a sync read through an async client
            project = await query.prefetch_related("analysis_set", "node_set").afirst()
            assert project is not None
            assert [
                a async for a in project.analysis_set.all()
            ] == [] and await project.node_set.acount() == 0
            node = await Node.objects.using(hub).aget(id=data.nodes[2].id)
            await project.node_set.aadd(node)
            assert [n.id async for n in project.node_set.all()] == [node.id]
            assert (await project.node_set.all().aget(id=node.id)).id == node.id
            assert (await project.node_set.aget(id=node.id)).id == node.id
            first = await project.node_set.afirst()
            assert first is not None and first.id == node.id
            assert [n.id async for n in project.node_set.aiterator()] == [node.id]
            with pytest.raises(Node.DoesNotExist):
                await project.node_set.all().aget(id=data.nodes[0].id)
            await project.node_set.aremove(node)
            assert await query.adelete() == (2, {"core.Project": 2})

    asyncio.run(scenario())
