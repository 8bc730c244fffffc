"""The service-client transport: URLs, ids, headers, timeouts, own clients, closing, logging, config."""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest

from flame_hub import AuthClient, CoreClient, Hub, StorageClient, __version__
from flame_hub.auth import ClientAuth, PasswordAuth, StaticAuth
from flame_hub.config import auth_from_env, derive_auth_url, service_urls, timeout_from_env
from flame_hub.engine.client import USE_CLIENT_AUTH
from flame_hub.engine.http import lit, path_segment
from flame_hub.exceptions import (
    ConfigurationError,
    HubConnectionError,
    HubTimeoutError,
    InvalidIdError,
    NotFoundError,
)


class Recorder:
    """A transport that answers 200 ``{}`` (or a scripted response) and keeps every request."""

    def __init__(self, response: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.response = response

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response or httpx.Response(200, json={})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


# -- ids in paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["a/b", "../realms", "..", ".", "x?y=1", "a#b", "with space", "", "ü", "a%2Fb"]
)
def test_unsafe_ids_never_reach_the_url(bad: str) -> None:
    recorder = Recorder()
    client = CoreClient("http://hub.test/core/", transport=recorder.transport())
    with pytest.raises(InvalidIdError) as info:
        client.url(lit("nodes"), bad)
    assert "cannot be used in a URL path" in str(info.value) or "must be" in str(info.value)
    assert recorder.requests == []


@pytest.mark.parametrize(
    "good", ["master", "@me", "analysis-code-files.x", "node_1", "7f1c9a52-0000-4000-8000-00000000abcd"]
)
def test_safe_ids_and_names_pass(good: str) -> None:
    assert path_segment(good) == good


def test_ids_from_uuids_and_records() -> None:
    ident = uuid.uuid4()

    class Record:
        id = ident

    assert path_segment(ident) == str(ident)
    assert path_segment(Record()) == str(ident)
    with pytest.raises(InvalidIdError, match="None"):
        path_segment(None)
    with pytest.raises(InvalidIdError, match="int"):
        path_segment(42)


def test_url_joins_below_the_service_url() -> None:
    client = CoreClient("http://hub.test/core")
    node = uuid.uuid4()
    assert str(client.url(lit("nodes"), node, lit("client/credentials"))) == (
        f"http://hub.test/core/nodes/{node}/client/credentials"
    )


# -- headers, timeouts, errors ------------------------------------------------------------------------


def test_user_agent_names_the_library_and_version() -> None:
    recorder = Recorder()
    CoreClient("http://hub.test/core/", transport=recorder.transport()).request("GET", "nodes")
    assert recorder.requests[0].headers["user-agent"].startswith(f"flame-hub-client/{__version__}")


def test_default_timeout_is_not_httpx_five_seconds() -> None:
    client = CoreClient("http://hub.test/core/")
    assert client.http.timeout.read == 30.0
    assert client.http.timeout.connect == 10.0
    assert CoreClient("http://hub.test/core/", timeout=3).http.timeout.read == 3.0


def test_timeout_error_names_the_url_and_the_timeout() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = CoreClient(
        "http://hub.test/core/", timeout=2.5, transport=httpx.MockTransport(slow), retry=False
    )
    with pytest.raises(HubTimeoutError) as info:
        client.request("GET", "nodes")
    assert "GET http://hub.test/core/nodes" in str(info.value)
    assert "read=2.5s" in str(info.value)
    assert isinstance(info.value, httpx.TimeoutException)


def test_connection_error_is_wrapped() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = CoreClient("http://hub.test/core/", transport=httpx.MockTransport(broken), retry=False)
    with pytest.raises(HubConnectionError, match="ConnectError"):
        client.request("GET", "nodes")


def test_unexpected_status_raises_with_the_parsed_body() -> None:
    recorder = Recorder(
        httpx.Response(404, json={"statusCode": 404, "code": "entity_not_found", "message": "gone"})
    )
    client = CoreClient("http://hub.test/core/", transport=recorder.transport())
    with pytest.raises(NotFoundError) as info:
        client.request("GET", "nodes")
    assert info.value.message == "gone"
    assert client.request("GET", "nodes", expected=(404,)).status_code == 404


# -- your own httpx client ----------------------------------------------------------------------------


def test_own_client_keeps_its_base_url_and_gets_our_auth() -> None:
    recorder = Recorder()
    own = httpx.Client(base_url="http://hub.test/core", transport=recorder.transport())
    client = CoreClient(client=own, auth="token-abc")
    client.request("GET", "nodes")
    sent = recorder.requests[0]
    assert str(sent.url) == "http://hub.test/core/nodes"
    assert sent.headers["authorization"] == "Bearer token-abc"
    client.close()
    assert not own.is_closed, "a client you pass in stays yours"


def test_explicit_base_url_wins_over_the_own_clients() -> None:
    recorder = Recorder()
    own = httpx.Client(base_url="http://other.test/", transport=recorder.transport())
    CoreClient("http://hub.test/core/", client=own).request("GET", "nodes")
    assert str(recorder.requests[0].url) == "http://hub.test/core/nodes"


def test_client_and_transport_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="either"):
        CoreClient(client=httpx.Client(), transport=httpx.MockTransport(Recorder()))


def test_context_manager_closes_the_pool() -> None:
    with CoreClient("http://hub.test/core/") as client:
        pass
    assert client.http.is_closed
    with Hub("http://hub.test/") as hub:
        pass
    assert hub.core.http.is_closed and hub.auth.http.is_closed and hub.storage.http.is_closed


# -- per-request auth --------------------------------------------------------------------------------


def test_per_request_auth_string_none_and_default() -> None:
    recorder = Recorder()
    client = CoreClient("http://hub.test/core/", "default-token", transport=recorder.transport())
    client.request("GET", "nodes")
    client.request("GET", "nodes", auth="other-token")
    client.request("GET", "nodes", auth=None)
    client.request("GET", "nodes", auth=StaticAuth("third"))
    client.request("GET", "nodes", auth=USE_CLIENT_AUTH)
    headers = [r.headers.get("authorization") for r in recorder.requests]
    assert headers == [
        "Bearer default-token",
        "Bearer other-token",
        None,
        "Bearer third",
        "Bearer default-token",
    ]


def test_auth_of_a_wrong_type_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"httpx\.Auth"):
        CoreClient("http://hub.test/core/", auth=("user", "pw"))  # type: ignore[arg-type]


# -- logging ------------------------------------------------------------------------------------------


def test_requests_are_logged_to_the_flame_hub_logger(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="flame_hub")
    recorder = Recorder()
    CoreClient("http://hub.test/core/", "tok-secret-123", transport=recorder.transport()).request(
        "GET", "nodes"
    )
    assert "GET http://hub.test/core/nodes -> 200" in caplog.text
    assert "tok-secret-123" not in caplog.text


# -- URLs and environment ---------------------------------------------------------------------------


def test_hub_url_gives_three_service_urls() -> None:
    urls = service_urls("https://hub.example")
    assert (urls.auth, urls.core, urls.storage) == (
        "https://hub.example/auth/",
        "https://hub.example/core/",
        "https://hub.example/storage/",
    )
    split = service_urls("https://hub.example/", core_url="https://core.internal:4000")
    assert split.core == "https://core.internal:4000/"
    assert split.auth == "https://hub.example/auth/"


def test_public_hub_is_the_default() -> None:
    hub = Hub()
    assert hub.core.base_url == "https://core.privateaim.dev/"
    assert hub.auth.base_url == "https://auth.privateaim.dev/"
    assert StorageClient().base_url == "https://storage.privateaim.dev/"
    assert AuthClient().auth_url == "https://auth.privateaim.dev/"


@pytest.mark.parametrize("bad", ["hub.example", "ftp://hub.example", "https://hub.example/?a=1"])
def test_bad_urls_are_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="URL"):
        Hub(bad)


def test_auth_url_derivation() -> None:
    assert derive_auth_url("https://h/core/", "core") == "https://h/auth/"
    assert derive_auth_url("https://core.privateaim.dev/", "core") == "https://auth.privateaim.dev/"
    assert derive_auth_url("https://h/api/", "core") is None


def test_hub_from_environment() -> None:
    recorder = Recorder()
    env = {"FLAME_HUB_URL": "http://env.test", "FLAME_HUB_TOKEN": "env-token", "FLAME_HUB_TIMEOUT": "7"}
    hub = Hub.from_env(env, transport=recorder.transport())
    hub.core.request("GET", "nodes")
    assert str(recorder.requests[0].url) == "http://env.test/core/nodes"
    assert recorder.requests[0].headers["authorization"] == "Bearer env-token"
    assert hub.core.http.timeout.read == 7.0


def test_auth_from_environment_kinds() -> None:
    assert isinstance(auth_from_env({"FLAME_HUB_USERNAME": "a", "FLAME_HUB_PASSWORD": "b"}), PasswordAuth)
    assert isinstance(auth_from_env({"FLAME_HUB_CLIENT_ID": "a", "FLAME_HUB_CLIENT_SECRET": "b"}), ClientAuth)
    assert auth_from_env({}) is None
    with pytest.raises(ConfigurationError, match="FLAME_HUB_PASSWORD"):
        auth_from_env({"FLAME_HUB_USERNAME": "a"})
    with pytest.raises(ConfigurationError, match="several kinds"):
        auth_from_env({"FLAME_HUB_TOKEN": "t", "FLAME_HUB_CLIENT_ID": "a", "FLAME_HUB_CLIENT_SECRET": "b"})
    with pytest.raises(ConfigurationError, match="FLAME_HUB_TIMEOUT"):
        timeout_from_env({"FLAME_HUB_TIMEOUT": "soon"})


def test_unknown_request_options_are_refused() -> None:
    recorder = Recorder()
    client = CoreClient("http://hub.test/core/", transport=recorder.transport())
    with pytest.raises(TypeError, match="expect"):
        client.request("GET", "nodes", expect=(200,))  # type: ignore[call-arg]
    assert recorder.requests == []


def test_a_bucket_name_cannot_be_combined_with_a_query() -> None:
    from flame_hub import StorageClient
    from flame_hub.exceptions import NotSupportedError

    recorder = Recorder()
    client = StorageClient("http://hub.test/storage/", transport=recorder.transport())
    with pytest.raises(NotSupportedError, match="by name"):
        client.get_bucket("my-bucket", fields=["name"])
    assert recorder.requests == []


def test_a_missing_id_is_refused_before_sending() -> None:
    recorder = Recorder()
    client = CoreClient("http://hub.test/core/", transport=recorder.transport())
    with pytest.raises(InvalidIdError, match="None"):
        client.get_node(None)
    assert recorder.requests == []
