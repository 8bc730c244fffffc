"""Server-side effects a client can observe (core-and-storage.md §3.1-§3.10/§4.3, auth.md §4.2)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.conformance


def analysis_bucket_files(api, analysis_id, expected=1):
    def probe():
        rows = api.list("/core/analysis-bucket-files", params={"filter[analysisId]": analysis_id})
        return rows if len(rows) >= expected else None

    return api.wait_for(probe) or []


@pytest.fixture
def lockable(api):
    """An analysis that meets every configurationLock precondition (core-and-storage.md §3.4.1):
    a default node, an aggregator node, a root code file and a master image."""
    project = api.project()
    aggregator = api.node(type="aggregator")
    default = api.node(type="default")
    api.project_node(project["id"], aggregator["id"])
    api.project_node(project["id"], default["id"])
    analysis = api.analysis(project["id"])
    api.analysis_node(analysis["id"], default["id"])
    code = api.analysis_buckets(analysis["id"])["CODE"]
    assert api.upload(code["bucketId"], {"main.py": b"print('hello')\n"}).status_code == 201
    (entry,) = analysis_bucket_files(api, analysis["id"])
    response = api.post(f"/core/analysis-bucket-files/{entry['id']}", json={"root": True})
    assert response.status_code == 202
    return {"analysis": analysis, "aggregator": aggregator, "default": default}


def command(api, analysis_id, name):
    return api.post(f"/core/analyses/{analysis_id}/command", json={"command": name})


# -- nodes and their authup clients ----------------------------------------------------------------


def test_node_gets_an_auth_client(api):
    """auth.md §4.2 / core-and-storage.md §3.1: a new node gets an authup client named after the node id,
    in the node's realm, and node.clientId points to it."""
    node = api.node()
    assert node["clientId"]
    client = api.record(f"/auth/clients/{node['clientId']}")
    assert client["name"] == node["id"]
    assert client["realmId"] == node["realmId"]


def test_node_credentials_work_at_the_token_endpoint(api):
    """auth.md §4.2: the secret from GET /core/nodes/:id/client/credentials logs the node in."""
    node = api.node()
    token = api.node_client_token(node["id"])
    assert api.get("/auth/clients/@me", token=token).json()["data"]["id"] == node["clientId"]


def test_node_credentials_rotation(api):
    """core-and-storage.md §3.1.1: POST …/client/credentials without a secret rotates to a random 64-hex
    plaintext secret; the old secret stops working."""
    node = api.node()
    old = api.node_credentials(node["id"])
    response = api.post(f"/core/nodes/{node['id']}/client/credentials", json={})
    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"id", "name", "displayName", "secret"}
    assert re.fullmatch(r"[0-9a-f]{64}", new["secret"])
    assert new["secret"] != old["secret"]
    stale = api.token(grant_type="client_credentials", client_id=old["id"], client_secret=old["secret"])
    assert stale.status_code == 401
    assert api.client_token(new["id"], new["secret"])


def test_node_credentials_set_a_chosen_secret(api):
    """core-and-storage.md §3.1.1: POST …/client/credentials {secret} writes that plaintext secret."""
    node = api.node()
    response = api.post(f"/core/nodes/{node['id']}/client/credentials", json={"secret": "chosen-secret-1"})
    assert response.json()["secret"] == "chosen-secret-1"
    assert api.client_token(node["clientId"], "chosen-secret-1")


def test_node_delete_removes_its_client(api):
    """auth.md §4.2: on node deletion core deletes the node's authup client."""
    node = api.node()
    assert api.delete(f"/core/nodes/{node['id']}").status_code == 202
    assert api.get(f"/auth/clients/{node['clientId']}").status_code == 404


def test_node_without_registry_has_no_registry_credentials(api):
    """core-and-storage.md §3.1.1: 400 "The node has no client/registry project provisioned yet."."""
    node = api.node()
    response = api.get(f"/core/nodes/{node['id']}/registry/credentials")
    assert response.status_code == 400


# -- project counters and approvals ----------------------------------------------------------------


def test_project_nodes_counter(api):
    """core-and-storage.md §3.3: POST /project-nodes increments project.nodes, DELETE decrements it."""
    project, node = api.project(), api.node()
    membership = api.project_node(project["id"], node["id"])
    assert api.record(f"/core/projects/{project['id']}")["nodes"] == 1
    assert api.delete(f"/core/project-nodes/{membership['id']}").status_code == 202
    assert api.record(f"/core/projects/{project['id']}")["nodes"] == 0


def test_project_analyses_counter(api):
    """core-and-storage.md §3.2/§3.4: project.analyses counts analyses; deleting one recounts."""
    project = api.project()
    analysis = api.analysis(project["id"])
    api.analysis(project["id"])
    assert api.record(f"/core/projects/{project['id']}")["analyses"] == 2
    assert api.delete(f"/core/analyses/{analysis['id']}").status_code == 202
    assert api.record(f"/core/projects/{project['id']}")["analyses"] == 1


def test_project_node_approval_defaults(api):
    """core-and-storage.md §3.3: approvalStatus null = pending; aggregator nodes are auto-approved;
    projectRealmId/nodeRealmId copied."""
    project = api.project()
    aggregator, default = api.node(type="aggregator"), api.node()
    approved = api.project_node(project["id"], aggregator["id"])
    pending = api.project_node(project["id"], default["id"])
    assert approved["approvalStatus"] == "approved"
    assert pending["approvalStatus"] is None
    assert pending["projectRealmId"] == project["realmId"]
    assert pending["nodeRealmId"] == default["realmId"]


def test_project_node_approval_update(api):
    """core-and-storage.md §3.3/§6.10: POST /project-nodes/:id {approvalStatus} by the node's realm."""
    project, node = api.project(), api.node()
    membership = api.project_node(project["id"], node["id"])
    response = api.post(f"/core/project-nodes/{membership['id']}", json={"approvalStatus": "rejected"})
    assert response.status_code == 202
    assert response.json()["data"]["approvalStatus"] == "rejected"


# -- analyses --------------------------------------------------------------------------------------


def test_analysis_gets_code_result_temp_buckets(api):
    """core-and-storage.md §3.4/§3.9: a new analysis gets CODE/RESULT/TEMP buckets named
    analysis-{code,result,temp}-files.<analysisId> in storage."""
    analysis = api.analysis()
    buckets = api.analysis_buckets(analysis["id"])
    assert set(buckets) == {"CODE", "RESULT", "TEMP"}
    for kind, prefix in (
        ("CODE", "analysis-code-files"),
        ("RESULT", "analysis-result-files"),
        ("TEMP", "analysis-temp-files"),
    ):
        storage = api.record(f"/storage/buckets/{prefix}.{analysis['id']}")
        assert storage["id"] == buckets[kind]["bucketId"]
        assert buckets[kind]["realmId"] == analysis["realmId"]


def test_analysis_gets_an_auth_client(api):
    """core-and-storage.md §3.4/§3.4.2: an analysis gets an authup client; credentials are flat."""
    analysis = api.analysis()
    assert analysis["clientId"]
    response = api.get(f"/core/analyses/{analysis['id']}/client/credentials")
    assert response.status_code == 200
    assert set(response.json()) == {"id", "name", "displayName", "secret"}
    assert response.json()["id"] == analysis["clientId"]
    assert response.json()["name"] == analysis["id"]


def test_analysis_inherits_the_project_master_image_and_realm(api):
    """core-and-storage.md §3.4: masterImageId defaults to the project's; realmId = project realm."""
    project = api.project()
    analysis = api.analysis(project["id"])
    assert analysis["masterImageId"] == project["masterImageId"]
    assert analysis["realmId"] == project["realmId"]


def test_changing_the_master_image_resets_command_arguments(api):
    """core-and-storage.md §3.4: changing masterImageId resets imageCommandArguments to null."""
    images = api.ids("/core/master-images")
    assert len(images) >= 2
    analysis = api.analysis(masterImageId=images[0], imageCommandArguments=[{"value": "--flag"}])
    assert analysis["imageCommandArguments"][0]["value"] == "--flag"
    response = api.post(f"/core/analyses/{analysis['id']}", json={"masterImageId": images[1]})
    assert response.json()["data"]["imageCommandArguments"] is None


def test_approved_project_nodes_become_analysis_nodes(api):
    """core-and-storage.md §3.4: on create every approved project-node is assigned as an analysis-node."""
    project = api.project()
    aggregator, default = api.node(type="aggregator"), api.node()
    api.project_node(project["id"], aggregator["id"])
    api.project_node(project["id"], default["id"])
    analysis = api.analysis(project["id"])
    rows = api.list("/core/analysis-nodes", params={"filter[analysisId]": analysis["id"]})
    assert [row["nodeId"] for row in rows] == [aggregator["id"]]
    assert rows[0]["approvalStatus"] == "approved"  # aggregator nodes are auto-approved
    assert api.record(f"/core/analyses/{analysis['id']}")["nodes"] == 1


def test_upload_into_an_analysis_bucket_registers_the_file(api):
    """core-and-storage.md §3.10/§4.3: uploading into an analysis bucket creates an analysis-bucket-file."""
    analysis = api.analysis()
    code = api.analysis_buckets(analysis["id"])["CODE"]
    uploaded = api.upload(code["bucketId"], {"src/main.py": b"x = 1\n"}).json()["data"][0]
    (entry,) = analysis_bucket_files(api, analysis["id"])
    assert entry["path"] == "src/main.py"
    assert entry["bucketFileId"] == uploaded["id"]
    assert entry["bucketId"] == code["bucketId"]
    assert entry["analysisBucketId"] == code["id"]
    assert entry["analysisId"] == analysis["id"]
    assert entry["root"] is False


def test_upload_into_a_plain_bucket_registers_nothing(api):
    """core-and-storage.md §3.10: only buckets that belong to an analysis bucket produce rows."""
    api.analysis()
    bucket = api.bucket()
    assert api.upload(bucket["id"], {"a.txt": b"a"}).status_code == 201
    assert api.get("/core/analysis-bucket-files").json()["meta"]["total"] == 0


def test_deleting_the_storage_file_removes_the_analysis_bucket_file(api):
    """core-and-storage.md §3.10: rows are removed when the storage file is deleted."""
    analysis = api.analysis()
    code = api.analysis_buckets(analysis["id"])["CODE"]
    uploaded = api.upload(code["bucketId"], {"main.py": b"x"}).json()["data"][0]
    analysis_bucket_files(api, analysis["id"])
    assert api.delete(f"/storage/bucket-files/{uploaded['id']}").status_code == 202
    gone = api.wait_for(lambda: api.get("/core/analysis-bucket-files").json()["meta"]["total"] == 0)
    assert gone


def test_root_file_makes_the_entrypoint_valid(api, lockable):
    """core-and-storage.md §3.10: `root` drives analysis.configurationEntrypointValid."""
    analysis = api.record(f"/core/analyses/{lockable['analysis']['id']}")
    assert analysis["configurationEntrypointValid"] is True


def test_configuration_lock_and_unlock(api, lockable):
    """core-and-storage.md §3.4.1: configurationLock → configurationLocked true;
    configurationUnlock → false."""
    analysis_id = lockable["analysis"]["id"]
    locked = command(api, analysis_id, "configurationLock")
    assert locked.status_code == 202
    assert locked.json()["data"]["configurationLocked"] is True
    unlocked = command(api, analysis_id, "configurationUnlock")
    assert unlocked.status_code == 202
    assert unlocked.json()["data"]["configurationLocked"] is False


def test_configuration_lock_twice_is_an_analysis_error(api, lockable):
    """core-and-storage.md §3.4.1/§1.7: a failed precondition (already locked) → 400 code ANALYSIS_ERROR."""
    analysis_id = lockable["analysis"]["id"]
    assert command(api, analysis_id, "configurationLock").status_code == 202
    response = command(api, analysis_id, "configurationLock")
    assert response.status_code == 400
    assert response.json()["code"] == "ANALYSIS_ERROR"


def test_configuration_lock_needs_an_entrypoint_and_nodes(api):
    """core-and-storage.md §3.4.1: configurationLock without nodes or entrypoint → 400 ANALYSIS_ERROR."""
    analysis = api.analysis()
    response = command(api, analysis["id"], "configurationLock")
    assert response.status_code == 400
    assert response.json()["code"] == "ANALYSIS_ERROR"
    assert api.record(f"/core/analyses/{analysis['id']}")["configurationLocked"] is False


def test_unlock_when_not_locked_is_an_analysis_error(api):
    """core-and-storage.md §3.4.1: configurationUnlock requires a lock."""
    analysis = api.analysis()
    response = command(api, analysis["id"], "configurationUnlock")
    assert response.status_code == 400
    assert response.json()["code"] == "ANALYSIS_ERROR"


def test_unknown_analysis_command_is_400(api):
    """core-and-storage.md §3.4.1: unknown command → 400 "Invalid command."."""
    analysis = api.analysis()
    response = command(api, analysis["id"], "selfDestruct")
    assert response.status_code == 400


def test_build_start_after_lock_and_approval(api, lockable):
    """core-and-storage.md §3.4.1/§3.5: with every node approved and the configuration locked,
    buildStart → buildStatus "starting"."""
    analysis_id = lockable["analysis"]["id"]
    rows = api.list("/core/analysis-nodes", params={"filter[analysisId]": analysis_id})
    for row in rows:
        if row["approvalStatus"] != "approved":
            response = api.post(f"/core/analysis-nodes/{row['id']}", json={"approvalStatus": "approved"})
            assert response.status_code == 202
    assert command(api, analysis_id, "configurationLock").status_code == 202
    response = command(api, analysis_id, "buildStart")
    assert response.status_code == 202
    assert response.json()["data"]["buildStatus"] == "starting"


def test_build_start_without_lock_is_an_analysis_error(api):
    """core-and-storage.md §3.4.1: buildStart requires a locked configuration."""
    analysis = api.analysis()
    response = command(api, analysis["id"], "buildStart")
    assert response.status_code == 400
    assert response.json()["code"] == "ANALYSIS_ERROR"


def test_analysis_delete_removes_its_buckets(api):
    """core-and-storage.md §3.4: deleting an analysis deletes its storage buckets; the response includes
    `project`."""
    analysis = api.analysis()
    api.analysis_buckets(analysis["id"])
    response = api.delete(f"/core/analyses/{analysis['id']}")
    assert response.status_code == 202
    assert response.json()["data"]["project"]["id"] == analysis["projectId"]
    gone = api.wait_for(
        lambda: api.get(f"/storage/buckets/analysis-code-files.{analysis['id']}").status_code == 404
    )
    assert gone


def test_master_image_build_command(api):
    """core-and-storage.md §3.13: {command: build, id} → 202 record with buildStatus "starting"."""
    image_id = api.master_image_id()
    response = api.post("/core/master-images/command", json={"command": "build", "id": image_id})
    assert response.status_code == 202
    assert response.json()["data"]["id"] == image_id
    assert response.json()["data"]["buildStatus"] == "starting"


def test_unknown_master_image_command_is_400(api):
    """core-and-storage.md §3.13: unknown command → 400."""
    assert api.post("/core/master-images/command", json={"command": "explode"}).status_code == 400


def test_analysis_client_permissions(api):
    """core-and-storage.md §3.4.3: POST /analyses/:id/client/permissions accepts only
    analysis_self_storage_use / analysis_self_message_broker_use (else 403); GET lists them."""
    analysis = api.analysis()
    allowed = api.record("/auth/permissions/analysis_self_storage_use")
    other = api.record("/auth/permissions/node_create")
    path = f"/core/analyses/{analysis['id']}/client/permissions"
    assert api.post(path, json={"permissionId": other["id"]}).status_code == 403
    created = api.post(path, json={"permissionId": allowed["id"]})
    assert created.status_code == 201
    listing = api.get(path).json()
    assert "schema" not in listing["meta"]
    assert allowed["id"] in {row["permissionId"] for row in listing["data"]}
    assert api.delete(f"{path}/{allowed['id']}").status_code == 202
