"""Write rules: validation, foreign keys, uniqueness, read-only and unknown keys, partial update
(core-and-storage.md §1.3/§3, auth.md §3.0-§3.8, observed.md)."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.conformance


def issue_paths(response):
    def walk(issues):
        for issue in issues:
            if issue.get("type") == "group":
                yield from walk(issue.get("issues", []))
            else:
                yield issue["path"]

    return list(walk(response.json().get("issues", [])))


def assert_rejected(response, key):
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad_request"
    assert [key] in issue_paths(response), issue_paths(response)


# -- validation (core) -----------------------------------------------------------------------------


def test_node_name_is_required(api):
    """core-and-storage.md §3.1: node name is required on create → 400 naming `name`."""
    assert_rejected(api.post("/core/nodes", json={"hidden": True}), "name")


@pytest.mark.parametrize("name", ["ab", "x" * 129])
def test_node_name_length(api, name):
    """core-and-storage.md §3.1: node name is 3-128 chars."""
    assert_rejected(api.post("/core/nodes", json={"name": name}), "name")


def test_node_name_length_bounds_are_inclusive(api):
    """core-and-storage.md §3.1: 3 and 128 chars are accepted."""
    assert api.post("/core/nodes", json={"name": "abc"}).status_code == 201
    assert api.post("/core/nodes", json={"name": "y" * 128}).status_code == 201


def test_node_type_enum(api):
    """core-and-storage.md §3.1/§3.17: type ∈ {aggregator, default}."""
    assert_rejected(api.post("/core/nodes", json={"name": api.unique_name("n"), "type": "worker"}), "type")


def test_node_type_defaults_to_default(api):
    """core-and-storage.md §3.1: type defaults to `default`, hidden to false, online to false."""
    node = api.node()
    assert (node["type"], node["hidden"], node["online"]) == ("default", False, False)


def test_node_external_name_pattern(api):
    """core-and-storage.md §3.1: externalName is 1-64 chars of ^[a-z0-9-_]*$."""
    response = api.post("/core/nodes", json={"name": api.unique_name("n"), "externalName": "Bad Name!"})
    assert_rejected(response, "externalName")


def test_node_public_key_length(api):
    """core-and-storage.md §3.1: publicKey is 5-4096 chars."""
    response = api.post("/core/nodes", json={"name": api.unique_name("n"), "publicKey": "abc"})
    assert_rejected(response, "publicKey")


def test_project_name_is_lower_cased(api):
    """core-and-storage.md §3.2: project names are trimmed and lower-cased."""
    project = api.create("/core/projects", {"name": "  My-Project  "})
    assert project["name"] == "my-project"


@pytest.mark.parametrize("name", ["has space", "bang!", "ab"])
def test_project_name_rules(api, name):
    """core-and-storage.md §3.2: project names follow authup name rules ([a-z0-9-_.], 3-128)."""
    assert_rejected(api.post("/core/projects", json={"name": name}), "name")


def test_project_name_is_generated_when_omitted(api):
    """core-and-storage.md §3.2: the name is auto-generated (adjective-noun-xxxxxx) if omitted."""
    project = api.create("/core/projects", {})
    assert project["name"]
    assert project["name"] == project["name"].lower()
    assert project["name"].count("-") >= 2


def test_project_description_length(api):
    """core-and-storage.md §3.2: description is 5-4096 chars or null."""
    assert_rejected(api.post("/core/projects", json={"description": "abc"}), "description")
    assert api.post("/core/projects", json={"description": None}).status_code == 201


def test_analysis_project_is_required(api):
    """core-and-storage.md §3.4: projectId is required on create."""
    assert_rejected(api.post("/core/analyses", json={}), "projectId")


def test_analysis_bucket_type_enum(api):
    """core-and-storage.md §3.9: analysis-bucket type ∈ {CODE, RESULT, TEMP}."""
    analysis = api.analysis()
    body = {"type": "OTHER", "bucketId": str(uuid.uuid4()), "analysisId": analysis["id"]}
    assert_rejected(api.post("/core/analysis-buckets", json=body), "type")


def test_registry_required_fields(api):
    """core-and-storage.md §3.11: registry name and host are required."""
    response = api.post("/core/registries", json={})
    assert response.status_code == 400
    paths = issue_paths(response)
    assert ["name"] in paths and ["host"] in paths


def test_registry_host_is_reduced_to_the_hostname(api):
    """core-and-storage.md §3.11: an http(s)://… host is reduced to the hostname."""
    registry = api.create("/core/registries", {"name": "harbor-a", "host": "https://harbor.example.org"})
    assert registry["host"] == "harbor.example.org"


def test_bucket_name_is_required(api):
    """core-and-storage.md §4.1: bucket name (3-256) is required."""
    assert_rejected(api.post("/storage/buckets", json={}), "name")


# -- foreign keys ----------------------------------------------------------------------------------


def test_unknown_project_on_analysis_create_is_entity_relation_invalid(api):
    """core-and-storage.md §1.7: a FK pointing to a missing row → 400 entity_relation_invalid."""
    response = api.post("/core/analyses", json={"projectId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "entity_relation_invalid"


def test_unknown_node_on_project_node_create_is_entity_relation_invalid(api):
    """core-and-storage.md §1.7: FK check on project-nodes."""
    project = api.project()
    response = api.post("/core/project-nodes", json={"projectId": project["id"], "nodeId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "entity_relation_invalid"


def test_unknown_master_image_on_project_is_entity_relation_invalid(api):
    """core-and-storage.md §1.7: FK check on projects.masterImageId."""
    response = api.post("/core/projects", json={"masterImageId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "entity_relation_invalid"
    assert api.get("/core/projects").json()["meta"]["total"] == 0


def test_unknown_realm_on_node_create_is_500(api):
    """observed.md: POST /core/nodes with a random realmId → 500 internal_error "Can't find realm entity by
    realmId"; nothing is stored."""
    response = api.post("/core/nodes", json={"name": api.unique_name("n"), "realmId": str(uuid.uuid4())})
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert response.json()["message"] == "Can't find realm entity by realmId"
    assert api.get("/core/nodes").json()["meta"]["total"] == 0


def test_authup_unknown_role_on_user_role_is_entity_relation_invalid(api):
    """auth.md §3.0: a non-existent related id → 400 entity_relation_invalid."""
    admin = api.record("/auth/users/admin")
    response = api.post("/auth/user-roles", json={"userId": admin["id"], "roleId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "entity_relation_invalid"


def test_authup_unknown_realm_on_role_is_entity_relation_invalid(api):
    """auth.md §3.0: realmId pointing nowhere → 400 entity_relation_invalid."""
    response = api.post("/auth/roles", json={"name": api.unique_name("role"), "realmId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "entity_relation_invalid"


# -- uniqueness ------------------------------------------------------------------------------------


def test_node_name_is_unique_per_realm_only(api):
    """core-and-storage.md §3.1: unique per (name, realmId): the same name in another realm is fine."""
    node = api.node()
    other = api.realm()
    response = api.post("/core/nodes", json={"name": node["name"], "realmId": other["id"]})
    assert response.status_code == 201
    assert response.json()["data"]["realmId"] == other["id"]


def test_project_name_is_globally_unique(api):
    """core-and-storage.md §3.2: project names are globally unique → 409."""
    project = api.project()
    response = api.post("/core/projects", json={"name": project["name"]})
    assert response.status_code == 409
    assert response.json()["code"] == "entity_conflict"


def test_duplicate_project_node_is_409(api):
    """core-and-storage.md §3.3/§6.11: (projectId, nodeId) unique → 409."""
    project, node = api.project(), api.node()
    api.project_node(project["id"], node["id"])
    response = api.post("/core/project-nodes", json={"projectId": project["id"], "nodeId": node["id"]})
    assert response.status_code == 409
    assert response.json()["code"] == "entity_conflict"


def test_analysis_node_create_is_idempotent(api):
    """core-and-storage.md §3.5/§6.11: POST /analysis-nodes returns the existing row (still 201), no 409."""
    analysis = api.analysis()
    node = api.node()
    api.project_node(analysis["projectId"], node["id"])
    first = api.analysis_node(analysis["id"], node["id"])
    second = api.post("/core/analysis-nodes", json={"analysisId": analysis["id"], "nodeId": node["id"]})
    assert second.status_code == 201
    assert second.json()["data"]["id"] == first["id"]


def test_analysis_node_needs_project_membership(api):
    """core-and-storage.md §3.5: the node must be a member of the analysis' project, else 404."""
    analysis = api.analysis()
    node = api.node()
    response = api.post("/core/analysis-nodes", json={"analysisId": analysis["id"], "nodeId": node["id"]})
    assert response.status_code == 404


def test_registry_name_is_unique(api):
    """core-and-storage.md §3.11: registry name unique → 409."""
    registry = api.registry()
    response = api.post("/core/registries", json={"name": registry["name"], "host": "other.example.org"})
    assert response.status_code == 409


def test_authup_duplicate_user_role_is_409(api):
    """auth.md §3.8: duplicate junction pair → 409 entity_conflict."""
    admin = api.record("/auth/users/admin")
    role = api.role()
    api.create("/auth/user-roles", {"userId": admin["id"], "roleId": role["id"]})
    response = api.post("/auth/user-roles", json={"userId": admin["id"], "roleId": role["id"]})
    assert response.status_code == 409
    assert response.json()["code"] == "entity_conflict"


# -- read-only, unknown and snake_case keys --------------------------------------------------------


def test_read_only_keys_are_ignored(api):
    """core-and-storage.md §3 (RO columns) / §6.8: server-owned fields sent in a body are ignored."""
    forged_id = str(uuid.uuid4())
    response = api.post(
        "/core/nodes",
        json={
            "name": api.unique_name("n"),
            "id": forged_id,
            "online": True,
            "robotId": str(uuid.uuid4()),
            "createdAt": "2000-01-01T00:00:00.000Z",
        },
    )
    assert response.status_code == 201
    node = response.json()["data"]
    assert node["id"] != forged_id
    assert node["online"] is False
    assert node["robotId"] is None
    assert node["createdAt"] != "2000-01-01T00:00:00.000Z"


def test_project_counters_are_read_only(api):
    """core-and-storage.md §3.2: nodes/analyses counters are RO."""
    project = api.create("/core/projects", {"name": "counted", "nodes": 7, "analyses": 3})
    assert (project["nodes"], project["analyses"]) == (0, 0)


def test_snake_case_keys_are_ignored(api):
    """observed.md: POST /core/nodes with realm_id → 201, the key is silently ignored and the node lands in
    the caller's realm."""
    other = api.realm()
    response = api.post("/core/nodes", json={"name": api.unique_name("n"), "realm_id": other["id"]})
    assert response.status_code == 201
    assert response.json()["data"]["realmId"] == api.master_realm_id()


def test_unknown_keys_are_dropped(api):
    """core-and-storage.md §1.3: body keys not declared by the validator are silently dropped."""
    response = api.post("/core/nodes", json={"name": api.unique_name("n"), "colour": "blue"})
    assert response.status_code == 201
    assert "colour" not in response.json()["data"]


def test_authup_unknown_and_read_only_keys_are_ignored(api):
    """auth.md §0/§3.0: unknown body keys and read-only fields (builtIn) are silently ignored."""
    response = api.post("/auth/realms", json={"name": api.unique_name("r"), "builtIn": True, "colour": "red"})
    assert response.status_code == 201
    realm = response.json()["data"]
    assert realm["builtIn"] is False
    assert "colour" not in realm


# -- defaults and timestamps -----------------------------------------------------------------------


def test_node_realm_defaults_to_the_callers_realm(api):
    """core-and-storage.md §3.1: realmId defaults to the actor's realm."""
    assert api.node()["realmId"] == api.master_realm_id()


def test_timestamps_are_utc_iso_with_milliseconds(api):
    """core-and-storage.md §1.4: createdAt/updatedAt are toISOString() strings (UTC, ms, Z)."""
    node = api.node()
    for key in ("createdAt", "updatedAt"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", node[key]), node[key]


def test_authup_omitted_realm_means_the_callers_realm(api):
    """auth.md §3.0/§6.13: omitted realmId ⇒ the caller's realm; realmId null ⇒ global."""
    assert api.role()["realmId"] == api.master_realm_id()
    assert api.role(realmId=None)["realmId"] is None


# -- partial update --------------------------------------------------------------------------------


@pytest.mark.fakehub_options(seed=21)
def test_update_is_a_partial_merge(api, hub):
    """core-and-storage.md §1.3: POST /:id changes only the sent keys; updatedAt moves."""
    node = api.node(publicKey="abcdef0123")
    hub.clock.advance(10)
    response = api.post(f"/core/nodes/{node['id']}", json={"hidden": True})
    assert response.status_code == 202
    updated = response.json()["data"]
    assert updated["hidden"] is True
    assert updated["name"] == node["name"]
    assert updated["publicKey"] == node["publicKey"]
    assert updated["createdAt"] == node["createdAt"]
    assert updated["updatedAt"] > node["updatedAt"]
    assert api.record(f"/core/nodes/{node['id']}")["hidden"] is True


def test_update_validates_the_sent_keys(api):
    """core-and-storage.md §3.1: update validators apply to sent keys (name 3-128)."""
    node = api.node()
    assert_rejected(api.post(f"/core/nodes/{node['id']}", json={"name": "x"}), "name")
    assert api.record(f"/core/nodes/{node['id']}")["name"] == node["name"]


def test_null_clears_a_nullable_field(api):
    """auth.md §3.0 / core-and-storage.md §1.3: null clears a nullable field."""
    project = api.project(displayName="Shown")
    response = api.post(f"/core/projects/{project['id']}", json={"displayName": None})
    assert response.status_code == 202
    assert response.json()["data"]["displayName"] is None


def test_node_public_key_non_hex_is_stored_as_hex(api):
    """core-and-storage.md §3.1: non-hex publicKey input is stored as hex of its UTF-8 bytes."""
    node = api.node(publicKey="hello key")
    assert node["publicKey"] == b"hello key".hex()


def test_analysis_names_are_not_unique(api):
    """core-and-storage.md §3.4: analysis name is auto-generated if omitted and not unique."""
    project = api.project()
    first = api.analysis(project["id"], name="same-name")
    second = api.analysis(project["id"], name="same-name")
    assert first["id"] != second["id"]
    assert api.analysis(project["id"])["name"]


def test_analysis_registry_is_immutable_once_set(api):
    """core-and-storage.md §3.4: registryId cannot be changed once set → 400."""
    first, second = api.registry(), api.registry()
    analysis = api.analysis(registryId=first["id"])
    response = api.post(f"/core/analyses/{analysis['id']}", json={"registryId": second["id"]})
    assert response.status_code == 400
    assert api.record(f"/core/analyses/{analysis['id']}")["registryId"] == first["id"]


def test_registry_delete_nulls_node_registry(api):
    """core-and-storage.md §3.11: deleting a registry nulls registryId on nodes (SET NULL)."""
    registry = api.registry()
    node = api.node(registryId=registry["id"])
    assert api.delete(f"/core/registries/{registry['id']}").status_code == 202
    assert api.record(f"/core/nodes/{node['id']}")["registryId"] is None


def test_node_realm_is_not_updatable(api):
    """core-and-storage.md §3.1: realmId is not updatable."""
    node = api.node()
    other = api.realm()
    api.post(f"/core/nodes/{node['id']}", json={"realmId": other["id"]})
    assert api.record(f"/core/nodes/{node['id']}")["realmId"] == node["realmId"]


def test_analysis_project_is_not_updatable(api):
    """core-and-storage.md §3.4: projectId is not updatable."""
    analysis = api.analysis()
    other = api.project()
    api.post(f"/core/analyses/{analysis['id']}", json={"projectId": other["id"]})
    assert api.record(f"/core/analyses/{analysis['id']}")["projectId"] == analysis["projectId"]


# -- authup name rules and specifics ---------------------------------------------------------------


def test_authup_names_are_lower_cased(api):
    """auth.md §3.0: names are trimmed and lower-cased."""
    realm = api.create("/auth/realms", {"name": "  MixedCase-Realm "})
    assert realm["name"] == "mixedcase-realm"


@pytest.mark.parametrize("name", ["ab", "has space", "bad/char", "x" * 129])
def test_authup_name_rules(api, name):
    """auth.md §3.0: names are 3-128 chars of [a-z0-9-_.]."""
    assert_rejected(api.post("/auth/realms", json={"name": name}), "name")


def test_authup_description_minimum(api):
    """auth.md §3.0: description is 5-4096 chars or null (send null, not "")."""
    assert_rejected(
        api.post("/auth/realms", json={"name": api.unique_name("r"), "description": ""}), "description"
    )


@pytest.mark.parametrize("prefix", ["bot", "system", "everyone", "here"])
def test_authup_reserved_user_name_prefixes(api, prefix):
    """auth.md §3.3: user names starting with bot/system/everyone/here are rejected."""
    response = api.post(
        "/auth/users",
        json={"name": f"{prefix}-person", "email": "p@example.com", "password": "long-enough-pw"},
    )
    assert_rejected(response, "name")


def test_authup_user_email_is_required(api):
    """auth.md §3.3: email is required on create."""
    assert_rejected(api.post("/auth/users", json={"name": "no-mail", "password": "long-enough-pw"}), "email")


def test_authup_user_password_never_comes_back_in_plaintext(api):
    """observed.md: POST /auth/users answers data.password with the bcrypt hash, never the plaintext."""
    user = api.user(password="plaintext-password")
    assert user.get("password") != "plaintext-password"
    assert "password" not in api.record(f"/auth/users/{user['id']}")


def test_authup_generated_client_secret(api):
    """auth.md §3.7: authMethod secret without a secret → the server generates a 64-character secret,
    returned in the create response."""
    client = api.create("/auth/clients", {"name": api.unique_name("c"), "authMethod": "secret"})
    assert isinstance(client["secret"], str) and len(client["secret"]) == 64


def test_authup_client_defaults(api):
    """auth.md §3.7: authMethod defaults to "none", active true, displayName defaults to name."""
    client = api.create("/auth/clients", {"name": api.unique_name("c")})
    assert client["authMethod"] == "none"
    assert client["active"] is True


def test_authup_partial_update(api):
    """auth.md §3.0: POST /{id} is a partial merge."""
    realm = api.realm(displayName="Before")
    response = api.post(f"/auth/realms/{realm['id']}", json={"description": "A longer description"})
    assert response.status_code == 202
    data = response.json()["data"]
    assert (data["name"], data["displayName"]) == (realm["name"], "Before")
    assert data["description"] == "A longer description"


def test_authup_update_of_missing_record_is_404(api):
    """auth.md §3.0: POST /{id} → 404 if missing."""
    response = api.post(f"/auth/realms/{uuid.uuid4()}", json={"displayName": "Nope"})
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"


def test_authup_put_upserts(api):
    """auth.md §3.0: PUT /{name} creates (201) when missing, then merges (202)."""
    created = api.request("PUT", "/auth/realms/upserted", json={"name": "upserted"})
    assert created.status_code == 201
    updated = api.request("PUT", "/auth/realms/upserted", json={"displayName": "Merged"})
    assert updated.status_code == 202
    assert updated.json()["data"]["id"] == created.json()["data"]["id"]
    assert updated.json()["data"]["displayName"] == "Merged"


def test_authup_put_with_missing_uuid_is_404(api):
    """auth.md §3.0: PUT with a UUID that does not exist → 404."""
    response = api.request("PUT", f"/auth/realms/{uuid.uuid4()}", json={"name": "ghost-realm"})
    assert response.status_code == 404


def test_authup_get_by_name(api):
    """auth.md §2.4: realms/users/clients/roles/permissions/scopes accept a UUID or a name."""
    for path in ("/auth/realms/master", "/auth/users/admin", "/auth/roles/admin", "/auth/scopes/global"):
        assert api.get(path).status_code == 200, path
    assert api.record("/auth/permissions/node_create")["name"] == "node_create"


def test_authup_realm_nested_create_forces_the_realm(api):
    """auth.md §2.4: /realms/{realm}/users forces the realm into the body's realmId on create."""
    realm = api.realm()
    response = api.post(
        f"/auth/realms/{realm['name']}/users",
        json={"name": "nested-user", "email": "nested@example.com", "password": "long-enough-pw"},
    )
    assert response.status_code == 201
    assert response.json()["data"]["realmId"] == realm["id"]


def test_authup_uuid_shaped_name_is_read_as_an_id(api):
    """auth.md §2.4: a UUID-shaped value is always treated as an id: a node's client (named after the node
    id) is not found under the node id."""
    node = api.node()
    assert api.record(f"/auth/clients/{node['clientId']}")["name"] == node["id"]
    assert api.get(f"/auth/clients/{node['id']}").status_code == 404


def test_authup_realm_nested_list_is_not_filtered(api):
    """auth.md §2.4: the realm-nested alias does not filter list results."""
    realm = api.realm()
    names = {row["name"] for row in api.list(f"/auth/realms/{realm['name']}/users")}
    assert "admin" in names


def test_authup_user_name_locked_by_default(api):
    """auth.md §3.3: nameLocked defaults to true; a rename is ignored unless the same request sends
    nameLocked: false."""
    user = api.user(name="locked-name")
    assert user["nameLocked"] is True
    api.post(f"/auth/users/{user['id']}", json={"name": "renamed-user"})
    assert api.record(f"/auth/users/{user['id']}")["name"] == "locked-name"
    response = api.post(f"/auth/users/{user['id']}", json={"name": "renamed-user", "nameLocked": False})
    assert response.status_code == 202
    assert api.record(f"/auth/users/{user['id']}")["name"] == "renamed-user"


def test_authup_display_name_defaults_to_name(api):
    """auth.md §3.3/§3.7: user and client displayName default to the name."""
    user = api.user(name="shown-user")
    client = api.client(name="shown-client")
    assert user["displayName"] == "shown-user"
    assert client["displayName"] == "shown-client"


def test_authup_cannot_delete_yourself(api):
    """auth.md §3.3: you cannot delete yourself (400)."""
    admin = api.record("/auth/users/admin")
    assert api.delete(f"/auth/users/{admin['id']}").status_code == 400
    assert api.get(f"/auth/users/{admin['id']}").status_code == 200


def test_authup_master_cannot_be_renamed(api):
    """auth.md §3.2: master cannot be renamed."""
    api.post(f"/auth/realms/{api.master_realm_id()}", json={"name": "renamed-master"})
    assert api.get("/auth/realms/master").status_code == 200
    assert api.get("/auth/realms/renamed-master").status_code == 404


def test_authup_realm_delete_cascades(api):
    """auth.md §3.2: deleting a realm cascades to its users, clients and roles."""
    realm = api.realm()
    user = api.user(realmId=realm["id"])
    client = api.client(realmId=realm["id"])
    role = api.role(realmId=realm["id"])
    assert api.delete(f"/auth/realms/{realm['id']}").status_code == 202
    for path in (f"/auth/users/{user['id']}", f"/auth/clients/{client['id']}", f"/auth/roles/{role['id']}"):
        assert api.get(path).status_code == 404, path


def test_authup_new_permission_is_granted_to_admin(api):
    """auth.md §3.5: a new permission is granted to the global admin role (realmScope any)."""
    permission = api.permission(realmId=None)
    role = api.record("/auth/roles/admin")
    rows = api.list(
        "/auth/role-permissions",
        params={"filter[roleId]": role["id"], "filter[permissionId]": permission["id"]},
    )
    assert len(rows) == 1
    assert rows[0]["realmScope"] == "any"


def test_authup_switching_auth_method_clears_the_secret(api):
    """auth.md §3.7: switching authMethod away from "secret" clears secret."""
    client = api.client(secret="to-be-cleared")
    assert api.post(f"/auth/clients/{client['id']}", json={"authMethod": "none"}).status_code == 202
    data = api.get(f"/auth/clients/{client['id']}?fields=%2Bsecret").json()["data"]
    assert data["secret"] is None


def test_authup_junction_realm_ids_are_copied(api):
    """auth.md §3.8: *RealmId fields are RO, copied from the referenced rows; realmScope defaults to own."""
    client = api.client()
    permission = api.permission(realmId=None)
    binding = api.create(
        "/auth/client-permissions",
        {"clientId": client["id"], "permissionId": permission["id"], "clientRealmId": "ignored"},
    )
    assert binding["clientRealmId"] == client["realmId"]
    assert binding["permissionRealmId"] is None
    assert binding["realmScope"] == "own"


def test_authup_built_in_permission_cannot_be_deleted(api):
    """auth.md §3.5: built-in permissions cannot be deleted (400)."""
    permission = api.record("/auth/permissions/realm_create")
    assert api.delete(f"/auth/permissions/{permission['id']}").status_code == 400


def test_authup_admin_role_cannot_be_deleted(api):
    """auth.md §3.4: the built-in admin role cannot be deleted (400)."""
    role = api.record("/auth/roles/admin")
    assert api.delete(f"/auth/roles/{role['id']}").status_code == 400
