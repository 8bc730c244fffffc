"""Runs inside bench/.venv-seed: time flame-hub-client 0.5.5's ``find_nodes()`` end to end, and a raw request.

Benchmark (e) measures what a user pays for one list call beyond the HTTP round trip itself. In this
interpreter it times the first page of 50 nodes:

* ``seed``: ``CoreClient.find_nodes()`` against the canned server (``canned_server.py``), parsed into
  the client's models;
* ``raw``: the same page with the HTTP library this client brings (``httpx2``): ``client.get`` on a
  keep-alive client, then ``json.loads`` of the body;
* ``seed_inproc`` / ``raw_inproc``: the same two calls through an in-process transport that answers
  the same bytes (no socket, no server): what is left is the client's own work.

It stays alive so that the benchmark can interleave its rounds with rounds of ours: first it prints
one JSON line describing itself, then for every line ``NAME N`` on stdin it answers
``{"wall": <seconds per call>, "cpu": <process CPU seconds per call>}``.

Usage: python overhead.py BASE_URL USERNAME PASSWORD PAGE_FILE TOKEN_FILE
"""

from __future__ import annotations

import json
import platform
import sys
import time
from importlib import metadata

import httpx2

from flame_hub import CoreClient
from flame_hub.auth import PasswordAuth

PARAMS = {"page[limit]": "50", "page[offset]": "0"}
IN_PROCESS = "http://in-process.test"


class Canned(httpx2.BaseTransport):
    """Answers the token request with the canned token and everything else with the canned page."""

    def __init__(self, page: bytes, token: bytes) -> None:
        self.page, self.token = page, token

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        body = self.token if request.url.path.endswith("/token") else self.page
        return httpx2.Response(
            200, headers=[("content-type", "application/json; charset=utf-8")], stream=httpx2.ByteStream(body)
        )


def main() -> None:
    base_url, username, password, page_file, token_file = sys.argv[1:6]
    with open(page_file, "rb") as handle:
        page = handle.read()
    with open(token_file, "rb") as handle:
        token_body = handle.read()
    core = CoreClient(
        base_url=f"{base_url}/core", auth=PasswordAuth(username, password, base_url=f"{base_url}/auth")
    )
    raw_client = httpx2.Client()
    token = raw_client.post(
        f"{base_url}/auth/token", json={"grant_type": "password", "username": username, "password": password}
    ).json()["access_token"]
    headers = {"authorization": f"Bearer {token}"}
    # 0.5.5's documented way to bring one's own client: CoreClient(client=httpx.Client(base_url=..., auth=...))
    transport = Canned(page, token_body)
    auth = PasswordAuth(
        username, password, client=httpx2.Client(base_url=f"{IN_PROCESS}/auth/", transport=transport)
    )
    core_inproc = CoreClient(
        client=httpx2.Client(base_url=f"{IN_PROCESS}/core", auth=auth, transport=transport)
    )
    raw_inproc = httpx2.Client(transport=transport)

    def raw_get(client: httpx2.Client, url: str) -> int:
        response = client.get(url, params=PARAMS, headers=headers)
        response.raise_for_status()
        return len(json.loads(response.content)["data"])

    functions = {
        "seed": lambda: len(core.find_nodes()),
        "raw": lambda: raw_get(raw_client, f"{base_url}/core/nodes"),
        "seed_inproc": lambda: len(core_inproc.find_nodes()),
        "raw_inproc": lambda: raw_get(raw_inproc, f"{IN_PROCESS}/core/nodes"),
    }
    about = {
        "version": metadata.version("flame-hub-client"),
        "python": platform.python_version(),
        "pydantic": metadata.version("pydantic"),
        "http": f"httpx2 {metadata.version('httpx2')}",
        "records": {name: function() for name, function in functions.items()},
    }
    print(json.dumps(about), flush=True)
    for line in sys.stdin:
        name, number = line.split()
        function, count = functions[name], int(number)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            function()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(json.dumps({"wall": wall / count, "cpu": cpu / count}), flush=True)
    core.close()
    raw_client.close()


if __name__ == "__main__":
    main()
