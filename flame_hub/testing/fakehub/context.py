"""The per-request context handed to every handler and hook: who is calling, what they sent, and
shortcuts to the hub's state, permission checks and the generic CRUD operations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .errors import HubError, Service, issue
from .http import Request
from .multipart import Part, is_multipart, parse_multipart
from .query.qs import parse_qs

if TYPE_CHECKING:
    from .app import FakeHub
    from .crud import Crud
    from .schema import Resource
    from .store import Store


@dataclass(frozen=True)
class Identity:
    """The caller behind a valid access token (a user or an OAuth2 client of authup)."""

    kind: Literal["user", "client"]
    id: str
    name: str
    realm_id: str
    realm_name: str
    permissions: frozenset[str]
    session_id: str
    token_id: str
    claims: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_master(self) -> bool:
        """Master-realm identities may write into every realm (the Hub's realm helper)."""
        return self.realm_name == "master"

    def can_write_realm(self, realm_id: str | None) -> bool:
        """Whether this identity may write records of ``realm_id``."""
        return self.is_master or (realm_id is not None and realm_id == self.realm_id)


class RequestContext:
    """Everything one request handler needs."""

    def __init__(
        self,
        hub: FakeHub,
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

    def crud(self, resource: Resource | str) -> Crud:
        """The generic operations for a resource (by declaration or ``"service:path"``)."""
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
