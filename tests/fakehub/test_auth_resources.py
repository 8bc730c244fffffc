"""authup resources: bootstrap, name rules, secrets, grants (auth.md §3-§4)."""

from __future__ import annotations

import httpx
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub


def test_bootstrap(hub: FakeHub, http: httpx.Client, admin: dict[str, str]) -> None:
    perms = {row["name"] for row in http.get("/auth/permissions", params={"page[limit]": "50"}, headers=admin)
             .json()["data"]}  # fmt: skip
    total = http.get("/auth/permissions", headers=admin).json()["meta"]["total"]
    assert total >= 90 and "client_create" in perms
    names = {r["name"] for r in http.get("/auth/permissions", params={"filter[name]": "node_create,bucket_update"},
                                         headers=admin).json()["data"]}  # fmt: skip
    assert names == {"node_create", "bucket_update"}
    system = http.get("/auth/clients/system", params={"fields": "+secret"}, headers=admin).json()["data"]
    assert system["active"] is True and system["secret"] == "start123" and system["authMethod"] == "secret"
    scopes = {r["name"] for r in http.get("/auth/scopes").json()["data"]}
    assert scopes == {"global", "openid", "email", "roles", "identity"}


def test_names_are_lower_cased_and_checked(http: httpx.Client, admin: dict[str, str]) -> None:
    created = http.post("/auth/realms", json={"name": "  My-Realm "}, headers=admin)
    assert created.status_code == 201 and created.json()["data"]["name"] == "my-realm"
    for bad in ("ab", "has space", "x" * 129):
        response = http.post("/auth/realms", json={"name": bad}, headers=admin)
        assert response.status_code == 400 and response.json()["issues"][0]["path"] == ["name"]
    bot = http.post("/auth/users", json={"name": "botty", "email": "b@example.com"}, headers=admin)
    assert bot.status_code == 400


def test_password_is_hashed_and_never_listed(http: httpx.Client, admin: dict[str, str]) -> None:
    created = http.post("/auth/users", json={"name": "dave", "email": "D@Example.com", "password": "ten-chars-pw"},
                        headers=admin)  # fmt: skip
    data = created.json()["data"]
    assert data["password"].startswith("$2y$10$") and len(data["password"]) == 60
    assert "ten-chars-pw" not in created.text and data["email"] == "d@example.com"
    listed = http.get(f"/auth/users/{data['id']}", params={"fields": "+password,+email"}, headers=admin)
    assert "password" not in listed.json()["data"] and listed.json()["data"]["email"] == "d@example.com"
    assert login(http, username="dave", password="ten-chars-pw")["token_type"] == "Bearer"


def test_client_secret_generation_and_opt_in(http: httpx.Client, admin: dict[str, str]) -> None:
    created = http.post("/auth/clients", json={"name": "machine", "authMethod": "secret"}, headers=admin)
    assert created.status_code == 201
    client = created.json()["data"]
    assert len(client["secret"]) == 64
    plain = http.get(f"/auth/clients/{client['id']}", headers=admin).json()["data"]
    assert "secret" not in plain
    token = http.post(
        "/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": client["id"],
            "client_secret": client["secret"],
        },
    ).json()["access_token"]
    own = http.get("/auth/clients/@me", params={"fields": "+secret"}, headers=auth(token)).json()["data"]
    assert own["secret"] == client["secret"]
    public = http.post("/auth/clients", json={"name": "public-one"}, headers=admin).json()["data"]
    assert public["authMethod"] == "none" and public["secret"] is None


def test_grants_need_the_granted_permission(http: httpx.Client, admin: dict[str, str]) -> None:
    client = http.post("/auth/clients", json={"name": "limited", "authMethod": "secret"}, headers=admin)
    data = client.json()["data"]
    token = http.post("/auth/token", json={"client_id": data["id"], "client_secret": data["secret"]})
    headers = auth(token.json()["access_token"])
    denied = http.post("/auth/realms", json={"name": "nope-realm"}, headers=headers)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_evaluation_failed"
    perm = http.get("/auth/permissions/realm_create", headers=admin).json()["data"]
    grant = {"clientId": data["id"], "permissionId": perm["id"]}
    assert http.post("/auth/client-permissions", json=grant, headers=admin).status_code == 201
    assert http.post("/auth/client-permissions", json=grant, headers=admin).status_code == 409
    assert http.post("/auth/realms", json={"name": "yes-realm"}, headers=headers).status_code == 201


def test_authup_sort_drops_multi_key_sorts(http: httpx.Client, admin: dict[str, str]) -> None:
    for name in ("c-realm", "a-realm", "b-realm"):
        http.post("/auth/realms", json={"name": name}, headers=admin)

    def order(sort: str) -> list[str]:
        return [r["name"] for r in http.get("/auth/realms", params={"sort": sort}).json()["data"]]

    assert order("name") == ["a-realm", "b-realm", "c-realm", "master"]
    assert order("name,-createdAt") == ["master", "c-realm", "a-realm", "b-realm"]  # dropped whole


def test_realm_nested_routes_and_upsert(http: httpx.Client, admin: dict[str, str]) -> None:
    realm = http.post("/auth/realms", json={"name": "tenant"}, headers=admin).json()["data"]
    user = http.post(
        "/auth/realms/tenant/users", json={"name": "erin", "email": "e@example.com"}, headers=admin
    )
    assert user.status_code == 201 and user.json()["data"]["realmId"] == realm["id"]
    assert http.get("/auth/realms/nope/users", headers=admin).status_code == 404
    upsert = http.put("/auth/realms/tenant", json={"displayName": "Tenant"}, headers=admin)
    assert upsert.status_code == 202 and upsert.json()["data"]["displayName"] == "Tenant"
    created = http.put("/auth/realms/other-one", json={"name": "other-one"}, headers=admin)
    assert created.status_code == 201
    master = http.get("/auth/realms/master", headers=admin).json()["data"]
    assert http.delete(f"/auth/realms/{master['id']}", headers=admin).status_code == 400
    assert http.delete(f"/auth/realms/{realm['id']}", headers=admin).status_code == 202
    assert http.get("/auth/users", params={"filter[name]": "erin"}, headers=admin).json()["data"] == []


def test_includes_the_caller_may_not_read_are_dropped(http: httpx.Client, admin: dict[str, str]) -> None:
    data = http.post("/auth/clients", json={"name": "reader", "authMethod": "secret"}, headers=admin).json()[
        "data"
    ]

    def grant(name: str) -> None:
        perm = http.get(f"/auth/permissions/{name}", headers=admin).json()["data"]
        body = {"clientId": data["id"], "permissionId": perm["id"]}
        assert http.post("/auth/client-permissions", json=body, headers=admin).status_code == 201

    grant("user_role_read")
    token = http.post("/auth/token", json={"client_id": data["id"], "client_secret": data["secret"]})
    headers = auth(token.json()["access_token"])
    row = http.get("/auth/user-roles", params={"include": "user,role"}, headers=headers).json()["data"][0]
    assert "user" not in row and "role" not in row
    grant("role_read")
    row = http.get("/auth/user-roles", params={"include": "user,role"}, headers=headers).json()["data"][0]
    assert row["role"]["name"] == "admin" and "user" not in row
    full = http.get("/auth/user-roles", params={"include": "user,role"}, headers=admin).json()["data"][0]
    assert full["user"]["name"] == "admin"


def test_permission_check(http: httpx.Client, admin: dict[str, str]) -> None:
    held = http.post("/auth/permissions/realm_create/check", headers=admin)
    assert held.status_code == 202 and held.json() == {"status": "success"}
    data = http.post("/auth/clients", json={"name": "checker", "authMethod": "secret"}, headers=admin).json()[
        "data"
    ]
    token = http.post("/auth/token", json={"client_id": data["id"], "client_secret": data["secret"]})
    missing = http.post("/auth/permissions/realm_create/check", headers=auth(token.json()["access_token"]))
    assert missing.status_code == 202
    assert missing.json()["status"] == "error"
    assert missing.json()["data"]["code"] == "permission_evaluation_failed"
