"""A scripted authup for auth-flow tests: a token endpoint and one protected API route.

It behaves like authup beta.62 where the flows care (rotating single-use refresh tokens, replay →
session revoked, 400 token codes) and lets each test script rejections, delays and counts.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx


@dataclass
class FakeClock:
    """A monotonic clock the test moves by hand."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class ScriptedAuthup:
    """Token endpoint at ``/auth/token``; any other path is an API route that checks the bearer."""

    clock: FakeClock = field(default_factory=FakeClock)
    lifetime: float = 900.0
    refresh_lifetime: float = 259200.0
    username: str = "admin"
    password: str = "start123-secret-pw"
    client_id: str = "7f1c9a52-0000-4000-8000-000000000001"
    client_secret: str = "client-secret-value-abc"
    token_delay: float = 0.0
    refuse_robot_grant: bool = True
    #: API answers to script, consumed one per API request: (status, json body); None = normal checking.
    api_script: list[tuple[int, Any] | None] = field(default_factory=list)
    #: Make every API request reject its token with this (status, body).
    always_reject: tuple[int, Any] | None = None

    token_requests: list[dict[str, Any]] = field(default_factory=list)
    #: The User-Agent of each token request, in order.
    token_user_agents: list[str | None] = field(default_factory=list)
    api_requests: list[httpx.Request] = field(default_factory=list)
    _valid_access: dict[str, float] = field(default_factory=dict)
    _valid_refresh: dict[str, float] = field(default_factory=dict)
    _used_refresh: set[str] = field(default_factory=set)
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- helpers for tests -----------------------------------------------------------------------

    def grants(self) -> list[str]:
        return [body.get("grant_type", "?") for body in self.token_requests]

    def revoke_all(self) -> None:
        with self._lock:
            self._valid_access.clear()
            self._valid_refresh.clear()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # -- the server ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return self._token(request)
        return self._api(request)

    def _issue(self, with_refresh: bool) -> dict[str, Any]:
        n = next(self._counter)
        access = f"access-{n}-eyJhbGciOi.secretpart{n}.sig{n}"
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": int(self.lifetime),
            "token_type": "Bearer",
            "scope": "global",
        }
        self._valid_access[access] = self.clock() + self.lifetime
        if with_refresh:
            refresh = f"refresh-{n}-opaque-secret"
            self._valid_refresh[refresh] = self.clock() + self.refresh_lifetime
            body["refresh_token"] = refresh
            body["refresh_token_expires_in"] = int(self.refresh_lifetime)
        return body

    def _token(self, request: httpx.Request) -> httpx.Response:
        raw = request.content
        if request.headers.get("content-type", "").startswith("application/json"):
            body = json.loads(raw)
        else:
            body = dict(parse_qsl(raw.decode()))
        assert "authorization" not in request.headers, "a token request must not carry a bearer"
        if self.token_delay:
            time.sleep(self.token_delay)
        with self._lock:
            self.token_requests.append(body)
            self.token_user_agents.append(request.headers.get("user-agent"))
            grant = body.get("grant_type")
            if grant == "password":
                if body.get("username") == self.username and body.get("password") == self.password:
                    return httpx.Response(200, json=self._issue(with_refresh=True))
                return _error(400, "invalid_credentials", "The user credentials are invalid.")
            if grant == "refresh_token":
                token = body.get("refresh_token")
                if token in self._used_refresh:
                    self._valid_access.clear()
                    self._valid_refresh.clear()
                    return _error(400, "invalid_grant", "refresh token replay detected; session revoked")
                expires = self._valid_refresh.pop(token, None)
                if expires is None or expires <= self.clock():
                    return _error(400, "invalid_grant", "The refresh token is invalid.")
                self._used_refresh.add(token)
                return httpx.Response(200, json=self._issue(with_refresh=True))
            if grant == "client_credentials":
                if (
                    body.get("client_id") == self.client_id
                    and body.get("client_secret") == self.client_secret
                ):
                    return httpx.Response(200, json=self._issue(with_refresh=False))
                return _error(401, "invalid_client", "Client authentication failed")
            robot_ok = body.get("id") == self.client_id and body.get("secret") == self.client_secret
            if grant == "robot_credentials" and not self.refuse_robot_grant and robot_ok:
                return httpx.Response(200, json=self._issue(with_refresh=False))
            return _error(400, "unsupported_token_grant_type", "The grant type is not supported.")

    def _api(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.api_requests.append(request)
            if self.api_script:
                scripted = self.api_script.pop(0)
                if scripted is not None:
                    return httpx.Response(scripted[0], json=scripted[1])
            if self.always_reject is not None:
                return httpx.Response(self.always_reject[0], json=self.always_reject[1])
            header = request.headers.get("authorization", "")
            if not header.startswith("Bearer "):
                return _error(401, "identity_unauthorized", "Authentication required.")
            expires = self._valid_access.get(header[7:])
            if expires is None:
                return _error(400, "inactive_token", "The JWT is not active.")
            if expires <= self.clock():
                return _error(400, "expired_token", "The JWT has expired.")
            return httpx.Response(200, json={"data": [], "meta": {"total": 0}})


def _error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"name": "Error", "code": code, "message": message})


def run_threads(count: int, target: Callable[[], Any]) -> list[BaseException]:
    """Start ``count`` threads at once (behind a barrier) and return the exceptions they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            target()
        except BaseException as exc:  # collected for the test to assert on
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors
