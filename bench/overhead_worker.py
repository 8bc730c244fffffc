"""Runs in a fresh interpreter of our environment: time our ``find_nodes()`` end to end, and raw requests.

The twin of ``seed_side/overhead.py`` (flame-hub-client 0.5.5 in its venv): each client is timed in a
process of its own that does nothing else, so neither inherits the state of the benchmark run that
started it (the earlier benchmarks' objects, caches, threads). Alternatives, one 50-node page each:

* ``ours`` / ``raw``: ``CoreClient.find_nodes()`` against the canned server, and ``httpx.Client.get``
  + ``json.loads`` of the same page (keep-alive);
* ``ours_async`` / ``raw_async``: ``await AsyncCoreClient.find_nodes()`` and ``await
  httpx.AsyncClient.get`` + ``json.loads``, on one event loop;
* the same four with ``_inproc``: through an in-process transport answering the same bytes (no socket,
  no server).

First it prints one JSON line describing itself, then for every line ``NAME N`` on stdin it answers
``{"wall": <seconds per call>, "cpu": <process CPU seconds per call>}``.

Usage: python overhead_worker.py BASE_URL USERNAME PASSWORD PAGE_FILE TOKEN_FILE
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from typing import Any

import httpx

from flame_hub import AsyncCoreClient, CoreClient
from flame_hub.auth import PasswordAuth

PARAMS = {"page[limit]": "50", "page[offset]": "0"}
IN_PROCESS = "http://in-process.test"


class Canned(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """In-process transport: the canned token for the token request, the canned page for anything else."""

    def __init__(self, page: bytes, token: bytes) -> None:
        self.page, self.token = page, token

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = self.token if request.url.path.endswith("/token") else self.page
        return httpx.Response(
            200, headers=[("content-type", "application/json; charset=utf-8")], stream=httpx.ByteStream(body)
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self._answer(request)


def _count(response: httpx.Response) -> int:
    response.raise_for_status()
    return len(json.loads(response.content)["data"])


def main() -> None:
    base_url, username, password, page_file, token_file = sys.argv[1:6]
    with open(page_file, "rb") as handle:
        page = handle.read()
    with open(token_file, "rb") as handle:
        canned = Canned(page, handle.read())
    loop = asyncio.new_event_loop()
    sync: dict[str, Callable[[], int]] = {}
    asynchronous: dict[str, Callable[[], Awaitable[int]]] = {}
    closing: list[Callable[[], Any]] = []
    for suffix, base, transport in (("", base_url, None), ("_inproc", IN_PROCESS, canned)):
        core = CoreClient(f"{base}/core", PasswordAuth(username, password), transport=transport)
        acore = AsyncCoreClient(f"{base}/core", PasswordAuth(username, password), transport=transport)
        raw = httpx.Client(transport=transport)
        araw = httpx.AsyncClient(transport=transport)
        body = {"grant_type": "password", "username": username, "password": password}
        headers = {
            "authorization": f"Bearer {raw.post(f'{base}/auth/token', json=body).json()['access_token']}"
        }
        url = f"{base}/core/nodes"

        async def ours_async(acore: AsyncCoreClient = acore) -> int:
            return len(await acore.find_nodes())

        async def raw_async(araw: httpx.AsyncClient = araw, url: str = url, headers: Any = headers) -> int:
            return _count(await araw.get(url, params=PARAMS, headers=headers))

        sync["ours" + suffix] = lambda core=core: len(core.find_nodes())
        sync["raw" + suffix] = lambda raw=raw, url=url, headers=headers: _count(
            raw.get(url, params=PARAMS, headers=headers)
        )
        asynchronous["ours_async" + suffix] = ours_async
        asynchronous["raw_async" + suffix] = raw_async
        closing += [core.close, raw.close]
        closing += [lambda a=acore: loop.run_until_complete(a.aclose())]
        closing += [lambda a=araw: loop.run_until_complete(a.aclose())]

    def timed(name: str, count: int) -> tuple[float, float]:
        if name in sync:
            function = sync[name]
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(count):
                function()
            return time.perf_counter() - started, time.process_time() - cpu
        make = asynchronous[name]

        async def calls() -> tuple[float, float]:
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(count):
                await make()
            return time.perf_counter() - started, time.process_time() - cpu

        return loop.run_until_complete(calls())

    def records(name: str) -> int:
        return sync[name]() if name in sync else loop.run_until_complete(asynchronous[name]())

    about = {
        "flame_hub": metadata.version("flame-hub-client"),
        "http": f"httpx {metadata.version('httpx')}",
        "records": {name: records(name) for name in [*sync, *asynchronous]},
    }
    print(json.dumps(about), flush=True)
    for line in sys.stdin:
        name, number = line.split()
        count = int(number)
        wall, cpu = timed(name, count)
        print(json.dumps({"wall": wall / count, "cpu": cpu / count}), flush=True)
    for close in closing:
        close()
    loop.close()


if __name__ == "__main__":
    main()
