"""Permission checks for the admin versus a node's client (core-and-storage.md §1.2/§3.1.1, auth.md §3.1/§4.2,
observed.md)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance


@pytest.fixture
def node_token(api):
    node = api.node()
    return node, api.node_client_token(node["id"])


def test_any_identity_reads_every_node(api, node_token):
    """observed.md / core-and-storage.md §1.2: GET /core/nodes by any logged-in identity → 200, all nodes
    of all realms (reads are not realm-scoped)."""
    _, token = node_token
    other_realm = api.realm()
    api.node(realmId=other_realm["id"])
    response = api.get("/core/nodes", token=token)
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 2


def test_node_client_reads_its_own_credentials(api, node_token):
    """core-and-storage.md §3.1.1: the node's own client may GET its credentials."""
    node, token = node_token
    response = api.get(f"/core/nodes/{node['id']}/client/credentials", token=token)
    assert response.status_code == 200
    assert response.json()["id"] == node["clientId"]


def test_node_client_cannot_read_another_nodes_credentials(api, node_token):
    """core-and-storage.md §3.1.1: only the node's own client or node_update + realm → else 403."""
    _, token = node_token
    other = api.node()
    response = api.get(f"/core/nodes/{other['id']}/client/credentials", token=token)
    assert response.status_code == 403


def test_node_client_cannot_create_nodes(api, node_token):
    """observed.md: POST /core/nodes without node_create → 400 bad_request naming node_create."""
    _, token = node_token
    response = api.post("/core/nodes", json={"name": api.unique_name("node")}, token=token)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert api.get("/core/nodes").json()["meta"]["total"] == 1


def test_node_client_cannot_delete_nodes(api, node_token):
    """core-and-storage.md §3.1: DELETE /nodes/:id needs node_delete (missing authup permission → 400
    per observed.md's mapping); the node stays."""
    node, token = node_token
    response = api.delete(f"/core/nodes/{node['id']}", token=token)
    assert response.status_code in (400, 403)
    assert api.get(f"/core/nodes/{node['id']}").status_code == 200


def test_node_client_cannot_create_realms(api, node_token):
    """observed.md / auth.md §3.1: a caller without realm_create → 403 permission_evaluation_failed."""
    _, token = node_token
    response = api.post("/auth/realms", json={"name": api.unique_name("realm")}, token=token)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_evaluation_failed"


def test_node_client_sees_itself(api, node_token):
    """auth.md §2.4: GET /clients/@me with a client token returns the calling client."""
    node, token = node_token
    response = api.get("/auth/clients/@me", token=token)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == node["clientId"]


def test_admin_sees_itself(api):
    """auth.md §2.4: GET /users/@me with a user token returns the user."""
    response = api.get("/auth/users/@me")
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "admin"


def test_node_client_holds_analysis_update(api, node_token):
    """auth.md §4.2: the Hub grants a node's client analysis_update (a client-permission binding)."""
    node, _ = node_token
    rows = api.list(
        "/auth/client-permissions", params={"filter[clientId]": node["clientId"], "include": "permission"}
    )
    assert "analysis_update" in {row["permission"]["name"] for row in rows}


def test_admin_can_do_what_the_node_client_cannot(api):
    """auth.md §4.1: the admin role holds every permission (node_create, realm_create)."""
    assert api.post("/core/nodes", json={"name": api.unique_name("node")}).status_code == 201
    assert api.post("/auth/realms", json={"name": api.unique_name("realm")}).status_code == 201
