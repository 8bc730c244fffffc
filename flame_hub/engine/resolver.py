"""Which client runs this? The one answer every QuerySet, manager and record asks for.

The order: an explicit ``using(...)``, the client a manager came from (``hub.core.nodes``), the client
that fetched a record, then the default Hub — registered with ``flame_hub.configure(...)``, or built once
from the ``FLAME_HUB_*`` environment variables when ``FLAME_HUB_URL`` is set. A Hub serves a resource
through its service client of the resource's service (``hub.core`` for nodes).

Whether the operation is sync or async is said by the caller and checked against the client class's
``is_async``: a sync call through an async client (or the other way round) is refused, naming the twin.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from flame_hub.engine.client import ServiceClient
from flame_hub.exceptions import ConfigurationError

__all__ = ["client_for", "default", "reset", "resolve", "set_default", "set_environment_factory"]

_lock = threading.Lock()
_default: object = None
_from_environment: Callable[[], object] | None = None


def set_default(hub: object) -> None:
    """Make ``hub`` (a Hub, or anything with ``.auth``/``.core``/``.storage`` clients) the default."""
    global _default
    with _lock:
        _default = hub


def set_environment_factory(factory: Callable[[], object]) -> None:
    """How to build the default from the environment when none is set (``Hub.from_env``)."""
    global _from_environment
    _from_environment = factory


def reset() -> None:
    """Forget the default Hub (tests use this between cases)."""
    set_default(None)


def default() -> object:
    """The configured default Hub, or one from ``FLAME_HUB_URL``; a clear error when there is none."""
    global _default
    with _lock:
        if _default is None and _from_environment is not None and os.environ.get("FLAME_HUB_URL"):
            _default = _from_environment()
        if _default is None:
            raise ConfigurationError(
                "no Hub is configured for Model.objects: call flame_hub.configure(url, auth), set FLAME_HUB_URL "
                "(and FLAME_HUB_USERNAME/FLAME_HUB_PASSWORD), or pick a client with Model.objects.using(hub)"
            )
        return _default


def resolve(service: str, source: object) -> ServiceClient:
    """The client of ``service`` that ``source`` (a Hub, a service client, or None: the default) names."""
    if source is None:
        source = default()
    if isinstance(source, ServiceClient):
        if source.service == service:
            return source
        kind = source.service or type(source).__name__
    else:
        client = getattr(source, service, None)
        if isinstance(client, ServiceClient) and client.service == service:
            return client
        kind = type(source).__name__
    raise ConfigurationError(
        f"a {kind} client cannot serve {service} resources; pass the Hub or its .{service} client to using()"
    )


def client_for(service: str, source: object, *, asynchronous: bool, action: str) -> ServiceClient:
    """:func:`resolve`, checked to do async IO exactly when ``asynchronous`` (``action``: the sync name)."""
    client = resolve(service, source)
    if client.is_async == asynchronous:
        return client
    if asynchronous:
        sync = "a for loop" if action == "__iter__" else f"{action}()"
        asked = "async for" if action == "__iter__" else f"a{action}()"
        raise TypeError(
            f"{asked} needs an async client (AsyncHub or AsyncCoreClient …); this runs through "
            f"{type(client).__name__} — use {sync} instead, or using(async_hub)"
        )
    twin = "async for" if action == "__iter__" else f"await ….a{action}()"
    asked = "iteration" if action == "__iter__" else f"{action}()"
    raise TypeError(
        f"this runs through {type(client).__name__}; {asked} sends synchronously — use {twin} instead"
    )
