"""``client=httpx.Client(base_url=…, auth=…)``: the seed documents that it "overrides base_url and auth".

The given client's base URL and auth are used unless ``base_url=`` / ``auth=`` are passed as well (then
those win). Before issue 11 the auth was dropped: every request went out without a token.
"""

from __future__ import annotations

import httpx
import pytest

import flame_hub
from flame_hub.auth import StaticAuth


def _answering(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "meta": {"total": 0, "limit": 50, "offset": 0}})

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(
    "client_class", [flame_hub.AuthClient, flame_hub.CoreClient, flame_hub.StorageClient]
)
def test_the_given_clients_url_and_auth_are_used(client_class: type) -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(
        base_url="https://hub.example/svc/", auth=StaticAuth("client-token"), transport=_answering(seen)
    )
    with client_class(client=http) as service:
        assert service.base_url == "https://hub.example/svc/"
        reader = next(name for name in dir(service) if name.startswith("get_") and name.endswith("s"))
        getattr(service, reader)()
    assert str(seen[-1].url).startswith("https://hub.example/svc/")
    assert seen[-1].headers["authorization"] == "Bearer client-token"
    assert not http.is_closed  # the caller's client stays the caller's


def test_explicit_arguments_win_over_the_given_client() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(
        base_url="https://other.example/core/", auth=StaticAuth("client-token"), transport=_answering(seen)
    )
    core = flame_hub.CoreClient("https://hub.example/core/", auth="explicit-token", client=http)
    core.get_nodes()
    assert str(seen[-1].url).startswith("https://hub.example/core/nodes")
    assert seen[-1].headers["authorization"] == "Bearer explicit-token"
    core.get_nodes(auth=None)  # and per request, None still means no Authorization at all
    assert "authorization" not in seen[-1].headers


def test_a_given_client_without_auth_sends_none() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(base_url="https://hub.example/core/", transport=_answering(seen))
    flame_hub.CoreClient(client=http).get_nodes()
    assert "authorization" not in seen[-1].headers
