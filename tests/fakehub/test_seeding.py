"""``FakeHub.bulk_create``: many records through the same create a ``POST`` runs, without HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub import BulkCreateError

VOLATILE = ("id", "name", "clientId", "createdAt", "updatedAt")


def test_a_bulk_node_is_what_post_creates(hub: FakeHub, http: httpx.Client, admin: dict[str, str]) -> None:
    posted = http.post("/core/nodes", json={"name": "via-http"}, headers=admin).json()["data"]
    (bulk,) = hub.bulk_create("core:nodes", [{"name": "via-bulk"}])
    assert set(bulk) == set(posted)
    assert {k: v for k, v in bulk.items() if k not in VOLATILE} == {
        k: v for k, v in posted.items() if k not in VOLATILE
    }
    assert bulk["realmId"] == hub.master_realm_id  # defaulted to the acting admin's realm
    fetched = http.get(f"/core/nodes/{bulk['id']}", headers=admin).json()["data"]
    assert fetched == bulk
    # the effects ran: the node's authup client with its one permission
    client = http.get(f"/auth/clients/{bulk['clientId']}", headers=admin).json()["data"]
    assert client["name"] == bulk["id"]
    grants = http.get("/auth/client-permissions", params={"filter[clientId]": client["id"]}, headers=admin)
    assert grants.json()["meta"]["total"] == 1


def test_bulk_records_are_listed_and_counted(hub: FakeHub, http: httpx.Client, admin: dict[str, str]) -> None:
    created = hub.bulk_create("core:projects", ({"name": f"bulk-project-{i}"} for i in range(120)))
    assert len(created) == 120
    listed = http.get("/core/projects", params={"filter[name]": "bulk-project-~"}, headers=admin).json()
    assert listed["meta"]["total"] == 120
    assert {p["name"] for p in created} == {f"bulk-project-{i}" for i in range(120)}
    assert all(p["userId"] is not None and p["nodes"] == 0 for p in created)  # project hooks ran


def test_returned_records_are_copies(hub: FakeHub) -> None:
    (node,) = hub.bulk_create("core:nodes", [{"name": "copy-me"}])
    node["name"] = "changed"
    stored = hub.table("core:nodes").get(node["id"])
    assert stored is not None and stored["name"] == "copy-me"


def test_validation_unique_and_foreign_keys_apply(hub: FakeHub) -> None:
    with pytest.raises(BulkCreateError) as info:
        hub.bulk_create("core:nodes", [{"name": "fine-1"}, {"name": "x"}, {"name": "fine-2"}])
    assert info.value.index == 1 and info.value.error.code == "bad_request"
    assert "at least 3 characters" in str(info.value)
    assert [n["name"] for n in info.value.created] == ["fine-1"]  # kept: not atomic
    assert hub.table("core:nodes").first(name="fine-2") is None

    with pytest.raises(BulkCreateError) as info:
        hub.bulk_create("core:nodes", [{"name": "twin"}, {"name": "TWIN"}])
    assert info.value.index == 1 and info.value.error.code == "entity_conflict"

    with pytest.raises(BulkCreateError) as info:
        hub.bulk_create(
            "core:nodes", [{"name": "dangling", "registryId": "00000000-0000-4000-8000-000000000000"}]
        )
    assert info.value.error.code == "entity_relation_invalid"


def test_a_refused_row_never_shows_its_secret(hub: FakeHub) -> None:
    with pytest.raises(BulkCreateError) as info:
        hub.bulk_create(
            "auth:users", [{"name": "leaky", "email": "not-an-email", "password": "hunter2-secret"}]
        )
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)


def test_bulk_users_can_log_in(hub: FakeHub, http: httpx.Client) -> None:
    (user,) = hub.bulk_create(
        "auth:users", [{"name": "bulk-user", "email": "b@example.org", "password": "password-123456"}]
    )
    assert "password" not in user or user["password"] != "password-123456"
    token = login(http, username="bulk-user", password="password-123456")["access_token"]
    assert http.get("/auth/users/@me", headers=auth(token)).json()["data"]["id"] == user["id"]


def test_rows_are_created_as_the_given_user_with_its_permissions(hub: FakeHub) -> None:
    hub.bulk_create(
        "auth:users", [{"name": "plain", "email": "p@example.org", "password": "password-123456"}]
    )
    with pytest.raises(BulkCreateError) as info:
        hub.bulk_create("core:nodes", [{"name": "not-allowed"}], as_user="plain")
    assert info.value.error.issues is not None
    assert info.value.error.issues[0]["path"] == ["node_create"]
    with pytest.raises(ValueError, match="no user named 'ghost'"):
        hub.bulk_create("core:nodes", [{"name": "nobody"}], as_user="ghost")


def test_unknown_or_read_only_collections_are_refused(hub: FakeHub) -> None:
    with pytest.raises(ValueError, match="core:nodes"):
        hub.bulk_create("core:nope", [{}])


def dump_after_bulk(seed: int) -> str:
    hub = FakeHub(seed=seed)
    hub.bulk_create("core:nodes", ({"name": f"seeded-{i}"} for i in range(20)))
    return hub.dump()


def test_seeded_hubs_bulk_create_the_same_bytes() -> None:
    assert dump_after_bulk(11) == dump_after_bulk(11)
    assert dump_after_bulk(11) != dump_after_bulk(12)


def test_takes_any_mapping_and_does_not_change_it(hub: FakeHub) -> None:
    body: dict[str, Any] = {"name": "  padded-name  ", "hidden": True}
    hub.bulk_create("core:nodes", [body])
    assert body == {"name": "  padded-name  ", "hidden": True}
