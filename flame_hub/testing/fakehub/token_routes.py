"""authup's OAuth2 endpoints: ``POST /token`` (password, client_credentials, refresh_token grants),
``/token/introspect``, ``/token/revoke`` and ``/userinfo`` (auth.md §1).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from . import jwt
from .clock import is_uuid
from .context import Hub, RequestContext
from .errors import HubError
from .http import Response
from .passwords import looks_hashed, verify_password
from .router import Routes
from .tokens import jwt_error

ROUTES = Routes("auth")


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from an HTTP Basic header (raises ``invalid_request`` if malformed)."""
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        raise oauth_error("invalid_request", "The basic authorization header is malformed.") from None
    user, sep, secret = decoded.partition(":")
    if not sep:
        raise oauth_error("invalid_request", "The basic authorization header is malformed.")
    return unquote(user), unquote(secret)


def oauth_error(code: str, message: str, *, error: str | None = None, name: str = "OAuth2Error") -> HubError:
    """An OAuth2-flavoured authup error carrying RFC 6749's ``error`` field."""
    return HubError(code, message, extra={"error": error or code}, name=name)


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and value != "" else None


def _realm(hub: Hub, hint: str | None) -> dict[str, Any] | None:
    """The realm a hint (UUID or name, case-insensitive) names."""
    if hint is None:
        return None
    realms = hub.table("auth:realms")
    if is_uuid(hint):
        return realms.get(hint)
    wanted = hint.lower()
    for row in realms.rows():
        if row["name"].lower() == wanted:
            return row
    return None


def _guess_grant(body: dict[str, Any], has_basic: bool) -> str | None:
    if _text(body, "username") is not None and _text(body, "password") is not None:
        return "password"
    if _text(body, "refresh_token") is not None:
        return "refresh_token"
    if _text(body, "code") is not None:
        return "authorization_code"
    if (_text(body, "client_id") is not None and _text(body, "client_secret") is not None) or has_basic:
        return "client_credentials"
    return None


def _client_credentials(ctx: RequestContext, body: dict[str, Any]) -> tuple[str | None, str | None]:
    basic = basic_credentials(ctx.request.header("authorization"))
    client_id, secret = _text(body, "client_id"), _text(body, "client_secret")
    if basic is not None:
        if client_id is not None or secret is not None:
            raise oauth_error(
                "invalid_request", "Client credentials must not be sent in the body and header."
            )
        return basic
    if secret is not None and client_id is None:
        raise oauth_error("invalid_request", "The client_secret requires a client_id.")
    return client_id, secret


def _invalid_client() -> HubError:
    return oauth_error("invalid_client", "Client authentication failed")


def _find_client(hub: Hub, client_id: str, realm_hint: str | None) -> dict[str, Any] | None:
    clients = hub.table("auth:clients")
    if is_uuid(client_id):
        return clients.get(client_id)
    realm = _realm(hub, realm_hint)
    for row in clients.rows():
        if row["name"] == client_id.lower() and (realm is None or row["realmId"] == realm["id"]):
            return row
    return None


def _authenticate_client(
    hub: Hub, client_id: str, secret: str | None, realm_hint: str | None, grant: str
) -> dict[str, Any]:
    client = _find_client(hub, client_id, realm_hint)
    if client is None or not client.get("active", True):
        raise _invalid_client()
    if client.get("authMethod") != "secret":
        if secret is not None or grant == "client_credentials":
            raise _invalid_client()
        return client
    stored = client.get("secret")
    if secret is None or not isinstance(stored, str):
        raise _invalid_client()
    if looks_hashed(stored) and client.get("secretHashed"):
        ok = verify_password(secret, stored)
    else:
        ok = hmac.compare_digest(stored.encode(), secret.encode())
    if not ok:
        raise _invalid_client()
    allowed = client.get("grantTypes")
    if isinstance(allowed, str) and allowed.strip():
        names = allowed.replace(",", " ").split()
        if grant not in names:
            raise HubError(
                "unauthorized_client",
                f"The client is not allowed to use the {grant} grant.",
                extra={"error": "unauthorized_client"},
                name="OAuth2Error",
            )
    return client


def _password_grant(ctx: RequestContext, body: dict[str, Any]) -> Response:
    hub = ctx.hub
    username, password = _text(body, "username"), _text(body, "password")
    if username is None or password is None:
        raise oauth_error("invalid_request", "The username and password are required.")
    users = hub.table("auth:users")
    if is_uuid(username):
        user = users.get(username)
    else:
        realm = _realm(hub, _text(body, "realm_id") or _text(body, "realm_name"))
        realm_id = realm["id"] if realm is not None else hub.master_realm_id
        user = users.first(name=username.lower(), realmId=realm_id)
    if user is None or not verify_password(password, user.get("password")):
        raise HubError("invalid_credentials", "The user credentials are invalid.", name="AuthenticationError")
    if not user.get("active", True):
        raise HubError("entity_inactive", "The user is inactive.", name="AuthenticationError")
    client_ref: str | None = None
    client_id, secret = _client_credentials(ctx, body)
    if client_id is not None:
        client_ref = _authenticate_client(hub, client_id, secret, _text(body, "realm_id"), "password")["id"]
    session = hub.tokens.open_session("user", user, client_ref)
    return Response.json(hub.tokens.issue(session, ctx.request, issuer=hub.base_url, with_refresh=True))


def _client_credentials_grant(ctx: RequestContext, body: dict[str, Any]) -> Response:
    hub = ctx.hub
    client_id, secret = _client_credentials(ctx, body)
    if client_id is None:
        raise _invalid_client()
    client = _authenticate_client(hub, client_id, secret, _text(body, "realm_id"), "client_credentials")
    session = hub.tokens.open_session("client", client, client["id"])
    return Response.json(hub.tokens.issue(session, ctx.request, issuer=hub.base_url, with_refresh=False))


def _refresh_grant(ctx: RequestContext, body: dict[str, Any]) -> Response:
    hub = ctx.hub
    tokens = hub.tokens
    raw = _text(body, "refresh_token")
    if raw is None:
        raise oauth_error("invalid_request", "The refresh_token is required.")
    try:
        claims = tokens.decode(raw)
    except jwt.TokenInvalid:
        raise jwt_error("invalid_token", "The JWT is invalid.") from None
    if claims.get("kind") != "refresh_token":
        raise oauth_error("invalid_grant", "The refresh token is invalid.", name="OAuth2GrantError")
    if float(claims.get("exp", 0)) <= hub.clock.now():
        raise jwt_error("expired_token", "The JWT has expired.")
    record = tokens.refresh_tokens.get(str(claims.get("jti")))
    session = tokens.sessions.get(record.session_id) if record is not None else None
    if record is None or session is None or session.revoked or record.revoked:
        raise oauth_error("invalid_grant", "The refresh token is invalid.", name="OAuth2GrantError")
    if record.used:
        tokens.revoke_session(session.id)
        raise oauth_error(
            "invalid_grant", "refresh token replay detected; session revoked", name="OAuth2GrantError"
        )
    if session.client_id is not None and session.sub_kind == "user":
        client = hub.table("auth:clients").get(session.client_id)
        if client is not None and client.get("authMethod") == "secret":
            client_id, secret = _client_credentials(ctx, body)
            if client_id is None:
                raise _invalid_client()
            _authenticate_client(hub, client_id, secret, _text(body, "realm_id"), "refresh_token")
    record.used = True
    session.expires = hub.clock.now() + tokens.refresh_lifetime + 3600
    return Response.json(tokens.issue(session, ctx.request, issuer=hub.base_url, with_refresh=True))


def _code_grant(ctx: RequestContext, body: dict[str, Any]) -> Response:
    """FakeHub has no hosted login, so no code is ever valid."""
    raise oauth_error("invalid_grant", "The authorization code is invalid.", name="OAuth2GrantError")


#: The grants authup answers (robot_credentials was removed in beta.54).
GRANTS: dict[str, Callable[[RequestContext, dict[str, Any]], Response]] = {
    "password": _password_grant,
    "client_credentials": _client_credentials_grant,
    "refresh_token": _refresh_grant,
    "authorization_code": _code_grant,
}


@ROUTES.post("/token")
def token(ctx: RequestContext) -> Response:
    """``POST /token``."""
    body = ctx.body()
    grant = _text(body, "grant_type")
    query_grant = ctx.query.get("grant_type")
    if grant is None and isinstance(query_grant, str) and query_grant:
        grant = query_grant
    if grant not in GRANTS:
        # Unknown or absent: authup guesses from the parameters and refuses when nothing fits
        # (auth.md §1.1).
        has_basic = basic_credentials(ctx.request.header("authorization")) is not None
        grant = _guess_grant(body, has_basic)
    if grant is None:
        raise oauth_error(
            "unsupported_token_grant_type", "The grant type is not supported.", error="unsupported_grant_type"
        )
    return GRANTS[grant](ctx, body)


def _token_argument(ctx: RequestContext) -> str | None:
    value = _text(ctx.body(), "token")
    if value is None:
        query = ctx.query.get("token")
        value = query if isinstance(query, str) and query else None
    if value is None:
        value = ctx.hub.tokens.bearer(ctx.request, ctx.service)
    return value


@ROUTES.get("/token/introspect")
@ROUTES.post("/token/introspect")
def introspect(ctx: RequestContext) -> Response:
    """``GET|POST /token/introspect``: the claims plus ``active`` and ``permissions``."""
    hub = ctx.hub
    raw = _token_argument(ctx)
    if raw is None:
        raise oauth_error("invalid_request", "The token is required.")
    try:
        claims = hub.tokens.decode(raw)
    except jwt.TokenInvalid:
        raise HubError(
            "invalid_token",
            "The JWT is invalid.",
            name="JWTError",
            extra={"error": "invalid_request", "error_description": "The JWT is invalid."},
        ) from None
    state = hub.tokens.state_of(claims)
    if state == "expired":
        raise HubError(
            "expired_token",
            "The JWT has expired.",
            name="JWTError",
            extra={"error": "invalid_request", "error_description": "The JWT has expired."},
        )
    kind = str(claims.get("sub_kind"))
    subject = hub.table("auth:users" if kind == "user" else "auth:clients").get(str(claims.get("sub"))) or {}
    out: dict[str, Any] = {"active": state == "active", **claims}
    out.update(
        {
            "name": subject.get("displayName") or subject.get("name"),
            "preferred_username": subject.get("name"),
            "nickname": subject.get("name"),
            "updated_at": int(hub.clock.now()),
        }
    )
    if kind == "user":
        out.update(
            {
                "given_name": subject.get("firstName"),
                "family_name": subject.get("lastName"),
                "email": subject.get("email"),
                "email_verified": False,
            }
        )
    perms = sorted(hub.tokens.permissions_of(kind, str(claims.get("sub")))) if subject else []
    out["permissions"] = [{"name": name, "client_id": None, "realm_id": None} for name in perms]
    return Response.json(out)


@ROUTES.post("/token/revoke")
def revoke(ctx: RequestContext) -> Response:
    """``POST /token/revoke``: 202 with an empty (``null``) body, also for expired tokens."""
    tokens = ctx.hub.tokens
    raw = _token_argument(ctx)
    if raw is not None:
        try:
            claims = tokens.decode(raw)
        except jwt.TokenInvalid:
            claims = {}
        jti = str(claims.get("jti"))
        if claims.get("kind") == "refresh_token":
            record = tokens.refresh_tokens.get(jti)
            if record is not None:
                record.revoked = True
        elif claims:
            tokens.revoked_access.add(jti)
    return Response.json(None, status=202)


@ROUTES.get("/userinfo")
def userinfo(ctx: RequestContext) -> Response:
    """``GET /userinfo``: the bare user record (with ``email``); users only."""
    identity = ctx.require_login()
    if identity.kind != "user":
        # Unsure: authup's answer for a client token is not in the reference.
        raise HubError("identity_unauthorized", "Authentication required.")
    row = ctx.hub.table("auth:users").get(identity.id) or {}
    crud = ctx.crud("auth:users")
    out = crud.present(ctx, row)
    out["email"] = row.get("email")
    return Response.json(out)
