"""``RequestLog``: every HTTP request a ``Hub`` sends, counted through httpx request event hooks.

Why hooks and not a wrapped transport: hooks see the requests of every backend kind (in-process,
loopback, a real Hub by URL), including the token requests the auth flow sends through the same
clients, so the request-economy tests stay backend-agnostic.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import httpx

from flame_hub import AsyncHub, Hub


@dataclass(frozen=True)
class Sent:
    """One request as sent: method, path, decoded query string and JSON body (if any)."""

    method: str
    path: str
    query: str
    body: Any

    @property
    def params(self) -> dict[str, str]:
        return dict(httpx.URL("?" + self.query).params.multi_items()) if self.query else {}


class RequestLog:
    """Records the requests of all three service clients of a Hub (or an AsyncHub) while active (a
    context manager)."""

    def __init__(self, hub: Hub | AsyncHub) -> None:
        self._clients = [hub.auth.http, hub.core.http, hub.storage.http]
        self.sent: list[Sent] = []

    def _hook(self, request: httpx.Request) -> None:
        body: Any = None
        if request.method in ("POST", "PUT", "PATCH") and request.headers.get("content-type", "").startswith(
            "application/json"
        ):
            body = json.loads(request.content)
        query = unquote(request.url.query.decode())
        self.sent.append(Sent(request.method, request.url.path, query, body))

    async def _async_hook(self, request: httpx.Request) -> None:
        self._hook(request)

    def _hook_of(self, client: httpx.Client | httpx.AsyncClient) -> Any:
        return self._async_hook if isinstance(client, httpx.AsyncClient) else self._hook

    def __enter__(self) -> RequestLog:
        for client in self._clients:
            client.event_hooks["request"].append(self._hook_of(client))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for client in self._clients:
            client.event_hooks["request"].remove(self._hook_of(client))

    def __len__(self) -> int:
        return len(self.sent)

    def __iter__(self) -> Iterator[Sent]:
        return iter(self.sent)

    def clear(self) -> None:
        self.sent.clear()

    @property
    def token_requests(self) -> list[Sent]:
        return [s for s in self.sent if s.method == "POST" and s.path.endswith("/token")]

    @property
    def api_requests(self) -> list[Sent]:
        """Everything but token requests."""
        return [s for s in self.sent if not (s.method == "POST" and s.path.endswith("/token"))]

    def __repr__(self) -> str:
        return "\n".join(f"{s.method} {s.path}?{s.query}" for s in self.sent) or "<no requests>"
