"""The pool gate of the async clients (issue 13): requests enter httpcore's connection pool one at a time.

httpcore's async pool hands one idle connection to every request queued while it assigns connections,
and all but one then go round again (encode/httpcore#822): CPU spent for nothing, and bulk reads whose
duration varied from run to run. The gate is released as soon as httpcore reports a connection taken,
so requests still overlap on the network; it is used only with httpx's own async transport, since
another transport reports nothing and would be held to one request at a time.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import httpcore._async.connection_pool as pool_module
import httpx
import pytest

from flame_hub import AsyncCoreClient, AsyncHub, Hub
from flame_hub._driver import _GATES, PoolGate
from flame_hub.testing import FakeHub
from flame_hub.transports.aiohttp import AiohttpTransport

from .raw_server import RawServer, answer

PAGE = b'{"data": [], "meta": {"total": 0, "limit": 50, "offset": 0}}'


def _gated(client: Any) -> bool:
    return client.http in _GATES


def test_only_clients_on_httpx_s_own_async_transport_are_gated() -> None:
    fake = FakeHub()
    own = AsyncHub("http://127.0.0.1:1/")
    assert all(_gated(c) for c in (own.auth, own.core, own.storage))
    explicit = AsyncCoreClient("http://127.0.0.1:1/core/", transport=httpx.AsyncHTTPTransport())
    assert _gated(explicit)
    assert not _gated(AsyncHub(fake.base_url, transport=fake.async_transport()).core)
    assert not _gated(AsyncHub("http://127.0.0.1:1/", transport=AiohttpTransport()).core)
    assert not _gated(AsyncCoreClient(client=httpx.AsyncClient(base_url="http://127.0.0.1:1/core/")))
    assert not _gated(Hub("http://127.0.0.1:1/").core)


class Overlap:
    """A server that records how many requests it held at once.

    Each request is held until ``target`` are held together (a rendezvous, so that the peak does not
    depend on how fast a loaded machine sends them), or until ``bound`` seconds passed once: then none
    waits any more and the peak stays below ``target``, as it does when the requests go out one by one.
    """

    def __init__(self, target: int = 1, bound: float = 10.0) -> None:
        self.ready = threading.Condition()
        self.target, self.bound = target, bound
        self.now = self.peak = 0
        self.gave_up = False

    def __call__(self, connection: socket.socket, server: RawServer) -> None:
        while server.read(connection) is not None:
            with self.ready:
                self.now += 1
                self.peak = max(self.peak, self.now)
                self.ready.notify_all()
                if not self.gave_up and not self.ready.wait_for(lambda: self.peak >= self.target, self.bound):
                    self.gave_up = True
            time.sleep(0.05)  # keep the connection busy, as a Hub's answer would
            with self.ready:
                self.now -= 1
            connection.sendall(answer(PAGE))


def test_gated_requests_still_overlap_and_never_go_round_the_pool_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rounds = []
    cleared = pool_module.AsyncPoolRequest.clear_connection

    def counted(self: Any) -> None:
        rounds.append(1)
        cleared(self)

    monkeypatch.setattr(pool_module.AsyncPoolRequest, "clear_connection", counted)
    overlap = Overlap(target=8)
    with RawServer(overlap) as server:

        async def burst(core: AsyncCoreClient) -> list[int]:
            replies = await asyncio.gather(*(core.request("GET", "nodes") for _ in range(16)))
            return [r.status_code for r in replies]

        async def main() -> None:
            async with AsyncCoreClient(server.url + "core/", "token") as core:
                assert _gated(core)
                for _ in range(4):  # the first burst opens connections, the later ones reuse them
                    assert await burst(core) == [200] * 16

        asyncio.run(main())
    assert overlap.peak >= 8  # the gate is held only until a connection is taken, not for the exchange
    assert rounds == []  # no request was handed a connection another one took


def test_a_trace_of_your_own_still_sees_every_event() -> None:
    seen: list[str] = []

    async def trace(name: str, info: Any) -> None:
        seen.append(name)

    with RawServer(Overlap()) as server:

        async def main() -> int:
            async with httpx.AsyncClient() as http:
                request = http.build_request("GET", server.url, extensions={"trace": trace})
                response = await PoolGate().send(http, request, None)
                await response.aread()
                return response.status_code

        assert asyncio.run(main()) == 200
    assert "connection.connect_tcp.started" in seen and "http11.receive_response_headers.complete" in seen
