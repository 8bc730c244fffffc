"""``FakeHub``: one emulated Hub (authup + core + storage) and the request pipeline they share.

A request goes: fault injection -> (authup) rate limit -> bearer check of the answering service ->
(core/storage) rate limit -> route -> handler -> envelope or error body -> ``ratelimit-*`` headers.
Every handler runs under the store's lock, so the threaded loopback server and concurrent async
tasks see consistent state.

``FakeHub`` is the top of FakeHub's layers: it composes the parts (each service's declarations,
special routes and bootstrap rows from ``resources.PARTS``, the token service, the faults, the
transports) and is the one implementation of the protocols they name (``context.Hub``,
``schema.Catalog``, ``transport.Answering``); no part imports it.
"""

from __future__ import annotations

import json
import logging
import random
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import httpx

from .clock import Clock, IdSource
from .context import RequestContext
from .crud import Crud
from .errors import HubError, Service, error_body
from .faults import Faults
from .http import Request, Response
from .loopback import ServerHandle, serve_hub
from .ratelimit import AUTH_LIMIT, LIMITS, RateLimiter, RateState
from .resources import PARTS
from .router import Handler, Router
from .schema import Resource, Row
from .seeding import bulk_create
from .store import Store, Table
from .tokens import Identity, TokenService
from .transport import AsyncFakeHubTransport, FakeHubTransport

logger = logging.getLogger("flame_hub.testing.fakehub")

SERVICES: tuple[Service, ...] = ("auth", "core", "storage")
AUTHUP_VERSION = "1.0.0-beta.62"
HUB_VERSION = "0.14.0"
#: How rows tied on every sort key are ordered: ``"stable"`` keeps their insertion order in every
#: answer, as the sqlite-backed Hub v0.14.0 did (150 tied nodes paged consistently, observed);
#: ``"shuffled"`` draws a new order among ties for every request, which is what SQL allows and what
#: Postgres or MySQL may do under ``LIMIT``/``OFFSET`` -- an emulation choice for testing clients
#: against repeated and skipped rows, not observed behaviour of a particular Hub.
TIE_ORDERS = ("stable", "shuffled")
#: What routup answers for a path no route matches (observed.md: PATCH/PUT on core).
ROUTE_NOT_FOUND: dict[str, Any] = {"status": 404, "message": "Not Found"}


class FakeHub:
    """An in-memory Hub v0.14.0 (authup 1.0.0-beta.62, core, storage) for tests and demos.

    Its public interface (``transport()``, ``async_transport()``, ``serve()``, ``clock``, ``faults``,
    the bootstrap credentials and ``bulk_create()``, many records at once, each as ``POST`` would
    create it) is described in docs/testing.md; how it is built, in the FakeHub section of
    docs/architecture.md. What it does not honour of the real Hub is listed in GAPS.md next to it.
    """

    admin_username = "admin"
    admin_password = "start123"
    system_client_secret = "start123"

    def __init__(
        self,
        *,
        base_url: str = "http://fakehub.test",
        token_lifetime: int = 900,
        refresh_token_lifetime: int = 259200,
        seed: int | None = None,
        rate_limit: bool = True,
        timestamp_precision: str = "seconds",
        skip_project_approval: bool = False,
        skip_analysis_approval: bool = False,
        tie_order: str = "stable",
    ) -> None:
        if tie_order not in TIE_ORDERS:
            raise ValueError(f"tie_order {tie_order!r} is not one of {', '.join(map(repr, TIE_ORDERS))}")
        self.base_url = base_url.rstrip("/")
        self.seed = seed
        #: The Hub core's SKIP_PROJECT_APPROVAL / SKIP_ANALYSIS_APPROVAL (both off by default, as in
        #: Hub v0.14.0; PrivateAIM/hub-deployment turns both on): project and analysis memberships of
        #: every node are approved at once, and the approvals stop gating the analysis build.
        self.skip_project_approval = skip_project_approval
        self.skip_analysis_approval = skip_analysis_approval
        self.tie_order = tie_order
        #: Where a shuffled tie order draws from (seeded with ``seed``, so runs repeat).
        self.tie_shuffle = random.Random(seed) if tie_order == "shuffled" else None
        self.clock = Clock(manual=seed is not None, precision=timestamp_precision)
        self.ids = IdSource(seed)
        self.store = Store()
        self.router = Router()
        self.rate_limiter = RateLimiter(self.clock, enabled=rate_limit)
        self._resources: dict[str, Resource] = {}
        self._cruds: dict[str, Crud] = {}
        self.tokens = TokenService(
            self.store,
            self.clock,
            self.ids,
            access_lifetime=token_lifetime,
            refresh_lifetime=refresh_token_lifetime,
        )
        self.faults = Faults(self.tokens)
        self._install_roots()
        for part in PARTS:
            for resource in part.resources:
                self.declare(resource)
            for routes in part.routes:
                self.router.include(routes)
        for part in PARTS:
            if part.seed is not None:
                part.seed(self)

    def __repr__(self) -> str:
        return f"FakeHub(base_url={self.base_url!r}, seed={self.seed!r})"

    # -- declarations -----------------------------------------------------------------------------------
    def declare(self, resource: Resource) -> None:
        """Serve ``resource`` with the generic CRUD routes its ``operations`` allow."""
        self._resources[resource.key] = resource
        crud = self._cruds[resource.key] = Crud(self, resource)
        base = f"/{resource.path}"
        ops = resource.operations
        add = self.router.add
        svc = resource.service
        if "list" in ops:
            add("GET", svc, base, crud.list_, priority=False)
        if "get" in ops:
            add("GET", svc, base + "/:id", lambda ctx: crud.get(ctx, ctx.params["id"]), priority=False)
        if "create" in ops:
            add("POST", svc, base, crud.create, priority=False)
        if "update" in ops:
            add("POST", svc, base + "/:id", lambda ctx: crud.update(ctx, ctx.params["id"]), priority=False)
        if "upsert" in ops:
            add("PUT", svc, base + "/:id", lambda ctx: crud.upsert(ctx, ctx.params["id"]), priority=False)
        if "delete" in ops:
            add("DELETE", svc, base + "/:id", lambda ctx: crud.delete(ctx, ctx.params["id"]), priority=False)

    def route(self, method: str, service: Service, pattern: str, handler: Handler) -> None:
        """Add a special route (wins over the generic CRUD routes)."""
        self.router.add(method, service, pattern, handler, priority=True)

    def resource(self, key: str) -> Resource | None:
        """The declaration registered as ``"service:path"``."""
        return self._resources.get(key)

    def resources(self) -> list[Resource]:
        """Every declared resource."""
        return list(self._resources.values())

    def table(self, key: str) -> Table:
        """The rows of ``"service:path"``."""
        return self.store.table(key)

    def crud(self, resource: Resource | str) -> Crud:
        """The generic operations of a declared resource."""
        key = resource if isinstance(resource, str) else resource.key
        return self._cruds[key]

    def seed_row(self, resource: Resource | str, values: Row) -> Row:
        """Insert a bootstrap row directly (no validation or hooks); fills id and timestamps."""
        key = resource if isinstance(resource, str) else resource.key
        declared = self._resources.get(key)
        row: Row = {}
        if declared is not None:
            row = {f.name: None for f in declared.fields}
        now = self.clock.iso()
        row.update({"id": self.ids.uuid(), "createdAt": now, "updatedAt": now})
        row.update(values)
        if declared is not None:
            row = {k: v for k, v in row.items() if declared.field_named(k) is not None or k in values}
        return self.table(key).insert(row)

    def bulk_create(
        self, resource: str, rows: Iterable[Mapping[str, Any]], *, as_user: str | None = None
    ) -> list[Row]:
        """Create many records of ``resource`` (``"core:nodes"``) fast, each exactly as ``POST`` by user
        ``as_user`` (default: the bootstrap admin) would, minus HTTP; returns what each ``POST`` would
        answer as ``data``. See :mod:`.seeding` for what is skipped; raises
        :class:`~.seeding.BulkCreateError` at the first refused row (earlier rows stay)."""
        return bulk_create(self, resource, rows, as_user=as_user)

    def internal_context(self, service: Service = "auth", identity: Identity | None = None) -> RequestContext:
        """A context for server-internal calls (the Hub acting as authup's ``system`` client)."""
        request = Request("POST", "/internal", address="internal")
        return RequestContext(
            self, request, service, "/internal", identity=identity or self.tokens.system_identity()
        )

    # -- bootstrap credentials --------------------------------------------------------------------------
    @property
    def system_client_id(self) -> str:
        """The id of the master-realm ``system`` client."""
        row = self.table("auth:clients").first(name="system")
        assert row is not None
        return str(row["id"])

    @property
    def master_realm_id(self) -> str:
        """The id of the ``master`` realm."""
        row = self.table("auth:realms").first(name="master")
        assert row is not None
        return str(row["id"])

    # -- request pipeline -------------------------------------------------------------------------------
    def _install_roots(self) -> None:
        def auth_root(ctx: RequestContext) -> Response:
            return Response.json({"version": AUTHUP_VERSION, "date": self.clock.iso(), "features": {}})

        def hub_root(ctx: RequestContext) -> Response:
            return Response.json({"version": HUB_VERSION, "timestamp": int(self.clock.now() * 1000)})

        self.route("GET", "auth", "/", auth_root)
        self.route("GET", "core", "/", hub_root)
        self.route("GET", "storage", "/", hub_root)

    def split_service(self, path: str) -> tuple[Service | None, str]:
        """``/core/nodes`` -> ``("core", "/nodes")``."""
        for service in SERVICES:
            prefix = f"/{service}"
            if path == prefix or path.startswith(prefix + "/"):
                return service, path[len(prefix) :] or "/"
        return None, path

    def handle(self, request: Request) -> tuple[Response, int | None]:
        """Answer one request: (the response, body bytes after which to cut the connection)."""
        service, inner = self.split_service(request.path)
        if service is None:
            return Response.json(ROUTE_NOT_FOUND, status=404), None
        injected, cut = self.faults.intercept(request, service)
        if injected is not None:
            return injected, cut
        with self.store.lock:
            response = self._dispatch(request, service, inner)
        return response, cut

    def _dispatch(self, request: Request, service: Service, inner: str) -> Response:
        ctx = RequestContext(self, request, service, inner)
        state: RateState | None = None
        if service == "auth":
            state = self.rate_limiter.hit(("auth", request.address), AUTH_LIMIT)
            if state is not None and state.exceeded:
                return state.too_many()
        try:
            try:
                ctx.identity = self.tokens.authenticate(request, service)
            finally:
                if service != "auth":
                    state = self._hub_rate(ctx)
            if state is not None and state.exceeded:
                return state.too_many()
            if service != "auth" and ctx.identity is None and inner != "/":
                # core/storage force a login on every route except GET / (ForceLoggedInMiddleware runs
                # before routing, core-and-storage.md §1.2), so special routes need no check of their own.
                ctx.require_login()
            resolved = self.router.resolve(request.method.upper(), service, inner)
            if resolved is None:
                response = Response.json(ROUTE_NOT_FOUND, status=404)
            else:
                handler, params = resolved
                ctx.params = {k: unquote(v) for k, v in params.items()}
                response = handler(ctx)
        except HubError as exc:
            response = Response.json(error_body(exc, service), status=exc.status_for(service))
        except Exception as exc:  # a FakeHub bug: answer like the Hub does for unrecognised errors
            logger.error("FakeHub handler failed: %s", "".join(traceback.format_exception(exc)))
            failure = HubError("internal_error", f"{type(exc).__name__} in FakeHub")
            response = Response.json(error_body(failure, service), status=500)
        if state is not None:
            for name, value in state.headers().items():
                response.set_header(name, value)
        return response

    def _hub_rate(self, ctx: RequestContext) -> RateState | None:
        identity = ctx.identity
        kind = identity.kind if identity is not None else "anonymous"
        if identity is not None and identity.kind == "client" and identity.is_master:
            return None  # master-realm machine identities are not limited by core/storage
        return self.rate_limiter.hit((ctx.service, ctx.request.address, kind), LIMITS[kind])

    # -- transports ---------------------------------------------------------------------------------------
    def transport(self) -> httpx.BaseTransport:
        """An in-process ``httpx`` transport answering for :attr:`base_url` (no sockets)."""
        return FakeHubTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process async ``httpx`` transport answering for :attr:`base_url` (no sockets)."""
        return AsyncFakeHubTransport(self)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` wired to this hub in-process."""
        return httpx.Client(transport=self.transport(), base_url=self.base_url, **kwargs)

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[ServerHandle[FakeHub]]:
        """Serve this hub over real HTTP on ``host:port`` in a background thread."""
        with serve_hub(self, host=host, port=port) as handle:
            yield handle

    def dump(self) -> str:
        """Every table as JSON (for debugging and determinism checks)."""
        return json.dumps(self.store.snapshot(), sort_keys=True, indent=1)
