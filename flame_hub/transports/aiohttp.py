"""``AiohttpTransport``: the async clients' requests sent with aiohttp (``flame-hub-client[aiohttp]``).

Why it exists: httpx's async transport (httpcore over anyio) costs about 1.5 ms of CPU per request
when 16 pages are read at once, aiohttp about a third less, and a bulk read is bound by that CPU (issue
13, ``bench/``). So for async bulk reads it is offered as an explicit choice::

    from flame_hub.transports.aiohttp import AiohttpTransport

    async with AsyncHub(url, auth, transport=AiohttpTransport()) as hub:
        nodes = [n async for n in Node.objects.using(hub).aiterator()]

It is an ordinary ``httpx.AsyncBaseTransport``: httpx still builds the requests (headers, auth,
redirects, cookies, decoding) and only the exchange goes through aiohttp, made to behave as httpx's
own transport does where flame-hub depends on it:

* **errors** are httpx's: a connection that cannot be made is ``ConnectError`` / ``ConnectTimeout``
  (nothing was sent, so any request may be repeated), while a server that closes the connection
  without answering or in the middle of the body is ``RemoteProtocolError``, a socket error later on
  ``ReadError`` and a slow answer ``ReadTimeout`` — the request may have been carried out, so a create
  is not repeated (:mod:`flame_hub.retry`). aiohttp's own silent repetition of GET/PUT/DELETE after
  a dropped connection is switched off: repeating is the retry policy's decision alone.
* **timeouts**: httpx's ``connect``, ``read``, ``pool`` and ``write``. aiohttp has neither a pool
  timeout nor a write timeout: this transport keeps the pool's size itself (``PoolTimeout`` when no
  place frees up in time) and stops an upload whose body aiohttp could not write for that long
  (``WriteTimeout``).
* **no cookie jar** of aiohttp's (httpx keeps the client's cookies) and **no decompression** by
  aiohttp: the body reaches httpx as sent, and httpx decodes it as it would its own.
* **TLS** as the clients take ``verify=``; the process's shared default context by default.
* HTTP/1.1 only (as the clients use httpx); proxies from the environment are not read: pass
  ``proxy=``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from flame_hub.engine.http import tls_verify
from flame_hub.exceptions import ConfigurationError

try:
    import aiohttp
except ImportError as missing:  # pragma: no cover - the extra is installed wherever this is tested
    raise ImportError("AiohttpTransport needs aiohttp: pip install 'flame-hub-client[aiohttp]'") from missing

__all__ = ["AiohttpTransport"]

#: Headers aiohttp would add of its own; httpx's request already carries the ones it means to send.
_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


def _mapped(exc: BaseException, request: httpx.Request) -> httpx.TransportError | None:
    """The httpx error for an aiohttp one (None: not a transport error)."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # connecting, or waiting for a pooled connection
        return httpx.ConnectTimeout(text, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, DNS, TLS handshake and certificates
        return httpx.ConnectError(text, request=request)
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout(text, request=request)
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        return httpx.RemoteProtocolError(text, request=request)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(text, request=request)
    if isinstance(exc, aiohttp.ClientError):  # a socket error once connected: the request may have gone out
        return httpx.ReadError(text, request=request)
    return None


class _Body:
    """A streamed request body as aiohttp reads it, noting since when aiohttp has been writing a chunk
    (the write timeout httpx has and aiohttp has not)."""

    def __init__(self, stream: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.stream = stream
        self.loop = loop
        self.writing_since: float | None = None
        self.done = False

    async def chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self.stream:
            self.writing_since = self.loop.time()
            yield chunk
            self.writing_since = None
        self.done = True

    def stalled(self, limit: float) -> bool:
        since = self.writing_since
        return since is not None and self.loop.time() - since > limit


class _ResponseStream(httpx.AsyncByteStream):
    """The body of an aiohttp response for httpx, with aiohttp's errors as httpx's; closing it gives the
    request's place in the pool back."""

    def __init__(
        self, response: aiohttp.ClientResponse, request: httpx.Request, release: Callable[[], None]
    ) -> None:
        self._response = response
        self._request = request
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            error = _mapped(exc, self._request)
            if error is None:
                raise
            raise error from exc

    async def aclose(self) -> None:
        # back to the pool when the body was read to its end; closed otherwise (as httpx does)
        self._response.release()
        release, self._release = self._release, None
        if release is not None:
            release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx async transport that sends with aiohttp (see the module docstring for how it behaves).

    Give one to an ``AsyncHub`` (its three clients share its connections) or to an async client as
    ``transport=``; closing the hub or the clients closes it. It serves the event loop it is used in:
    used from another loop later, it opens new connections there.

    Args:
        verify: TLS verification as the clients take it: True (the process's default context), False,
            the path of a CA bundle, or an ``ssl.SSLContext``.
        limit: the most connections open at once (httpx's default, 100).
        keepalive_expiry: seconds an idle connection is kept for reuse (httpx's default, 5).
        proxy: an HTTP proxy URL for every request (the environment's proxy settings are not read).
    """

    def __init__(
        self,
        *,
        verify: Any = True,
        limit: int = 100,
        keepalive_expiry: float = 5.0,
        proxy: str | None = None,
    ) -> None:
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ConfigurationError(f"limit must be a positive integer, got {limit!r}")
        if keepalive_expiry < 0:
            raise ConfigurationError(f"keepalive_expiry must be >= 0 seconds, got {keepalive_expiry!r}")
        context = tls_verify(verify)
        self._ssl: ssl.SSLContext | bool = context if isinstance(context, ssl.SSLContext) else bool(context)
        self._limit = limit
        self._keepalive_expiry = keepalive_expiry
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots = asyncio.Semaphore(limit)

    def __repr__(self) -> str:
        return f"AiohttpTransport(limit={self._limit}, keepalive_expiry={self._keepalive_expiry})"

    def _open(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        session = self._session
        if session is not None and self._loop is loop and not session.closed:
            return session
        if session is not None and not session.closed:
            self._abandon(session)
        # the pool's size is kept here (with httpx's pool timeout), not by aiohttp, which has no such timeout
        self._slots = asyncio.Semaphore(self._limit)
        connector = aiohttp.TCPConnector(
            limit=0, limit_per_host=0, keepalive_timeout=self._keepalive_expiry, ssl=self._ssl
        )
        session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )
        # aiohttp sends a GET, PUT or DELETE again by itself when a connection drops; whether to
        # repeat a request is the retry policy's decision (a DELETE with a filter must not be repeated).
        # The switch is private (aiohttp >= 3.11 has it, aio-libs/aiohttp#9396); a test shows it holds.
        session._retry_connection = False
        self._session, self._loop = session, loop
        return session

    @staticmethod
    def _abandon(session: aiohttp.ClientSession) -> None:
        """Close the connections of a session whose event loop is no longer the one in use."""
        # only that loop can await a close: close its sockets now, without waiting (aiohttp's _close is
        # what its own close awaits); when the loop is closed, its sockets went with it
        close = getattr(session.connector, "_close", None)
        if close is not None:
            with contextlib.suppress(RuntimeError):
                close()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request httpx built and hand back its response, the body still to be read (httpx
        calls this; errors are httpx's, as the module docstring says)."""
        loop = asyncio.get_running_loop()
        session = self._open(loop)
        timeouts = request.extensions.get("timeout", {})
        slots = self._slots
        await self._take_slot(slots, timeouts.get("pool"), request)
        try:
            response = await self._send(session, loop, request, timeouts)
        except BaseException:
            slots.release()
            raise
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_ResponseStream(response, request, slots.release),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()},
        )

    @staticmethod
    async def _take_slot(slots: asyncio.Semaphore, pool: float | None, request: httpx.Request) -> None:
        """Wait for a place in the pool, at most ``pool`` seconds (then ``PoolTimeout``, as httpx)."""
        if pool is None or not slots.locked():
            await slots.acquire()
            return
        waiting = asyncio.ensure_future(slots.acquire())
        done, _pending = await asyncio.wait({waiting}, timeout=pool)
        if done:
            return
        if not waiting.cancel():  # it got its place just now: give it back
            slots.release()
        raise httpx.PoolTimeout(f"no connection became free within {pool} s", request=request)

    async def _send(
        self,
        session: aiohttp.ClientSession,
        loop: asyncio.AbstractEventLoop,
        request: httpx.Request,
        timeouts: dict[str, float | None],
    ) -> aiohttp.ClientResponse:
        connect = timeouts.get("connect")
        timeout = aiohttp.ClientTimeout(
            total=None, connect=connect, sock_connect=connect, sock_read=timeouts.get("read")
        )
        headers = request.headers.multi_items()
        body: _Body | None = None
        data: Any
        if isinstance(request.stream, httpx.ByteStream):  # bytes in memory (a copied request has no .content)
            data = b"".join(request.stream) or None
        else:
            body = _Body(request.stream, loop)
            data = body.chunks()
            # aiohttp frames a body of unknown length itself
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        sending = session.request(
            request.method,
            str(request.url),
            data=data,
            headers=headers,
            skip_auto_headers=_AUTO_HEADERS,
            allow_redirects=False,
            timeout=timeout,
            proxy=self._proxy,
            compress=None,
        )
        try:
            write = timeouts.get("write")
            if body is None or write is None:
                return await sending
            return await self._watched(sending, body, write)
        except Exception as exc:
            error = _mapped(exc, request)
            if error is None:
                raise
            raise error from exc

    @staticmethod
    async def _watched(sending: Any, body: _Body, write: float) -> aiohttp.ClientResponse:
        """Send while watching the body: give up with ``WriteTimeout`` when aiohttp has spent longer than
        ``write`` seconds writing one chunk (the peer stopped reading)."""
        task: asyncio.Task[aiohttp.ClientResponse] = asyncio.ensure_future(sending)
        try:
            while True:
                done, _pending = await asyncio.wait({task}, timeout=max(write / 4, 0.01))
                if done:
                    return task.result()
                if body.done:
                    return await task
                if body.stalled(write):
                    task.cancel()
                    raise httpx.WriteTimeout(f"the request body could not be written within {write} s")
        finally:
            if not task.done():
                task.cancel()

    async def aclose(self) -> None:
        """Close the connections (httpx calls this when the client closes; a later request opens new ones)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            if self._loop is asyncio.get_running_loop():
                await session.close()
            else:
                self._abandon(session)
