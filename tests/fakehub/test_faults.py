"""Fault injection: latency, injected errors, dropped connections (hub.faults)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.context import RequestContext
from flame_hub.testing.fakehub.http import Request, Response


def download(ctx: RequestContext) -> Response:
    def chunks() -> Iterator[bytes]:
        for i in range(10):
            yield bytes([65 + i]) * 100

    return Response.stream(chunks(), "application/octet-stream")


@pytest.fixture
def streaming_hub(hub: FakeHub) -> FakeHub:
    hub.route("GET", "storage", "/blob", download)
    return hub


def test_latency_applies_to_matching_routes_only(hub: FakeHub, http: httpx.Client) -> None:
    # Which requests wait is the rule's decision (delay_for, which the transports ask); that the transport
    # waits is shown by a lower bound only, which a slow machine cannot break.
    hub.faults.add_latency("/auth/realms*", 1.0)
    assert hub.faults.delay_for(Request("GET", "/auth/")) == 0.0
    assert hub.faults.delay_for(Request("GET", "/auth/realms")) == 1.0
    start = time.perf_counter()
    assert http.get("/auth/realms").status_code == 200
    assert time.perf_counter() - start >= 1.0
    hub.faults.reset()
    assert hub.faults.delay_for(Request("GET", "/auth/realms")) == 0.0


def test_injected_errors_for_the_next_n_requests(hub: FakeHub, http: httpx.Client) -> None:
    hub.faults.fail("/auth/realms", 503, times=2, retry_after=7)
    for _ in range(2):
        response = http.get("/auth/realms")
        assert response.status_code == 503 and response.headers["retry-after"] == "7"
        assert response.json()["code"] == "service_unavailable"
    assert http.get("/auth/realms").status_code == 200
    hub.faults.fail("/core/*", 429, method="GET")
    limited = http.get("/core/nodes")
    assert limited.status_code == 429 and limited.headers["content-type"].startswith("text/plain")
    hub.faults.fail("/core/*", 502)
    bad_gateway = http.get("/core/nodes")
    assert bad_gateway.status_code == 502 and bad_gateway.json()["statusCode"] == 502


def test_dropped_connection_in_process(hub: FakeHub, http: httpx.Client) -> None:
    hub.faults.drop_connection("/auth/token")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/auth/token", json={})
    assert http.post("/auth/token", json={}).status_code == 400


def test_mid_stream_drop_in_process(streaming_hub: FakeHub) -> None:
    http = streaming_hub.client()
    token = http.post("/auth/token", json={"username": "admin", "password": "start123"}).json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    assert len(http.get("/storage/blob", headers=headers).content) == 1000
    streaming_hub.faults.drop_connection("/storage/blob", after_bytes=250)
    received = b""
    with pytest.raises(httpx.ReadError), http.stream("GET", "/storage/blob", headers=headers) as response:
        for chunk in response.iter_bytes():
            received += chunk
    assert received == b"A" * 100 + b"B" * 100 + b"C" * 50


def test_dropped_connection_over_loopback(streaming_hub: FakeHub) -> None:
    with streaming_hub.serve() as server, httpx.Client(base_url=server.url, timeout=5) as http:
        streaming_hub.faults.drop_connection("/auth/realms")
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/auth/realms")
        assert http.get("/auth/realms").status_code == 200
        token = http.post("/auth/token", json={"username": "admin", "password": "start123"}).json()[
            "access_token"
        ]
        streaming_hub.faults.drop_connection("/storage/blob", after_bytes=150)
        with pytest.raises(httpx.HTTPError):
            http.get("/storage/blob", headers={"Authorization": f"Bearer {token}"})
        assert len(http.get("/storage/blob", headers={"Authorization": f"Bearer {token}"}).content) == 1000


async def _async_round_trip(hub: FakeHub) -> int:
    async with httpx.AsyncClient(transport=hub.async_transport(), base_url=hub.base_url) as client:
        hub.faults.add_latency("/auth/", 0.05, times=1)
        return (await client.get("/auth/")).status_code


def test_async_transport_with_latency(hub: FakeHub) -> None:
    import anyio

    assert anyio.run(_async_round_trip, hub) == 200


def test_rate_limit_headers_and_429(http: httpx.Client, hub: FakeHub) -> None:
    first = http.get("/auth/")
    assert first.headers["ratelimit-limit"] == "1200"
    assert first.headers["ratelimit-remaining"] == "1199"
    for _ in range(1199):
        http.get("/auth/")
    limited = http.get("/auth/")
    assert limited.status_code == 429
    assert limited.text == "Too many requests, please try again later."
    assert limited.headers["retry-after"] == "60" and limited.headers["ratelimit-remaining"] == "0"
    hub.clock.advance(60)
    assert http.get("/auth/").status_code == 200
    assert FakeHub(rate_limit=False).client().get("/auth/").headers.get("ratelimit-limit") is None
