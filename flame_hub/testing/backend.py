"""``HubBackend``: which Hub a backend-agnostic integration test talks to, and how to reach it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

if TYPE_CHECKING:
    from .fakehub.app import FakeHub

BackendKind = Literal["fake", "loopback", "url", "docker"]


@dataclass(frozen=True)
class HubBackend:
    """A Hub to test against: in-process FakeHub, FakeHub on loopback, a Hub by URL, or testcontainers.

    ``transport``/``async_transport`` are set only for the in-process kind; build clients with
    :meth:`client` / :meth:`async_client`, which use them when present and the network otherwise.
    """

    kind: BackendKind
    base_url: str
    admin_username: str
    admin_password: str = field(repr=False)
    transport: httpx.BaseTransport | None = field(default=None, repr=False)
    async_transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)
    fakehub: FakeHub | None = field(default=None, repr=False)

    def client(self, **kwargs: Any) -> httpx.Client:
        """A raw ``httpx.Client`` for this backend (base URL set)."""
        if self.transport is not None:
            kwargs.setdefault("transport", self.transport)
        return httpx.Client(base_url=self.base_url, **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """A raw ``httpx.AsyncClient`` for this backend (base URL set)."""
        if self.async_transport is not None:
            kwargs.setdefault("transport", self.async_transport)
        return httpx.AsyncClient(base_url=self.base_url, **kwargs)
