"""Relations via include (core-and-storage.md §2.5/§2.6, auth.md §2.3, observed.md)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance


def test_unset_relation_is_included_as_null(api):
    """observed.md: include=registry on nodes adds "registry": null when unset."""
    node = api.node()
    (row,) = api.list("/core/nodes", params={"include": "registry"})
    assert row["id"] == node["id"]
    assert "registry" in row and row["registry"] is None


def test_set_relation_is_included_as_an_object(api):
    """core-and-storage.md §2.5: included objects appear under the relation name."""
    project = api.project()
    (row,) = api.list("/core/projects", params={"include": "masterImage"})
    assert row["masterImage"]["id"] == project["masterImageId"]


def test_several_relations(api):
    """core-and-storage.md §2.5: include takes a comma list."""
    analysis = api.analysis()
    (row,) = api.list("/core/analyses", params={"include": "project,masterImage"})
    assert row["project"]["id"] == analysis["projectId"]
    assert row["masterImage"]["id"] == analysis["masterImageId"]


def test_record_reads_honour_include(api):
    """core-and-storage.md §2.6: GET /:id honours include on every core record endpoint."""
    analysis = api.analysis()
    data = api.record(f"/core/analyses/{analysis['id']}", params={"include": "project"})
    assert data["project"]["id"] == analysis["projectId"]


def test_relation_outside_the_allow_list_is_ignored(api):
    """core-and-storage.md §2.5/§3.1: nodes allow only registryProject and registry; others are dropped."""
    api.node()
    response = api.get("/core/nodes", params={"include": "realm,project"})
    assert response.status_code == 200
    (row,) = response.json()["data"]
    assert "realm" not in row and "project" not in row


def test_without_include_relations_are_absent(api):
    """core-and-storage.md §2.5: relations appear only when included."""
    api.analysis()
    (row,) = api.list("/core/analyses")
    assert "project" not in row and "masterImage" not in row


def test_storage_bucket_file_includes_bucket(api):
    """core-and-storage.md §4.2: bucket-files include `bucket`."""
    bucket = api.bucket()
    assert api.upload(bucket["id"], {"a.txt": b"a"}).status_code == 201
    (row,) = api.list("/storage/bucket-files", params={"include": "bucket"})
    assert row["bucket"]["id"] == bucket["id"]


def test_authup_user_includes_realm(api):
    """auth.md §3.3: users include `realm`."""
    rows = api.list("/auth/users", params={"include": "realm", "filter[name]": "admin"})
    assert rows[0]["realm"]["name"] == "master"


def test_authup_user_record_honours_include(api):
    """auth.md §2.3: users and clients honour include on GET /{id}."""
    admin = api.record("/auth/users/admin")
    data = api.record(f"/auth/users/{admin['id']}", params={"include": "realm"})
    assert data["realm"]["id"] == admin["realmId"]


def test_authup_permissions_have_no_includable_relations(api):
    """auth.md §3.5: permissions have no includes — include=realm is silently dropped."""
    response = api.get("/auth/permissions", params={"include": "realm", "page[limit]": "3"})
    assert response.status_code == 200
    assert all("realm" not in row for row in response.json()["data"])


def test_authup_junction_includes(api):
    """auth.md §3.8: user-roles include `user` and `role` as nested objects."""
    admin = api.record("/auth/users/admin")
    rows = api.list("/auth/user-roles", params={"filter[userId]": admin["id"], "include": "user,role"})
    assert "admin" in {row["role"]["name"] for row in rows}
    assert {row["user"]["name"] for row in rows} == {"admin"}
