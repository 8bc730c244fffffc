"""Route table: ``(method, service, /pattern/:param)`` -> handler, special routes before generic ones.

Special routes (anything that is not plain CRUD) are declared next to their handler in the module's
:class:`Routes` (``@ROUTES.post("/analyses/:id/command")``); a test adds one with
``hub.route(method, service, pattern, handler)``. They are tried before the generic CRUD routes, so
``GET /users/@me`` wins over ``GET /users/:id``.

A handler takes a :class:`~.context.RequestContext` and returns a :class:`~.http.Response`. It reads
``ctx.params`` (the ``:name`` segments), ``ctx.body()`` (JSON or form), ``ctx.parts()`` (multipart),
``ctx.query`` (parsed like ``qs``) and answers ``Response.json(...)`` or
``Response.stream(chunks, content_type)``. Handlers run under the store lock, but a streamed body's
iterator runs after the lock is released: capture the bytes it needs while handling. On core and
storage a login is already enforced before routing (every route but ``GET /``); call
``ctx.require_any_permission(...)``/``ctx.require_realm(...)`` for the rest. Errors are raised as
``HubError(code, message, issues=...)``; the answering service renders its own body shape and status.
``ctx.crud("service:path")`` gives the generic operations (:class:`~.context.Records`), so a special
route reuses validation, hooks and envelopes instead of re-coding them: ``find(ctx, ident, op)``,
``create_row(ctx, body)``, ``update_row(ctx, row, body)``, ``delete_row(ctx, row)`` (each
``authorize=False`` for internal calls, made as ``hub.internal_context("auth")``), ``present(ctx, row)``
and ``mutation(ctx, row, status)`` for the ``{data, meta: {}}`` answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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


class Routes:
    """The special routes one module declares, each next to its handler::

        ROUTES = Routes("core")

        @ROUTES.post("/analyses/:id/command")
        def analysis_command(ctx: RequestContext) -> Response: ...

    A FakeHub adds every module's routes when it starts (``resources.PARTS``).
    """

    def __init__(self, service: Service) -> None:
        self.service: Service = service
        self._routes: list[Route] = []

    def __iter__(self) -> Iterator[Route]:
        return iter(self._routes)

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Declare ``handler`` for ``method`` on ``pattern``."""
        self._routes.append(Route(method.upper(), self.service, tuple(split_path(pattern)), handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """A decorator declaring the function it decorates as the handler of ``method pattern``."""

        def declare(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return declare

    def get(self, pattern: str) -> Callable[[Handler], Handler]:
        """``@ROUTES.get(pattern)``."""
        return self.route("GET", pattern)

    def post(self, pattern: str) -> Callable[[Handler], Handler]:
        """``@ROUTES.post(pattern)``."""
        return self.route("POST", pattern)

    def delete(self, pattern: str) -> Callable[[Handler], Handler]:
        """``@ROUTES.delete(pattern)``."""
        return self.route("DELETE", pattern)


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

    def include(self, routes: Iterable[Route]) -> None:
        """Add declared special routes (see :class:`Routes`)."""
        self._special.extend(routes)

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
