"""Sessions, tokens and the bearer check every route runs (auth.md §1.3-§1.7, observed.md).

Every successful grant opens a server-side session; an access token is valid only while its session
lives. Refresh tokens rotate and are single-use: presenting a used one is a replay that revokes the
whole session. The bearer check differs per service:

* authup: a malformed/foreign token -> 400 ``invalid_token``; expired token or dead session -> 400
  ``expired_token``; a revoked token or session -> 400 ``inactive_token``; another scheme than
  Bearer/Basic -> 401 ``unsupported_auth_header_type``; Basic is ignored (anonymous).
* core/storage: a malformed bearer -> 500 ``internal_error`` "Property token is invalid"
  (observed.md). Core caches introspection until ``exp``: a token core has already accepted keeps
  working after its session is revoked (observed.md) unless the revocation was made with
  ``at_core=True`` (fault injection). Unsure: what core answers for an expired token or one it has
  never seen whose session is gone is inferred (500 ``internal_error`` with authup's message).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from . import jwt
from .clock import Clock, IdSource
from .errors import HubError, Service
from .http import Request
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


@dataclass
class Session:
    """One grant's session."""

    id: str
    sub: str
    sub_kind: str
    realm_id: str
    client_id: str | None
    expires: float
    revoked: bool = False
    #: Ids of the access tokens core has accepted (its introspection cache, valid until each ``exp``).
    core_cache: set[str] = field(default_factory=set)


@dataclass
class RefreshRecord:
    """A refresh token's server-side state."""

    session_id: str
    used: bool = False
    revoked: bool = False


def jwt_error(code: str, message: str) -> HubError:
    """authup's JWTError family (400, code in the body)."""
    return HubError(code, message, name="JWTError")


class TokenService:
    """Issues, checks and revokes tokens for one FakeHub."""

    def __init__(
        self, store: Store, clock: Clock, ids: IdSource, *, access_lifetime: int, refresh_lifetime: int
    ) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self._key = ids.hex(64).encode("ascii")
        self._kid = ids.uuid()
        self._lock = threading.RLock()
        self.sessions: dict[str, Session] = {}
        self.refresh_tokens: dict[str, RefreshRecord] = {}
        self.revoked_access: set[str] = set()

    def __repr__(self) -> str:
        return f"TokenService(sessions={len(self.sessions)})"

    # -- permissions ----------------------------------------------------------------------------------
    def permissions_of(self, kind: str, subject_id: str) -> frozenset[str]:
        """Names of the permissions a user or client holds (directly or through roles)."""
        store = self.store
        permissions = store.table("auth:permissions")
        role_permissions = store.table("auth:role-permissions")
        direct_key, roles_key, own = (
            ("auth:user-permissions", "auth:user-roles", "userId")
            if kind == "user"
            else ("auth:client-permissions", "auth:client-roles", "clientId")
        )
        ids = {row["permissionId"] for row in store.table(direct_key).where(**{own: subject_id})}
        for binding in store.table(roles_key).where(**{own: subject_id}):
            ids.update(row["permissionId"] for row in role_permissions.where(roleId=binding["roleId"]))
        names = set()
        for pid in ids:
            row = permissions.get(pid)
            if row is not None:
                names.add(row["name"])
        return frozenset(names)

    def role_names(self, kind: str, subject_id: str) -> list[str]:
        """Names of the roles a user or client holds."""
        store = self.store
        key, own = ("auth:user-roles", "userId") if kind == "user" else ("auth:client-roles", "clientId")
        roles = store.table("auth:roles")
        out = []
        for binding in store.table(key).where(**{own: subject_id}):
            role = roles.get(binding["roleId"])
            if role is not None:
                out.append(role["name"])
        return out

    def system_identity(self) -> Identity:
        """The master-realm ``system`` client, as the Hub services act towards authup."""
        client = self.store.table("auth:clients").first(name="system")
        master = self.store.table("auth:realms").first(name="master")
        realm_id = str(master["id"]) if master is not None else ""
        client_id = client["id"] if client is not None else "system"
        permissions = self.store.table("auth:permissions")
        perms = permissions.memo("names", lambda: frozenset(row["name"] for row in permissions.rows()))
        return Identity("client", client_id, "system", realm_id, "master", perms, "internal", "internal")

    # -- issuing --------------------------------------------------------------------------------------
    def _subject(self, kind: str, subject_id: str) -> dict[str, Any] | None:
        table = "auth:users" if kind == "user" else "auth:clients"
        return self.store.table(table).get(subject_id)

    def open_session(self, kind: str, subject: dict[str, Any], client_id: str | None) -> Session:
        """A new session for a successful grant."""
        now = self.clock.now()
        session = Session(
            id=self.ids.uuid(),
            sub=subject["id"],
            sub_kind=kind,
            realm_id=subject["realmId"],
            client_id=client_id,
            expires=now + self.refresh_lifetime + 3600,
        )
        with self._lock:
            self.sessions[session.id] = session
        return session

    def issue(self, session: Session, request: Request, *, issuer: str, with_refresh: bool) -> dict[str, Any]:
        """The token response of a grant (access token, plus a new refresh token when asked);
        ``issuer`` is the hub's base URL, which names the realm in ``iss``."""
        now = int(self.clock.now())
        realm = self.store.table("auth:realms").get(session.realm_id) or {}
        realm_name = realm.get("name", "")
        subject = self._subject(session.sub_kind, session.sub) or {}
        access_id = self.ids.uuid()
        claims: dict[str, Any] = {
            "iss": f"{issuer}/auth/realms/{realm_name}",
            "sub": session.sub,
            "sub_kind": session.sub_kind,
            "sub_name": subject.get("name"),
            "realm_id": session.realm_id,
            "realm_name": realm_name,
            "scope": "global",
            "session_id": session.id,
            "jti": access_id,
            "iat": now,
            "exp": now + self.access_lifetime,
            "kind": "access_token",
            "remote_address": request.address,
            "user_agent": request.header("user-agent") or "",
            "realm_access": {"roles": []},
            "global_access": {"roles": self.role_names(session.sub_kind, session.sub)},
            "amr": ["pwd"] if session.sub_kind == "user" else ["client"],
            "acr": "0",
        }
        if session.client_id is not None:
            claims["client_id"] = session.client_id
        out: dict[str, Any] = {
            "access_token": jwt.encode(claims, self._key, self._kid),
            "expires_in": self.access_lifetime,
            "token_type": "Bearer",
            "scope": "global",
        }
        if with_refresh:
            refresh_id = self.ids.uuid()
            refresh_claims = dict(claims)
            refresh_claims.update(
                {"jti": refresh_id, "kind": "refresh_token", "exp": now + self.refresh_lifetime}
            )
            claims["refresh_token_id"] = refresh_id
            out["access_token"] = jwt.encode(claims, self._key, self._kid)
            with self._lock:
                self.refresh_tokens[refresh_id] = RefreshRecord(session.id)
            out["refresh_token"] = jwt.encode(refresh_claims, self._key, self._kid)
            out["refresh_token_expires_in"] = self.refresh_lifetime
        return out

    # -- checking -------------------------------------------------------------------------------------
    def decode(self, token: str) -> dict[str, Any]:
        """Claims of a token this hub signed (raises :class:`jwt.TokenInvalid`)."""
        return jwt.decode(token, self._key)

    def state_of(self, claims: dict[str, Any]) -> str:
        """``"active"``, ``"expired"`` or ``"inactive"`` for decoded claims."""
        if float(claims.get("exp", 0)) <= self.clock.now():
            return "expired"
        with self._lock:
            session = self.sessions.get(str(claims.get("session_id")))
            if claims.get("jti") in self.revoked_access:
                return "inactive"
            if session is None:
                return "expired"
            if session.revoked:
                return "inactive"
            if session.expires <= self.clock.now():
                return "expired"
        if self._subject(str(claims.get("sub_kind")), str(claims.get("sub"))) is None:
            return "expired"
        return "active"

    def identity_from(self, claims: dict[str, Any]) -> Identity | None:
        """The identity behind valid access-token claims (``None`` if the subject is gone)."""
        return self.identity_of(
            str(claims.get("sub_kind")),
            str(claims.get("sub")),
            session_id=str(claims.get("session_id")),
            token_id=str(claims.get("jti")),
            claims=claims,
        )

    def identity_of(
        self,
        kind: str,
        subject_id: str,
        *,
        session_id: str = "internal",
        token_id: str = "internal",
        claims: dict[str, Any] | None = None,
    ) -> Identity | None:
        """The identity of a stored user or client with its current permissions (``None`` if gone)."""
        subject = self._subject(kind, subject_id)
        if subject is None or kind not in ("user", "client"):
            return None
        realm = self.store.table("auth:realms").get(subject["realmId"]) or {}
        return Identity(
            kind,  # type: ignore[arg-type]
            subject["id"],
            subject.get("name") or "",
            subject["realmId"],
            realm.get("name", ""),
            self.permissions_of(kind, subject["id"]),
            session_id,
            token_id,
            claims if claims is not None else {},
        )

    def bearer(self, request: Request, service: Service) -> str | None:
        """The Bearer token of a request, or ``None``; authup refuses unknown schemes."""
        header = request.header("authorization")
        if header is None or not header.strip():
            if service != "auth":
                cookie = request.header("cookie") or ""
                for part in cookie.split(";"):
                    name, _, value = part.strip().partition("=")
                    if name == "access_token" and value:
                        return unquote(value)
            return None
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
        if scheme.lower() == "basic" or service != "auth":
            return None
        raise HubError(
            "unsupported_auth_header_type", f"The authorization header type {scheme} is not supported."
        )

    def authenticate(self, request: Request, service: Service) -> Identity | None:
        """The bearer check of the answering service; ``None`` = anonymous.

        Both services refuse the same tokens for the same reasons, each in its own words
        (:func:`refusal`); core and storage also keep accepting a token they have accepted before
        after its session is revoked, until it expires (their introspection cache, observed.md).
        """
        token = self.bearer(request, service)
        if token is None:
            return None
        try:
            claims = self.decode(token)
        except jwt.TokenInvalid:
            raise refusal(service, "invalid") from None
        if claims.get("kind") != "access_token":
            raise refusal(service, "invalid")
        state = self.state_of(claims)
        at_hub = service != "auth"
        if state == "inactive" and at_hub and self._cached_at_hub(claims):
            state = "active"
        if state != "active":
            raise refusal(service, state)
        identity = self.identity_from(claims)
        if identity is None:
            raise refusal(service, "expired")
        if at_hub:
            with self._lock:
                session = self.sessions.get(identity.session_id)
                if session is not None:
                    session.core_cache.add(identity.token_id)
        return identity

    def _cached_at_hub(self, claims: dict[str, Any]) -> bool:
        with self._lock:
            session = self.sessions.get(str(claims.get("session_id")))
            return session is not None and str(claims.get("jti")) in session.core_cache

    # -- revocation -----------------------------------------------------------------------------------
    def revoke_session(self, session_id: str, *, at_core: bool = False) -> bool:
        """Revoke one session (all its tokens)."""
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None:
                return False
            session.revoked = True
            if at_core:
                session.core_cache.clear()
            return True

    def revoke_all(self, *, at_core: bool = False) -> int:
        """Revoke every session."""
        with self._lock:
            ids = [s.id for s in self.sessions.values() if not s.revoked]
            for sid in ids:
                self.revoke_session(sid, at_core=at_core)
            if at_core:
                for session in self.sessions.values():
                    session.core_cache.clear()
            return len(ids)

    def revoke_session_of(self, token: str, *, at_core: bool = False) -> bool:
        """Revoke the session a token belongs to."""
        try:
            claims = self.decode(token)
        except jwt.TokenInvalid:
            return False
        return self.revoke_session(str(claims.get("session_id")), at_core=at_core)

    def end_sessions_of(self, subject_id: str) -> None:
        """Drop every session of a deleted user or client (their tokens stop working at once)."""
        with self._lock:
            for sid in [s.id for s in self.sessions.values() if s.sub == subject_id]:
                del self.sessions[sid]


#: Why a bearer token is refused -> (authup's JWTError code and message, auth.md §1.7; the Hub core's
#: 500 message, observed.md for "invalid", inferred for the others).
REFUSALS: dict[str, tuple[tuple[str, str], str]] = {
    "invalid": (("invalid_token", "The JWT is invalid."), "Property token is invalid"),
    "expired": (("expired_token", "The JWT has expired."), "The JWT has expired."),
    "inactive": (("inactive_token", "The JWT is not active."), "The JWT is not active."),
}


def refusal(service: Service, why: str) -> HubError:
    """The error ``service`` answers for a bearer token it refuses (``why``: a key of :data:`REFUSALS`)."""
    (code, message), at_hub = REFUSALS[why]
    return jwt_error(code, message) if service == "auth" else HubError("internal_error", at_hub)
