"""Every resource route issue 3 lists answers list + get (core-and-storage.md §3/§4, auth.md §3)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance


def seed_auth(api):
    """One row in each authup junction, created through the public routes."""
    admin = api.record("/auth/users/admin")
    role = api.role()
    permission = api.permission()
    client = api.client()
    scope = api.scope()
    api.create("/auth/role-permissions", {"roleId": role["id"], "permissionId": permission["id"]})
    api.create("/auth/user-roles", {"userId": admin["id"], "roleId": role["id"]})
    api.create("/auth/user-permissions", {"userId": admin["id"], "permissionId": permission["id"]})
    api.create("/auth/client-roles", {"clientId": client["id"], "roleId": role["id"]})
    api.create("/auth/client-permissions", {"clientId": client["id"], "permissionId": permission["id"]})
    api.create("/auth/client-scopes", {"clientId": client["id"], "scopeId": scope["id"]})


def seed_core(api):
    """One row in each core/storage collection, created through the public routes."""
    registry = api.registry()
    api.registry_project(registry["id"])
    project = api.project()
    node = api.node(type="aggregator")
    api.project_node(project["id"], node["id"])
    analysis = api.analysis(project["id"])
    code = api.analysis_buckets(analysis["id"])["CODE"]
    api.upload(code["bucketId"], {"main.py": b"print(1)\n"})
    api.wait_for(lambda: api.list("/core/analysis-bucket-files"))


AUTH_COLLECTIONS = [
    "realms",
    "users",
    "roles",
    "permissions",
    "role-permissions",
    "user-roles",
    "user-permissions",
    "clients",
    "client-roles",
    "client-permissions",
    "scopes",
    "client-scopes",
]
CORE_COLLECTIONS = [
    "/core/nodes",
    "/core/projects",
    "/core/project-nodes",
    "/core/analyses",
    "/core/analysis-nodes",
    "/core/analysis-buckets",
    "/core/analysis-bucket-files",
    "/core/registries",
    "/core/registry-projects",
    "/core/master-images",
    "/core/master-image-groups",
    "/storage/buckets",
    "/storage/bucket-files",
]


@pytest.mark.parametrize("collection", AUTH_COLLECTIONS)
def test_auth_list_and_get(api, collection):
    """auth.md §3.1: L and G on every authup resource; single records are enveloped (§2.1)."""
    seed_auth(api)
    response = api.get(f"/auth/{collection}")
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert rows, collection
    record = api.get(f"/auth/{collection}/{rows[0]['id']}")
    assert record.status_code == 200, record.text
    assert record.json()["data"]["id"] == rows[0]["id"]


@pytest.mark.parametrize("path", CORE_COLLECTIONS)
def test_core_and_storage_list_and_get(api, path):
    """core-and-storage.md §3/§4: list and get on every core and storage resource."""
    seed_core(api)
    response = api.get(path)
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert rows, path
    record = api.get(f"{path}/{rows[0]['id']}")
    assert record.status_code == 200, record.text
    assert record.json()["data"]["id"] == rows[0]["id"]


def test_analysis_node_events_list(api):
    """core-and-storage.md §3.6: GET /analysis-node-events is a read-only collection (may stay empty)."""
    response = api.get("/core/analysis-node-events")
    assert response.status_code == 200
    assert response.json()["meta"]["schema"]["name"] == "analysisNodeEvent"


def test_analysis_node_events_have_no_create(api):
    """core-and-storage.md §3.6: list/get only — there is no POST route."""
    assert api.post("/core/analysis-node-events", json={}).status_code == 404


def test_analysis_logs_need_an_analysis_id(api):
    """core-and-storage.md §3.8: GET /analysis-logs requires filter[analysisId]."""
    analysis = api.analysis()
    assert api.get("/core/analysis-logs").status_code == 400
    response = api.get("/core/analysis-logs", params={"filter[analysisId]": analysis["id"]})
    assert response.status_code == 200
    assert {"total"} <= set(response.json()["meta"])


def test_analysis_logs_accept_only_anded_equalities(api):
    """core-and-storage.md §2.7: log endpoints accept only AND-ed eq filters; or/not/other → 400."""
    analysis = api.analysis()
    response = api.get(
        "/core/analysis-logs",
        params={"filter": f"or(eq(analysisId,'{analysis['id']}'),eq(level,'info'))"},
    )
    assert response.status_code == 400


def test_analysis_logs_delete(api):
    """core-and-storage.md §3.8: DELETE /analysis-logs?filter[analysisId]=… → 202; no body (observed on
    Hub v0.14.0: routup sends nothing for the controller's ``null``, the reference inferred ``null``)."""
    analysis = api.analysis()
    response = api.delete("/core/analysis-logs", params={"filter[analysisId]": analysis["id"]})
    assert response.status_code == 202
    assert response.content == b""


def test_analysis_node_logs(api):
    """core-and-storage.md §3.7: both ids required for GET; POST → 202 {data: Log, meta: {}};
    DELETE → 202 without a body (observed)."""
    project = api.project()
    node = api.node(type="aggregator")
    api.project_node(project["id"], node["id"])
    analysis = api.analysis(project["id"])
    ids = {"filter[analysisId]": analysis["id"], "filter[nodeId]": node["id"]}

    assert (
        api.get("/core/analysis-node-logs", params={"filter[analysisId]": analysis["id"]}).status_code == 400
    )
    posted = api.post(
        "/core/analysis-node-logs",
        json={"nodeId": node["id"], "analysisId": analysis["id"], "level": "info", "message": "started ok"},
    )
    assert posted.status_code == 202
    assert posted.json()["meta"] == {}
    assert posted.json()["data"]["message"] == "started ok"
    listed = api.get("/core/analysis-node-logs", params=ids)
    assert listed.status_code == 200
    assert {"total"} <= set(listed.json()["meta"])
    deleted = api.delete("/core/analysis-node-logs", params=ids)
    assert deleted.status_code == 202
    assert deleted.content == b""


def test_analysis_node_log_validation(api):
    """core-and-storage.md §3.7: level must be a LogLevel and message 3-2048 chars → 400."""
    project = api.project()
    node = api.node(type="aggregator")
    api.project_node(project["id"], node["id"])
    analysis = api.analysis(project["id"])
    body = {"nodeId": node["id"], "analysisId": analysis["id"], "level": "loud", "message": "ok"}
    assert api.post("/core/analysis-node-logs", json=body).status_code == 400


def test_services_registry_hook(api):
    """core-and-storage.md §3.15: POST /services/registry/hook → 202 for any logged-in identity, without a
    body (observed on Hub v0.14.0; the reference inferred ``null``)."""
    response = api.post("/core/services/registry/hook", json={"type": "PUSH_ARTIFACT", "event_data": {}})
    assert response.status_code == 202
    assert response.content == b""


def test_services_other_id_is_404(api):
    """core-and-storage.md §3.15: :id must be `registry`, else 404."""
    assert api.post("/core/services/system/hook", json={}).status_code == 404


def test_registry_project_account_secret_is_opt_in(api):
    """core-and-storage.md §3.12: registry-project accountSecret only via fields=%2BaccountSecret."""
    registry = api.registry()
    project = api.registry_project(registry["id"])
    assert "accountSecret" not in api.record(f"/core/registry-projects/{project['id']}")
    response = api.get(f"/core/registry-projects/{project['id']}?fields=%2BaccountSecret")
    assert response.status_code == 200
    assert "accountSecret" in response.json()["data"]


def test_realm_nested_list(api):
    """auth.md §2.4: /realms/{realm}/users is an alias; the realm is resolved first (unknown → 404)."""
    assert api.get("/auth/realms/master/users").status_code == 200
    response = api.get("/auth/realms/no-such-realm/users")
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"
