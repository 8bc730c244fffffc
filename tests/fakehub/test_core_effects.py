"""Server-side effects of core writes (core-and-storage.md §3, auth.md §4.2), beyond the conformance suite."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from core_helpers import Core, name

from flame_hub.testing import FakeHub


@pytest.fixture
def core(http: httpx.Client, admin: dict[str, str]) -> Core:
    return Core(http, admin)


def test_node_client_is_a_node_identity_and_dies_with_the_node(core: Core) -> None:
    node = core.node()
    token = core.node_token(node)
    me = core.get("/auth/clients/@me", headers=token)
    assert me["id"] == node["clientId"] and me["name"] == node["id"]
    bindings = core.rows("/auth/client-permissions", **{"filter[clientId]": node["clientId"]})
    assert len(bindings) == 1
    assert core.http.delete(f"/core/nodes/{node['id']}", headers=core.headers).status_code == 202
    assert core.http.get("/auth/clients/@me", headers=token).status_code == 400  # its session is gone
    assert core.rows("/auth/client-permissions", **{"filter[clientId]": node["clientId"]}) == []


def test_non_hex_public_key_is_stored_as_hex(core: Core) -> None:
    node = core.node(publicKey="-----BEGIN KEY-----")
    assert node["publicKey"] == b"-----BEGIN KEY-----".hex()
    assert core.node(publicKey="00ff00ff")["publicKey"] == "00ff00ff"


def test_external_name_is_unique_per_registry_only_when_both_are_set(core: Core) -> None:
    core.node(externalName="same")
    core.node(externalName="same")  # no registry: NULLs never clash
    registry = core.create("/core/registries", {"name": name("reg"), "host": "harbor.example.org"})
    core.node(externalName="taken", registryId=registry["id"])
    body = {"name": name("node"), "externalName": "taken", "registryId": registry["id"]}
    assert core.http.post("/core/nodes", json=body, headers=core.headers).status_code == 409


def test_registry_link_provisions_a_node_project_and_credentials(core: Core) -> None:
    registry = core.create("/core/registries", {"name": name("reg"), "host": "https://harbor.example.org/x"})
    assert registry["host"] == "harbor.example.org"
    node = core.node(registryId=registry["id"])
    assert node["registryProjectId"] and node["externalName"]
    project = core.get(f"/core/registry-projects/{node['registryProjectId']}")
    assert (project["type"], project["public"], project["externalName"]) == (
        "node",
        False,
        node["externalName"],
    )
    credentials = core.http.get(
        f"/core/nodes/{node['id']}/registry/credentials", headers=core.node_token(node)
    )
    assert credentials.status_code == 200
    assert credentials.json()["host"] == "harbor.example.org"
    assert set(credentials.json()) == {"host", "externalName", "accountName", "accountSecret"}
    # Disconnecting tears the project down.
    updated = core.http.post(f"/core/nodes/{node['id']}", json={"registryId": None}, headers=core.headers)
    assert updated.json()["data"]["registryProjectId"] is None
    assert core.http.get(f"/core/registry-projects/{project['id']}", headers=core.headers).status_code == 404


def test_registry_delete_sets_null_and_cascades(core: Core) -> None:
    registry = core.create("/core/registries", {"name": name("reg"), "host": "h.example.org"})
    node = core.node(registryId=registry["id"])
    assert core.http.delete(f"/core/registries/{registry['id']}", headers=core.headers).status_code == 202
    after = core.get(f"/core/nodes/{node['id']}")
    assert (after["registryId"], after["registryProjectId"]) == (None, None)
    assert core.rows("/core/registry-projects") == []


def test_project_delete_is_refused_while_analyses_exist(core: Core) -> None:
    project = core.project()
    analysis = core.analysis(project)
    response = core.http.delete(f"/core/projects/{project['id']}", headers=core.headers)
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert core.http.delete(f"/core/analyses/{analysis['id']}", headers=core.headers).status_code == 202
    assert core.http.delete(f"/core/projects/{project['id']}", headers=core.headers).status_code == 202


def test_deleting_a_node_drops_its_memberships_and_recounts(core: Core) -> None:
    project, node = core.project(), core.node(type="aggregator")
    core.member(project, node)
    analysis = core.analysis(project)
    assert core.get(f"/core/analyses/{analysis['id']}")["nodes"] == 1
    core.http.delete(f"/core/nodes/{node['id']}", headers=core.headers)
    assert core.get(f"/core/projects/{project['id']}")["nodes"] == 0
    assert core.get(f"/core/analyses/{analysis['id']}")["nodes"] == 0


def test_analyses_are_created_by_users_only(core: Core, hub: FakeHub) -> None:
    project = core.project()
    system = core.http.post(
        "/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": hub.system_client_id,
            "client_secret": hub.system_client_secret,
        },
    )
    token = {"Authorization": f"Bearer {system.json()['access_token']}"}
    response = core.http.post("/core/analyses", json={"projectId": project["id"]}, headers=token)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_analysis_creation_effects(core: Core) -> None:
    project = core.project()
    analysis = core.analysis(project)
    assert analysis["userId"] == core.get("/auth/users/@me")["id"]
    assert analysis["name"] and analysis["configurationImageValid"] is True
    buckets = core.buckets(analysis)
    assert set(buckets) == {"CODE", "RESULT", "TEMP"}
    client = core.get(f"/auth/clients/{analysis['clientId']}")
    assert client["name"] == analysis["id"]
    # Deleting the analysis removes its buckets, links and client.
    core.http.delete(f"/core/analyses/{analysis['id']}", headers=core.headers)
    assert core.rows("/storage/buckets") == []
    assert core.rows("/core/analysis-buckets") == []
    assert core.http.get(f"/auth/clients/{analysis['clientId']}", headers=core.headers).status_code == 404


def test_registry_of_an_analysis_is_immutable_once_set(core: Core) -> None:
    first = core.create("/core/registries", {"name": name("reg"), "host": "a.example.org"})
    second = core.create("/core/registries", {"name": name("reg"), "host": "b.example.org"})
    analysis = core.analysis(core.project(), registryId=first["id"])
    path = f"/core/analyses/{analysis['id']}"
    assert core.http.post(path, json={"registryId": second["id"]}, headers=core.headers).status_code == 400
    assert core.http.post(path, json={"registryId": first["id"]}, headers=core.headers).status_code == 202


Participation = tuple[dict[str, Any], dict[str, str]]


@pytest.fixture
def foreign(core: Core) -> Participation:
    """An analysis-node of a default node living in another realm, and that node's Bearer header."""
    realm = core.create("/auth/realms", {"name": name("realm")})
    node = core.node(realmId=realm["id"])
    project = core.project()
    core.member(project, node)
    analysis = core.analysis(project)
    participation = core.create("/core/analysis-nodes", {"analysisId": analysis["id"], "nodeId": node["id"]})
    return participation, core.node_token(node)


def test_analysis_node_execution_updates_by_the_node_realm(core: Core, foreign: Participation) -> None:
    row, token = foreign
    path = f"/core/analysis-nodes/{row['id']}"
    response = core.http.post(
        path, json={"executionStatus": "executing", "executionProgress": 40}, headers=token
    )
    assert response.status_code == 202, response.text
    assert response.json()["data"]["executionProgress"] == 40
    assert core.http.post(path, json={"executionProgress": 101}, headers=token).status_code == 400


def test_analysis_node_approval_needs_analysis_approve(core: Core, foreign: Participation) -> None:
    row, token = foreign
    response = core.http.post(
        f"/core/analysis-nodes/{row['id']}", json={"approvalStatus": "approved"}, headers=token
    )
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["analysis_approve"]


def test_analysis_node_update_from_an_unrelated_realm_is_403(core: Core, foreign: Participation) -> None:
    stranger_realm = core.create("/auth/realms", {"name": name("realm")})
    stranger = core.node_token(core.node(realmId=stranger_realm["id"]))
    response = core.http.post(
        f"/core/analysis-nodes/{foreign[0]['id']}", json={"executionStatus": "failed"}, headers=stranger
    )
    assert response.status_code == 403


def test_locked_analysis_takes_no_new_nodes(core: Core) -> None:
    project = core.project()
    aggregator, default = core.node(type="aggregator"), core.node()
    core.member(project, aggregator)
    core.member(project, default)
    analysis = core.analysis(project)
    core.create("/core/analysis-nodes", {"analysisId": analysis["id"], "nodeId": default["id"]})
    code = core.buckets(analysis)["CODE"]
    core.upload(code["bucketId"], {"main.py": b"print(1)"})
    (entry,) = core.rows("/core/analysis-bucket-files")
    core.http.post(f"/core/analysis-bucket-files/{entry['id']}", json={"root": True}, headers=core.headers)
    command = f"/core/analyses/{analysis['id']}/command"
    assert (
        core.http.post(command, json={"command": "configurationLock"}, headers=core.headers).status_code
        == 202
    )
    late = core.node()
    core.member(project, late)
    # neither a new node nor one already taking part (observed on Hub v0.14.0: the lock is checked
    # before the Hub looks for an existing participation)
    for node in (late, default):
        response = core.http.post(
            "/core/analysis-nodes",
            json={"analysisId": analysis["id"], "nodeId": node["id"]},
            headers=core.headers,
        )
        assert response.status_code == 400 and response.json()["code"] == "bad_request", response.text
        assert "already been locked" in response.json()["message"]
    # Unlock resets every approval, the aggregator's too (as a real Hub v0.14.0 does).
    participations = core.rows("/core/analysis-nodes", **{"filter[analysisId]": analysis["id"]})
    for row in participations:
        core.http.post(
            f"/core/analysis-nodes/{row['id']}", json={"approvalStatus": "approved"}, headers=core.headers
        )
    assert (
        core.http.post(command, json={"command": "configurationUnlock"}, headers=core.headers).status_code
        == 202
    )
    states = {
        row["nodeId"]: row["approvalStatus"]
        for row in core.rows("/core/analysis-nodes", **{"filter[analysisId]": analysis["id"]})
    }
    assert states == {aggregator["id"]: None, default["id"]: None}


def test_a_node_no_longer_in_the_project_is_not_taken_again(core: Core) -> None:
    project, node = core.project(), core.node()
    membership = core.member(project, node)
    analysis = core.analysis(project)
    body = {"analysisId": analysis["id"], "nodeId": node["id"]}
    first = core.create("/core/analysis-nodes", body)
    again = core.http.post("/core/analysis-nodes", json=body, headers=core.headers)
    assert again.status_code == 201 and again.json()["data"]["id"] == first["id"]
    assert (
        core.http.delete(f"/core/project-nodes/{membership['id']}", headers=core.headers).status_code == 202
    )
    # the participation stays, but asking for it again is refused as for a new one (observed)
    assert core.get(f"/core/analysis-nodes/{first['id']}")["id"] == first["id"]
    refused = core.http.post("/core/analysis-nodes", json=body, headers=core.headers)
    assert refused.status_code == 404 and refused.json()["code"] == "entity_not_found", refused.text
    assert refused.json()["message"] == "The referenced node is not part of the analysis project."


def test_storage_check_recreates_a_missing_bucket(core: Core) -> None:
    analysis = core.analysis(core.project())
    result = core.buckets(analysis)["RESULT"]
    assert core.http.delete(f"/storage/buckets/{result['bucketId']}", headers=core.headers).status_code == 202
    command = f"/core/analyses/{analysis['id']}/command"
    assert core.http.post(command, json={"command": "storageCheck"}, headers=core.headers).status_code == 202
    again = core.buckets(analysis)["RESULT"]
    assert again["id"] == result["id"] and again["bucketId"] != result["bucketId"]
    assert core.get(f"/storage/buckets/analysis-result-files.{analysis['id']}")["id"] == again["bucketId"]


def test_distribution_needs_an_executed_build(core: Core) -> None:
    analysis = core.analysis(core.project())
    for command in ("distributionStart", "distributionCheck", "buildCheck"):
        response = core.http.post(
            f"/core/analyses/{analysis['id']}/command", json={"command": command}, headers=core.headers
        )
        assert response.status_code == 400 and response.json()["code"] == "ANALYSIS_ERROR", command


def test_deleting_an_analysis_bucket_storage_bucket_unregisters_its_files(core: Core) -> None:
    analysis = core.analysis(core.project())
    code = core.buckets(analysis)["CODE"]
    core.upload(code["bucketId"], {"a.py": b"a", "b.py": b"b"})
    assert len(core.rows("/core/analysis-bucket-files")) == 2
    core.http.delete(f"/storage/buckets/{code['bucketId']}", headers=core.headers)
    assert core.rows("/core/analysis-bucket-files") == []


def test_root_flag_drives_the_entrypoint_flag_both_ways(core: Core) -> None:
    analysis = core.analysis(core.project())
    code = core.buckets(analysis)["CODE"]
    (uploaded,) = core.upload(code["bucketId"], {"run.py": b"x"}).json()["data"]
    (entry,) = core.rows("/core/analysis-bucket-files")
    assert entry["realmId"] == uploaded["realmId"] and entry["userId"] == uploaded["actorId"]
    path = f"/core/analysis-bucket-files/{entry['id']}"
    core.http.post(path, json={"root": True}, headers=core.headers)
    assert core.get(f"/core/analyses/{analysis['id']}")["configurationEntrypointValid"] is True
    core.http.delete(f"/storage/bucket-files/{uploaded['id']}", headers=core.headers)
    assert core.get(f"/core/analyses/{analysis['id']}")["configurationEntrypointValid"] is False
