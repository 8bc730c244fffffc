"""Tokens as authup beta.62 issues them (auth.md §1, observed.md)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.context import RequestContext
from flame_hub.testing.fakehub.http import Response


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_password_grant_response_and_claims(hub: FakeHub, http: httpx.Client) -> None:
    body = login(http)
    assert list(body) == [
        "access_token", "expires_in", "token_type", "scope", "refresh_token", "refresh_token_expires_in",
    ]  # fmt: skip
    assert (body["expires_in"], body["token_type"], body["scope"]) == (900, "Bearer", "global")
    assert body["refresh_token_expires_in"] == 259200
    access = claims(body["access_token"])
    assert (
        access["sub_kind"] == "user" and access["realm_name"] == "master" and access["kind"] == "access_token"
    )
    assert access["exp"] == access["iat"] + 900  # type: ignore[operator]


def test_form_bodies_and_grant_guessing(http: httpx.Client) -> None:
    response = http.post("/auth/token", data={"username": "admin", "password": "start123"})
    assert response.status_code == 200 and "refresh_token" in response.json()


def test_wrong_password_and_unknown_user_are_the_same(http: httpx.Client) -> None:
    for user in ("admin", "nobody"):
        response = http.post(
            "/auth/token", json={"grant_type": "password", "username": user, "password": "x"}
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid_credentials" and "error" not in body and "statusCode" not in body


@pytest.mark.parametrize("body", [{"grant_type": "robot_credentials", "id": "x", "secret": "y"}, {}])
def test_unsupported_grants(http: httpx.Client, body: dict[str, str]) -> None:
    response = http.post("/auth/token", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_token_grant_type"
    assert response.json()["error"] == "unsupported_grant_type"


def test_system_client_credentials(hub: FakeHub, http: httpx.Client) -> None:
    for client_id in ("system", hub.system_client_id):
        response = http.post(
            "/auth/token",
            json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "start123",
                  "realm_id": "master"},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert "refresh_token" not in response.json()
    basic = base64.b64encode(f"{hub.system_client_id}:start123".encode()).decode()
    response = http.post("/auth/token", data={"grant_type": "client_credentials"},
                         headers={"Authorization": f"Basic {basic}"})  # fmt: skip
    assert response.status_code == 200
    both = http.post(
        "/auth/token",
        json={"grant_type": "client_credentials", "client_id": "system", "client_secret": "start123"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert both.status_code == 400 and both.json()["code"] == "invalid_request"
    wrong = http.post("/auth/token", json={"grant_type": "client_credentials", "client_id": "system",
                                           "client_secret": "nope"})  # fmt: skip
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_client"


def test_refresh_rotation_and_replay_revokes_the_session(http: httpx.Client) -> None:
    first = login(http)
    second = http.post(
        "/auth/token", json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    new = second.json()
    assert new["refresh_token"] != first["refresh_token"]
    replay = http.post(
        "/auth/token", json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 400
    assert replay.json()["message"] == "refresh token replay detected; session revoked"
    assert replay.json()["code"] == "invalid_grant" and replay.json()["name"] == "OAuth2GrantError"
    stale = http.get("/auth/users", headers=auth(new["access_token"]))
    assert stale.status_code == 400 and stale.json()["code"] == "inactive_token"
    again = http.post("/auth/token", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 400 and again.json()["code"] == "invalid_grant"


def test_expiry_follows_the_clock() -> None:
    hub = FakeHub(seed=3, token_lifetime=60)
    http = hub.client()
    token = login(http)["access_token"]
    assert http.get("/auth/users", headers=auth(token)).status_code == 200
    hub.clock.advance(61)
    expired = http.get("/auth/users", headers=auth(token))
    assert expired.status_code == 400 and expired.json()["code"] == "expired_token"
    # Inferred (core-and-storage.md §1.7): core answers an expired bearer with 500 internal_error.
    at_core = http.get("/core/nothing", headers=auth(token))
    assert at_core.status_code == 500 and at_core.json()["code"] == "internal_error"


def test_bearer_checks_per_service(http: httpx.Client) -> None:
    garbage = {"Authorization": "Bearer not-a-jwt"}
    assert http.get("/auth/realms", headers=garbage).json()["code"] == "invalid_token"
    assert http.post("/auth/token", json={}, headers=garbage).json()["code"] == "invalid_token"
    core = http.get("/core/anything", headers=garbage)
    assert core.status_code == 500
    assert core.json() == {"statusCode": 500, "code": "internal_error", "message": "Property token is invalid",
                           "issues": []}  # fmt: skip
    assert http.get("/auth/users").json()["code"] == "identity_unauthorized"
    other = http.get("/auth/users", headers={"Authorization": "Digest x"})
    assert other.status_code == 401 and other.json()["code"] == "unsupported_auth_header_type"
    assert http.get("/auth/realms", headers={"Authorization": "Basic eDp5"}).status_code == 200


def test_refresh_token_is_not_a_bearer(http: httpx.Client) -> None:
    refresh = login(http)["refresh_token"]
    assert http.get("/auth/users", headers=auth(refresh)).json()["code"] == "invalid_token"


def probe(ctx: RequestContext) -> Response:
    return Response.json({"name": ctx.require_login().name})


def test_core_keeps_a_cached_token_until_revoked_at_core(hub: FakeHub, http: httpx.Client) -> None:
    token = login(http)["access_token"]
    hub.route("GET", "core", "/probe", probe)
    assert http.get("/core/probe", headers=auth(token)).status_code == 200
    hub.faults.revoke_sessions()
    assert http.get("/auth/users", headers=auth(token)).json()["code"] == "inactive_token"
    assert http.get("/core/probe", headers=auth(token)).status_code == 200  # observed.md: cached at core
    fresh = login(http)["access_token"]
    hub.faults.revoke_token(fresh)
    assert http.get("/core/probe", headers=auth(fresh)).status_code == 500  # never seen by core
    hub.faults.revoke_sessions(at_core=True)
    assert http.get("/core/probe", headers=auth(token)).status_code == 500


def test_introspect_and_revoke(http: httpx.Client) -> None:
    tokens = login(http)
    info = http.post("/auth/token/introspect", json={"token": tokens["access_token"]})
    assert info.status_code == 200
    body = info.json()
    assert body["active"] is True and body["preferred_username"] == "admin"
    assert {"name": "realm_create", "client_id": None, "realm_id": None} in body["permissions"]
    revoked = http.post("/auth/token/revoke", json={"token": tokens["access_token"]})
    assert revoked.status_code == 202 and revoked.content == b"null"
    assert (
        http.get("/auth/token/introspect", params={"token": tokens["access_token"]}).json()["active"] is False
    )
    assert http.get("/auth/users", headers=auth(tokens["access_token"])).json()["code"] == "inactive_token"
    http.post("/auth/token/revoke", data={"token": tokens["refresh_token"]})
    refreshed = http.post("/auth/token", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.json()["code"] == "invalid_grant"


def test_deleting_a_user_kills_its_tokens(http: httpx.Client, admin: dict[str, str]) -> None:
    created = http.post("/auth/users", json={"name": "carol", "email": "c@example.com",
                                             "password": "long-enough-pw"}, headers=admin)  # fmt: skip
    assert created.status_code == 201
    token = login(http, username="carol", password="long-enough-pw")["access_token"]
    assert http.get("/auth/users/@me", headers=auth(token)).status_code == 200
    assert http.delete(f"/auth/users/{created.json()['data']['id']}", headers=admin).status_code == 202
    assert http.get("/auth/users/@me", headers=auth(token)).json()["code"] == "expired_token"
