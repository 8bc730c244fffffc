"""Route table: ``(method, service, /pattern/:param)`` -> handler, special routes before generic ones.

Handlers take a :class:`~.context.RequestContext` whose ``params`` hold the ``:name`` segments. Routes
added with ``priority=True`` (every ``hub.route(...)``) are tried before the generic CRUD routes, so a
special route such as ``GET /users/@me`` wins over ``GET /users/:id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .context import RequestContext
from .errors import Service
from .http import Response

Handler = Callable[[RequestContext], Response]


@dataclass(frozen=True)
class Route:
    """One route."""

    method: str
    service: Service
    segments: tuple[str, ...]
    handler: Handler

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for pattern, actual in zip(self.segments, segments, strict=True):
            if pattern.startswith(":"):
                if actual == "":
                    return None
                params[pattern[1:]] = actual
            elif pattern != actual:
                return None
        return params


def split_path(path: str) -> list[str]:
    """``/nodes/abc/`` -> ``["nodes", "abc"]``; the root is ``[]``."""
    return [part for part in path.split("/") if part != ""]


class Router:
    """Ordered route lists per priority."""

    def __init__(self) -> None:
        self._special: list[Route] = []
        self._generic: list[Route] = []

    def add(
        self, method: str, service: Service, pattern: str, handler: Handler, *, priority: bool = True
    ) -> None:
        """Register ``handler`` for ``method`` on ``pattern`` inside ``service``."""
        route = Route(method.upper(), service, tuple(split_path(pattern)), handler)
        (self._special if priority else self._generic).append(route)

    def resolve(self, method: str, service: Service, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler and path parameters for a request, or ``None`` (404)."""
        segments = split_path(path)
        for routes in (self._special, self._generic):
            for route in routes:
                if route.method != method or route.service != service:
                    continue
                params = route.match(segments)
                if params is not None:
                    return route.handler, params
        return None
