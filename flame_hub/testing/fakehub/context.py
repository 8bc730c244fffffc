"""What a handler and a hook work with: the request context, and the hub as they may use it.

Every part of FakeHub below ``app.py`` names :class:`Hub` (a Protocol of the little it uses of the
hub) rather than the concrete ``FakeHub``, so nothing imports upward: FakeHub composes the parts, the
parts never know FakeHub. :class:`Records` is the same for a resource's generic operations
(:class:`~.crud.Crud` implements it).
"""

from __future__ import annotations

import json
import random
from typing import Any, Protocol

from .clock import Clock, IdSource
from .errors import HubError, Service, issue
from .http import Request, Response
from .multipart import Part, is_multipart, parse_multipart
from .qs import parse_qs
from .store import Store, Table
from .tokens import Identity, TokenService

Row = dict[str, Any]


class Hub(Protocol):
    """The hub as handlers, hooks and bootstrap code use it (``FakeHub`` is the implementation)."""

    base_url: str
    clock: Clock
    ids: IdSource
    store: Store
    tokens: TokenService
    admin_username: str
    admin_password: str
    system_client_secret: str
    #: The Hub core's SKIP_PROJECT_APPROVAL / SKIP_ANALYSIS_APPROVAL.
    skip_project_approval: bool
    skip_analysis_approval: bool
    #: Where a shuffled tie order draws from (``None``: ties keep their insertion order).
    tie_shuffle: random.Random | None

    @property
    def master_realm_id(self) -> str:
        """The id of the ``master`` realm."""
        ...

    def table(self, key: str) -> Table:
        """The rows of ``"service:path"``."""
        ...

    def crud(self, resource: str) -> Records:
        """The generic operations of the resource ``"service:path"``."""
        ...

    def seed_row(self, resource: str, values: Row) -> Row:
        """Insert a row of ``"service:path"`` directly (no validation, no hooks)."""
        ...

    def internal_context(self, service: Service = "auth", identity: Identity | None = None) -> RequestContext:
        """A context for the Hub's own calls (as authup's ``system`` client, unless ``identity``)."""
        ...


class Records(Protocol):
    """A resource's generic operations, as special routes and hooks reuse them (see :mod:`.crud`)."""

    def authorize(self, ctx: RequestContext, op: str, row: Row | None) -> None:
        """The declared permission check for ``op``."""
        ...

    def find(self, ctx: RequestContext, ident: str, op: str) -> Row:
        """The stored row ``ident`` addresses (404 otherwise)."""
        ...

    def present(
        self, ctx: RequestContext, row: Row, *, write: bool = False, memo: dict[Any, Any] | None = None
    ) -> Row:
        """The outgoing shape of one stored row."""
        ...

    def create_row(self, ctx: RequestContext, body: dict[str, Any], *, authorize: bool = True) -> Row:
        """Validate, default, check and insert a new row."""
        ...

    def update_row(
        self, ctx: RequestContext, row: Row, body: dict[str, Any], *, authorize: bool = True
    ) -> Row:
        """Validate and merge ``body`` into the stored ``row``."""
        ...

    def delete_row(self, ctx: RequestContext, row: Row, *, authorize: bool = True) -> Row:
        """Delete the stored ``row``."""
        ...

    def mutation(
        self, ctx: RequestContext, row: Row, status: int, op: str | None = None, body: Row | None = None
    ) -> Response:
        """The ``{data, meta: {}}`` answer of a write."""
        ...

    def list_(self, ctx: RequestContext) -> Response:
        """``GET /<collection>``."""
        ...

    def get(self, ctx: RequestContext, ident: str) -> Response:
        """``GET /<collection>/:id``."""
        ...

    def update(self, ctx: RequestContext, ident: str) -> Response:
        """``POST /<collection>/:id``."""
        ...

    def delete(self, ctx: RequestContext, ident: str) -> Response:
        """``DELETE /<collection>/:id``."""
        ...


class RequestContext:
    """Everything one request handler needs."""

    def __init__(
        self,
        hub: Hub,
        request: Request,
        service: Service,
        path: str,
        params: dict[str, str] | None = None,
        identity: Identity | None = None,
    ) -> None:
        self.hub = hub
        self.request = request
        self.service: Service = service
        self.path = path  # the path inside the service ("/nodes/…")
        self.params: dict[str, str] = dict(params or {})
        self.identity = identity
        self._query: dict[str, Any] | None = None
        self._body: dict[str, Any] | None = None

    @property
    def store(self) -> Store:
        """The hub's tables."""
        return self.hub.store

    @property
    def query(self) -> dict[str, Any]:
        """The query string parsed like ``qs``."""
        if self._query is None:
            self._query = parse_qs(self.request.query_string)
        return self._query

    def body(self) -> dict[str, Any]:
        """The request body as a dict: JSON or form-encoded (both accepted everywhere)."""
        if self._body is None:
            self._body = parse_body(self.request)
        return self._body

    def parts(self) -> list[Part]:
        """The parts of a ``multipart/form-data`` body (``[]`` for any other body)."""
        content_type = self.request.header("content-type")
        if not is_multipart(content_type):
            return []
        return parse_multipart(self.request.body, content_type or "")

    def crud(self, resource: str) -> Records:
        """The generic operations of the resource ``"service:path"``."""
        return self.hub.crud(resource)

    # -- identity and permissions -----------------------------------------------------------------
    def require_login(self) -> Identity:
        """The caller, or 401 ``identity_unauthorized``."""
        if self.identity is None:
            raise HubError("identity_unauthorized", "Authentication required.")
        return self.identity

    def has_permission(self, name: str) -> bool:
        """Whether the caller holds permission ``name``."""
        return self.identity is not None and name in self.identity.permissions

    def require_any_permission(self, *names: str) -> None:
        """Require one of ``names`` with the answering service's error shape."""
        identity = self.require_login()
        if not names or any(name in identity.permissions for name in names):
            return
        raise permission_error(self.service, names)

    def require_realm(self, realm_id: str | None) -> None:
        """Require that the caller may write ``realm_id`` (403 ``permission_denied`` otherwise)."""
        identity = self.require_login()
        if not identity.can_write_realm(realm_id):
            raise HubError("permission_denied", "You are not permitted to manage this realm.")


def permission_error(service: Service, names: tuple[str, ...] | list[str]) -> HubError:
    """The error a service answers when the caller lacks all of ``names``.

    authup: 403 ``permission_evaluation_failed`` (observed.md). The Hub core/storage classify authup's
    PermissionError as a validation error: 400 ``bad_request`` with issue code ``permission_not_found``
    and the permission as path (observed.md).
    """
    joined = ", ".join(names)
    issues = [issue("permission_not_found", [name], f"The permission {name} is not owned.") for name in names]
    if service == "auth":
        return HubError(
            "permission_evaluation_failed",
            f"The evaluation of permissions {joined} failed",
            issues=issues,
            name="PermissionError",
        )
    return HubError("bad_request", f"The evaluation of permissions {joined} failed", issues=issues)


def parse_body(request: Request) -> dict[str, Any]:
    """Decode a JSON or form body into a dict (anything else, e.g. multipart, gives ``{}``)."""
    raw = request.body
    if not raw:
        return {}
    content_type = (request.header("content-type") or "").lower()
    if "application/x-www-form-urlencoded" in content_type:
        return parse_qs(raw.decode("utf-8", errors="replace"))
    if "multipart/" in content_type:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise HubError("bad_request", "The request body is not valid JSON.") from None
    return data if isinstance(data, dict) else {}
