"""flame-hub-client 0.5.5's public behaviour, pinned (issue 11): what each method sends and answers.

Every test here uses only 0.5.5's public API (``flame_hub`` as 0.5.5 documents it, plus the httpx the
package is built on), so the same file runs with 0.5.5 itself. That is how the pins were checked:
run against a real Hub v0.14.0 with 0.5.5 installed, each test passed or failed for a reason of
0.5.5's own that it names (``broken_in_055``, strict); then with flame-hub, on FakeHub and on that
real Hub. To repeat the 0.5.5 run (outside the repository, so that the installed 0.5.5 is imported)::

    /tmp/v055/bin/python -m pytest --noconftest -p no:cacheprovider --import-mode=importlib \\
        --rootdir=/tmp tests/integration/test_compat_055.py   # with FLAME_HUB_TEST_URL=http://host/

With flame-hub the fixtures come from tests/integration/conftest.py (FakeHub, or the Hub named by
``--hub-backend url``). The records each test makes are uniquely named and deleted afterwards.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import tarfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import flame_hub
from flame_hub.types import FilterOperator

#: The httpx the package is built on (0.5.5: httpx2; flame-hub: httpx): ``client=`` takes its Client.
HTTPX: Any = importlib.import_module(flame_hub.auth.StaticAuth.__mro__[1].__module__.split(".")[0])
#: Whether this is flame-hub (which has more than 0.5.5), or 0.5.5 itself.
OURS = hasattr(flame_hub, "Hub")

pytestmark = pytest.mark.integration


def broken_in_055(reason: str) -> Any:
    """A pin 0.5.5 cannot keep against Hub v0.14 for a reason of its own (expected to fail, strictly)."""
    return pytest.mark.xfail(not OURS, reason=f"0.5.5: {reason}", strict=True)


#: 0.5.5 cannot read a permission from authup beta.62 (its model requires ``policyId``, which is gone).
PERMISSION_MODEL = "its Permission model requires policy_id, which authup beta.62 no longer sends"


# -- fixtures (ours come from the backend; 0.5.5's from the environment) ---------------------------------

if OURS:  # hub_url is the suite's (conftest.py)

    @pytest.fixture(scope="module")
    def admin(module_backend: Any) -> tuple[str, str]:
        return module_backend.admin_username, module_backend.admin_password

else:

    @pytest.fixture(scope="module")
    def hub_url() -> str:
        return os.environ["FLAME_HUB_TEST_URL"].rstrip("/")

    @pytest.fixture(scope="module")
    def admin() -> tuple[str, str]:
        return os.environ.get("FLAME_HUB_TEST_USERNAME", "admin"), os.environ.get(
            "FLAME_HUB_TEST_PASSWORD", "start123"
        )


@pytest.fixture(scope="module")
def login(hub_url: str, admin: tuple[str, str]) -> Any:
    """One password login for the module (authup rate-limits token requests)."""
    return flame_hub.auth.PasswordAuth(username=admin[0], password=admin[1], base_url=f"{hub_url}/auth/")


@pytest.fixture(scope="module")
def clients(hub_url: str, login: Any) -> Iterator[dict[str, Any]]:
    """The three service clients, built as 0.5.5's README builds them."""
    made = {
        service: cls(base_url=f"{hub_url}/{service}/", auth=login)
        for service, cls in (
            ("auth", flame_hub.AuthClient),
            ("core", flame_hub.CoreClient),
            ("storage", flame_hub.StorageClient),
        )
    }
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def core(clients: dict[str, Any]) -> Any:
    return clients["core"]


@pytest.fixture(scope="module")
def auth_client(clients: dict[str, Any]) -> Any:
    return clients["auth"]


@pytest.fixture(scope="module")
def storage(clients: dict[str, Any]) -> Any:
    return clients["storage"]


@pytest.fixture(scope="module")
def master(auth_client: Any) -> Any:
    (realm,) = auth_client.find_realms(filter={"name": "master"})
    return realm


@pytest.fixture
def name(unique: Callable[[str], str]) -> Callable[[str], str]:
    """The suite's ``unique`` names, under the name these tests use."""
    return unique


@pytest.fixture
def cleanup() -> Iterator[Callable[[Callable[[], Any]], None]]:
    """Deletions to run after the test, newest first; a record already gone is fine."""
    actions: list[Callable[[], Any]] = []
    yield actions.append
    for action in reversed(actions):
        try:
            action()
        except flame_hub.HubAPIError as exc:
            if exc.error_response is None or exc.error_response.status_code != 404:
                raise


@dataclass
class Sent:
    """One request as the server saw it: method, path below the service, query and JSON body."""

    method: str
    path: str
    params: dict[str, str]
    body: Any = None


@dataclass
class Recorder:
    """Service clients built the seed's way, ``client=httpx.Client(base_url=…, auth=…)``, recording requests."""

    hub_url: str
    login: Any
    sent: list[Sent] = field(default_factory=list)

    def _hook(self, service: str) -> Callable[[Any], None]:
        def record(request: Any) -> None:
            path = request.url.path
            if path.endswith("/token"):
                return  # token requests: how often a flow logs in is not what these tests pin
            request.read()
            body = json.loads(request.content) if request.content else None
            prefix = f"/{service}/"
            self.sent.append(
                Sent(
                    request.method,
                    path[len(prefix) :] if path.startswith(prefix) else path,
                    dict(request.url.params),
                    body,
                )
            )

        return record

    def http(self, service: str) -> Any:
        return HTTPX.Client(
            base_url=f"{self.hub_url}/{service}/",
            auth=self.login,
            event_hooks={"request": [self._hook(service)]},
        )

    def core(self) -> Any:
        return flame_hub.CoreClient(client=self.http("core"))

    def auth(self) -> Any:
        return flame_hub.AuthClient(client=self.http("auth"))

    def last(self) -> Sent:
        return self.sent[-1]


@pytest.fixture
def recorder(hub_url: str, login: Any) -> Recorder:
    return Recorder(hub_url, login)


def status_of(error: Any) -> int | None:
    """The status 0.5.5 reports for an error: ``error_response.status_code``."""
    return None if error.error_response is None else error.error_response.status_code


def ids(records: Any) -> list[Any]:
    return [record.id for record in records]


# -- constructing clients --------------------------------------------------------------------------------


def test_a_given_httpx_client_brings_its_base_url_and_auth(recorder: Recorder) -> None:
    """The seed documents ``client=`` as overriding ``base_url`` and ``auth``: requests carry its token."""
    tokens: list[str] = []
    http = recorder.http("core")
    http.event_hooks["response"] = [
        lambda response: tokens.append(response.request.headers.get("authorization", ""))
    ]
    core = flame_hub.CoreClient(client=http)
    nodes = core.get_nodes(page={"limit": 1})
    assert isinstance(nodes, list)
    assert recorder.last().path == "nodes"
    assert tokens and tokens[-1].startswith("Bearer ")


# -- reads ---------------------------------------------------------------------------------------------


def test_get_plural_sends_the_first_page_and_every_include(recorder: Recorder) -> None:
    core = recorder.core()
    nodes = core.get_nodes()
    assert len(nodes) <= 50
    assert recorder.last() == Sent(
        "GET", "nodes", {"page[limit]": "50", "page[offset]": "0", "include": "registry,registryProject"}
    )
    core.get_projects()
    assert recorder.last().params == {"page[limit]": "50", "page[offset]": "0", "include": "masterImage"}
    core.get_registries()  # a resource without relations: no include at all
    assert recorder.last().params == {"page[limit]": "50", "page[offset]": "0"}
    auth = recorder.auth()
    auth.get_clients()
    assert recorder.last() == Sent(
        "GET", "clients", {"page[limit]": "50", "page[offset]": "0", "include": "realm"}
    )


def test_get_plural_is_find_plural_with_the_default_page(core: Any) -> None:
    assert ids(core.find_nodes(page={"limit": 50, "offset": 0})) == ids(core.get_nodes())


def test_find_sends_page_filter_sort_include_in_the_hubs_bracket_form(
    recorder: Recorder, master: Any
) -> None:
    core = recorder.core()
    core.find_nodes(
        filter={"name": "~x-suffix", "realm_id": master.id, "id": (FilterOperator.neq, uuid.UUID(int=1))},
        sort={"by": "created_at", "order": "descending"},
        page={"limit": 10},
    )
    assert recorder.last() == Sent(
        "GET",
        "nodes",
        {
            "page[limit]": "10",
            "page[offset]": "0",
            "filter[name]": "~x-suffix",
            "filter[realmId]": str(master.id),
            "filter[id]": f"!{uuid.UUID(int=1)}",
            "sort": "-createdAt",
            "include": "registry,registryProject",
        },
    )
    core.find_nodes(filter={"name": (FilterOperator.like, "x")}, sort={"by": "name"})
    assert recorder.last().params == {
        "page[limit]": "50",
        "page[offset]": "0",
        "filter[name]": "~x",
        "sort": "name",
        "include": "registry,registryProject",
    }


def test_get_one_sends_every_include_and_answers_none_for_a_missing_record(
    recorder: Recorder, core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    recorded = recorder.core()
    fetched = recorded.get_node(node.id)
    assert recorder.last() == Sent("GET", f"nodes/{node.id}", {"include": "registry,registryProject"})
    assert fetched.id == node.id and {"registry", "registry_project"} <= fetched.model_fields_set
    assert recorded.get_node(node).id == node.id  # a record, a UUID or its text
    assert recorded.get_node(str(node.id)).id == node.id
    assert recorded.get_node(uuid.uuid4()) is None
    assert recorded.get_node(node_id=node.id).id == node.id  # 0.5.5's argument name, by keyword


def test_relations_come_back_included(
    core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    project = core.create_project(name("project"))
    cleanup(lambda: core.delete_project(project))
    analysis = core.create_analysis(project)
    cleanup(lambda: core.delete_analysis(analysis))
    (found,) = core.find_analyses(filter={"id": analysis.id})
    assert type(found.project).__name__ == "Project" and found.project.id == project.id
    assert "project" in found.model_fields_set and "master_image" in found.model_fields_set
    single = core.get_analysis(analysis.id)
    assert single.project.id == project.id
    (membership,) = core.find_analyses(filter={"project_id": project.id}, page={"limit": 1})
    assert membership.project.name == project.name


def test_meta(core: Any, name: Callable[[str], str], cleanup: Callable[..., None]) -> None:
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    nodes, meta = core.get_nodes(meta=True)
    assert (meta.limit, meta.offset) == (50, 0) and meta.total >= len(nodes) >= 1
    assert isinstance(meta.response_schema, dict)
    found, found_meta = core.find_nodes(filter={"id": node.id}, meta=True)
    assert ids(found) == [node.id] and found_meta.total == 1
    record, record_meta = core.get_node(node.id, meta=True)
    assert record.id == node.id and isinstance(record_meta.response_schema, dict)
    assert core.get_node(uuid.uuid4(), meta=True) is None  # not a tuple: None, as without meta


def test_filters_sorts_and_pages_select_what_they_say(
    core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    prefix = name("cmp")
    nodes = {}
    for suffix in ("a1", "a2", "b1"):
        nodes[suffix] = core.create_node(f"{prefix}-{suffix}")
        cleanup(lambda node=nodes[suffix]: core.delete_node(node))
    names = f"{prefix}-a1,{prefix}-a2,{prefix}-b1"  # a comma is the bracket dialect's list

    def found(**query: Any) -> list[str]:
        return [n.name for n in core.find_nodes(**query)]

    assert found(filter={"name": f"{prefix}-a1"}) == [f"{prefix}-a1"]
    assert found(filter={"name": f"~{prefix}-b1"}) == [f"{prefix}-b1"]  # "~x": ends with x (Hub >= 0.13)
    assert found(filter={"name": (FilterOperator.like, f"{prefix}-b1")}) == [f"{prefix}-b1"]
    assert found(filter={"name": f"{prefix}-a~"}, sort={"by": "name"}) == [f"{prefix}-a1", f"{prefix}-a2"]
    assert found(filter={"name": names}, sort={"by": "name"}) == [
        f"{prefix}-a1",
        f"{prefix}-a2",
        f"{prefix}-b1",
    ]
    assert found(filter={"name": names}, sort={"by": "name", "order": "descending"}) == [
        f"{prefix}-b1",
        f"{prefix}-a2",
        f"{prefix}-a1",
    ]
    assert found(filter={"name": names}, sort={"by": "name"}, page={"limit": 1, "offset": 1}) == [
        f"{prefix}-a2"
    ]
    assert found(filter={"name": names, "id": (FilterOperator.neq, nodes["a1"].id)}, sort={"by": "name"}) == [
        f"{prefix}-a2",
        f"{prefix}-b1",
    ]
    assert found(filter={"name": f"{prefix}-zz"}) == []


# -- writes ----------------------------------------------------------------------------------------------


def test_creates_without_optional_arguments(
    core: Any,
    auth_client: Any,
    storage: Any,
    master: Any,
    name: Callable[[str], str],
    cleanup: Callable[..., None],
) -> None:
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    assert (node.hidden, node.type, node.realm_id) == (False, "default", master.id)
    project = core.create_project(name("project"))
    cleanup(lambda: core.delete_project(project))
    assert (project.display_name, project.description, project.master_image_id) == (None, None, None)
    assert (project.nodes, project.analyses, project.realm_id) == (0, 0, master.id)
    analysis = core.create_analysis(project)
    cleanup(lambda: core.delete_analysis(analysis))
    assert analysis.name and analysis.project_id == project.id  # the Hub names it
    assert analysis.image_command_arguments == [] and analysis.configuration_locked is False
    bucket = storage.create_bucket(name("bucket"))
    cleanup(lambda: storage.delete_bucket(bucket))
    assert bucket.region is None and bucket.name == name("bucket")
    realm = auth_client.create_realm(name("realm"))
    cleanup(lambda: auth_client.delete_realm(realm))
    assert (realm.built_in, realm.display_name, realm.description) == (False, None, None)
    role = auth_client.create_role(name("role"))
    cleanup(lambda: auth_client.delete_role(role))
    assert role.realm_id == master.id  # not sent: the caller's realm
    user = auth_client.create_user(name("user"), f"{name('user')}@example.org")
    cleanup(lambda: auth_client.delete_user(user))
    assert (user.active, user.name_locked, user.realm_id) == (True, False, master.id)
    client = auth_client.create_client(name("client"), master)
    cleanup(lambda: auth_client.delete_client(client))
    assert (client.auth_method, client.active, client.realm_id) == ("secret", True, master.id)


@broken_in_055(PERMISSION_MODEL)
def test_a_permission_created_without_a_realm_is_global(
    auth_client: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    permission = auth_client.create_permission(name("permission"))
    cleanup(lambda: auth_client.delete_permission(permission))
    assert permission.realm_id is None  # 0.5.5 sends realmId null
    assert auth_client.get_permission(permission.id).name == name("permission")


def test_an_update_sends_only_the_given_arguments(
    recorder: Recorder, core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    node = core.create_node(name("node"), external_name=name("ext").replace("-", "_"))
    cleanup(lambda: core.delete_node(node))
    recorded = recorder.core()
    hidden = recorded.update_node(node, hidden=True)
    assert recorder.last() == Sent("POST", f"nodes/{node.id}", {}, {"hidden": True})
    assert (hidden.hidden, hidden.external_name) == (True, node.external_name)
    assert hidden != node and hidden.id == node.id  # records compare by value
    cleared = recorded.update_node(node_id=node.id, external_name=None, node_type="aggregator")
    assert recorder.last().body == {"externalName": None, "type": "aggregator"}
    # null is sent; the Hub then gives the node a generated external name of its own
    assert (cleared.type, cleared.hidden) == ("aggregator", True)
    assert cleared.external_name != node.external_name
    assert core.get_node(node.id) == core.get_node(node.id)  # the same values read twice are equal


def test_delete_answers_none_and_a_second_delete_is_a_404(
    core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    assert core.delete_node(node) is None
    assert core.get_node(node.id) is None
    with pytest.raises(flame_hub.HubAPIError) as info:
        core.delete_node(node.id)
    assert status_of(info.value) == 404 and info.value.error_response.code == "entity_not_found"
    assert str(info.value).startswith("received status code 404 (entity_not_found): ")
    with pytest.raises(flame_hub.HubAPIError) as info:
        core.update_node(node, hidden=True)
    assert status_of(info.value) == 404


# -- errors ------------------------------------------------------------------------------------------------


def test_errors_carry_the_hubs_answer(
    hub_url: str, core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    with pytest.raises(flame_hub.HubAPIError) as info:
        core.create_node(name("node"))  # names are unique in a realm
    error = info.value
    assert isinstance(error, HTTPX.HTTPError)
    assert (status_of(error), error.error_response.code) == (409, "entity_conflict")
    assert str(error) == f"received status code 409 (entity_conflict): {error.error_response.message}"
    dumped = json.loads(error.error_response.model_dump_json())
    assert dumped["status_code"] == 409 and dumped["code"] == "entity_conflict" and dumped["message"]

    with pytest.raises(flame_hub.HubAPIError) as info:
        core.create_node(name("other"), realm_id=str(uuid.uuid4()))
    assert status_of(info.value) == 500 and info.value.error_response.code == "internal_error"
    assert "realm" in info.value.error_response.message.lower()

    anonymous = flame_hub.CoreClient(base_url=f"{hub_url}/core/")
    with pytest.raises(flame_hub.HubAPIError) as info:
        anonymous.get_nodes()
    assert (status_of(info.value), info.value.error_response.code) == (401, "identity_unauthorized")


def test_a_wrong_password_raises_from_the_first_request(hub_url: str, admin: tuple[str, str]) -> None:
    wrong = flame_hub.auth.PasswordAuth(
        username=admin[0], password="not-the-password", base_url=f"{hub_url}/auth/"
    )
    core = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=wrong)
    with pytest.raises(flame_hub.HubAPIError) as info:
        core.get_nodes()
    assert (status_of(info.value), info.value.error_response.code) == (400, "invalid_credentials")


# -- token flows -----------------------------------------------------------------------------------------


def _token(hub_url: str, admin: tuple[str, str]) -> str:
    with HTTPX.Client() as http:
        answer = http.post(
            f"{hub_url}/auth/token",
            json={"grant_type": "password", "username": admin[0], "password": admin[1]},
        )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_one_password_login_serves_every_client_and_request(hub_url: str, admin: tuple[str, str]) -> None:
    """A flow logs in once and reuses its token (authup counts every token request against a rate limit)."""
    token_requests: list[str] = []

    def count(request: Any) -> None:
        if request.url.path.endswith("/token"):
            token_requests.append(request.url.path)

    def http(service: str, **kwargs: Any) -> Any:
        return HTTPX.Client(base_url=f"{hub_url}/{service}/", event_hooks={"request": [count]}, **kwargs)

    with warnings.catch_warnings():  # flame-hub sends token requests through the service client instead
        warnings.simplefilter("ignore", DeprecationWarning)
        flow = flame_hub.auth.PasswordAuth(
            admin[0], admin[1], base_url=f"{hub_url}/auth/", client=http("auth")
        )
    core = flame_hub.CoreClient(client=http("core", auth=flow))
    auth_client = flame_hub.AuthClient(client=http("auth", auth=flow))
    for _ in range(3):
        core.get_nodes(page={"limit": 1})
        auth_client.get_realms(page={"limit": 1})
    assert token_requests == [token_requests[0]] and token_requests[0].endswith("/auth/token")


def test_static_tokens_and_per_request_auth(hub_url: str, admin: tuple[str, str], core: Any) -> None:
    token = _token(hub_url, admin)
    by_flow = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=flame_hub.auth.StaticAuth(token))
    by_text = flame_hub.CoreClient(base_url=f"{hub_url}/core/", auth=token)
    expected = ids(core.get_nodes(page={"limit": 3}))
    assert ids(by_flow.get_nodes(page={"limit": 3})) == expected
    assert ids(by_text.get_nodes(page={"limit": 3})) == expected
    with pytest.raises(flame_hub.HubAPIError) as info:
        core.get_nodes(auth=None)  # None for this one request: no Authorization at all
    assert status_of(info.value) == 401
    anonymous = flame_hub.CoreClient(base_url=f"{hub_url}/core/")
    assert ids(anonymous.get_nodes(page={"limit": 3}, auth=token)) == expected
    assert ids(anonymous.get_nodes(page={"limit": 3}, auth=flame_hub.auth.StaticAuth(token))) == expected


def test_node_client_credentials_log_a_node_in(
    hub_url: str, core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    credentials = core.get_node_client_credentials(node)
    assert credentials.id == node.client_id and credentials.name == str(node.id) and credentials.secret
    assert core.get_node_client_credentials(uuid.uuid4()) is None

    chosen = core.update_node_client_credentials(node, secret="chosen-node-secret-42")
    assert chosen.secret == "chosen-node-secret-42" and chosen.id == credentials.id
    as_node = flame_hub.CoreClient(
        base_url=f"{hub_url}/core/",
        auth=flame_hub.auth.ClientAuth(str(chosen.id), "chosen-node-secret-42", base_url=f"{hub_url}/auth/"),
    )
    assert node.id in ids(as_node.find_nodes(filter={"id": node.id}))
    renewed = core.update_node_client_credentials(node_id=node.id, secret=None)
    assert renewed.secret and renewed.secret != "chosen-node-secret-42"  # None: the Hub makes one up
    renamed = core.update_node_client_credentials(node, name=name("client"), display_name="A Node Client")
    assert (renamed.name, renamed.display_name) == (name("client"), "A Node Client")


def test_analysis_client_credentials_by_keyword(
    core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    project = core.create_project(name("project"))
    cleanup(lambda: core.delete_project(project))
    analysis = core.create_analysis(project_id=project.id, name=name("analysis"))
    cleanup(lambda: core.delete_analysis(analysis))
    credentials = core.get_analysis_client_credentials(analysis_id=analysis.id)
    assert credentials.id == analysis.client_id
    rotated = core.update_analysis_client_credentials(
        analysis_id=analysis.id,
        name=name("aclient"),
        display_name="An Analysis Client",
        secret="chosen-one-42",
    )
    assert (rotated.id, rotated.secret) == (credentials.id, "chosen-one-42")
    # the Hub keeps an analysis client's name (the analysis id) whatever is sent
    assert (rotated.name, rotated.display_name) == (credentials.name, credentials.display_name)
    renewed = core.update_analysis_client_credentials(analysis, display_name="Another")
    assert renewed.secret != "chosen-one-42"  # every call without a secret makes a new one


# -- the auth resources --------------------------------------------------------------------------------


def test_auth_resources_by_0_5_5_argument_names(
    auth_client: Any, master: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    client = auth_client.create_client(name("client"), master, secret="client-secret-0123456789")
    cleanup(lambda: auth_client.delete_client(client))
    assert (client.name, client.auth_method) == (name("client"), "secret")
    fetched = auth_client.get_client(client_id=client.id)
    assert fetched.id == client.id and fetched.realm.id == master.id  # realm included
    updated = auth_client.update_client(client_id=client.id, description="described")
    assert updated.description == "described" and updated.name == client.name
    assert auth_client.delete_client(client_id=client.id) is None
    assert auth_client.get_client(client.id) is None

    user = auth_client.create_user(name("user"), f"{name('user')}@example.org", display_name="User One")
    cleanup(lambda: auth_client.delete_user(user))
    assert auth_client.get_user(user.id).email is None  # email is opt-in ...
    assert (
        auth_client.get_user(user.id, fields=["email"]).email == f"{name('user')}@example.org"
    )  # ... by fields
    renamed = auth_client.update_user(user, display_name="User Renamed", first_name="Ada")
    assert (renamed.display_name, renamed.first_name, renamed.name) == ("User Renamed", "Ada", user.name)

    role = auth_client.create_role(name("role"), description="a role")
    cleanup(lambda: auth_client.delete_role(role))
    assignment = auth_client.create_user_role(user, role)
    cleanup(lambda: auth_client.delete_user_role(assignment))
    (found,) = auth_client.find_user_roles(filter={"user_id": user.id})
    assert (found.id, found.role_id) == (assignment.id, role.id)
    assert found.user_realm is None and found.role_realm is None  # 0.5.5 asks for these; authup has none
    assert auth_client.get_user_role(assignment.id).id == assignment.id
    assert [r.id for r in auth_client.find_roles(filter={"name": role.name})] == [role.id]


@broken_in_055(PERMISSION_MODEL)
def test_permission_bindings(
    auth_client: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    role = auth_client.create_role(name("role"))
    cleanup(lambda: auth_client.delete_role(role))
    (permission,) = auth_client.find_permissions(filter={"name": "node_create", "realm_id": None})
    binding = auth_client.create_role_permission(role, permission)
    cleanup(lambda: auth_client.delete_role_permission(binding))
    (found,) = auth_client.find_role_permissions(filter={"role_id": role.id})
    assert found.id == binding.id and found.permission.name == "node_create" and found.role.id == role.id


# -- core: projects, analyses, registries, master images -----------------------------------------------


def test_project_and_analysis_operations(
    core: Any, storage: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    project = core.create_project(name("project"), display_name="Project One")
    cleanup(lambda: core.delete_project(project))
    node = core.create_node(name("node"))
    cleanup(lambda: core.delete_node(node))
    membership = core.create_project_node(project, node)
    cleanup(lambda: core.delete_project_node(membership))
    (listed,) = core.find_project_nodes(filter={"project_id": project.id})
    assert listed.node.id == node.id and listed.project.id == project.id
    commented = core.update_project_node(project_node_id=membership.id, comment="welcome")
    assert commented.comment == "welcome"

    analysis = core.create_analysis(project, name("analysis"), description="an analysis")
    cleanup(lambda: core.delete_analysis(analysis))
    described = core.update_analysis(analysis, display_name="Analysis One")
    assert (described.display_name, described.description) == ("Analysis One", "an analysis")
    with pytest.raises(flame_hub.HubAPIError) as info:  # nothing to lock yet
        core.send_analysis_command(analysis, "configurationLock")
    assert status_of(info.value) == 400 and info.value.error_response.code == "ANALYSIS_ERROR"

    bucket = storage.create_bucket(name("code"))
    cleanup(lambda: storage.delete_bucket(bucket))
    # uploaded before the bucket is linked, so that no Hub worker registers it on its own
    (uploaded,) = storage.upload_to_bucket(bucket, {"file_name": "main.py", "content": b"print(1)\n"})
    link = core.create_analysis_bucket("CODE", bucket, analysis)
    cleanup(lambda: core.delete_analysis_bucket(link))
    assert link.type == "CODE" and link.analysis_id == analysis.id
    registered = core.create_analysis_bucket_file("main.py", uploaded, bucket, link)
    cleanup(lambda: core.delete_analysis_bucket_file(registered))
    assert (registered.path, registered.root) == ("main.py", False)
    entry = core.update_analysis_bucket_file(registered, is_entrypoint=True)
    assert entry.root is True
    (found,) = core.find_analysis_bucket_files(filter={"analysis_bucket_id": link.id})
    assert found.id == registered.id and found.analysis_bucket.id == link.id

    log = core.create_analysis_node_log(analysis, node, "info", "hello")
    assert (log.level, log.message) == ("info", "hello")
    assert core.delete_analysis_node_logs(analysis, node) is None
    assert core.delete_analysis_logs(analysis) is None


def test_registries_and_their_command(
    core: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    registry = core.create_registry(name("registry"), f"{name('harbor')}.example.org")
    cleanup(lambda: core.delete_registry(registry))
    assert registry.account_name is None
    changed = core.update_registry(registry, account_name="robot")
    assert changed.account_name == "robot"
    assert core.send_registry_command(registry, "setup") is None
    projects = core.find_registry_projects(filter={"registry_id": registry.id})
    assert {p.type for p in projects} == {"incoming", "outgoing", "masterImages"}
    assert all(p.registry.id == registry.id for p in projects)  # included
    project = core.create_registry_project(
        name("rproject"), "default", registry, name("ext").replace("-", "_")
    )
    cleanup(lambda: core.delete_registry_project(project))
    renamed = core.update_registry_project(registry_project_id=project.id, name=name("renamed"))
    assert renamed.name == name("renamed") and renamed.type == "default"


def test_master_images(core: Any) -> None:
    images = core.get_master_images()
    assert images and all(image.virtual_path for image in images)
    image = images[0]
    assert core.get_master_image(image.id).id == image.id
    assert ids(core.find_master_images(filter={"virtual_path": image.virtual_path})) == [image.id]
    groups = core.get_master_image_groups()
    assert image.group_virtual_path in {group.virtual_path for group in groups}
    assert core.get_master_image_group(groups[0].id).id == groups[0].id
    assert core.sync_master_images() is None


# -- storage ---------------------------------------------------------------------------------------------


def test_buckets_uploads_and_streams(
    storage: Any, name: Callable[[str], str], cleanup: Callable[..., None]
) -> None:
    bucket = storage.create_bucket(name("bucket"))
    cleanup(lambda: storage.delete_bucket(bucket))
    assert storage.get_bucket(bucket.id).id == bucket.id
    upload = {"file_name": "dir/a.txt", "content": b"hello"}
    files = storage.upload_to_bucket(
        bucket, upload, {"file_name": "b.txt", "content": "text", "content_type": "text/plain"}
    )
    assert sorted(f.path for f in files) == ["b.txt", "dir/a.txt"]
    assert {(f.name, f.directory, f.size) for f in files} == {("a.txt", "dir", 5), ("b.txt", ".", 4)}
    found = storage.find_bucket_files(filter={"bucket_id": bucket.id}, sort={"by": "name"})
    assert [f.name for f in found] == ["a.txt", "b.txt"] and found[0].bucket.id == bucket.id
    by_path = {f.path: f for f in files}
    assert b"".join(storage.stream_bucket_file(by_path["dir/a.txt"])) == b"hello"
    with tarfile.open(fileobj=io.BytesIO(b"".join(storage.stream_bucket_tarball(bucket)))) as tar:
        assert sorted(tar.getnames()) == ["b.txt", "dir/a.txt"]
    assert storage.delete_bucket_file(by_path["b.txt"]) is None
    assert storage.get_bucket_file(by_path["b.txt"].id) is None
    assert ids(storage.find_buckets(filter={"id": bucket.id})) == [bucket.id]
