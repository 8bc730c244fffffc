"""``HubBackend``: which Hub a backend-agnostic integration test talks to, and how to reach it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

if TYPE_CHECKING:
    from flame_hub.auth import PasswordAuth

    from .fakehub.app import FakeHub
    from .usage import HubUsage

BackendKind = Literal["fake", "loopback", "url", "docker"]


@dataclass(frozen=True)
class HubBackend:
    """A Hub to test against: in-process FakeHub, FakeHub on loopback, a Hub by URL, or testcontainers.

    ``transport``/``async_transport`` are set for the in-process kind and, counting every request into
    ``usage``, for a real Hub (``url``, ``docker``); build clients with them (or with :meth:`client` /
    :meth:`async_client`), which falls back to the network when they are ``None``.

    :attr:`admin_auth` is one login shared by every client of this backend: a real Hub's authup counts
    each token request against a budget of 1,200 requests a minute per address, so a session logs in
    once per identity instead of once per test.
    """

    kind: BackendKind
    base_url: str
    admin_username: str
    admin_password: str = field(repr=False)
    transport: httpx.BaseTransport | None = field(default=None, repr=False)
    async_transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)
    fakehub: FakeHub | None = field(default=None, repr=False)
    usage: HubUsage | None = field(default=None, repr=False, compare=False)
    admin_auth: PasswordAuth = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from flame_hub.auth import PasswordAuth

        object.__setattr__(self, "admin_auth", PasswordAuth(self.admin_username, self.admin_password))

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
