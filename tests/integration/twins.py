"""Run one scenario in both worlds, and see what went over the wire.

``Mode`` runs a scenario written once as a coroutine with the sync clients or with the async twins:
``Mode.call`` awaits in async mode and calls plainly in sync mode, and maps ORM methods to their
``a``-prefixed twins (``count`` → ``acount``). ``Wire`` records every request the three service clients
of a ``Hub`` or ``AsyncHub`` send (token requests included) through httpx request hooks, so the
counts hold for every backend kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from flame_hub import AsyncHub, Hub
from flame_hub.testing import HubBackend

ORM_TWINS = {
    "count",
    "exists",
    "get",
    "first",
    "last",
    "create",
    "get_or_create",
    "update_or_create",
    "in_bulk",
    "save",
    "delete",
    "refresh_from_db",
}


#: The modes a scenario runs in: the sync clients, the async ones over httpx's transport, and the async
#: ones over :class:`~flame_hub.transports.aiohttp.AiohttpTransport` (a socket: loopback backends only).
MODES = ["sync", "async", "aiohttp"]


class Mode:
    """Runs a scenario step synchronously or asynchronously; ``run`` opens the hub inside the loop."""

    def __init__(self, name: str, backend: HubBackend) -> None:
        if name == "aiohttp" and backend.kind != "loopback":
            # aiohttp talks over sockets: an in-process FakeHub has none, and a real Hub's requests go
            # through the backend's pacing transport
            pytest.skip(f"the aiohttp transport runs against the loopback backend, not {backend.kind}")
        self.name = name
        self.backend = backend
        self.hub: Any = None

    def run(self, scenario: Callable[[], Any], *, auth: httpx.Auth | None = None, **hub_options: Any) -> None:
        """Run the scenario in a fresh event loop with a hub opened (and closed) inside that loop.

        The hub logs in as the backend's admin unless ``auth`` is given; ``hub_options`` (``retry``,
        ``timeout``, ``transport`` …) go to the ``Hub``/``AsyncHub``.
        """
        backend = self.backend
        auth = auth or backend.admin_auth

        async def main() -> None:
            async with self.open_hub(auth, **hub_options) as hub:
                self.hub = hub
                await scenario()

        asyncio.run(main())

    @contextlib.asynccontextmanager
    async def open_hub(self, auth: httpx.Auth | str, **hub_options: Any) -> AsyncIterator[Any]:
        """Another hub of this mode's kind on the same backend (closed when the block ends)."""
        backend = self.backend
        if self.name == "aiohttp":
            from flame_hub.transports.aiohttp import AiohttpTransport

            hub_options.setdefault("transport", AiohttpTransport())
        if self.is_async:
            hub_options.setdefault("transport", backend.async_transport)
            async with AsyncHub(backend.base_url, auth, **hub_options) as async_hub:
                yield async_hub
        else:
            hub_options.setdefault("transport", backend.transport)
            with Hub(backend.base_url, auth, **hub_options) as hub:
                yield hub

    @property
    def is_async(self) -> bool:
        return self.name != "sync"

    async def call(self, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """``target.method(*args)`` (sync) or ``await target.amethod(*args)`` / ``await target.method(*args)``."""
        if not self.is_async:
            return getattr(target, method)(*args, **kwargs)
        twin = f"a{method}" if method in ORM_TWINS and not hasattr(target, "service") else method
        return await getattr(target, twin)(*args, **kwargs)

    async def collect(self, iterable: Any) -> list[Any]:
        """``list(x)`` or ``[i async for i in x]``."""
        if not self.is_async:
            return list(iterable)
        return [item async for item in iterable]

    async def each(self, iterable: Any, step: Callable[[int, Any], None]) -> list[Any]:
        """Iterate (``for`` or ``async for``), calling ``step(index, item)`` between items; returns them."""
        seen: list[Any] = []
        if self.is_async:
            async for item in iterable:
                step(len(seen), item)
                seen.append(item)
        else:
            for item in iterable:
                step(len(seen), item)
                seen.append(item)
        return seen


@dataclass(frozen=True)
class Sent:
    """One request as it left the client."""

    method: str
    path: str
    params: dict[str, str]
    grant: str | None = None  # the grant_type of a token request

    @property
    def is_token_request(self) -> bool:
        return self.method == "POST" and self.path.endswith("/token")


class Wire:
    """Every request a hub's three service clients send while attached (thread- and task-safe).

    ``on_request(sent)`` runs just before each request leaves (its token already attached) and
    ``on_response(sent, status)`` when its answer arrives, so a test can act at an exact point of a
    conversation (move the clock, inject a fault) whatever order or concurrency the client uses.
    """

    def __init__(
        self,
        hub: Hub | AsyncHub,
        on_request: Callable[[Sent], None] | None = None,
        on_response: Callable[[Sent, int], None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._on_request = on_request
        self._on_response = on_response
        self.sent: list[Sent] = []
        for client in (hub.auth.http, hub.core.http, hub.storage.http):
            if isinstance(client, httpx.AsyncClient):
                client.event_hooks["request"].append(self._async_request_hook)
                client.event_hooks["response"].append(self._async_response_hook)
            else:
                client.event_hooks["request"].append(self._request_hook)
                client.event_hooks["response"].append(self._response_hook)

    @staticmethod
    def _describe(request: httpx.Request) -> Sent:
        grant = None
        if request.method == "POST" and request.url.path.endswith("/token"):
            grant = json.loads(request.content).get("grant_type")
        return Sent(request.method, request.url.path, dict(request.url.params.multi_items()), grant)

    def _request_hook(self, request: httpx.Request) -> None:
        sent = self._describe(request)
        with self._lock:
            self.sent.append(sent)
        if self._on_request is not None:
            self._on_request(sent)

    def _response_hook(self, response: httpx.Response) -> None:
        if self._on_response is not None:
            self._on_response(self._describe(response.request), response.status_code)

    async def _async_request_hook(self, request: httpx.Request) -> None:
        self._request_hook(request)

    async def _async_response_hook(self, response: httpx.Response) -> None:
        self._response_hook(response)

    def __iter__(self) -> Iterator[Sent]:
        with self._lock:
            return iter(list(self.sent))

    def to(self, method: str, path: str) -> list[Sent]:
        """The requests with this method and exactly this path (``/core/nodes``)."""
        return [s for s in self if s.method == method and s.path == path]

    @property
    def token_requests(self) -> list[Sent]:
        return [s for s in self if s.is_token_request]

    def clear(self) -> None:
        with self._lock:
            self.sent.clear()
