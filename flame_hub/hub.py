"""``Hub`` and ``AsyncHub``: the three service clients of one Hub, built from one URL and one auth flow;
and ``configure()``, which makes a Hub the default that ``Model.objects`` uses when no client is given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

import httpx
from typing_extensions import Self, Unpack

from flame_hub.clients.aio import AsyncAuthClient, AsyncCoreClient, AsyncStorageClient
from flame_hub.clients.auth import AuthClient
from flame_hub.clients.base import AsyncClosing, Closing
from flame_hub.clients.core import CoreClient
from flame_hub.clients.storage import StorageClient
from flame_hub.config import ServiceURLs, auth_from_env, service_urls, timeout_from_env
from flame_hub.engine import resolver
from flame_hub.engine.client import ClientOptions
from flame_hub.exceptions import ConfigurationError

__all__ = ["AsyncHub", "Hub", "configure"]


AuthT = TypeVar("AuthT", AuthClient, "AsyncAuthClient")
CoreT = TypeVar("CoreT", CoreClient, "AsyncCoreClient")
StorageT = TypeVar("StorageT", StorageClient, "AsyncStorageClient")


class _HubBase(Generic[AuthT, CoreT, StorageT]):
    """One Hub: ``.auth`` (authup), ``.core`` and ``.storage``, sharing one auth flow and token.

    Args:
        base_url: the Hub's URL; the services are ``/auth/``, ``/core/`` and ``/storage/`` below it.
            Without it (and without per-service URLs) the public Hub is used.
        auth: an auth flow (``PasswordAuth``, ``ClientAuth``, ``StaticAuth``) or a bearer token string.
            Its token URL is derived from the Hub URL unless the flow has its own ``base_url``.
        auth_url, core_url, storage_url: per-service URLs for split deployments (each wins over
            ``base_url`` for its service).
        options: ``timeout``, ``transport``, ``verify``, ``headers``, ``retry``, ``page_concurrency``,
            passed to each service client (see :class:`~flame_hub.engine.client.ServiceClient`;
            ``retry=False`` switches retries off, ``page_concurrency`` is how many pages an iteration
            reads at once, by default the QuerySet's 16).
    """

    _client_classes: ClassVar[tuple[type[Any], type[Any], type[Any]]]

    def __init__(
        self,
        base_url: str | None = None,
        auth: httpx.Auth | str | None = None,
        *,
        auth_url: str | None = None,
        core_url: str | None = None,
        storage_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        self.urls: ServiceURLs = service_urls(
            base_url, auth_url=auth_url, core_url=core_url, storage_url=storage_url
        )
        self.credentials = auth
        auth_class, core_class, storage_class = self._client_classes
        self.auth: AuthT = auth_class(self.urls.auth, auth, auth_url=self.urls.auth, **options)
        self.core: CoreT = core_class(self.urls.core, auth, auth_url=self.urls.auth, **options)
        self.storage: StorageT = storage_class(self.urls.storage, auth, auth_url=self.urls.auth, **options)
        # relations that cross services (a node's realm) find this Hub's other clients through it
        resolver.attach_hub(self, (self.auth, self.core, self.storage))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """A Hub configured from the ``FLAME_HUB_*`` environment variables (see :mod:`flame_hub.config`).

        Keyword arguments override what the environment says.
        """
        env = os.environ if environ is None else environ
        options: dict[str, Any] = {
            "base_url": env.get("FLAME_HUB_URL") or None,
            "auth_url": env.get("FLAME_HUB_AUTH_URL") or None,
            "core_url": env.get("FLAME_HUB_CORE_URL") or None,
            "storage_url": env.get("FLAME_HUB_STORAGE_URL") or None,
            "timeout": timeout_from_env(env),
        }
        if "auth" not in overrides:
            options["auth"] = auth_from_env(env)
        options.update(overrides)
        return cls(**options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(auth={self.urls.auth!r}, core={self.urls.core!r}, storage={self.urls.storage!r})"


class Hub(_HubBase[AuthClient, CoreClient, StorageClient], Closing):
    """The three sync service clients of one Hub (see :class:`_HubBase` for the arguments).

    Example::

        with Hub("https://hub.example/", PasswordAuth("admin", "start123")) as hub:
            hub.core.get_nodes()
    """

    _client_classes = (AuthClient, CoreClient, StorageClient)

    def close(self) -> None:
        """Close the three service clients' connection pools."""
        for client in (self.auth, self.core, self.storage):
            client.close()


class AsyncHub(_HubBase["AsyncAuthClient", "AsyncCoreClient", "AsyncStorageClient"], AsyncClosing):
    """The three async service clients of one Hub; use ``async with`` and ``await hub.aclose()``.

    Example::

        async with AsyncHub("https://hub.example/", PasswordAuth("admin", "start123")) as hub:
            nodes = await hub.core.find_nodes(filter={"hidden": False})
    """

    _client_classes = (AsyncAuthClient, AsyncCoreClient, AsyncStorageClient)

    async def aclose(self) -> None:
        """Close the three service clients' connection pools."""
        for client in (self.auth, self.core, self.storage):
            await client.aclose()


def configure(hub: Hub | str | None = None, auth: httpx.Auth | str | None = None, **options: Any) -> Hub:
    """Set the default Hub for ``Model.objects``: a ``Hub``, or a URL plus auth and ``Hub`` options.

    Resolution order when a query or a record needs a client: an explicit ``using(...)``, the client a
    manager came from (``hub.core.nodes``), the client that fetched a record, then this default — or, when
    none is configured, one built once from the ``FLAME_HUB_*`` environment variables when ``FLAME_HUB_URL``
    is set (see :mod:`flame_hub.engine.resolver`).

    Example::

        flame_hub.configure("https://hub.example/", PasswordAuth("admin", "…"))
        Node.objects.filter(name__startswith="site-")
    """
    if isinstance(hub, Hub):
        if auth is not None or options:
            raise ConfigurationError("configure(hub) takes a Hub alone; pass a URL to give auth or options")
        new = hub
    else:
        new = Hub(hub, auth, **options)
    resolver.set_default(new)
    return new


resolver.set_environment_factory(Hub.from_env)
