"""HTTP status codes (core-and-storage.md §1.5/§1.7, auth.md §2.2/§3.0, observed.md)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.conformance


def test_create_answers_201(api):
    """core-and-storage.md §1.5: create → 201."""
    assert api.post("/core/projects", json={"name": api.unique_name("p")}).status_code == 201


def test_update_answers_202(api):
    """core-and-storage.md §1.5: update → 202."""
    project = api.project()
    assert api.post(f"/core/projects/{project['id']}", json={"displayName": "Renamed"}).status_code == 202


def test_delete_answers_202_and_the_record_is_gone(api):
    """core-and-storage.md §1.5: delete → 202; afterwards the id is 404."""
    project = api.project()
    assert api.delete(f"/core/projects/{project['id']}").status_code == 202
    assert api.get(f"/core/projects/{project['id']}").status_code == 404


@pytest.mark.parametrize("node_id", ["5b9d8c2e-7a51-4f0e-9a43-1c2d3e4f5a6b", "abc"])
def test_unknown_node_is_404(api, node_id):
    """observed.md: GET /core/nodes/abc and a random UUID → 404 {statusCode: 404, code: entity_not_found,
    message: "The node was not found.", issues: []}."""
    response = api.get(f"/core/nodes/{node_id}")
    assert response.status_code == 404
    assert response.json() == {
        "statusCode": 404,
        "code": "entity_not_found",
        "message": "The node was not found.",
        "issues": [],
    }


def test_update_of_missing_record_is_404(api):
    """core-and-storage.md §1.7: POST /:id on an unknown id → 404 entity_not_found."""
    response = api.post(f"/core/nodes/{uuid.uuid4()}", json={"hidden": True})
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"


def test_delete_of_missing_record_is_404(api):
    """core-and-storage.md §1.7: DELETE /:id on an unknown id → 404 entity_not_found."""
    response = api.delete(f"/core/projects/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"


def test_duplicate_node_name_in_a_realm_is_409(api):
    """core-and-storage.md §3.1: node name unique per (name, realmId) → 409 entity_conflict."""
    node = api.node()
    response = api.post("/core/nodes", json={"name": node["name"]})
    assert response.status_code == 409
    assert response.json()["code"] == "entity_conflict"


def test_validation_failure_is_400(api):
    """core-and-storage.md §1.7: body validation → 400 bad_request."""
    response = api.post("/core/nodes", json={"name": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_core_without_bearer_is_401(api):
    """core-and-storage.md §1.2 / observed.md: no Bearer at core → 401 identity_unauthorized."""
    response = api.get("/core/nodes", token=None)
    assert response.status_code == 401
    assert response.json()["code"] == "identity_unauthorized"


def test_storage_without_bearer_is_401(api):
    """core-and-storage.md §1.2/§4: every storage route except GET / requires an identity → 401."""
    response = api.get("/storage/buckets", token=None)
    assert response.status_code == 401
    assert response.json()["code"] == "identity_unauthorized"


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_patch_and_put_on_core_records_are_404_without_code(api, method):
    """observed.md: PATCH or PUT on /core/nodes/:id → 404 {"status": 404, "message": "Not Found"}."""
    node = api.node()
    response = api.request(method, f"/core/nodes/{node['id']}", json={"hidden": True})
    assert response.status_code == 404
    assert response.json() == {"status": 404, "message": "Not Found"}
    assert api.record(f"/core/nodes/{node['id']}")["hidden"] is False


def test_authup_unknown_record_is_404(api):
    """auth.md §2.2: entity_not_found → 404."""
    response = api.get(f"/auth/realms/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"


def test_authup_delete_by_name_is_404(api):
    """auth.md §2.4: DELETE only accepts UUIDs (a name gives 404)."""
    realm = api.realm()
    response = api.delete(f"/auth/realms/{realm['name']}")
    assert response.status_code == 404
    assert api.get(f"/auth/realms/{realm['id']}").status_code == 200


def test_authup_duplicate_realm_is_409(api):
    """auth.md §2.2/§3.2: realm name unique globally → 409 entity_conflict."""
    realm = api.realm()
    response = api.post("/auth/realms", json={"name": realm["name"]})
    assert response.status_code == 409
    assert response.json()["code"] == "entity_conflict"


def test_authup_without_login_is_401(api):
    """auth.md §1.7/§3.1: routes needing a login answer 401 identity_unauthorized without a Bearer."""
    response = api.get("/auth/users", token=None)
    assert response.status_code == 401
    assert response.json()["code"] == "identity_unauthorized"


def test_authup_public_reads_need_no_token(api):
    """auth.md §3.1: realm list/get are public."""
    assert api.get("/auth/realms", token=None).status_code == 200
    assert api.get("/auth/realms/master", token=None).status_code == 200


def test_authup_writes_always_require_login(api):
    """auth.md §3.1: writes always require login → 401 identity_unauthorized."""
    response = api.post("/auth/realms", json={"name": api.unique_name("realm")}, token=None)
    assert response.status_code == 401
    assert response.json()["code"] == "identity_unauthorized"


def test_authup_built_in_master_realm_cannot_be_deleted(api):
    """auth.md §3.2: master cannot be deleted: 400."""
    response = api.delete(f"/auth/realms/{api.master_realm_id()}")
    assert response.status_code == 400
    assert api.get("/auth/realms/master").status_code == 200


def test_project_with_analyses_cannot_be_deleted(api):
    """core-and-storage.md §3.2: DELETE /projects/:id → 400 if analyses > 0."""
    analysis = api.analysis()
    response = api.delete(f"/core/projects/{analysis['projectId']}")
    assert response.status_code == 400
    assert api.get(f"/core/projects/{analysis['projectId']}").status_code == 200
