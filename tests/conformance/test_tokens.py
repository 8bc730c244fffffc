"""Token grants, bearer checks and token expiry (auth.md §1, observed.md)."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

pytestmark = pytest.mark.conformance

TOKEN_CODES = {"invalid_token", "expired_token", "inactive_token"}


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


# -- password grant --------------------------------------------------------------------------------


def test_password_grant_response(api):
    """observed.md: password grant → 200 {access_token, expires_in: 900, token_type: "Bearer",
    scope: "global", refresh_token, refresh_token_expires_in: 259200}."""
    response = api.token(grant_type="password", username="admin", password="start123")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "access_token",
        "expires_in",
        "token_type",
        "scope",
        "refresh_token",
        "refresh_token_expires_in",
    }
    assert body["expires_in"] == 900
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "global"
    assert body["refresh_token_expires_in"] == 259200


def test_password_grant_accepts_a_form_body(api):
    """auth.md §1.1 / observed.md: the token body may be form-encoded."""
    response = api.http.post(
        "/auth/token", data={"grant_type": "password", "username": "admin", "password": "start123"}
    )
    assert response.status_code == 200
    assert response.json()["refresh_token"]


def test_grant_is_guessed_from_username_and_password(api):
    """auth.md §1.1: without grant_type, username+password selects the password grant."""
    response = api.token(username="admin", password="start123")
    assert response.status_code == 200
    assert "refresh_token" in response.json()


def test_password_grant_with_realm_hint(api):
    """auth.md §1.1: realm_name accepts a realm name (case-insensitive)."""
    assert (
        api.token(
            grant_type="password", username="admin", password="start123", realm_name="MASTER"
        ).status_code
        == 200
    )


def test_users_outside_master_need_a_realm_hint(api):
    """auth.md §1.1: the user is looked up in the hinted realm, or master without a hint."""
    realm = api.realm()
    api.user(name="outsider", realmId=realm["id"], password="outsider-password")
    without = api.token(grant_type="password", username="outsider", password="outsider-password")
    assert without.status_code == 400
    assert without.json()["code"] == "invalid_credentials"
    hinted = api.token(
        grant_type="password", username="outsider", password="outsider-password", realm_id=realm["id"]
    )
    assert hinted.status_code == 200
    assert claims(hinted.json()["access_token"])["realm_id"] == realm["id"]


def test_access_token_claims(api):
    """auth.md §1.6: snake_case claims: sub, sub_kind user, realm_id/realm_name, scope, session_id, kind."""
    token = api.password_grant()["access_token"]
    admin = api.record("/auth/users/admin")
    payload = claims(token)
    assert payload["sub"] == admin["id"]
    assert payload["sub_kind"] == "user"
    assert payload["realm_name"] == "master"
    assert payload["realm_id"] == api.master_realm_id()
    assert payload["kind"] == "access_token"
    assert payload["exp"] - payload["iat"] == 900
    assert payload["session_id"]


def test_wrong_password_is_400_invalid_credentials(api):
    """observed.md / auth.md §1.5: wrong password → 400 invalid_credentials, no `error` field."""
    response = api.token(grant_type="password", username="admin", password="wrong-password")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["message"] == "The user credentials are invalid."
    assert "error" not in body


def test_unknown_user_is_the_same_as_a_wrong_password(api):
    """auth.md §1.5/§6.5: unknown user and bad password give the same 400 invalid_credentials."""
    response = api.token(grant_type="password", username="nobody-here", password="start123")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_missing_password_is_invalid_request(api):
    """auth.md §1.5: missing username/password → 400 invalid_request with error invalid_request."""
    response = api.token(grant_type="password", username="admin")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert response.json()["error"] == "invalid_request"


def test_inactive_user_cannot_log_in(api):
    """auth.md §1.5/§3.3: a user with active=false → 400 entity_inactive."""
    api.user(name="sleeper", password="sleeper-password", active=False)
    response = api.token(grant_type="password", username="sleeper", password="sleeper-password")
    assert response.status_code == 400
    assert response.json()["code"] == "entity_inactive"


def test_password_grant_accepts_the_user_uuid(api):
    """auth.md §1.1: username may be the user name or the user UUID."""
    admin = api.record("/auth/users/admin")
    response = api.token(grant_type="password", username=admin["id"], password="start123")
    assert response.status_code == 200
    assert claims(response.json()["access_token"])["sub"] == admin["id"]


def test_grant_type_may_come_from_the_query_string(api):
    """auth.md §1.1: grant_type alone may also come from the query string."""
    response = api.http.post(
        "/auth/token", params={"grant_type": "password"}, json={"username": "admin", "password": "start123"}
    )
    assert response.status_code == 200


# -- grant selection -------------------------------------------------------------------------------


def test_robot_credentials_grant_is_refused(api):
    """observed.md / auth.md §1.1: grant_type=robot_credentials → 400 unsupported_token_grant_type,
    error unsupported_grant_type."""
    response = api.token(grant_type="robot_credentials", id=str(uuid.uuid4()), secret="start123")
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_token_grant_type"
    assert response.json()["error"] == "unsupported_grant_type"


def test_unguessable_grant_is_refused(api):
    """auth.md §1.1: nothing matches → 400 unsupported_token_grant_type."""
    response = api.token(foo="bar")
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_token_grant_type"


# -- client_credentials ----------------------------------------------------------------------------


def test_system_client_credentials(api):
    """auth.md §4.1: the system client logs in with client_id=system, client_secret=start123,
    realm_id=master; client_credentials yields no refresh token."""
    response = api.token(
        grant_type="client_credentials", client_id="system", client_secret="start123", realm_id="master"
    )
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "global"
    assert claims(body["access_token"])["sub_kind"] == "client"


def test_node_client_credentials_grant(api):
    """auth.md §4.2: a node authenticates with client_credentials and the client UUID."""
    node = api.node()
    credentials = api.node_credentials(node["id"])
    response = api.token(
        grant_type="client_credentials", client_id=credentials["id"], client_secret=credentials["secret"]
    )
    assert response.status_code == 200
    payload = claims(response.json()["access_token"])
    assert payload["sub_kind"] == "client"
    assert payload["sub"] == credentials["id"]
    assert api.get("/core/nodes", token=response.json()["access_token"]).status_code == 200


def test_uuid_shaped_client_name_is_read_as_an_id(api):
    """auth.md §1.1: a node's client is named after the node id; a UUID-shaped client_id is always an id,
    so the node id (the client's name) does not log in → 401 invalid_client."""
    node = api.node()
    credentials = api.node_credentials(node["id"])
    assert credentials["name"] == node["id"]
    response = api.token(
        grant_type="client_credentials", client_id=node["id"], client_secret=credentials["secret"]
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_client"


def test_client_credentials_grant_is_guessed(api):
    """auth.md §1.1: client_id+client_secret without grant_type selects client_credentials."""
    client = api.client(secret="guessed-secret")
    response = api.token(client_id=client["id"], client_secret="guessed-secret")
    assert response.status_code == 200
    assert "refresh_token" not in response.json()


def test_client_credentials_over_http_basic(api):
    """auth.md §1.1: client credentials may come as HTTP Basic instead of the body."""
    client = api.client(secret="basic-secret")
    response = api.http.post(
        "/auth/token", json={"grant_type": "client_credentials"}, headers=basic(client["id"], "basic-secret")
    )
    assert response.status_code == 200


def test_client_credentials_in_body_and_basic_is_invalid_request(api):
    """auth.md §1.5: body and Basic credentials both sent → 400 invalid_request."""
    client = api.client(secret="both-secret")
    response = api.http.post(
        "/auth/token",
        json={"grant_type": "client_credentials", "client_id": client["id"], "client_secret": "both-secret"},
        headers=basic(client["id"], "both-secret"),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_wrong_client_secret_is_401_invalid_client(api):
    """observed.md: client_credentials with a wrong secret → 401 invalid_client."""
    node = api.node()
    credentials = api.node_credentials(node["id"])
    response = api.token(grant_type="client_credentials", client_id=credentials["id"], client_secret="wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_client"
    assert response.json()["error"] == "invalid_client"


def test_unknown_client_is_401_invalid_client(api):
    """auth.md §1.5: unknown client → 401 invalid_client."""
    response = api.token(grant_type="client_credentials", client_id=str(uuid.uuid4()), client_secret="x")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_client"


@pytest.mark.parametrize("body", [{"active": False}, {"authMethod": "none"}], ids=["inactive", "public"])
def test_inactive_or_public_client_is_401_invalid_client(api, body):
    """auth.md §1.1/§1.5: client_credentials needs authMethod "secret" and active: true, else 401
    invalid_client."""
    client = api.client(secret="some-secret", **body)
    response = api.token(grant_type="client_credentials", client_id=client["id"], client_secret="some-secret")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_client"


def test_client_grant_types_exclude_the_grant(api):
    """auth.md §1.5: the client's grantTypes exclude the grant → 400 unauthorized_client."""
    client = api.client(secret="limited-secret", grantTypes="authorization_code refresh_token")
    response = api.token(
        grant_type="client_credentials", client_id=client["id"], client_secret="limited-secret"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unauthorized_client"


# -- refresh tokens --------------------------------------------------------------------------------


def test_refresh_rotates_the_pair(api):
    """auth.md §1.4: each refresh returns a new access and a new refresh token."""
    first = api.password_grant()
    response = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert api.get("/auth/users", token=second["access_token"]).status_code == 200
    third = api.token(grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert third.status_code == 200


def test_refresh_token_replay_revokes_the_session(api):
    """observed.md / auth.md §1.4: reusing a refresh token → 400 invalid_grant "refresh token replay detected;
    session revoked"; the session's access tokens are then rejected at authup with inactive_token."""
    first = api.password_grant()
    second = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).json()

    replay = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert replay.status_code == 400
    body = replay.json()
    assert body["code"] == "invalid_grant"
    assert body["error"] == "invalid_grant"
    assert body["name"] == "OAuth2GrantError"
    assert body["message"] == "refresh token replay detected; session revoked"

    rejected = api.get("/auth/users", token=second["access_token"])
    assert rejected.status_code == 400
    assert rejected.json()["code"] == "inactive_token"
    assert api.token(grant_type="refresh_token", refresh_token=second["refresh_token"]).status_code == 400


def test_replay_leaves_other_sessions_alone(api):
    """auth.md §1.3: sessions are per grant; revoking one does not touch another."""
    other = api.password_grant()
    first = api.password_grant()
    api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert api.get("/auth/users", token=other["access_token"]).status_code == 200


def test_missing_refresh_token_is_invalid_request(api):
    """auth.md §1.5: grant_type=refresh_token without refresh_token → 400 invalid_request."""
    response = api.token(grant_type="refresh_token")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_garbage_refresh_token_is_rejected(api):
    """auth.md §1.5: a bad refresh token → 400 (invalid_grant or, for a bad signature, invalid_token)."""
    response = api.token(grant_type="refresh_token", refresh_token="not.a.token")
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_grant", "invalid_token"}


# -- bearer checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/auth/users", "/auth/realms"], ids=["login-route", "public-route"])
def test_malformed_bearer_at_authup_is_400_invalid_token(api, path):
    """observed.md / auth.md §1.7: a malformed Bearer at authup → 400 {name: JWTError, code: invalid_token},
    on every route, even public ones."""
    response = api.get(path, token="garbage")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"
    assert response.json()["name"] == "JWTError"


def test_malformed_bearer_breaks_the_token_endpoint_too(api):
    """auth.md §6.2: the auth middleware runs on POST /token too: a stale Bearer header breaks it."""
    response = api.http.post(
        "/auth/token",
        json={"grant_type": "password", "username": "admin", "password": "start123"},
        headers={"Authorization": "Bearer garbage"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_malformed_bearer_at_core_is_500(api):
    """observed.md: a malformed Bearer at core → 500 {statusCode: 500, code: internal_error,
    message: "Property token is invalid", issues: []}."""
    response = api.get("/core/nodes", token="garbage")
    assert response.status_code == 500
    assert response.json() == {
        "statusCode": 500,
        "code": "internal_error",
        "message": "Property token is invalid",
        "issues": [],
    }


def test_refresh_token_as_bearer_is_invalid_token(api):
    """auth.md §1.7: a refresh token used as Bearer → 400 invalid_token."""
    refresh = api.password_grant()["refresh_token"]
    response = api.get("/auth/users", token=refresh)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_other_auth_scheme_is_401(api):
    """auth.md §1.7: another scheme → 401 unsupported_auth_header_type."""
    response = api.http.get("/auth/users", headers={"Authorization": "Token abc"})
    assert response.status_code == 401
    assert response.json()["code"] == "unsupported_auth_header_type"


def test_basic_auth_on_the_api_is_ignored(api):
    """auth.md §1.7: Authorization: Basic is ignored (anonymous) by default → 401 identity_unauthorized."""
    response = api.http.get("/auth/users", headers=basic("admin", "start123"))
    assert response.status_code == 401
    assert response.json()["code"] == "identity_unauthorized"


def test_authup_without_bearer_on_login_route_is_401(api):
    """auth.md §1.7: no Authorization header on a login route → 401 identity_unauthorized
    ("Authentication required.")."""
    response = api.get("/auth/users", token=None)
    assert response.status_code == 401
    assert response.json()["code"] == "identity_unauthorized"


# -- revocation and introspection ------------------------------------------------------------------


def test_revoked_token_is_inactive(api):
    """auth.md §1.8/§1.7: POST /token/revoke → 202; the revoked token → 400 inactive_token."""
    token = api.password_grant()["access_token"]
    response = api.http.post("/auth/token/revoke", json={"token": token})
    assert response.status_code == 202
    rejected = api.get("/auth/users", token=token)
    assert rejected.status_code == 400
    assert rejected.json()["code"] == "inactive_token"


def test_introspection(api):
    """auth.md §1.8: POST /token/introspect (no auth) → 200 {active: true, claims..., permissions}."""
    token = api.password_grant()["access_token"]
    response = api.http.post("/auth/token/introspect", json={"token": token})
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["sub_kind"] == "user"
    assert body["realm_name"] == "master"
    assert "node_create" in {permission["name"] for permission in body["permissions"]}


def test_core_keeps_accepting_a_token_it_has_seen_after_revocation(api):
    """observed.md: after a refresh replay revokes the session, the access token is rejected at authup
    (inactive_token) but still accepted at core for a while (core caches introspection until exp)."""
    first = api.password_grant()
    token = first["access_token"]
    assert api.get("/core/nodes", token=token).status_code == 200
    api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert api.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).status_code == 400
    assert api.get("/auth/users", token=token).json()["code"] == "inactive_token"
    assert api.get("/core/nodes", token=token).status_code == 200


@pytest.mark.fakehub_options(seed=6)
def test_introspecting_an_expired_token_is_an_error(api, hub):
    """auth.md §1.8: expired tokens → 400 expired_token with error invalid_request, not active: false."""
    token = api.password_grant()["access_token"]
    hub.clock.advance(901)
    response = api.http.post("/auth/token/introspect", json={"token": token})
    assert response.status_code == 400
    assert response.json()["code"] == "expired_token"
    assert response.json()["error"] == "invalid_request"


@pytest.mark.fakehub_options(seed=7)
def test_revoking_an_expired_token_is_accepted(api, hub):
    """auth.md §1.8: revocation works for expired tokens too (RFC 7009) → 202."""
    token = api.password_grant()["access_token"]
    hub.clock.advance(901)
    assert api.http.post("/auth/token/revoke", json={"token": token}).status_code == 202


def test_core_accepts_the_access_token_cookie(api):
    """core-and-storage.md §1.2: a cookie access_token=<token> is accepted as fallback."""
    response = api.http.get("/core/nodes", headers={"Cookie": f"access_token={api.admin_token}"})
    assert response.status_code == 200


def test_deleting_a_client_kills_its_tokens(api):
    """auth.md §1.3: deleting the client kills all tokens of its sessions immediately.
    (Which of the token codes answers is not pinned: §1.7 lists "session gone" under expired_token.)"""
    client = api.client(secret="doomed-secret")
    token = api.client_token(client["id"], "doomed-secret")
    assert api.get("/auth/clients/@me", token=token).status_code == 200
    assert api.delete(f"/auth/clients/{client['id']}").status_code == 202
    rejected = api.get("/auth/clients/@me", token=token)
    assert rejected.status_code == 400
    assert rejected.json()["code"] in TOKEN_CODES


# -- expiry ----------------------------------------------------------------------------------------


@pytest.mark.fakehub_options(seed=1)
def test_access_token_expires_after_900_seconds(api, hub):
    """auth.md §1.3/§1.7: access tokens live 900 s; an expired Bearer → 400 expired_token at authup."""
    token = api.password_grant()["access_token"]
    hub.clock.advance(899)
    assert api.get("/auth/users", token=token).status_code == 200
    hub.clock.advance(2)
    response = api.get("/auth/users", token=token)
    assert response.status_code == 400
    assert response.json()["code"] == "expired_token"


@pytest.mark.fakehub_options(seed=2, token_lifetime=60)
def test_configured_token_lifetime(api, hub):
    """auth.md §1.3: the access-token lifetime is configurable; expires_in reports it."""
    body = api.password_grant()
    assert body["expires_in"] == 60
    hub.clock.advance(61)
    response = api.get("/auth/users", token=body["access_token"])
    assert response.status_code == 400
    assert response.json()["code"] == "expired_token"


@pytest.mark.fakehub_options(seed=3)
def test_expires_in_is_computed_at_response_time_and_refresh_renews(api, hub):
    """auth.md §1.2/§1.4: a refresh shortly before expiry yields a fresh 900 s access token."""
    first = api.password_grant()
    hub.clock.advance(850)
    second = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["expires_in"] == 900
    hub.clock.advance(100)
    assert api.get("/auth/users", token=second.json()["access_token"]).status_code == 200
    assert api.get("/auth/users", token=first["access_token"]).json()["code"] == "expired_token"


@pytest.mark.fakehub_options(seed=4)
def test_expired_refresh_token(api, hub):
    """auth.md §1.3/§1.5: refresh tokens live 259 200 s; an expired one → 400 expired_token."""
    first = api.password_grant()
    hub.clock.advance(259_201)
    response = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert response.status_code == 400
    assert response.json()["code"] == "expired_token"


@pytest.mark.fakehub_options(seed=5)
def test_client_token_expires_too(api, hub):
    """auth.md §1.3: client_credentials access tokens have the same lifetime."""
    node = api.node()
    token = api.node_client_token(node["id"])
    hub.clock.advance(901)
    response = api.get("/auth/clients/@me", token=token)
    assert response.status_code == 400
    assert response.json()["code"] == "expired_token"
