"""``AiohttpTransport`` behaves as httpx's own async transport where flame-hub depends on it.

Every case runs over a real socket twice, through httpx's transport and through aiohttp's, and the
outcome must be the same: the error class (a server that closes without answering is NOT a connect
error: the retry policy would repeat a create that may have been carried out), what reached the
server, the bytes read back, timeouts, cookies, compression and TLS. The transport's own parts are
tested after that: aiohttp's silent repetition of requests is off, a second event loop works.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from flame_hub import AsyncCoreClient, AsyncHub, Retry
from flame_hub.exceptions import HubConnectionError, OutcomeUnknownError
from flame_hub.retry import DEFAULT_RETRY
from flame_hub.transports.aiohttp import AiohttpTransport

from .raw_server import RawServer, answer, free_port, tls_server

PAGE = b'{"data": [], "meta": {"total": 0, "limit": 50, "offset": 0}}'
#: For exchanges the server answers at once: generous, so a busy machine never turns them into timeouts.
TIMEOUT = httpx.Timeout(5.0)
#: For the server that stalls on purpose (1 s or more): the read times out long before it would answer.
SHORT_READ = httpx.Timeout(5.0, read=0.3)


def transports() -> dict[str, Callable[..., httpx.AsyncBaseTransport | None]]:
    return {"httpx": lambda: None, "aiohttp": AiohttpTransport}


@pytest.fixture(params=["httpx", "aiohttp"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def both(scenario: Callable[[httpx.AsyncClient], Awaitable[Any]], **client: Any) -> dict[str, Any]:
    """The scenario's result (or the class of the error it raised) with each transport."""
    outcomes: dict[str, Any] = {}
    for name, make in transports().items():

        async def run(make: Callable[..., httpx.AsyncBaseTransport | None] = make, name: str = name) -> Any:
            options = {"timeout": TIMEOUT, **client}
            limit = options.pop("__aiohttp_limit", None)
            if name == "aiohttp":
                options["transport"] = make() if limit is None else make(limit=limit)
            async with httpx.AsyncClient(**options) as http:
                try:
                    return await scenario(http)
                except Exception as exc:
                    return type(exc)

        outcomes[name] = asyncio.run(run())
    return outcomes


# -- behaviours of the server -----------------------------------------------------------------------


def slow_answer(connection: socket.socket, server: RawServer) -> None:
    server.read(connection)
    time.sleep(1.0)
    connection.sendall(answer(PAGE))


def close_without_answer(connection: socket.socket, server: RawServer) -> None:
    server.read(connection)


def cut_body(connection: socket.socket, server: RawServer) -> None:
    server.read(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100)


def stall_body(connection: socket.socket, server: RawServer) -> None:
    server.read(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100)
    time.sleep(1.5)


def echo(connection: socket.socket, server: RawServer) -> None:
    """Answers every request on the connection with what it received: body length, framing, headers."""
    while (request := server.read(connection)) is not None:
        head, body = request
        lines = head.decode().split("\r\n")
        headers = sorted(line.split(":", 1)[0].lower() for line in lines[1:])
        cookie = next(
            (line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("cookie:")), None
        )
        reply = {"line": lines[0], "received": len(body), "headers": headers, "cookie": cookie}
        extra = ("Set-Cookie: session=abc; Path=/",) if "first" in lines[0] else ()
        connection.sendall(answer(json.dumps(reply).encode(), headers=extra))


def gzipped(connection: socket.socket, server: RawServer) -> None:
    server.read(connection)
    body = gzip.compress(PAGE)
    connection.sendall(answer(body, headers=("Content-Encoding: gzip",)))


def big(connection: socket.socket, server: RawServer) -> None:
    server.read(connection)
    size = 5 * 1024 * 1024
    connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
    block = bytes(range(256)) * 256
    for _ in range(size // len(block)):
        connection.sendall(block)


def never_read(connection: socket.socket, server: RawServer) -> None:
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    time.sleep(3)


# -- the same outcome with either transport ---------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "method", "timeout", "expected"),
    [
        (slow_answer, "GET", SHORT_READ, httpx.ReadTimeout),
        # not ConnectError: it may have been done
        (close_without_answer, "POST", TIMEOUT, httpx.RemoteProtocolError),
        (cut_body, "GET", TIMEOUT, httpx.RemoteProtocolError),
        (stall_body, "GET", SHORT_READ, httpx.ReadTimeout),
    ],
    ids=["read-timeout", "closed-without-answer", "body-cut-short", "body-stalls"],
)
def test_a_broken_exchange_raises_the_same_error(
    behaviour: Any, method: str, timeout: httpx.Timeout, expected: type
) -> None:
    with RawServer(behaviour) as server:

        async def scenario(http: httpx.AsyncClient) -> Any:
            response = await http.request(method, server.url, json={"a": 1} if method == "POST" else None)
            return response.status_code

        assert both(scenario, timeout=timeout) == {"httpx": expected, "aiohttp": expected}


def test_a_refused_connection_is_a_connect_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    assert both(lambda http: http.get(url)) == {"httpx": httpx.ConnectError, "aiohttp": httpx.ConnectError}


def test_bodies_go_out_and_come_back_alike() -> None:
    async def generated() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"z" * 1000

    with RawServer(echo) as echoing, RawServer(big) as large, RawServer(gzipped) as compressed:

        async def scenario(http: httpx.AsyncClient) -> Any:
            streamed = (await http.post(echoing.url, content=generated())).json()
            sized = (await http.post(echoing.url, content=b"z" * 10_000)).json()
            posted = (await http.post(echoing.url, json={"name": "ä" * 10})).json()
            files = (await http.post(echoing.url, files={"file": ("a.txt", b"q" * 5000)})).json()
            async with http.stream("GET", large.url) as response:
                downloaded = b"".join([chunk async for chunk in response.aiter_bytes()])
            decoded = (await http.get(compressed.url)).json()
            return streamed, sized, posted, files, len(downloaded), hash(downloaded), decoded

        outcome = both(scenario)
    assert outcome["aiohttp"] == outcome["httpx"]
    streamed, sized, _posted, files, length, _digest, decoded = outcome["aiohttp"]
    assert streamed["received"] > 10_000 and "transfer-encoding" in streamed["headers"]  # chunked
    assert sized["received"] == 10_000 and "content-length" in sized["headers"]
    assert files["received"] > 5000
    assert length == 5 * 1024 * 1024
    assert decoded == json.loads(PAGE)  # httpx decoded the gzip body, aiohttp left it alone


def test_the_headers_sent_are_httpx_s_and_cookies_are_httpx_s() -> None:
    with RawServer(echo) as server:

        async def scenario(http: httpx.AsyncClient) -> Any:
            first = (await http.get(server.url + "first")).json()
            second = (await http.get(server.url + "second")).json()
            return first["headers"], first["cookie"], second["cookie"]

        outcome = both(scenario, headers={"User-Agent": "probe/1"})
    assert outcome["aiohttp"] == outcome["httpx"]
    headers, first_cookie, second_cookie = outcome["aiohttp"]
    assert headers == ["accept", "accept-encoding", "connection", "host", "user-agent"]
    assert (first_cookie, second_cookie) == (None, "session=abc")  # httpx's jar, once, not aiohttp's too


def test_an_upload_the_server_does_not_read_ends_in_a_write_timeout() -> None:
    async def endless() -> AsyncIterator[bytes]:
        for _ in range(1024):
            yield b"w" * 65536

    with RawServer(never_read) as server:
        timeout = httpx.Timeout(5.0, write=0.3)
        outcome = both(lambda http: http.post(server.url, content=endless()), timeout=timeout)
    assert outcome == {"httpx": httpx.WriteTimeout, "aiohttp": httpx.WriteTimeout}


# -- through the clients: what is repeated ----------------------------------------------------------


def test_a_create_whose_connection_closed_unanswered_is_not_repeated(kind: str) -> None:
    with RawServer(close_without_answer) as server:

        async def create() -> None:
            transport = AiohttpTransport() if kind == "aiohttp" else None
            async with AsyncCoreClient(server.url + "core/", "token", transport=transport) as core:
                await core.create_node("outcome-unknown")

        with pytest.raises(OutcomeUnknownError):
            asyncio.run(create())
        assert len(server.requests) == 1


def test_a_filtered_delete_is_sent_once_even_where_aiohttp_would_repeat_it() -> None:
    # aiohttp repeats a DELETE by itself when its connection drops; the retry policy must decide alone
    with RawServer(close_without_answer) as server:

        async def delete() -> None:
            async with httpx.AsyncClient(transport=AiohttpTransport(), timeout=TIMEOUT) as http:
                await http.delete(server.url + "core/analysis-logs?filter%5BanalysisId%5D=x")

        with pytest.raises(httpx.RemoteProtocolError):
            asyncio.run(delete())
        assert len(server.requests) == 1


def test_a_refused_connection_is_repeated_as_never_sent(kind: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/core/"
    policy = Retry(attempts=2, backoff=0.0, jitter=0.0)

    async def create() -> None:
        transport = AiohttpTransport() if kind == "aiohttp" else None
        async with AsyncCoreClient(url, "token", transport=transport, retry=policy) as core:
            await core.create_node("never-sent")

    with pytest.raises(HubConnectionError) as info:
        asyncio.run(create())
    assert not isinstance(info.value, OutcomeUnknownError)  # nothing was sent, so it was tried again


def test_a_full_pool_is_a_pool_timeout_nothing_was_sent() -> None:
    with RawServer(slow_answer) as server:

        async def scenario(http: httpx.AsyncClient) -> Any:
            first, second = await asyncio.gather(
                http.get(server.url), http.get(server.url), return_exceptions=True
            )
            return getattr(first, "status_code", first), type(second)

        outcome = both(
            scenario,
            timeout=httpx.Timeout(5.0, pool=0.2),
            limits=httpx.Limits(max_connections=1),  # httpx's own pool; the transport's size is its own
            __aiohttp_limit=1,
        )
    assert outcome == {"httpx": (200, httpx.PoolTimeout), "aiohttp": (200, httpx.PoolTimeout)}
    assert DEFAULT_RETRY.never_sent(httpx.PoolTimeout("full"))


# -- the transport's own parts ----------------------------------------------------------------------


def test_one_transport_serves_an_async_hub_in_one_event_loop_after_another() -> None:
    with RawServer(echo) as server:
        transport = AiohttpTransport()

        async def read() -> int:
            async with AsyncHub(server.url, "token", transport=transport) as hub:
                response = await hub.core.request("GET", "nodes")
                return response.status_code

        assert asyncio.run(read()) == 200
        assert asyncio.run(read()) == 200  # a new loop: new connections
        assert len(server.requests) == 2


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with tls_server(tmp_path) as server:
        yield server


def test_tls_verifies_by_default_and_takes_a_ca_bundle(tls: tuple[str, Path]) -> None:
    url, cert = tls

    async def read(verify: Any) -> Any:
        async with AsyncCoreClient(
            url, "token", transport=AiohttpTransport(verify=verify), retry=False
        ) as core:
            return await core.find_nodes()

    with pytest.raises(HubConnectionError, match=r"(?i)certificate"):
        asyncio.run(read(True))
    assert asyncio.run(read(str(cert))) == []


def test_bad_settings_are_refused() -> None:
    from flame_hub.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="limit"):
        AiohttpTransport(limit=0)
    with pytest.raises(ConfigurationError, match="keepalive_expiry"):
        AiohttpTransport(keepalive_expiry=-1)
