"""Core special routes: credentials, analysis client permissions, telemetry logs, secrets, commands."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from core_helpers import Core, name


@pytest.fixture
def core(http: httpx.Client, admin: dict[str, str]) -> Core:
    return Core(http, admin)


@pytest.fixture
def pair(core: Core) -> dict[str, Any]:
    """An analysis with one (auto-approved) aggregator node."""
    project, node = core.project(), core.node(type="aggregator")
    core.member(project, node)
    return {"analysis": core.analysis(project), "node": node, "project": project}


# -- credentials -------------------------------------------------------------------------------------
def test_node_client_rotates_its_own_secret(core: Core) -> None:
    node = core.node()
    token = core.node_token(node)
    response = core.http.post(f"/core/nodes/{node['id']}/client/credentials", json={}, headers=token)
    assert response.status_code == 200
    rotated = response.json()["secret"]
    assert (
        rotated
        == core.http.get(f"/core/nodes/{node['id']}/client/credentials", headers=core.headers).json()[
            "secret"
        ]
    )


def test_credentials_need_a_login_and_an_existing_node(core: Core) -> None:
    node = core.node()
    assert core.http.get(f"/core/nodes/{node['id']}/client/credentials").status_code == 401
    missing = core.http.get(
        "/core/nodes/00000000-0000-4000-8000-000000000000/client/credentials", headers=core.headers
    )
    assert missing.status_code == 404


def test_analysis_credentials_for_approved_node_clients_only(core: Core, pair: dict[str, Any]) -> None:
    analysis = pair["analysis"]
    path = f"/core/analyses/{analysis['id']}/client/credentials"
    approved = core.http.get(path, headers=core.node_token(pair["node"]))
    assert approved.status_code == 200 and approved.json()["id"] == analysis["clientId"]
    written = core.http.post(path, json={"secret": "analysis-secret"}, headers=core.headers)
    assert written.json()["secret"] == "analysis-secret"
    token = core.http.post(
        "/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": analysis["clientId"],
            "client_secret": "analysis-secret",
        },
    )
    assert token.status_code == 200


def test_analysis_client_permission_bindings(core: Core, pair: dict[str, Any]) -> None:
    analysis = pair["analysis"]
    permission = core.get("/auth/permissions/analysis_self_message_broker_use")
    path = f"/core/analyses/{analysis['id']}/client/permissions"
    created = core.http.post(path, json={"permissionId": permission["id"]}, headers=core.headers)
    assert created.status_code == 201 and created.json()["meta"] == {}
    assert (
        core.http.post(path, json={"permissionId": permission["id"]}, headers=core.headers).status_code == 409
    )
    listing = core.http.get(path, headers=core.headers).json()
    assert listing["data"][0]["permission"]["name"] == "analysis_self_message_broker_use"
    missing = core.http.delete(
        f"{path}/{core.get('/auth/permissions/node_create')['id']}", headers=core.headers
    )
    assert missing.status_code == 404


# -- telemetry logs ----------------------------------------------------------------------------------
def _log(
    core: Core, pair: dict[str, Any], headers: dict[str, str] | None = None, **body: Any
) -> httpx.Response:
    payload = {
        "nodeId": pair["node"]["id"],
        "analysisId": pair["analysis"]["id"],
        "level": "info",
        "message": "hello",
        **body,
    }
    return core.http.post("/core/analysis-node-logs", json=payload, headers=headers or core.headers)


def test_node_logs_round_trip(core: Core, pair: dict[str, Any]) -> None:
    posted = _log(core, pair, labels={"step": "one"}, code="started")
    assert posted.status_code == 202
    entry = posted.json()["data"]
    assert entry["labels"]["refType"] == "analysisNode"
    assert (entry["labels"]["step"], entry["labels"]["code"]) == ("one", "started")
    _log(core, pair, level="error", message="broken")
    ids = {"filter[analysisId]": pair["analysis"]["id"], "filter[nodeId]": pair["node"]["id"]}
    body = core.http.get("/core/analysis-node-logs", params=ids, headers=core.headers).json()
    assert [row["message"] for row in body["data"]] == ["hello", "broken"]
    assert body["meta"]["schema"]["name"] == "analysisNodeLog"
    errors = core.http.get(
        "/core/analysis-node-logs", params={**ids, "filter[level]": "error"}, headers=core.headers
    )
    assert errors.json()["meta"]["total"] == 1
    paged = core.http.get(
        "/core/analysis-node-logs", params={**ids, "page[limit]": "1"}, headers=core.headers
    )
    assert paged.json()["meta"]["limit"] == 1 and len(paged.json()["data"]) == 1
    expression = "and(eq(analysisId,'{}'),eq(nodeId,'{}'))".format(pair["analysis"]["id"], pair["node"]["id"])
    assert (
        core.http.get("/core/analysis-node-logs", params={"filter": expression}, headers=core.headers).json()[
            "meta"
        ]["total"]
        == 2
    )
    assert (
        core.http.delete(
            "/core/analysis-node-logs", params={**ids, "filter[level]": "error"}, headers=core.headers
        ).status_code
        == 202
    )
    assert (
        core.http.get("/core/analysis-node-logs", params=ids, headers=core.headers).json()["meta"]["total"]
        == 0
    )


@pytest.mark.parametrize("operator", ["!info", "~inf", "info,error", ">info"])
def test_node_logs_accept_only_equalities_in_brackets(
    core: Core, pair: dict[str, Any], operator: str
) -> None:
    ids = {"filter[analysisId]": pair["analysis"]["id"], "filter[nodeId]": pair["node"]["id"]}
    response = core.http.get(
        "/core/analysis-node-logs", params={**ids, "filter[level]": operator}, headers=core.headers
    )
    assert response.status_code == 400


def test_node_log_create_checks_references_and_realm(core: Core, pair: dict[str, Any]) -> None:
    unknown = _log(core, pair, nodeId="00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 400 and unknown.json()["issues"][0]["path"] == ["nodeId"]
    realm = core.create("/auth/realms", {"name": name("realm")})
    stranger = core.node_token(core.node(realmId=realm["id"]))
    assert _log(core, pair, headers=stranger).status_code == 403
    assert _log(core, pair, message="no").status_code == 400


def test_analysis_logs_are_empty_and_separate(core: Core, pair: dict[str, Any]) -> None:
    _log(core, pair)
    response = core.http.get(
        "/core/analysis-logs", params={"filter[analysisId]": pair["analysis"]["id"]}, headers=core.headers
    )
    assert response.json()["meta"]["total"] == 0
    assert response.json()["meta"]["schema"]["name"] == "analysisLog"


# -- secrets, master images, services -------------------------------------------------------------------
def test_account_secret_needs_registry_manage(core: Core) -> None:
    registry = core.create(
        "/core/registries", {"name": name("reg"), "host": "r.example.org", "accountSecret": "s3cret"}
    )
    assert registry["accountSecret"] == "s3cret"  # a write answer echoes it (observed on Hub v0.14.0)
    assert "accountSecret" not in core.get(f"/core/registries/{registry['id']}")  # a read does not
    node = core.node(registryId=registry["id"])
    token = core.node_token(node)
    refused = core.http.get(f"/core/registries/{registry['id']}?fields=%2BaccountSecret", headers=token)
    assert refused.status_code == 400 and refused.json()["issues"][0]["path"] == ["registry_manage"]
    # The node's client may read the secret of exactly its own registry project.
    own = core.http.get(
        f"/core/registry-projects/{node['registryProjectId']}?fields=%2BaccountSecret", headers=token
    )
    assert own.status_code == 200 and own.json()["data"]["accountSecret"]


def test_registry_project_writes_need_their_permission(core: Core) -> None:
    registry = core.create("/core/registries", {"name": name("reg"), "host": "p.example.org"})
    token = core.node_token(core.node())
    body = {"registryId": registry["id"], "name": "project-x", "externalName": "project-x", "type": "default"}
    refused = core.http.post("/core/registry-projects", json=body, headers=token)
    assert refused.status_code == 400 and refused.json()["issues"][0]["path"] == ["registry_project_manage"]
    core.create("/core/registry-projects", body)
    assert core.http.post("/core/registry-projects", json=body, headers=core.headers).status_code == 409


def test_master_image_commands_need_master_image_manage(core: Core) -> None:
    token = core.node_token(core.node())
    response = core.http.post("/core/master-images/command", json={"command": "sync"}, headers=token)
    assert response.status_code == 400 and response.json()["issues"][0]["path"] == ["master_image_manage"]
    missing = core.http.post(
        "/core/master-images/command",
        json={"command": "build", "id": "00000000-0000-4000-8000-000000000000"},
        headers=core.headers,
    )
    assert missing.status_code == 404


def test_master_image_catalogue_is_read_only(core: Core) -> None:
    image = core.rows("/core/master-images")[0]
    assert core.http.post("/core/master-images", json={"name": "x"}, headers=core.headers).status_code == 404
    assert (
        core.http.post(f"/core/master-images/{image['id']}", json={}, headers=core.headers).status_code == 404
    )
    groups = core.http.get("/core/master-image-groups", headers=core.headers).json()
    assert groups["meta"]["schema"]["sorts"]["allowed"] == []


def test_registry_service_command_needs_registry_manage(core: Core) -> None:
    token = core.node_token(core.node())
    body = {"command": "setup", "id": "00000000-0000-4000-8000-000000000000"}
    assert core.http.post("/core/services/registry/command", json=body, headers=token).status_code == 400
    response = core.http.post("/core/services/registry/command", json=body, headers=core.headers)
    assert response.status_code == 202 and response.content == b""  # no body, as observed


def test_patch_and_put_on_core_answer_routups_404(core: Core) -> None:
    node = core.node()
    for method in ("PATCH", "PUT"):
        response = core.http.request(method, f"/core/nodes/{node['id']}", json={}, headers=core.headers)
        assert response.status_code == 404
        assert response.json() == {"status": 404, "message": "Not Found"}
