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

__all__ = [
    "attach_hub",
    "client_for",
    "default",
    "hub_of",
    "related_source",
    "reset",
    "resolve",
    "set_default",
    "set_environment_factory",
]

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


# -- the Hub a service client belongs to (for relations that cross services) ----------------------

_HUB_ATTRIBUTE = "_flame_hub"


def attach_hub(hub: object, clients: tuple[ServiceClient, ...]) -> None:
    """Remember that ``clients`` belong to ``hub``: a node read through ``hub.core`` finds its realm
    through ``hub.auth``. Kept on the client itself (a reference cycle the collector handles), so a
    record keeps its Hub reachable for as long as it keeps its client."""
    for client in clients:
        setattr(client, _HUB_ATTRIBUTE, hub)


def hub_of(client: object) -> object | None:
    """The Hub a service client belongs to, or None for a client made on its own."""
    return getattr(client, _HUB_ATTRIBUTE, None)


def related_source(client: object, service: str, what: str) -> object:
    """What serves ``service`` for a record loaded through ``client`` (``what``: the relation, for the error).

    The record's own client when it serves that service, else the Hub it belongs to (whose client of
    ``service`` :func:`resolve` then picks), else — for a record built by hand, with no client — None,
    the default Hub. A client made on its own (not through a Hub) cannot reach another service: that
    raises ConfigurationError naming the fix, rather than asking whatever Hub is the default, which may
    be another Hub.
    """
    if client is None:
        return None
    if isinstance(client, ServiceClient) and client.service == service:
        return client
    hub = hub_of(client)
    if hub is not None:
        return hub
    raise ConfigurationError(
        f"{what} lives in the {service} service, but the record was read through a {type(client).__name__} "
        f"made on its own, which knows no {service} client: read the record through a Hub "
        f"(Hub(url, auth) or AsyncHub(url, auth)), or load the relation with fetch_related(..., using=hub)"
    )
