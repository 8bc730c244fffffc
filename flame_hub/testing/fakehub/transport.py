"""In-process ``httpx`` transports: requests go straight into :meth:`FakeHub.handle`, no sockets.

Bodies of any kind (JSON, form, multipart) arrive as bytes; responses may stream (file downloads).
Fault injection behaves like a network would: a dropped connection raises
``httpx.RemoteProtocolError`` before an answer, or ``httpx.ReadError`` mid-body.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import anyio
import httpx

from .http import Request, Response

#: The address in-process callers appear to come from (rate limiting keys on it).
IN_PROCESS_ADDRESS = "127.0.0.1"


class Delays(Protocol):
    """Where injected latency comes from (``hub.faults``)."""

    def delay_for(self, request: Request) -> float:
        """Seconds to wait before answering ``request``."""
        ...


class Answering(Protocol):
    """What a transport (in-process or loopback) uses of a hub: injected latency and the answer."""

    @property
    def faults(self) -> Delays:
        """The fault switchboard (only its latency is read here)."""
        ...

    def handle(self, request: Request) -> tuple[Response, int | None]:
        """The answer to ``request`` and the body bytes after which to cut the connection."""
        ...


def to_request(request: httpx.Request, body: bytes) -> Request:
    """Translate an ``httpx.Request`` into FakeHub's own request value."""
    raw = request.url.raw_path.decode("ascii", errors="replace")
    path, _, query = raw.partition("?")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers.raw}
    forwarded = headers.get("x-forwarded-for")
    address = forwarded.split(",")[0].strip() if forwarded else IN_PROCESS_ADDRESS
    return Request(request.method, path or "/", query, headers, body, address)


def _chunks(response: Response, cut: int | None, request: httpx.Request) -> Iterator[bytes]:
    sent = 0
    for chunk in response.iter_body():
        if cut is not None and sent + len(chunk) >= cut:
            if cut - sent > 0:
                yield chunk[: cut - sent]
            raise httpx.ReadError("connection closed by FakeHub (injected fault)", request=request)
        sent += len(chunk)
        yield chunk
    if cut is not None:
        raise httpx.ReadError("connection closed by FakeHub (injected fault)", request=request)


class _SyncStream(httpx.SyncByteStream):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


class _AsyncStream(httpx.AsyncByteStream):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def _answer(hub: Answering, request: httpx.Request, ours: Request) -> tuple[Response, Iterator[bytes]]:
    response, cut = hub.handle(ours)
    if response.drop:
        raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)
    return response, _chunks(response, cut, request)


def _read_timeout(request: httpx.Request, delay: float) -> float | None:
    """The client's read timeout when the injected latency exceeds it (so the wait ends in a timeout).

    Over a socket httpx enforces timeouts itself; in-process there is no socket, so the transport honours
    ``request.extensions["timeout"]`` the way httpx's network layer would.
    """
    timeout = request.extensions.get("timeout", {}).get("read")
    return timeout if timeout is not None and delay > timeout else None


def _timed_out(request: httpx.Request, timeout: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"no answer within the read timeout of {timeout} s", request=request)


class FakeHubTransport(httpx.BaseTransport):
    """Synchronous in-process transport."""

    def __init__(self, hub: Answering) -> None:
        self.hub = hub

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        ours = to_request(request, body)
        delay = self.hub.faults.delay_for(ours)
        if delay > 0:
            timeout = _read_timeout(request, delay)
            time.sleep(delay if timeout is None else timeout)
            if timeout is not None:
                _answer(self.hub, request, ours)  # the Hub still carries it out; only the answer is lost
                raise _timed_out(request, timeout)
        response, chunks = _answer(self.hub, request, ours)
        return httpx.Response(response.status, headers=response.headers, stream=_SyncStream(chunks))


class AsyncFakeHubTransport(httpx.AsyncBaseTransport):
    """Asynchronous in-process transport (handlers run inline; latency faults do not block the loop)."""

    def __init__(self, hub: Answering) -> None:
        self.hub = hub

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        ours = to_request(request, body)
        delay = self.hub.faults.delay_for(ours)
        if delay > 0:
            timeout = _read_timeout(request, delay)
            await anyio.sleep(delay if timeout is None else timeout)
            if timeout is not None:
                _answer(self.hub, request, ours)  # the Hub still carries it out; only the answer is lost
                raise _timed_out(request, timeout)
        response, chunks = _answer(self.hub, request, ours)
        return httpx.Response(response.status, headers=response.headers, stream=_AsyncStream(chunks))
