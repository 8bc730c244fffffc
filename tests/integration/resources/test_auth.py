"""AuthClient end to end: realms, roles, permissions, scopes, users, OAuth2 clients and the six junctions.

The four named resources share one lifecycle test (they have the same fields and rules); users and
clients have their own because of their secrets; the junctions share one test over a table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from flame_hub import Hub
from flame_hub.auth import ClientAuth, PasswordAuth
from flame_hub.exceptions import AuthenticationError, ConflictError, FieldError
from flame_hub.models import Resource
from flame_hub.models.auth import Client, Permission, Role, Scope, User
from flame_hub.testing import HubBackend

from .support import Records, ids, login

# -- realms, roles, permissions, scopes ------------------------------------------------------------------

NAMED = ("realm", "role", "permission", "scope")
PLURAL = {"realm": "realms", "role": "roles", "permission": "permissions", "scope": "scopes"}


@pytest.mark.parametrize("kind", NAMED)
def test_named_resource_lifecycle(hub: Hub, records: Records, kind: str) -> None:
    api: Any = hub.auth
    create: Callable[..., Resource] = getattr(records, kind)
    get, update, delete = (getattr(api, f"{verb}_{kind}") for verb in ("get", "update", "delete"))
    get_all, find_all = getattr(api, f"get_{PLURAL[kind]}"), getattr(api, f"find_{PLURAL[kind]}")

    first: Any = create(display_name="First Record", description="the first record")
    second: Any = create(display_name="Second Record", description=None)
    assert (first.display_name, first.description) == ("First Record", "the first record")
    assert second.description is None

    fetched = get(first.id)
    assert fetched.id == first.id and fetched.name == first.name and fetched.description == "the first record"
    assert get(str(first.id)).id == first.id
    assert get(uuid.uuid4()) is None

    # find: a filter that must match only what it names, sorted and paged
    assert ids(find_all(filter={"name": first.name})) == [first.id]
    assert find_all(filter={"name": first.name, "display_name": "Second Record"}) == []
    both = {"name": [first.name, second.name]}
    assert ids(find_all(filter=both, sort={"by": "name", "order": "descending"}, page={"limit": 1})) == [
        second.id
    ]
    assert ids(find_all(filter=both, sort={"by": "name"}, page={"limit": 1, "offset": 1})) == [second.id]
    assert ids(find_all(filter=both, sort={"by": "name"})) == [first.id, second.id]

    page, meta = get_all(meta=True)
    assert len(page) <= 50 and meta.total >= 2
    if meta.total <= 50:
        assert {first.id, second.id} <= set(ids(page))

    # update: only the given fields change; None clears a nullable field
    renamed = update(first, display_name="Renamed Record")
    assert (renamed.name, renamed.display_name, renamed.description) == (
        first.name,
        "Renamed Record",
        "the first record",
    )
    cleared = update(first.id, description=None)
    assert cleared.description is None and cleared.display_name == "Renamed Record"
    assert get(first.id).description is None

    delete(first)
    assert get(first.id) is None
    assert ids(find_all(filter=both)) == [second.id]


def test_realm_defaults_and_global_records(hub: Hub, records: Records) -> None:
    # omitted realm_id: the caller's realm; realm_id=None: a global record (roles, permissions, scopes)
    assert records.role().realm_id == records.realm_id
    assert records.role(realm_id=None).realm_id is None
    assert records.scope().realm_id == records.realm_id
    permission = records.permission()  # the existing client's create_permission sends null: global
    assert permission.realm_id is None
    (admin,) = hub.auth.find_roles(filter={"name": "admin", "realm_id": None})
    granted = hub.auth.find_role_permissions(filter={"role_id": admin.id, "permission_id": permission.id})
    assert len(granted) == 1  # a new permission is granted to the global admin role
    assert records.permission(realm_id=records.realm_id).realm_id == records.realm_id
    with pytest.raises(FieldError):
        hub.auth.update_permission(permission, realm_id=records.realm_id)


# -- users ----------------------------------------------------------------------------------------------


def test_user_lifecycle_with_email_and_password(hub: Hub, backend: HubBackend, records: Records) -> None:
    password = "first-password-123"
    user = records.user(display_name="Test User", first_name="Ada", password=password)
    assert password not in repr(user) and password not in str(user)
    assert user.password is None or user.password not in repr(user)  # authup may echo the hash
    assert user.realm_id == records.realm_id

    # email is not in the default projection: fields=["email"] opts in (and keeps the other columns)
    plain = hub.auth.get_user(user.id)
    assert plain is not None and plain.email is None and plain.name == user.name
    with_email = hub.auth.get_user(user.id, fields=["email"])
    assert with_email is not None and with_email.email == f"{user.name}@example.org"
    assert with_email.display_name == "Test User"
    found = hub.auth.find_users(filter={"name": user.name}, fields=["email"], include="realm")
    assert [u.email for u in found] == [f"{user.name}@example.org"]
    assert found[0].realm is not None and found[0].realm.name == "master"
    assert hub.auth.find_users(filter={"name": user.name, "active": False}) == []
    assert hub.auth.get_user(uuid.uuid4()) is None

    # the password logs in; a new one replaces it
    with login(backend, PasswordAuth(str(user.name), password)) as as_user:
        assert as_user.auth.get_user(user.id).id == user.id
    changed = hub.auth.update_user(user, password="second-password-456", first_name=None)
    assert changed.first_name is None and changed.display_name == "Test User"
    with login(backend, PasswordAuth(str(user.name), "second-password-456")) as as_user:
        as_user.core.get_nodes(page={"limit": 1})
    with (
        login(backend, PasswordAuth(str(user.name), password)) as as_user,
        pytest.raises(AuthenticationError),
    ):
        as_user.core.get_nodes(page={"limit": 1})

    updated = hub.auth.update_user(user, email=f"new-{user.name}@example.org", active=False)
    assert updated.active is False
    refetched = hub.auth.get_user(user.id, fields=["email"])
    assert refetched is not None and refetched.email == f"new-{user.name}@example.org"
    assert ids(hub.auth.find_users(filter={"name": user.name, "active": False})) == [user.id]

    renamed = hub.auth.update_user(user, name=f"{user.name}-renamed")
    assert renamed.name == f"{user.name}-renamed" and renamed.id == user.id
    assert hub.auth.find_users(filter={"name": user.name}) == []

    hub.auth.delete_user(user)
    assert hub.auth.get_user(user.id) is None


# -- OAuth2 clients ---------------------------------------------------------------------------------------


def test_client_lifecycle_with_secret(hub: Hub, backend: HubBackend, records: Records) -> None:
    secret = "client-secret-0123456789"
    client = records.client(secret=secret, display_name="Machine Client", description="a machine client")
    assert client.secret == secret  # the create response carries it once
    assert secret not in repr(client) and secret not in str(client)
    assert client.auth_method == "secret"

    plain = hub.auth.get_client(client.id)
    assert plain is not None and plain.secret is None
    with_secret = hub.auth.get_client(client.id, fields=["+secret"])
    assert with_secret is not None and with_secret.secret == secret and with_secret.name == client.name
    assert [c.secret for c in hub.auth.find_clients(filter={"name": client.name}, fields=["+secret"])] == [
        secret
    ]
    assert hub.auth.find_clients(filter={"name": client.name, "active": False}) == []
    assert hub.auth.get_client(uuid.uuid4()) is None

    with login(backend, ClientAuth(str(client.id), secret)) as as_client:
        as_client.core.get_nodes(page={"limit": 1})

    # rotating the secret: the old one stops working
    rotated = hub.auth.update_client(client, secret="client-secret-rotated-42")
    assert rotated.secret == "client-secret-rotated-42" and rotated.display_name == "Machine Client"
    with login(backend, ClientAuth(str(client.id), secret)) as as_client, pytest.raises(AuthenticationError):
        as_client.core.get_nodes(page={"limit": 1})
    with login(backend, ClientAuth(str(client.id), "client-secret-rotated-42")) as as_client:
        as_client.core.get_nodes(page={"limit": 1})

    cleared = hub.auth.update_client(client, description=None)
    assert cleared.description is None and cleared.name == client.name

    hub.auth.delete_client(client)
    assert hub.auth.get_client(client.id) is None


# -- junctions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Junction:
    """A binding resource: its name and the two records it binds (``left`` and ``right`` kinds)."""

    name: str
    left: str
    right: str


JUNCTIONS = (
    Junction("role_permission", "role", "permission"),
    Junction("user_permission", "user", "permission"),
    Junction("client_permission", "client", "permission"),
    Junction("user_role", "user", "role"),
    Junction("client_role", "client", "role"),
    Junction("client_scope", "client", "scope"),
)
RELATED = {"role": Role, "permission": Permission, "user": User, "client": Client, "scope": Scope}


@pytest.mark.parametrize("junction", JUNCTIONS, ids=lambda j: j.name)
def test_junction_lifecycle(
    hub: Hub, records: Records, cleanup: Callable[..., None], junction: Junction
) -> None:
    api: Any = hub.auth
    left: Any = getattr(records, junction.left)()
    right: Any = getattr(records, junction.right)()
    plural = f"{junction.name}s"
    create, get, delete = (getattr(api, f"{verb}_{junction.name}") for verb in ("create", "get", "delete"))
    find = getattr(api, f"find_{plural}")

    binding = create(left, right.id)
    cleanup(lambda: delete(binding))
    assert getattr(binding, f"{junction.left}_id") == left.id
    assert getattr(binding, f"{junction.right}_id") == right.id
    assert get(binding.id).id == binding.id
    assert get(uuid.uuid4()) is None

    by_left = {f"{junction.left}_id": left.id}
    found = find(filter=by_left, include=[junction.left, junction.right])
    assert ids(found) == [binding.id]
    nested_left, nested_right = getattr(found[0], junction.left), getattr(found[0], junction.right)
    assert isinstance(nested_left, RELATED[junction.left]) and nested_left.name == left.name
    assert isinstance(nested_right, RELATED[junction.right]) and nested_right.id == right.id
    assert find(filter={**by_left, f"{junction.right}_id": uuid.uuid4()}) == []

    with pytest.raises(ConflictError):
        create(left.id, right)

    delete(binding)
    assert get(binding.id) is None
    assert find(filter=by_left) == []


def test_deleting_a_realm_takes_its_records(hub: Hub, records: Records) -> None:
    realm = records.realm()
    user = records.user(realm_id=realm.id)
    client = records.client(realm_id=realm.id)
    role = records.role(realm_id=realm.id)
    assert (user.realm_id, client.realm_id, role.realm_id) == (realm.id, realm.id, realm.id)
    assert ids(hub.auth.find_users(filter={"realm_id": realm.id})) == [user.id]

    hub.auth.delete_realm(realm)
    assert hub.auth.get_user(user.id) is None
    assert hub.auth.get_client(client.id) is None
    assert hub.auth.get_role(role.id) is None
