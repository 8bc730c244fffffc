"""The seed (flame-hub-client v0.1.1) README examples, verbatim except for URLs and ids.

They construct clients from URLs alone (no transport), so against FakeHub they run over its loopback
server. Each example's ``print`` is kept and its ``# =>`` claim turned into an assertion. The README's
``auth = PasswordAuth(...)`` line is the ``auth`` fixture: built as the README builds it, once for the
module, so the examples share one login (a real Hub's authup counts every token request).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

import flame_hub
from flame_hub.auth import PasswordAuth
from flame_hub.testing import HubBackend


@pytest.fixture(scope="module")
def auth(hub_url: str, module_backend: HubBackend) -> PasswordAuth:
    """The README's ``auth = flame_hub.auth.PasswordAuth(...)``: one login serves the module's examples."""
    return flame_hub.auth.PasswordAuth(
        username=module_backend.admin_username,
        password=module_backend.admin_password,
        base_url=f"{hub_url}/auth/",
    )


@pytest.fixture(scope="module")
def many_nodes(hub_url: str, auth: PasswordAuth, module_backend: HubBackend) -> Iterator[str]:
    """25 nodes named ``<prefix>-0`` … ``<prefix>-24``; many share a ``createdAt`` (whole seconds).

    Made once for the module: a node costs a real Hub's authup about seven requests (core provisions
    and removes the node's client), so 25 per test would eat into its rate limit. This set-up is not a
    README example, so on a real Hub it sends through the session's transport, which paces it."""
    paced = module_backend.transport if module_backend.usage is not None else None
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth, transport=paced)
    auth_client = flame_hub.AuthClient(base_url=f"{hub_url}/auth/", auth=auth, transport=paced)
    realm = auth_client.find_realms(filter={"name": "master"}).pop()
    prefix = f"my-node-{uuid.uuid4().hex[:8]}"
    made = [core_client.create_node(name=f"{prefix}-{i}", realm_id=realm.id) for i in range(25)]
    yield prefix
    for node in made:
        core_client.delete_node(node)


def test_quickstart_master_realm(
    hub_url: str, auth: PasswordAuth, capsys: pytest.CaptureFixture[str]
) -> None:
    auth_client = flame_hub.AuthClient(base_url=f"{hub_url}/auth/", auth=auth)

    master_realms = auth_client.find_realms(filter={"name": "master"})

    assert len(master_realms) == 1

    master_realm = master_realms.pop()
    print(master_realm.id)
    assert str(master_realm.id) in capsys.readouterr().out


def _clients_from_urls(hub_url: str, auth: PasswordAuth) -> tuple[flame_hub.CoreClient, flame_hub.AuthClient]:
    """The quickstart's clients, built from URLs and the auth."""
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth)
    auth_client = flame_hub.AuthClient(base_url=f"{hub_url}/auth/", auth=auth)
    return core_client, auth_client


def _clients_from_httpx_clients(
    hub_url: str, auth: PasswordAuth
) -> tuple[flame_hub.CoreClient, flame_hub.AuthClient]:
    """The README's constructor table: ``client`` (an ``httpx.Client``) "overrides ``base_url`` and ``auth``"."""
    core_client = flame_hub.CoreClient(client=httpx.Client(base_url=f"{hub_url}/core/", auth=auth))
    auth_client = flame_hub.AuthClient(client=httpx.Client(base_url=f"{hub_url}/auth/", auth=auth))
    return core_client, auth_client


@pytest.mark.parametrize(
    "build", [_clients_from_urls, _clients_from_httpx_clients], ids=["from-urls", "given-httpx-clients"]
)
def test_quickstart_node_lifecycle(
    hub_url: str,
    auth: PasswordAuth,
    unique: Callable[[str], str],
    build: Callable[[str, PasswordAuth], tuple[flame_hub.CoreClient, flame_hub.AuthClient]],
) -> None:
    core_client, auth_client = build(hub_url, auth)
    master_realm_id = str(auth_client.find_realms(filter={"name": "master"}).pop().id)

    my_node = core_client.create_node(name=unique("my-node"), realm_id=master_realm_id)

    dumped = my_node.model_dump_json(indent=2)
    assert '"hidden": false' in dumped
    assert f'"realm_id": "{master_realm_id}"' in dumped
    assert '"type": "default"' in dumped

    core_client.update_node(my_node, hidden=True)

    assert core_client.get_node(my_node.id).hidden is True  # type: ignore[union-attr]

    assert core_client.get_node(str(uuid.uuid4())) is None

    core_client.delete_node(my_node)

    assert core_client.get_node(my_node.id) is None


def test_find_versus_get(hub_url: str, auth: PasswordAuth, many_nodes: str) -> None:
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth)

    nodes_lst_find = core_client.find_nodes(page={"limit": 50, "offset": 0})
    nodes_lst_get = core_client.get_nodes()

    assert nodes_lst_find == nodes_lst_get
    assert len(nodes_lst_get) >= 25


def test_page(hub_url: str, auth: PasswordAuth, many_nodes: str) -> None:
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth)

    nodes_first_25 = core_client.find_nodes(page={"limit": 25})
    nodes_next_10 = core_client.find_nodes(page={"limit": 10, "offset": 10})

    assert len(nodes_first_25) == 25
    assert nodes_first_25[10:20] == nodes_next_10


def test_filter(hub_url: str, auth: PasswordAuth, many_nodes: str) -> None:
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth)

    found = core_client.find_nodes(filter={"name": f"{many_nodes}-4"}).pop().model_dump(mode="json")
    assert found["name"] == f"{many_nodes}-4"

    nodes_with_4_in_name = core_client.find_nodes(filter={"name": f"~{many_nodes}-4"})
    nodes_with_4_in_name_but_different = core_client.find_nodes(
        filter={"name": (flame_hub.types.FilterOperator.like, f"{many_nodes}-4")}
    )

    assert nodes_with_4_in_name == nodes_with_4_in_name_but_different
    # Hub >= 0.13 reads "~v" as "ends with": the node whose name ends with "<prefix>-4"
    assert [n.name for n in nodes_with_4_in_name] == [f"{many_nodes}-4"]


def test_sort(hub_url: str, auth: PasswordAuth, many_nodes: str) -> None:
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth)

    nodes = core_client.find_nodes(sort={"by": "created_at"})
    sedon = core_client.find_nodes(sort={"by": "created_at", "order": "descending"})

    assert len(nodes) >= 25
    stamps = [n.created_at for n in nodes]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    if len(nodes) < 50:  # a shared Hub with more than one page cannot show the reversal on one page
        # The seed's claim, nodes == sedon[::-1], read as the Hub can keep it: records created in one
        # second tie on createdAt, and the order among ties is the database's, in either direction.
        assert [n.created_at for n in sedon] == stamps[::-1]
        assert {n.id for n in sedon} == {n.id for n in nodes}


def test_exceptions(hub_url: str, auth: PasswordAuth, capsys: pytest.CaptureFixture[str]) -> None:
    core_client = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=auth)

    with pytest.raises(flame_hub.HubAPIError) as info:
        try:
            core_client.create_node(name="my-new-node", realm_id=f"{uuid.uuid4()}")
        except flame_hub.HubAPIError as e:
            print(e)
            print(e.error_response.model_dump_json(indent=2))  # type: ignore[union-attr]
            raise
    out = capsys.readouterr().out
    assert out.startswith(f"received status code {info.value.status_code}")
    assert '"status_code"' in out and '"message"' in out
    # observed on Hub v0.14.0: 500 internal_error "Can't find realm entity by realmId"
    assert info.value.error_response is not None and info.value.error_response.message
