"""Error bodies: core/storage shape vs. authup shape (core-and-storage.md §1.7, auth.md §2.2, observed.md)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.conformance


def flat_issues(issues):
    """Items of an issue tree (core-and-storage.md §1.7: items and groups with nested issues)."""
    for issue in issues:
        if issue.get("type") == "group":
            yield from flat_issues(issue.get("issues", []))
        else:
            yield issue


def test_core_error_shape(api):
    """core-and-storage.md §1.7: every failure is {statusCode, code, message, issues[]}, never enveloped."""
    response = api.get(f"/core/projects/{uuid.uuid4()}")
    body = response.json()
    assert {"statusCode", "code", "message", "issues"} <= set(body)
    assert body["statusCode"] == response.status_code == 404
    assert isinstance(body["issues"], list)
    assert "data" not in body


def test_storage_error_shape(api):
    """core-and-storage.md §4: storage shares core's error body."""
    response = api.get(f"/storage/bucket-files/{uuid.uuid4()}")
    body = response.json()
    assert response.status_code == 404
    assert body["statusCode"] == 404 and body["code"] == "entity_not_found"
    assert isinstance(body["issues"], list)


def test_core_unauthorized_error_shape(api):
    """core-and-storage.md §1.7: identity_unauthorized → 401, message "Authentication required."."""
    body = api.get("/core/projects", token=None).json()
    assert body["statusCode"] == 401
    assert body["code"] == "identity_unauthorized"
    assert body["message"] == "Authentication required."
    assert body["issues"] == []


def test_core_validation_issues_name_the_keys(api):
    """core-and-storage.md §1.7: validation → 400 bad_request; issue items {type: item, code, path, message}
    naming the key."""
    response = api.post("/core/nodes", json={})
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and body["code"] == "bad_request"
    items = list(flat_issues(body["issues"]))
    assert items, body
    for item in items:
        assert item["type"] == "item"
        assert {"code", "path", "message"} <= set(item)
    assert ["name"] in [item["path"] for item in items]


def test_core_key_not_allowed_issue(api):
    """core-and-storage.md §1.7 example: filter on publicKey (not in the node filter allow-list) →
    400 bad_request, one issue keyNotAllowed with path [publicKey] and meta {parameter: filters, key}."""
    response = api.get("/core/nodes", params={"filter": "eq(publicKey,'x')"})
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and body["code"] == "bad_request"
    assert len(body["issues"]) == 1
    issue = body["issues"][0]
    assert issue["type"] == "item"
    assert issue["code"] == "keyNotAllowed"
    assert issue["path"] == ["publicKey"]
    assert issue["message"] == "The key publicKey is not permitted."
    assert issue["meta"] == {"parameter": "filters", "key": "publicKey"}


def test_authup_error_shape_has_no_status_code(api):
    """auth.md §2.2: {name, message, code, ...}, no statusCode field any more."""
    response = api.get(f"/auth/realms/{uuid.uuid4()}")
    assert response.status_code == 404
    body = response.json()
    assert {"name", "message", "code"} <= set(body)
    assert body["code"] == "entity_not_found"
    assert "statusCode" not in body
    assert "data" not in body


def test_authup_validation_issues_name_the_keys(api):
    """auth.md §2.2/§3.0: validation → 400 bad_request with issues whose path names the key."""
    response = api.post("/auth/realms", json={"name": "a"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert "statusCode" not in body
    items = list(flat_issues(body["issues"]))
    assert ["name"] in [item["path"] for item in items]


def test_authup_key_not_allowed_issue(api):
    """observed.md: GET /auth/realms?filter=eq(nmae,'master') → 400 bad_request, issue keyNotAllowed,
    path ["nmae"]."""
    response = api.get("/auth/realms", params={"filter": "eq(nmae,'master')"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert "statusCode" not in body
    assert [(i["code"], i["path"]) for i in flat_issues(body["issues"])] == [("keyNotAllowed", ["nmae"])]


def test_authup_permission_error_shape(api):
    """observed.md: a caller without realm_create → 403 {name: PermissionError, code:
    permission_evaluation_failed}."""
    node = api.node()
    token = api.node_client_token(node["id"])
    response = api.post("/auth/realms", json={"name": api.unique_name("realm")}, token=token)
    assert response.status_code == 403
    body = response.json()
    assert body["name"] == "PermissionError"
    assert body["code"] == "permission_evaluation_failed"
    assert "statusCode" not in body


def test_core_missing_permission_is_400_naming_the_permission(api):
    """observed.md: POST /core/nodes without node_create → 400 bad_request, issue code permission_not_found,
    path ["node_create"]."""
    node = api.node()
    token = api.node_client_token(node["id"])
    response = api.post("/core/nodes", json={"name": api.unique_name("node")}, token=token)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert ("permission_not_found", ["node_create"]) in [
        (i["code"], i["path"]) for i in flat_issues(body["issues"])
    ]
