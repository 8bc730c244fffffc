"""Response envelopes (core-and-storage.md §1.5/§1.6, auth.md §2.1, observed.md).

This module runs twice: over the in-process transport and over the loopback server (a real socket),
so that both ways of running FakeHub answer with the same bytes-level shapes.
"""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.parametrize("transport_kind", ["in-process", "loopback"], indirect=True),
]

COLLECTION_SCHEMA_KEYS = {
    "name",
    "strict",
    "indexes",
    "fields",
    "filters",
    "pagination",
    "relations",
    "sorts",
}
RECORD_SCHEMA_KEYS = {"name", "strict", "indexes", "fields", "relations"}


def test_core_collection_envelope(api):
    """core-and-storage.md §1.5 list: 200 {data: [...], meta: {total, limit, offset, schema}}."""
    api.node()
    response = api.get("/core/nodes")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert isinstance(body["data"], list) and len(body["data"]) == 1
    assert set(body["meta"]) == {"total", "limit", "offset", "schema"}
    assert (body["meta"]["total"], body["meta"]["limit"], body["meta"]["offset"]) == (1, 50, 0)


def test_core_collection_schema_describes_full_vocabulary(api):
    """core-and-storage.md §1.6: collections carry the full SchemaDescription keys."""
    schema = api.get("/core/nodes").json()["meta"]["schema"]
    assert set(schema) == COLLECTION_SCHEMA_KEYS
    assert schema["strict"] is True
    assert schema["pagination"]["maxLimit"] == 50


@pytest.mark.parametrize(
    ("path", "domain"),
    [
        ("/core/nodes", "node"),
        ("/core/projects", "project"),
        ("/core/project-nodes", "projectNode"),
        ("/core/analyses", "analysis"),
        ("/core/analysis-buckets", "analysisBucket"),
        ("/core/master-images", "masterImage"),
        ("/core/master-image-groups", "masterImageGroup"),
        ("/storage/buckets", "bucket"),
        ("/storage/bucket-files", "bucketFile"),
    ],
)
def test_core_schema_name_is_the_domain_type(api, path, domain):
    """core-and-storage.md §3.17 DomainType: meta.schema.name is the resource's domain type."""
    assert api.get(path).json()["meta"]["schema"]["name"] == domain


def test_core_record_envelope_carries_only_schema(api):
    """core-and-storage.md §1.5/§1.6: get one → {data, meta: {schema}}; record schema lacks
    filters/pagination/sorts."""
    node = api.node()
    response = api.get(f"/core/nodes/{node['id']}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["data"]["id"] == node["id"]
    assert set(body["meta"]) == {"schema"}
    assert set(body["meta"]["schema"]) == RECORD_SCHEMA_KEYS


def test_core_create_is_201_with_empty_meta(api):
    """core-and-storage.md §1.5: create → 201 {data, meta: {}} (meta exactly {}, never omitted)."""
    response = api.post("/core/nodes", json={"name": api.unique_name("node")})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {}
    assert body["data"]["id"]


def test_core_update_is_202_with_empty_meta(api):
    """core-and-storage.md §1.5: update POST /:id → 202 {data: updated, meta: {}}."""
    node = api.node()
    response = api.post(f"/core/nodes/{node['id']}", json={"hidden": True})
    assert response.status_code == 202
    body = response.json()
    assert body["meta"] == {}
    assert body["data"]["id"] == node["id"] and body["data"]["hidden"] is True


def test_core_delete_is_202_with_the_deleted_row(api):
    """core-and-storage.md §1.5: delete → 202 {data: deleted row with its id, meta: {}}."""
    node = api.node()
    response = api.delete(f"/core/nodes/{node['id']}")
    assert response.status_code == 202
    body = response.json()
    assert body["meta"] == {}
    assert body["data"]["id"] == node["id"]
    assert body["data"]["name"] == node["name"]


def test_analysis_command_is_202_with_the_analysis(api):
    """core-and-storage.md §3.4.1: POST /analyses/:id/command → 202 {data: analysis, meta: {}}."""
    analysis = api.analysis()
    response = api.post(f"/core/analyses/{analysis['id']}/command", json={"command": "storageCheck"})
    assert response.status_code == 202
    body = response.json()
    assert body["meta"] == {}
    assert body["data"]["id"] == analysis["id"]


def test_master_image_sync_command_is_202_with_null_data(api):
    """core-and-storage.md §3.13: POST /master-images/command {command: sync} → 202 {data: null, meta: {}}."""
    response = api.post("/core/master-images/command", json={"command": "sync"})
    assert response.status_code == 202
    assert response.json() == {"data": None, "meta": {}}


def test_storage_bucket_envelopes(api):
    """core-and-storage.md §4: storage uses the same envelopes (create 201 meta {},
    get {data, meta: {schema}})."""
    response = api.post("/storage/buckets", json={"name": api.unique_name("bucket")})
    assert response.status_code == 201
    assert response.json()["meta"] == {}
    bucket_id = response.json()["data"]["id"]
    body = api.get(f"/storage/buckets/{bucket_id}").json()
    assert body["data"]["id"] == bucket_id
    assert set(body["meta"]) == {"schema"}


def test_node_client_credentials_are_flat(api):
    """core-and-storage.md §1.5/§3.1.1: GET /nodes/:id/client/credentials → flat
    {id, name, displayName, secret}."""
    node = api.node()
    response = api.get(f"/core/nodes/{node['id']}/client/credentials")
    assert response.status_code == 200
    assert set(response.json()) == {"id", "name", "displayName", "secret"}
    assert response.json()["id"] == node["clientId"]


def test_core_root_is_flat_and_public(api):
    """core-and-storage.md §1.1: GET / (no auth) → flat {version, timestamp}."""
    response = api.get("/core/", token=None)
    assert response.status_code == 200
    assert {"version", "timestamp"} <= set(response.json())
    assert "data" not in response.json()


def test_authup_root_reports_the_version(api):
    """auth.md §0: GET / → 200 {version: "1.0.0-beta.62", ...} without auth."""
    response = api.get("/auth/", token=None)
    assert response.status_code == 200
    assert response.json()["version"] == "1.0.0-beta.62"


def test_authup_collection_envelope(api):
    """auth.md §2.1: GET /<collection> → {data: [...], meta: {total, limit, offset, schema}}."""
    body = api.get("/auth/realms").json()
    assert set(body) == {"data", "meta"}
    assert set(body["meta"]) == {"total", "limit", "offset", "schema"}
    assert body["meta"]["total"] == len(body["data"]) >= 1
    assert (body["meta"]["limit"], body["meta"]["offset"]) == (50, 0)


def test_authup_wraps_single_records(api):
    """observed.md: GET /auth/realms/master → 200 {data: {...}, meta: {schema}} (enveloped since beta.57)."""
    response = api.get("/auth/realms/master")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["data"]["name"] == "master"
    assert set(body["meta"]) == {"schema"}


def test_authup_create_update_delete_envelopes(api):
    """auth.md §2.1: create 201, update 202, delete 202 with the deleted record; meta {} on each."""
    created = api.post("/auth/realms", json={"name": api.unique_name("realm")})
    assert created.status_code == 201
    assert created.json()["meta"] == {}
    realm = created.json()["data"]

    updated = api.post(f"/auth/realms/{realm['id']}", json={"displayName": "Renamed realm"})
    assert updated.status_code == 202
    assert updated.json()["meta"] == {}
    assert updated.json()["data"]["displayName"] == "Renamed realm"

    deleted = api.delete(f"/auth/realms/{realm['id']}")
    assert deleted.status_code == 202
    assert deleted.json()["meta"] == {}
    assert deleted.json()["data"]["id"] == realm["id"]


def test_token_response_is_not_enveloped(api):
    """auth.md §2.1 exceptions / observed.md: the token endpoint answers a bare OAuth2 token object."""
    body = api.token(grant_type="password", username="admin", password="start123").json()
    assert "data" not in body
    assert body["token_type"] == "Bearer"
