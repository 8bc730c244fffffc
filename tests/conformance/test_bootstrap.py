"""What a fresh Hub contains (auth.md §4.1, core-and-storage.md §3.13/§3.14, issue 3 deliverable 2)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance

APPENDIX_A_SAMPLE = {
    "client_create",
    "client_permission_read",
    "permission_create",
    "realm_create",
    "realm_delete",
    "role_permission_create",
    "scope_read",
    "user_create",
    "user_role_delete",
}
HUB_PERMISSIONS = {
    "node_create",
    "node_update",
    "node_delete",
    "project_create",
    "project_update",
    "project_delete",
    "project_approve",
    "analysis_create",
    "analysis_update",
    "analysis_delete",
    "analysis_approve",
    "registry_manage",
    "registry_project_manage",
    "master_image_manage",
    "master_image_group_manage",
    "bucket_create",
    "bucket_update",
    "bucket_delete",
    "analysis_self_storage_use",
    "analysis_self_message_broker_use",
}


def all_rows(api, path, params=None):
    rows, offset = [], 0
    while True:
        body = api.get(path, params={**(params or {}), "page[offset]": str(offset)}).json()
        rows.extend(body["data"])
        offset += len(body["data"])
        if not body["data"] or offset >= body["meta"]["total"]:
            return rows


def test_master_realm(api):
    """auth.md §4.1: realm master, builtIn true; the only realm of a fresh Hub."""
    realms = api.list("/auth/realms")
    assert [(r["name"], r["builtIn"]) for r in realms] == [("master", True)]


def test_admin_user(api):
    """auth.md §4.1: user admin in master, email admin@example.com, active; logs in with start123."""
    response = api.get("/auth/users/admin?fields=%2Bemail")
    assert response.status_code == 200
    admin = response.json()["data"]
    assert admin["realmId"] == api.master_realm_id()
    assert admin["email"] == "admin@example.com"
    assert admin["active"] is True
    assert api.password_grant()["access_token"]


def test_admin_and_realm_admin_roles(api):
    """auth.md §3.4/§4.1: built-in global roles admin and realm_admin (realmId null)."""
    for name in ("admin", "realm_admin"):
        role = api.record(f"/auth/roles/{name}")
        assert role["builtIn"] is True
        assert role["realmId"] is None


def test_admin_holds_the_admin_role(api):
    """auth.md §4.1: the admin user holds the global role admin."""
    admin = api.record("/auth/users/admin")
    role = api.record("/auth/roles/admin")
    rows = api.list("/auth/user-roles", params={"filter[userId]": admin["id"]})
    assert role["id"] in {row["roleId"] for row in rows}


def test_built_in_permissions(api):
    """auth.md §4.1/Appendix A and core-and-storage.md §3.18: built-in permissions,
    authup's and the Hub's."""
    names = {row["name"] for row in all_rows(api, "/auth/permissions")}
    assert names >= APPENDIX_A_SAMPLE | HUB_PERMISSIONS


def test_admin_role_has_every_permission(api):
    """auth.md §4.1: role admin holds all permissions."""
    role = api.record("/auth/roles/admin")
    permissions = {row["id"] for row in all_rows(api, "/auth/permissions")}
    granted = {
        row["permissionId"] for row in all_rows(api, "/auth/role-permissions", {"filter[roleId]": role["id"]})
    }
    assert granted == permissions


def test_system_client(api):
    """auth.md §4.1: client system in master, confidential, enabled as Hub deployments enable it,
    secret start123 readable with fields=+secret; holds role admin."""
    rows = api.list("/auth/clients", params={"filter[name]": "system"})
    assert len(rows) == 1
    system = rows[0]
    assert system["realmId"] == api.master_realm_id()
    assert system["authMethod"] == "secret"
    assert system["active"] is True
    assert system["builtIn"] is True
    secret = api.get(f"/auth/clients/{system['id']}?fields=%2Bsecret").json()["data"]["secret"]
    assert secret == "start123"
    role = api.record("/auth/roles/admin")
    bindings = api.list("/auth/client-roles", params={"filter[clientId]": system["id"]})
    assert role["id"] in {row["roleId"] for row in bindings}


def test_console_clients(api):
    """auth.md §4.1/§3.7: public built-in clients admin-console and account-console in every realm."""
    master = api.master_realm_id()
    rows = api.list("/auth/clients", params={"filter[realmId]": master, "filter[builtIn]": "true"})
    by_name = {row["name"]: row for row in rows}
    for name in ("admin-console", "account-console"):
        assert by_name[name]["authMethod"] == "none"


def test_new_realm_gets_console_clients(api):
    """auth.md §3.2: creating a realm provisions its admin-console and account-console clients."""
    realm = api.realm()
    rows = api.list("/auth/clients", params={"filter[realmId]": realm["id"]})
    assert {row["name"] for row in rows} >= {"admin-console", "account-console"}


def test_built_in_scopes(api):
    """auth.md §3.6/§4.1: global built-in scopes global, openid, email, roles, identity."""
    rows = api.list("/auth/scopes", params={"filter[builtIn]": "true"})
    assert {row["name"] for row in rows} >= {"global", "openid", "email", "roles", "identity"}
    assert all(row["realmId"] is None for row in rows)


def test_seeded_master_images(api):
    """issue 3 deliverable 2 / core-and-storage.md §3.13: master images are seeded with their RO fields."""
    images = api.list("/core/master-images")
    assert len(images) >= 2
    for image in images:
        assert {
            "id",
            "name",
            "path",
            "virtualPath",
            "groupVirtualPath",
            "command",
            "commandArguments",
        } <= set(image)
        assert {"buildStatus", "buildProgress", "buildHash", "buildSize", "createdAt", "updatedAt"} <= set(
            image
        )


def test_seeded_master_image_groups(api):
    """issue 3 deliverable 2 / core-and-storage.md §3.14: groups with id, name, path, virtualPath."""
    groups = api.list("/core/master-image-groups")
    assert len(groups) >= 1
    for group in groups:
        assert {"id", "name", "path", "virtualPath", "createdAt", "updatedAt"} <= set(group)


def test_an_analysis_can_be_created_on_a_fresh_hub(api):
    """issue 3 deliverable 2: the seed lets an analysis be created right away."""
    project = api.create("/core/projects", {"name": "fresh-project", "masterImageId": api.master_image_id()})
    analysis = api.create("/core/analyses", {"projectId": project["id"]})
    assert analysis["masterImageId"] == project["masterImageId"]


def test_fresh_hub_has_no_core_records(api):
    """core-and-storage.md §3: nodes, projects, analyses, registries, buckets start empty."""
    for path in ("/core/nodes", "/core/projects", "/core/analyses", "/core/registries", "/storage/buckets"):
        assert api.get(path).json()["meta"]["total"] == 0, path
