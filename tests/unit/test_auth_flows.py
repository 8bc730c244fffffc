"""Auth flows against a scripted authup: caching, margin renewal, refresh, fallback, single flight,
one re-authentication, the legacy robot grant, and token URLs."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from flame_hub import AsyncCoreClient, CoreClient, Hub
from flame_hub.auth import ClientAuth, LegacyGrantWarning, PasswordAuth, RobotAuth, StaticAuth
from flame_hub.exceptions import AuthenticationError, ConfigurationError, UnauthorizedError

from .scripted_authup import FakeClock, ScriptedAuthup, run_threads

HUB = "http://hub.test/"


@pytest.fixture
def authup() -> ScriptedAuthup:
    return ScriptedAuthup()


def core(authup: ScriptedAuthup, auth: httpx.Auth | str | None) -> CoreClient:
    return CoreClient(HUB + "core/", auth, transport=authup.transport())


def password_auth(authup: ScriptedAuthup, **kw: object) -> PasswordAuth:
    return PasswordAuth(authup.username, authup.password, clock=authup.clock, **kw)  # type: ignore[arg-type]


def test_token_is_cached_across_requests(authup: ScriptedAuthup) -> None:
    client = core(authup, password_auth(authup))
    for _ in range(5):
        client.request("GET", "nodes")
    assert authup.grants() == ["password"]
    assert len(authup.api_requests) == 5


def test_token_is_renewed_ahead_of_expiry_by_the_margin(authup: ScriptedAuthup) -> None:
    client = core(authup, password_auth(authup, refresh_margin=60))
    client.request("GET", "nodes")
    authup.clock.advance(900 - 61)  # 61 s left: still outside the 60 s margin
    client.request("GET", "nodes")
    assert authup.grants() == ["password"]
    authup.clock.advance(2)  # 59 s left: inside the margin, renewed before the server would refuse it
    client.request("GET", "nodes")
    assert authup.grants() == ["password", "refresh_token"]
    assert all(r.headers["authorization"].startswith("Bearer ") for r in authup.api_requests)


def test_margin_is_capped_for_short_lived_tokens(authup: ScriptedAuthup) -> None:
    authup.lifetime = 20  # a 60 s margin would renew on every request
    client = core(authup, password_auth(authup, refresh_margin=60))
    for _ in range(3):
        client.request("GET", "nodes")
        authup.clock.advance(1)
    assert authup.grants() == ["password"]


def test_refresh_rotates_and_always_uses_the_newest_refresh_token(authup: ScriptedAuthup) -> None:
    client = core(authup, password_auth(authup))
    for _ in range(3):
        client.request("GET", "nodes")
        authup.clock.advance(900)
    client.request("GET", "nodes")
    assert authup.grants() == ["password", "refresh_token", "refresh_token", "refresh_token"]
    used = [b["refresh_token"] for b in authup.token_requests if b["grant_type"] == "refresh_token"]
    assert len(set(used)) == 3, "a refresh token must never be sent twice"


def test_rejected_refresh_falls_back_to_the_password_grant(authup: ScriptedAuthup) -> None:
    client = core(authup, password_auth(authup))
    client.request("GET", "nodes")
    authup.revoke_all()  # session revoked: the refresh token is now invalid_grant
    authup.clock.advance(900)
    client.request("GET", "nodes")
    assert authup.grants() == ["password", "refresh_token", "password"]


def test_expired_refresh_token_goes_straight_to_the_password_grant(authup: ScriptedAuthup) -> None:
    authup.refresh_lifetime = 1000
    client = core(authup, password_auth(authup))
    client.request("GET", "nodes")
    authup.clock.advance(2000)
    client.request("GET", "nodes")
    assert authup.grants() == ["password", "password"]


def test_wrong_password_raises_authentication_error(authup: ScriptedAuthup) -> None:
    client = core(authup, PasswordAuth("admin", "wrong-password-here", clock=authup.clock))
    with pytest.raises(AuthenticationError) as info:
        client.request("GET", "nodes")
    assert info.value.status_code == 400
    assert info.value.code == "invalid_credentials"
    assert authup.api_requests == []


@pytest.mark.parametrize("renewal", [False, True], ids=["first-token", "renewal"])
def test_sixteen_threads_cause_exactly_one_token_request(authup: ScriptedAuthup, renewal: bool) -> None:
    authup.token_delay = 0.05  # widen the window in which the threads race
    client = core(authup, password_auth(authup))
    if renewal:
        client.request("GET", "nodes")
        authup.clock.advance(900)
    errors = run_threads(16, lambda: client.request("GET", "nodes"))
    assert errors == []
    assert authup.grants() == (["password", "refresh_token"] if renewal else ["password"])
    assert len(authup.api_requests) == 16 + renewal


def test_sixteen_tasks_cause_exactly_one_token_request(authup: ScriptedAuthup) -> None:
    auth = password_auth(authup)

    async def main() -> None:
        async with httpx.AsyncClient(transport=authup_async(authup)) as client:
            bound = auth.bind(HUB + "auth/")
            responses = await asyncio.gather(*(client.get(HUB + "core/nodes", auth=bound) for _ in range(16)))
        assert [r.status_code for r in responses] == [200] * 16

    asyncio.run(main())
    assert authup.grants() == ["password"]


def authup_async(authup: ScriptedAuthup) -> httpx.AsyncBaseTransport:
    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await request.aread()
            if request.url.path.endswith("/token"):
                await asyncio.sleep(0.05)  # let every task reach the lock while the token is pending
            return authup.handle(request)

    return Slow()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"code": "expired_token", "message": "The JWT has expired."}),
        (400, {"code": "inactive_token", "message": "The JWT is not active."}),
        (400, {"code": "invalid_token", "message": "The JWT is invalid."}),
        (401, {"code": "identity_unauthorized", "message": "Authentication required."}),
        (
            500,
            {
                "statusCode": 500,
                "code": "internal_error",
                "message": "Property token is invalid",
                "issues": [],
            },
        ),
    ],
    ids=["expired", "inactive", "invalid", "401", "core-500-jwt"],
)
def test_rejected_token_is_renewed_once_and_the_request_sent_again(
    authup: ScriptedAuthup, status: int, body: dict[str, object]
) -> None:
    client = core(authup, password_auth(authup))
    client.request("GET", "nodes")
    authup.api_script = [(status, body)]
    response = client.request("GET", "nodes")
    assert response.status_code == 200
    assert len(authup.api_requests) == 3
    # a revoked session took its refresh token with it: log in again instead of refreshing
    renewal = "password" if body["code"] == "inactive_token" else "refresh_token"
    assert authup.grants() == ["password", renewal]
    first, retried = authup.api_requests[1:]
    assert first.headers["authorization"] != retried.headers["authorization"]


def test_a_cached_token_rejected_in_an_async_client_is_renewed_once(authup: ScriptedAuthup) -> None:
    # the cached token is sent without the renewal machinery; a rejection must still reach it
    async def main() -> None:
        async with AsyncCoreClient(
            HUB + "core/",
            password_auth(authup),
            transport=authup_async(authup),
            headers={"User-Agent": "probe/1"},
        ) as client:
            await client.request("GET", "nodes")
            authup.api_script = [(400, {"code": "expired_token", "message": "The JWT has expired."})]
            response = await client.request("GET", "nodes")
            assert response.status_code == 200

    asyncio.run(main())
    assert len(authup.api_requests) == 3
    assert authup.grants() == ["password", "refresh_token"]
    # the renewal's token request carries the client's User-Agent, as the first one did
    assert authup.token_user_agents == ["probe/1", "probe/1"]


def test_rejection_after_renewal_is_raised_not_looped(authup: ScriptedAuthup) -> None:
    authup.always_reject = (400, {"code": "inactive_token", "message": "The JWT is not active."})
    client = core(authup, password_auth(authup))
    with pytest.raises(UnauthorizedError) as info:
        client.request("GET", "nodes")
    assert info.value.code == "inactive_token"
    assert len(authup.api_requests) == 2
    assert authup.grants() == ["password", "password"]


def test_other_errors_are_not_retried(authup: ScriptedAuthup) -> None:
    client = core(authup, password_auth(authup))
    authup.api_script = [(400, {"code": "bad_request", "message": "The input was rejected."})]
    with pytest.raises(Exception, match="bad_request"):
        client.request("GET", "nodes")
    assert len(authup.api_requests) == 1
    assert authup.grants() == ["password"]


def test_a_body_that_cannot_be_replayed_is_not_resent(authup: ScriptedAuthup) -> None:
    auth = password_auth(authup)
    client = httpx.Client(transport=authup.transport())
    authup.api_script = [(400, {"code": "expired_token", "message": "The JWT has expired."})]
    response = client.post(HUB + "core/nodes", content=iter([b"chunk"]), auth=auth.bind(HUB + "auth/"))
    assert response.status_code == 400
    assert len(authup.api_requests) == 1


def test_static_auth_is_never_renewed(authup: ScriptedAuthup) -> None:
    client = core(authup, "a-static-bearer-token")
    with pytest.raises(UnauthorizedError):
        client.request("GET", "nodes")
    assert authup.token_requests == []
    assert authup.api_requests[0].headers["authorization"] == "Bearer a-static-bearer-token"
    assert len(authup.api_requests) == 1


def test_client_auth_uses_client_credentials_and_renews_without_refresh(authup: ScriptedAuthup) -> None:
    auth = ClientAuth(authup.client_id, authup.client_secret, clock=authup.clock)
    client = core(authup, auth)
    client.request("GET", "nodes")
    authup.clock.advance(900)
    client.request("GET", "nodes")
    assert authup.grants() == ["client_credentials", "client_credentials"]
    assert authup.token_requests[0]["client_id"] == authup.client_id


def test_robot_auth_falls_back_to_client_credentials_and_warns_once(authup: ScriptedAuthup) -> None:
    auth = RobotAuth(authup.client_id, authup.client_secret, clock=authup.clock)
    client = core(authup, auth)
    with pytest.warns(LegacyGrantWarning, match="ClientAuth"):
        client.request("GET", "nodes")
    assert authup.grants() == ["robot_credentials", "client_credentials"]
    authup.clock.advance(900)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.request("GET", "nodes")
    assert authup.grants() == ["robot_credentials", "client_credentials", "client_credentials"]


def test_robot_auth_keeps_the_legacy_grant_where_the_server_has_it(authup: ScriptedAuthup) -> None:
    authup.refuse_robot_grant = False
    client = core(authup, RobotAuth(authup.client_id, authup.client_secret, clock=authup.clock))
    client.request("GET", "nodes")
    assert authup.grants() == ["robot_credentials"]


def test_robot_auth_raises_other_token_errors(authup: ScriptedAuthup) -> None:
    client = core(authup, RobotAuth(authup.client_id, "wrong-secret", clock=authup.clock))
    with pytest.warns(LegacyGrantWarning), pytest.raises(AuthenticationError) as info:
        client.request("GET", "nodes")
    assert info.value.code == "invalid_client"


# -- token URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("hub_url", ["http://hub.test", "http://hub.test/"])
def test_token_url_is_derived_from_the_hub_url(authup: ScriptedAuthup, hub_url: str) -> None:
    hub = Hub(hub_url, password_auth(authup), transport=authup.transport())
    hub.core.request("GET", "nodes")
    hub.storage.request("GET", "buckets")
    hub.auth.request("GET", "realms")
    assert len(authup.token_requests) == 1, "one auth object serves all three clients with one token"
    token_call = next(r for r in authup_requests(authup) if r.url.path.endswith("/token"))
    assert str(token_call.url) == "http://hub.test/auth/token"


def authup_requests(authup: ScriptedAuthup) -> list[httpx.Request]:
    seen: list[httpx.Request] = []
    original = authup.handle

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return original(request)

    client = CoreClient(HUB + "core/", password_auth(authup), transport=httpx.MockTransport(spy))
    client.request("GET", "nodes")
    return seen


def test_explicit_auth_base_url_wins(authup: ScriptedAuthup) -> None:
    seen: list[str] = []

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return authup.handle(request)

    auth = PasswordAuth(authup.username, authup.password, base_url="http://idp.test/auth", clock=authup.clock)
    CoreClient(HUB + "core/", auth, transport=httpx.MockTransport(spy)).request("GET", "nodes")
    assert seen[0] == "http://idp.test/auth/token"


def test_no_derivable_auth_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="auth_url"):
        CoreClient("https://api.example/v1/", PasswordAuth("admin", "pw"))


def test_flow_in_a_raw_client_without_base_url_never_guesses(authup: ScriptedAuthup) -> None:
    client = httpx.Client(transport=authup.transport(), auth=password_auth(authup))
    with pytest.raises(ConfigurationError, match="base_url"):
        client.get(HUB + "core/nodes")
    assert authup.token_requests == []


def test_flow_in_a_raw_client_with_base_url_works(authup: ScriptedAuthup) -> None:
    auth = PasswordAuth(authup.username, authup.password, base_url=HUB + "auth", clock=authup.clock)
    client = httpx.Client(transport=authup.transport(), auth=auth)
    assert client.get(HUB + "core/nodes").status_code == 200
    assert authup.grants() == ["password"]


def test_default_flow_targets_the_public_hub_only_with_the_public_clients() -> None:
    auth = PasswordAuth("admin", "pw")
    client = CoreClient(None, auth)
    assert client.auth_url == "https://auth.privateaim.dev/"
    local = CoreClient("http://localhost:3000/core", auth)
    assert local.auth_url == "http://localhost:3000/auth/"


# -- secrets ------------------------------------------------------------------------------------


def test_secrets_never_appear_in_repr_str_logs_or_errors(
    authup: ScriptedAuthup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = password_auth(authup)
    client = core(authup, auth)
    client.request("GET", "nodes")
    authup.clock.advance(900)
    client.request("GET", "nodes")
    bad = PasswordAuth("admin", "a-wrong-password-xyz", clock=authup.clock)
    with pytest.raises(AuthenticationError) as info:
        core(authup, bad).request("GET", "nodes")
    client_auth = ClientAuth(authup.client_id, authup.client_secret)
    shown = "\n".join(
        [
            caplog.text,
            repr(auth),
            str(auth),
            repr(client),
            repr(client_auth),
            repr(bad),
            str(info.value),
            repr(info.value),
            repr(info.value.error_response),
            repr(StaticAuth("static-token-value")),
            repr(auth._tokens),
        ]
    )
    secrets = [authup.password, "a-wrong-password-xyz", authup.client_secret, "static-token-value"]
    for body in authup.token_requests:
        secrets += [v for k, v in body.items() if k in ("refresh_token",)]
    secrets += [*list(authup._valid_access), "secretpart0", "refresh-1-opaque-secret"]
    for secret in secrets:
        assert secret not in shown
    assert "requesting a token (grant=password)" in caplog.text


def test_auth_flows_reject_empty_credentials() -> None:
    with pytest.raises(ConfigurationError):
        PasswordAuth("admin", "")
    with pytest.raises(ConfigurationError):
        ClientAuth("", "secret")
    with pytest.raises(ConfigurationError):
        StaticAuth("")


def test_fake_clock_is_monotonic() -> None:
    clock = FakeClock()
    before = clock()
    clock.advance(5)
    assert clock() == before + 5
