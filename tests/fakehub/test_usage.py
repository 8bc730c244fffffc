"""``HubUsage`` and the counting transports of the plugin's real-Hub backends: counts, identities, pacing."""

from __future__ import annotations

import json

import httpx
import pytest

import flame_hub.testing.usage as usage_module
from flame_hub.testing.usage import CountingTransport, HubUsage

BASE = "http://hub.test"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def answer(request: httpx.Request) -> httpx.Response:
    headers = (
        {"ratelimit-limit": "1200", "ratelimit-remaining": "1100"} if "/auth/" in request.url.path else {}
    )
    status = 201 if request.method == "POST" else 200
    return httpx.Response(status, headers=headers, json={"data": {}})


def client(usage: HubUsage) -> httpx.Client:
    return httpx.Client(base_url=BASE, transport=CountingTransport(usage, httpx.MockTransport(answer)))


def test_token_requests_are_counted_per_identity_and_never_show_a_secret() -> None:
    usage = HubUsage(BASE)
    with client(usage) as http:
        http.post(
            "/auth/token", json={"grant_type": "password", "username": "admin", "password": "start-123"}
        )
        http.post(
            "/auth/token",
            data={"grant_type": "client_credentials", "client_id": "c-1", "client_secret": "x9"},
        )
        http.post(
            "/auth/token", json={"grant_type": "password", "username": "admin", "password": "start-123"}
        )
        http.get("/core/nodes")
    assert usage.token_requests == {"password:admin": 2, "client_credentials:c-1": 1}
    assert usage.requests == {"auth": 3, "core": 1}
    assert usage.lowest_remaining == (1100, 1200)
    text = "\n".join(usage.summary())
    assert "token requests: 3 for 2 identities (most for one identity: 2)" in text
    assert "  2 token requests for password:admin" in text and "for client_credentials" not in text
    assert "start-123" not in text and "x9" not in text and "start-123" not in repr(usage)


def test_node_and_analysis_writes_count_as_what_the_hub_asks_authup() -> None:
    usage = HubUsage(BASE)
    usage.test_id = "test_x"
    with client(usage) as http:
        http.post("/core/nodes", json={"name": "n"})
        http.delete("/core/analyses/00000000-0000-4000-8000-000000000000")
        http.post("/core/projects", json={"name": "p"})  # no authup client: free
        http.post("/core/nodes/00000000-0000-4000-8000-000000000000", json={"hidden": True})  # an update
        http.get("/core/nodes")
    assert usage.provisioning == {"test_x": 2}
    assert usage.per_test == {"test_x": 6 + 1} and usage.busiest_minute == 7


def test_a_request_past_the_budget_waits_for_the_window() -> None:
    clock = Clock()
    usage = HubUsage(BASE, budget=20, clock=clock)
    analysis = httpx.Request("POST", f"{BASE}/core/analyses", json={"projectId": "p"})
    token = httpx.Request("POST", f"{BASE}/auth/token", json={})
    assert usage.reserve(analysis) == 0 and usage.reserve(analysis) == 0  # 16 of 20
    clock.now = 10.0
    assert usage.reserve(token) == 0  # 17
    assert usage.reserve(analysis) == 50.0  # 25 > 20: wait until the first charge is 60 s old
    clock.now = 60.0
    assert usage.reserve(analysis) == 0  # the first analysis' 8 left the window: 9 + 8 = 17
    assert usage.reserve(httpx.Request("GET", f"{BASE}/core/nodes")) == 0  # costs nothing, never waits


def test_authups_own_count_is_charged_until_its_window_resets() -> None:
    clock = Clock()
    usage = HubUsage(BASE, budget=20, clock=clock)
    token = httpx.Request("POST", f"{BASE}/auth/token", json={"username": "admin"})
    # authup says 15 of its window are used (an earlier run, clients without this transport), 30 s left
    headers = {"ratelimit-limit": "1200", "ratelimit-remaining": "1185", "ratelimit-reset": "30"}
    assert usage.reserve(token) == 0  # our own 1
    usage.record(token, httpx.Response(200, headers=headers))  # 15 used, 1 of them ours: 14 more charged
    node = httpx.Request("POST", f"{BASE}/core/nodes", json={"name": "n"})
    assert usage.reserve(node) == 30.0  # 15 + 6 > 20: wait for authup's window to reset
    clock.now = 30.0
    assert usage.reserve(node) == 0  # authup's window reset: the correction left, our own 1 stays


def test_the_transport_waits_and_reports_it(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    usage = HubUsage(BASE, budget=6, clock=clock)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    monkeypatch.setattr(usage_module.time, "sleep", sleep)
    with client(usage) as http:
        http.post("/core/nodes", json={"name": "a"})
        http.post("/core/nodes", json={"name": "b"})
    assert slept == [60.0] and usage.paused == 60.0
    assert "waited 60.0 s for the budget" in "\n".join(usage.summary())


def test_clients_closing_leave_the_shared_pool_open() -> None:
    usage = HubUsage(BASE)
    transport = CountingTransport(usage, httpx.MockTransport(answer))
    for _ in range(2):
        with httpx.Client(base_url=BASE, transport=transport) as http:
            assert json.loads(http.get("/storage/buckets").content) == {"data": {}}
    assert usage.requests == {"storage": 2}
    transport.shutdown()
