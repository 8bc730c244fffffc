"""CoreClient nodes end to end: CRUD, the node's authup client credentials and its registry credentials."""

from __future__ import annotations

import uuid

import pytest

from flame_hub import Hub
from flame_hub.auth import ClientAuth
from flame_hub.exceptions import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldError,
    ForbiddenError,
)
from flame_hub.models.core import Node, Registry, RegistryProject
from flame_hub.testing import HubBackend

from .support import Records, eventually, ids, login


def test_node_lifecycle(hub: Hub, records: Records) -> None:
    external = records.name("ext")
    node = records.node(external_name=external, node_type="default", hidden=False)
    other = records.node(node_type="aggregator", hidden=True)
    assert (node.external_name, node.type, node.hidden, node.realm_id) == (
        external,
        "default",
        False,
        records.realm_id,
    )
    assert node.client_id is not None  # the Hub provisions the node's authup client

    assert hub.core.get_node(node.id).id == node.id
    assert hub.core.get_node(str(node.id)).id == node.id
    assert hub.core.get_node(uuid.uuid4()) is None
    with pytest.raises(ConflictError):  # names are unique per realm
        hub.core.create_node(name=str(node.name), realm_id=records.realm_id)

    names = [node.name, other.name]
    assert ids(hub.core.find_nodes(filter={"name": node.name})) == [node.id]
    assert ids(hub.core.find_nodes(filter={"name": names, "hidden": False})) == [node.id]
    assert ids(hub.core.find_nodes(filter={"name": names, "hidden": True})) == [other.id]
    assert ids(
        hub.core.find_nodes(filter={"name": names}, sort={"by": "name", "order": "descending"})
    ) == ids([other, node])
    assert ids(
        hub.core.find_nodes(filter={"name": names}, sort={"by": "name"}, page={"limit": 1, "offset": 1})
    ) == [other.id]
    page, meta = hub.core.get_nodes(meta=True)
    assert len(page) <= 50 and meta.total >= 2

    hidden = hub.core.update_node(node, hidden=True)
    assert (hidden.hidden, hidden.external_name, hidden.type, hidden.name) == (
        True,
        external,
        "default",
        node.name,
    )
    assert ids(hub.core.find_nodes(filter={"name": names, "hidden": True}, sort={"by": "name"})) == ids(
        [node, other]
    )

    cleared = hub.core.update_node(node.id, external_name=None, node_type="aggregator")
    assert (cleared.external_name, cleared.type, cleared.hidden) == (None, "aggregator", True)
    refetched = hub.core.get_node(node.id)
    assert refetched is not None and refetched.external_name is None

    keyed = hub.core.update_node(node, public_key="my public key")
    assert keyed.public_key == b"my public key".hex()  # the Hub stores a non-hex key as hex of its bytes
    record, record_meta = hub.core.get_node(node.id, meta=True)
    assert record.id == node.id and isinstance(record_meta.response_schema, dict)

    with pytest.raises(FieldError):  # a node never moves realm; the client says so instead of dropping it
        hub.core.update_node(node, realm_id=records.realm_id)

    hub.core.delete_node(node)
    assert hub.core.get_node(node.id) is None
    assert hub.auth.get_client(node.client_id) is None  # its authup client goes with it
    assert ids(hub.core.find_nodes(filter={"name": names})) == [other.id]


def test_node_client_credentials(hub: Hub, backend: HubBackend, records: Records) -> None:
    node = records.node()
    credentials = hub.core.get_node_client_credentials(node)
    assert credentials.id == node.client_id

    rotated = hub.core.update_node_client_credentials(node)
    assert rotated.id == node.client_id and rotated.secret and rotated.secret != credentials.secret
    assert rotated.secret not in repr(rotated)

    with login(backend, ClientAuth(str(rotated.id), rotated.secret)) as as_node:
        # a node reads what every identity reads, and its own credentials ...
        fetched = as_node.core.get_node(node.id)
        assert fetched is not None and fetched.id == node.id
        assert as_node.core.get_node_client_credentials(node).id == node.client_id
        # ... but it is not an admin: it may not create nodes
        with pytest.raises(ForbiddenError):
            stray = as_node.core.create_node(name=records.name("stray"))
            hub.core.delete_node(stray)

    chosen = hub.core.update_node_client_credentials(
        node, secret="chosen-node-secret-0123", display_name="Node Client"
    )
    assert (chosen.secret, chosen.display_name, chosen.name) == (
        "chosen-node-secret-0123",
        "Node Client",
        rotated.name,
    )
    with (
        login(backend, ClientAuth(str(chosen.id), rotated.secret)) as as_node,
        pytest.raises(AuthenticationError),
    ):
        as_node.core.get_nodes(page={"limit": 1})
    with login(backend, ClientAuth(str(chosen.id), "chosen-node-secret-0123")) as as_node:
        as_node.core.get_nodes(page={"limit": 1})


def test_node_registry_credentials_need_a_registry_project(hub: Hub, records: Records) -> None:
    node = records.node()
    if node.registry_project_id is not None:  # a Hub with a default registry linked it: disconnect
        node = hub.core.update_node(node, registry_id=None)
    with pytest.raises(BadRequestError) as info:
        hub.core.get_node_registry_credentials(node)
    assert info.value.status_code == 400


def test_node_registry_credentials_and_includes(hub: Hub, records: Records) -> None:
    registry = records.registry(account_name="registry-robot", account_secret="registry-secret-123")
    node = records.node(registry_id=registry.id)
    linked = eventually(lambda: hub.core.get_node(node.id), lambda n: n is not None and n.registry_project_id)
    assert linked is not None
    assert linked.registry_id == registry.id and linked.external_name

    credentials = hub.core.get_node_registry_credentials(node)
    assert credentials.host == registry.host
    assert credentials.external_name == linked.external_name
    if credentials.account_secret is not None:
        assert credentials.account_secret not in repr(credentials)

    included = hub.core.get_node(node.id, include=["registry", "registry_project"])
    assert included is not None
    assert isinstance(included.registry, Registry) and included.registry.name == registry.name
    assert isinstance(included.registry_project, RegistryProject)
    assert included.registry_project.id == linked.registry_project_id
    found = hub.core.find_nodes(filter={"registry.name": registry.name}, include="registry")
    assert ids(found) == [node.id] and isinstance(found[0], Node) and found[0].registry is not None

    # disconnecting tears the registry project down
    disconnected = hub.core.update_node(node, registry_id=None)
    assert disconnected.registry_id is None and disconnected.registry_project_id is None
    with pytest.raises(BadRequestError):
        hub.core.get_node_registry_credentials(node)
