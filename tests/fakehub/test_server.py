"""The loopback server: start, serve, stop cleanly; ``flame-hub serve`` shuts down on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys

import httpx

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
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flame_hub", "serve", "--port", "0", "--seed", "5"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        url = re.search(r"http://\S+:\d+", line)
        assert url is not None, line
        assert httpx.get(url.group(0) + "/core/").json()["version"] == "0.14.0"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
