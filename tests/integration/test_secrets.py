"""Secrets never leave through a repr, a str, a log line or an exception.

One scenario touches every secret the client handles — the admin's and a user's password, a node
client's secret, an OAuth client's secret, a registry's account secret, the password hash authup
echoes, every access and refresh token — while the ``flame_hub``, ``httpx`` and ``httpcore`` loggers
write at DEBUG. Then every captured line, and the repr and str of every client, auth flow, record and
exception the scenario produced, is searched for each secret.

FakeHub never echoes a rejected password (authup's issues *may* carry ``received``), so a small
transport wrapper plays a less careful server for one request: it copies the rejected password into
the error body, as an issue's ``received`` and inside the message's surroundings.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from flame_hub.auth import ClientAuth, PasswordAuth
from flame_hub.exceptions import AuthenticationError, BadRequestError, HubAPIError
from flame_hub.testing import FakeHub, HubBackend

from .twins import Mode

LOGGERS = ("flame_hub", "httpx", "httpcore")


class Captured(logging.Handler):
    """Every record of the watched loggers, formatted with its exception and stack, as text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Captured]:
    handler = Captured()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


class Echoing:
    """Wraps a transport; a 400 answer to a request carrying a ``password`` gets that password echoed
    back as the issue's ``received`` (and as an extra ``input`` key), as a careless server would."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _echo(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        sent = json.loads(request.content) if request.method == "POST" and request.content[:1] == b"{" else {}
        if response.status_code != 400 or "password" not in sent:
            return response
        body = response.json()
        body["issues"] = [{"path": ["password"], "received": sent["password"], "code": "too_big"}]
        body["password"] = sent["password"]
        headers = {"content-type": "application/json"}
        return httpx.Response(400, json=body, headers=headers, request=request)


class SyncEchoing(Echoing, httpx.BaseTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        return self._echo(request, response)


class AsyncEchoing(Echoing, httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return self._echo(request, response)


def echoing_transport(mode: Mode, backend: HubBackend) -> httpx.BaseTransport | httpx.AsyncBaseTransport:
    if mode.is_async:
        return AsyncEchoing(backend.async_transport or httpx.AsyncHTTPTransport())
    return SyncEchoing(backend.transport or httpx.HTTPTransport())


class TokenTap:
    """Reads every token the hub's clients receive (to search for them afterwards)."""

    def __init__(self, found: set[str]) -> None:
        self.found = found

    def attach(self, hub: Any) -> None:
        for client in (hub.auth.http, hub.core.http, hub.storage.http):
            hook = self._async_hook if isinstance(client, httpx.AsyncClient) else self._hook
            client.event_hooks["response"].append(hook)

    def _take(self, response: httpx.Response) -> None:
        if response.request.url.path.endswith("/token") and response.status_code == 200:
            body = response.json()
            self.found.update(body[k] for k in ("access_token", "refresh_token") if body.get(k))

    def _hook(self, response: httpx.Response) -> None:
        response.read()
        self._take(response)

    async def _async_hook(self, response: httpx.Response) -> None:
        await response.aread()
        self._take(response)


def shown(thing: object) -> list[str]:
    """Every way a person sees an object: repr, str, and for records the notebook HTML."""
    views = [repr(thing), str(thing)]
    html = getattr(thing, "_repr_html_", None)
    if callable(html):
        views.append(str(html()))
    if isinstance(thing, HubAPIError):
        views += [repr(thing.error_response), repr(thing.issues), repr(thing.args)]
    if isinstance(thing, BaseException):
        views += [repr(thing.args), repr(thing.__cause__), repr(thing.__context__)]
    return views


def leaks(secret: str, haystack: list[str]) -> list[str]:
    """The places a secret (or, for a JWT, its signature) appears."""
    needles = {secret}
    signature = secret.rsplit(".", 1)[-1]
    # a JWT (base64url JSON header "eyJ…"): its signature alone would also be a leak; a bcrypt-shaped
    # hash has dots too, but its tail can be short enough to occur in ordinary log lines
    if secret.startswith("eyJ") and secret.count(".") == 2 and len(signature) >= 16:
        needles.add(signature)
    return [text[:200] for text in haystack for needle in needles if needle in text]


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest, backend: HubBackend) -> Mode:
    return Mode(request.param, backend)


def test_no_secret_appears_in_reprs_logs_or_errors(
    mode: Mode, backend: HubBackend, captured: Captured, unique: Callable[[str], str]
) -> None:
    fake_hub: FakeHub | None = backend.fakehub
    if fake_hub is None:
        pytest.skip("the scenario moves FakeHub's clock and revokes its sessions")
    user_password = "Pw-" + secrets.token_urlsafe(18)
    wrong_password = "Wrong-" + secrets.token_urlsafe(18)
    too_long_password = "Long-" + secrets.token_urlsafe(400)  # over authup's 512 characters
    client_secret = "Cs-" + secrets.token_urlsafe(24)
    registry_secret = "Rs-" + secrets.token_urlsafe(24)
    node_secret = "Ns-" + secrets.token_urlsafe(24)
    found_secrets = {backend.admin_password, user_password, wrong_password, too_long_password}
    found_secrets |= {client_secret, registry_secret, node_secret}
    seen: list[object] = []  # everything whose repr and str must be clean
    tap = TokenTap(found_secrets)

    async def scenario() -> None:
        hub = mode.hub
        tap.attach(hub)
        auth, core = hub.auth, hub.core
        seen.extend([hub, auth, core, hub.storage, auth.auth, core.auth])

        # a user with a password; they log in; a wrong password is refused
        user = await mode.call(
            auth, "create_user", unique("secret-user"), email="s@example.com", password=user_password
        )
        assert user.password, "authup echoes the password hash on create"
        found_secrets.add(user.password)
        seen.append(user)
        user_flow = PasswordAuth(user.name, user_password)
        async with mode.open_hub(user_flow) as user_hub:
            tap.attach(user_hub)
            assert isinstance(await mode.call(user_hub.core, "get_nodes"), list)
            seen.extend([user_hub, user_flow, user_hub.core.auth])
        wrong_flow = PasswordAuth(user.name, wrong_password)
        async with mode.open_hub(wrong_flow) as wrong_hub:
            with pytest.raises(AuthenticationError) as refused:
                await mode.call(wrong_hub.core, "get_nodes")
            seen.extend([refused.value, wrong_flow])

        # a node's client credentials, rotated to a known secret, and a login with them
        node = await mode.call(core, "create_node", unique("secret-node"))
        credentials = await mode.call(core, "update_node_client_credentials", node, secret=node_secret)
        assert credentials.secret == node_secret
        seen.extend([node, credentials])
        client_flow = ClientAuth(str(credentials.id), node_secret)
        async with mode.open_hub(client_flow) as node_hub:
            tap.attach(node_hub)
            assert isinstance(await mode.call(node_hub.core, "get_nodes"), list)
            fake_hub.clock.advance(fake_hub.tokens.access_lifetime + 1)  # its token expires: log in again
            assert isinstance(await mode.call(node_hub.core, "get_nodes"), list)
            seen.extend([node_hub, client_flow, node_hub.core.auth])

        # an OAuth client with a secret, read back with fields=+secret
        oauth_client = await mode.call(auth, "create_client", unique("secret-client"), secret=client_secret)
        (read_back,) = await mode.call(
            auth, "find_clients", filter={"id": oauth_client.id}, fields=["+secret"]
        )
        assert read_back.secret is not None
        found_secrets.add(read_back.secret)  # authup may store it hashed: the hash is secret too
        seen.extend([oauth_client, read_back])

        # a registry with an account secret, read back with fields=+account_secret
        registry = await mode.call(
            core, "create_registry", unique("secret-registry"), "harbor.example", "robot", registry_secret
        )
        (registry_read,) = await mode.call(
            core, "find_registries", filter={"id": registry.id}, fields=["+account_secret"]
        )
        assert registry_read.account_secret == registry_secret
        seen.extend([registry, registry_read])

        # a failed request whose error body echoes the password it was sent
        async with mode.open_hub(
            backend.admin_auth,
            transport=echoing_transport(mode, backend),
        ) as echo_hub:
            with pytest.raises(BadRequestError) as rejected:
                await mode.call(echo_hub.auth, "update_user", user, password=too_long_password)
            assert rejected.value.issues, "the echoing server sent issues"
            seen.append(rejected.value)

        # renewal: the admin's token expires (refresh), then the session is revoked (log in again)
        fake_hub.clock.advance(fake_hub.tokens.access_lifetime + 1)
        assert isinstance(await mode.call(core, "get_nodes"), list)
        fake_hub.faults.revoke_sessions(at_core=True)
        assert isinstance(await mode.call(core, "get_nodes"), list)

        await mode.call(core, "delete_registry", registry)
        await mode.call(auth, "delete_client", oauth_client)
        await mode.call(core, "delete_node", node)
        await mode.call(auth, "delete_user", user)

    mode.run(scenario)

    tokens = {s for s in found_secrets if s.count(".") == 2}
    assert len(tokens) >= 6, "access and refresh tokens of several logins and renewals were seen"
    assert any("DEBUG" in line for line in captured.lines)
    if backend.kind == "loopback":
        assert any(line.startswith("httpcore") for line in captured.lines), "httpcore logged at DEBUG"
    haystack = captured.lines + [view for thing in seen for view in shown(thing)]
    found = {secret[:12] + "…": leaks(secret, haystack) for secret in found_secrets}
    assert {k: v for k, v in found.items() if v} == {}
