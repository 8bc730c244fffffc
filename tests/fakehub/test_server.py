"""The loopback server: start, serve, stop cleanly; ``flame-hub serve`` shuts down on SIGTERM."""

from __future__ import annotations

import re
import socket

import httpx
from fakehub_helpers import served

from flame_hub.testing import FakeHub


def test_serve_round_trip_and_clean_shutdown() -> None:
    hub = FakeHub()
    with hub.serve() as server:
        assert server.hub is hub and re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        with httpx.Client(base_url=server.url) as http:
            token = http.post("/auth/token", data={"username": "admin", "password": "start123"})
            assert token.status_code == 200
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            assert http.get("/auth/realms", headers=headers).json()["data"][0]["name"] == "master"
            assert http.patch("/core/nodes/x", headers=headers).json() == {
                "status": 404,
                "message": "Not Found",
            }
            assert http.patch("/core/nodes/x").json()["code"] == "identity_unauthorized"
        port = server.port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more


def test_cli_serve_stops_on_sigterm() -> None:
    with served("--seed", "5") as (url, _):
        assert httpx.get(url + "/core/").json()["version"] == "0.14.0"
