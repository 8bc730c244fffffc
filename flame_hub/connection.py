"""The default Hub that ``Model.objects`` uses when no client is given (``flame_hub.configure``).

Resolution order when a query or a record needs a client: an explicit ``using(...)``, the client a
manager came from (``hub.core.nodes``), the client that fetched a record, then this default — set with
:func:`configure`, or built once from the ``FLAME_HUB_*`` environment variables when ``FLAME_HUB_URL``
is set.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import httpx

from flame_hub.exceptions import ConfigurationError
from flame_hub.hub import Hub, _HubBase

__all__ = ["client_for", "configure", "default_hub", "reset"]

_lock = threading.Lock()
_default: Hub | None = None


def configure(hub: Hub | str | None = None, auth: httpx.Auth | str | None = None, **options: Any) -> Hub:
    """Set the default Hub for ``Model.objects``: a ``Hub``, or a URL plus auth and ``Hub`` options.

    Example::

        flame_hub.configure("https://hub.example/", PasswordAuth("admin", "…"))
        Node.objects.filter(name__startswith="site-")
    """
    global _default
    if isinstance(hub, Hub):
        if auth is not None or options:
            raise ConfigurationError("configure(hub) takes a Hub alone; pass a URL to give auth or options")
        new = hub
    else:
        new = Hub(hub, auth, **options)
    with _lock:
        _default = new
    return new


def reset() -> None:
    """Forget the default Hub (tests use this between cases)."""
    global _default
    with _lock:
        _default = None


def default_hub() -> Hub:
    """The configured default Hub, or one from ``FLAME_HUB_URL``; a clear error when there is none."""
    global _default
    with _lock:
        if _default is None and os.environ.get("FLAME_HUB_URL"):
            _default = Hub.from_env()
        if _default is None:
            raise ConfigurationError(
                "no Hub is configured for Model.objects: call flame_hub.configure(url, auth), set FLAME_HUB_URL "
                "(and FLAME_HUB_USERNAME/FLAME_HUB_PASSWORD), or pick a client with Model.objects.using(hub)"
            )
        return _default


def client_for(service: str, source: object) -> Any:
    """The service client to use for ``service``: from a Hub or AsyncHub, a matching service client, or the default."""
    if source is None:
        source = default_hub()
    if isinstance(source, _HubBase):
        return getattr(source, service)
    if getattr(source, "service", None) == service:
        return source
    kind = getattr(source, "service", None) or type(source).__name__
    raise ConfigurationError(
        f"a {kind} client cannot serve {service} resources; pass the Hub or its .{service} client to using()"
    )
