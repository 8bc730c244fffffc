"""Field projection: replace, `+` (percent-encoded), `-`, opt-in secrets (core-and-storage.md §2.4/§2.6,
auth.md §2.3/§3.3/§3.7)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance


def test_fields_replace_the_default_projection(api):
    """core-and-storage.md §2.4: fields=id,name replaces the default projection."""
    api.node()
    rows = api.list("/core/nodes", params={"fields": "id,name"})
    assert [set(row) for row in rows] == [{"id", "name"}]


def test_minus_removes_a_field(api):
    """core-and-storage.md §2.4: fields=-publicKey removes one field from the default."""
    api.node(publicKey="abcdef")
    (row,) = api.list("/core/nodes", params={"fields": "-publicKey"})
    assert "publicKey" not in row
    assert {"id", "name", "realmId", "hidden"} <= set(row)


def test_core_record_reads_honour_fields(api):
    """core-and-storage.md §2.6: GET /:id honours fields on every core/storage record endpoint."""
    node = api.node()
    data = api.record(f"/core/nodes/{node['id']}", params={"fields": "id,name"})
    assert set(data) == {"id", "name"}


def test_registry_account_secret_is_opt_in(api):
    """core-and-storage.md §3.11: accountSecret is write-only by default, returned with
    fields=%2BaccountSecret (and registry_manage, which the admin holds)."""
    registry = api.registry(accountName="robot-account", accountSecret="registry-s3cret")
    (plain,) = api.list("/core/registries")
    assert "accountSecret" not in plain
    response = api.get("/core/registries?fields=%2BaccountSecret")
    assert response.status_code == 200
    (row,) = response.json()["data"]
    assert row["accountSecret"] == "registry-s3cret"
    assert row["name"] == registry["name"]  # `+` adds to the default projection


def test_client_secret_is_opt_in(api):
    """auth.md §3.7: a normal GET omits the client secret; fields=%2Bsecret returns it (plaintext storage)."""
    client = api.client(secret="my-client-secret")
    assert client["secret"] == "my-client-secret"  # the create response contains it
    plain = api.record(f"/auth/clients/{client['id']}")
    assert "secret" not in plain
    response = api.get(f"/auth/clients/{client['id']}?fields=%2Bsecret")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["secret"] == "my-client-secret"
    assert data["name"] == client["name"]


def test_client_secret_in_list_is_opt_in(api):
    """auth.md §2.3/§3.7: fields allow-list is the defaults + secret; the list omits it unless asked."""
    client = api.client(secret="listed-secret")
    params = {"filter[id]": client["id"]}
    (plain,) = api.list("/auth/clients", params=params)
    assert "secret" not in plain
    response = api.get(f"/auth/clients?filter[id]={client['id']}&fields=%2Bsecret")
    (row,) = response.json()["data"]
    assert row["secret"] == "listed-secret"


def test_user_email_is_opt_in(api):
    """auth.md §3.3: email is not in the default projection; fields=%2Bemail adds it."""
    admin = api.record("/auth/users/admin")
    assert "email" not in admin
    assert "password" not in admin
    response = api.get(f"/auth/users/{admin['id']}?fields=%2Bemail")
    assert response.status_code == 200
    assert response.json()["data"]["email"] == "admin@example.com"


def test_authup_replace_projection_on_users(api):
    """auth.md §2.3: fields=id,name replaces the default at authup."""
    rows = api.list("/auth/users", params={"fields": "id,name"})
    assert rows and all(set(row) == {"id", "name"} for row in rows)


def test_authup_record_reads_other_than_users_and_clients_ignore_fields(api):
    """auth.md §2.3/§6.11: on GET /{id} only users and clients honour fields/include."""
    data = api.record("/auth/realms/master", params={"fields": "id"})
    assert {"id", "name", "builtIn"} <= set(data)


def test_relation_fields(api):
    """core-and-storage.md §2.4: fields[$root]=… with fields[<relation>]=… projects root and relation."""
    api.project(displayName="With image")
    params = {"include": "masterImage", "fields[$root]": "id,name", "fields[masterImage]": "id,name"}
    (row,) = api.list("/core/projects", params=params)
    assert "displayName" not in row
    assert {"id", "name"} <= set(row)
    assert set(row["masterImage"]) == {"id", "name"}
