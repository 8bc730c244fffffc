"""Token flows for the Hub, as :class:`httpx.Auth` objects usable by sync and async clients alike.

Why the flows look the way they do (authup 1.0.0-beta.62, see the API reference):

* every ``POST /token`` creates a server-side session, so a token is cached and reused until shortly
  before it expires, never fetched per request;
* refresh tokens are single-use and a replay revokes the whole session, so renewal is *single-flight*:
  however many threads or tasks need a token at once, one of them renews and the others wait for it;
* a rejected token (401, or 400 ``invalid_token``/``expired_token``/``inactive_token``, or core's 500
  with a JWT message) is renewed once and the request sent once more, never in a loop;
* token requests are sent through the transport of the client that uses the flow (so an in-process
  FakeHub, proxies and TLS settings apply to them too), and the token URL is derived from the Hub URL
  of that client unless ``base_url`` is given: credentials never go to the public Hub by accident.

The flow is written once, as a plan (:mod:`flame_hub._driver`): it yields steps (send this request,
read that body, take the renewal lock) that the one driver pair carries out, with blocking IO for sync
clients and async IO for async ones. A flame-hub client runs the plan inside its own request plan
(:meth:`BoundTokenAuth.send_plan`); plain httpx drives it as an auth flow.
"""

from __future__ import annotations

import functools
import logging
import time
import warnings
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, replace
from typing import Any, Final

import httpx

from flame_hub._driver import Acquire, Exchange, Read, Send, SharedLock, Stream, arun, run
from flame_hub._redact import MASK
from flame_hub.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ErrorResponse,
    HubAPIError,
    error_class_for,
    is_token_rejection,
    parse_error_body,
)

__all__ = [
    "ClientAuth",
    "LegacyGrantWarning",
    "PasswordAuth",
    "RobotAuth",
    "StaticAuth",
    "TokenAuth",
    "token_url_for",
]

logger = logging.getLogger("flame_hub.auth")

#: Renew this many seconds before expiry (authup's own SDK uses 60 s) ...
DEFAULT_REFRESH_MARGIN: Final = 60.0
#: ... but never more than this share of the token's lifetime, so short-lived tokens are not renewed
#: on every request.
_MAX_MARGIN_SHARE: Final = 0.25


class LegacyGrantWarning(FutureWarning):
    """The server refused a legacy grant and the flow switched to its replacement."""


def token_url_for(auth_base_url: str) -> str:
    """The token endpoint of an authup base URL (with or without a trailing slash)."""
    return auth_base_url.rstrip("/") + "/token"


# --------------------------------------------------------------------------------------------------
# The cached token


@dataclass(frozen=True)
class _Token:
    """A token pair with its expiry on the flow's clock. Never shown: the repr hides the strings."""

    access_token: str
    expires_at: float
    lifetime: float
    refresh_token: str | None = None
    refresh_expires_at: float | None = None

    def __repr__(self) -> str:
        return f"_Token(access_token={MASK!r}, expires_at={self.expires_at:.1f})"

    def usable(self, now: float, margin: float) -> bool:
        return now < self.expires_at - min(margin, self.lifetime * _MAX_MARGIN_SHARE)

    def refreshable(self, now: float) -> bool:
        if self.refresh_token is None:
            return False
        return self.refresh_expires_at is None or now < self.refresh_expires_at - 1.0


# --------------------------------------------------------------------------------------------------
# The flow, written once as a plan (flame_hub._driver carries its steps out)


@dataclass(frozen=True)
class _Target:
    """Where tokens come from, the User-Agent the token requests carry, and how a request is sent.

    ``send`` turns a request into the step that sends it: ``Exchange`` when httpx drives the flow (the
    request goes out to httpx, which answers with the response), ``Send`` through the client's own
    httpx client when a flame-hub client runs the flow inside its request plan.
    """

    token_url: str
    send: Callable[[httpx.Request], Any]
    user_agent: str | None = None


_Flow = Generator[Any, Any, Any]


def _replayable(request: httpx.Request) -> bool:
    """Whether a request can be sent a second time with the same body.

    Byte bodies can; multipart bodies re-read their files from the start (httpx seeks them), which
    the upload helpers of this library guarantee by passing bytes or seekable files. A generator body
    cannot be replayed, so such a request is not retried after a token rejection.
    """
    stream = request.stream
    return isinstance(stream, httpx.ByteStream) or type(stream).__name__ == "MultipartStream"


def _session_revoked(error: ErrorResponse) -> bool:
    """Whether a token rejection says the whole session is gone (not merely that the token expired).

    authup answers ``inactive_token`` ("The JWT is not active.", observed.md); core relays authup's
    message in a 500 (core-and-storage.md §1.2, inferred there), hence the message check.
    """
    return error.code == "inactive_token" or "not active" in (error.message or "").lower()


def _target(request: httpx.Request, token_url: str, send: Callable[[httpx.Request], Any]) -> _Target:
    return _Target(token_url, send, request.headers.get("User-Agent"))


def _with_token(request: httpx.Request, token: _Token) -> httpx.Request:
    request.headers["Authorization"] = f"Bearer {token.access_token}"
    return request


def _copy_request(request: httpx.Request) -> httpx.Request:
    return httpx.Request(
        request.method,
        request.url,
        headers=request.headers.copy(),
        stream=request.stream,
        extensions=dict(request.extensions),
    )


class TokenAuth(httpx.Auth):
    """Base of the flows that obtain tokens from authup's ``/token`` endpoint.

    Args:
        base_url: authup's base URL (``https://host/auth/``). Leave it out when the flow is used through
            a flame-hub client: the URL is then derived from that client's Hub URL.
        refresh_margin: renew this many seconds before the access token expires.
        clock: a monotonic clock in seconds (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if refresh_margin < 0:
            raise ConfigurationError(f"refresh_margin must be >= 0 seconds, got {refresh_margin!r}")
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self.refresh_margin = float(refresh_margin)
        self._clock = clock
        self._tokens: dict[str, _Token] = {}
        #: Single-flight renewal across threads and event loops.
        self._renewal = SharedLock()

    # -- what subclasses provide -------------------------------------------------------------------

    def _obtain(self, target: _Target, previous: _Token | None) -> _Flow:
        """Get a new token (a plan returning a :class:`_Token`)."""
        raise NotImplementedError

    # -- binding to a Hub URL ----------------------------------------------------------------------

    def bind(self, auth_base_url: str | None) -> httpx.Auth:
        """An :class:`httpx.Auth` using this flow's token cache against the given authup URL.

        ``base_url`` given to the flow itself wins over the client's URL. Several clients of one Hub
        bound to one flow share its token (the cache is keyed by token URL).
        """
        url = self.base_url or auth_base_url
        if url is None:
            return self
        return BoundTokenAuth(self, token_url_for(url))

    def _own_token_url(self) -> str:
        if self.base_url is None:
            raise ConfigurationError(
                f"{type(self).__name__} has no base_url and is not used through a flame-hub client, so it "
                "does not know where to request tokens. Pass base_url='https://<hub>/auth/' or use the "
                "flow with flame_hub.Hub / AuthClient / CoreClient / StorageClient."
            )
        return token_url_for(self.base_url)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        return run(Stream(self._flow(request, self._own_token_url(), Exchange)))

    def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        return arun(Stream(self._flow(request, self._own_token_url(), Exchange)))

    def clear(self) -> None:
        """Forget every cached token (the next request obtains a new one)."""
        self._tokens.clear()

    # -- the flow ----------------------------------------------------------------------------------

    def _flow(
        self, request: httpx.Request, token_url: str, send: Callable[[httpx.Request], Any]
    ) -> Generator[Any, Any, httpx.Response]:
        """Send ``request`` with a token; renew the token once and send again when it is rejected."""
        replayable = _replayable(request)  # decided before sending: a transport may consume the body
        token = self._tokens.get(token_url)
        if token is None or not token.usable(self._clock(), self.refresh_margin):
            # the cached token (the usual case) needs nothing more; otherwise obtain one, single-flight
            token = yield from self._current_token(_target(request, token_url, send))
        response: httpx.Response = yield send(_with_token(request, token))
        if response.status_code not in (400, 401, 500):
            return response
        yield Read(response)
        error = parse_error_body(response.status_code, response.content)
        if not is_token_rejection(response.status_code, error):
            return response
        if not replayable:
            logger.debug(
                "token rejected for %s %s; body not replayable, not retried", request.method, request.url
            )
            return response
        logger.debug("token rejected for %s %s; renewing once and retrying", request.method, request.url)
        self._discard(token_url, token, session_revoked=_session_revoked(error))
        token = yield from self._current_token(_target(request, token_url, send))
        response = yield send(_with_token(_copy_request(request), token))
        return response

    def _current_token(self, target: _Target) -> _Flow:
        token_url = target.token_url
        token = self._tokens.get(token_url)
        if token is not None and token.usable(self._clock(), self.refresh_margin):
            return token
        held = yield Acquire(self._renewal)
        try:
            token = self._tokens.get(token_url)  # another thread or task may have renewed meanwhile
            if token is None or not token.usable(self._clock(), self.refresh_margin):
                token = yield from self._obtain(target, token)
                self._tokens[token_url] = token
        finally:
            self._renewal.release(held)
        return token

    def _discard(self, token_url: str, token: _Token, *, session_revoked: bool = False) -> None:
        """Mark a rejected access token as expired, unless it was already replaced.

        When the rejection says the session was revoked, its refresh token is forgotten too: authup
        revokes a session with all its tokens, so refreshing would only cost a refused request.
        """
        if self._tokens.get(token_url) is token:
            refresh = None if session_revoked else token.refresh_token
            self._tokens[token_url] = replace(token, expires_at=float("-inf"), refresh_token=refresh)

    def _grant(self, target: _Target, body: dict[str, str]) -> _Flow:
        """Send one token request and turn a 200 answer into a :class:`_Token`."""
        token_url = target.token_url
        started = self._clock()
        headers = {"Accept": "application/json"}
        if target.user_agent:
            headers["User-Agent"] = target.user_agent
        logger.debug("requesting a token (grant=%s) from %s", body.get("grant_type"), token_url)
        response = yield target.send(httpx.Request("POST", token_url, json=body, headers=headers))
        yield Read(response)
        if response.status_code != 200:
            error = parse_error_body(response.status_code, response.content)
            cls = (
                AuthenticationError
                if response.status_code in (400, 401)
                else error_class_for(response.status_code, error)
            )
            raise cls(error_response=error, response=response)
        try:
            data = response.json()
            access = str(data["access_token"])
            expires_in = float(data.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError) as exc:
            raise HubAPIError(
                f"the token endpoint {token_url} answered 200 without a usable access_token",
                response=response,
            ) from exc
        refresh = data.get("refresh_token")
        refresh_in = data.get("refresh_token_expires_in")
        logger.debug("token obtained (grant=%s, expires_in=%s)", body.get("grant_type"), expires_in)
        return _Token(
            access_token=access,
            expires_at=started + expires_in,
            lifetime=expires_in,
            refresh_token=str(refresh) if refresh else None,
            refresh_expires_at=started + float(refresh_in) if refresh_in else None,
        )


class BoundTokenAuth(httpx.Auth):
    """A token flow bound to one token URL (what a flame-hub client holds); shares the flow's cache and lock.

    httpx drives it like any auth flow; a flame-hub client instead runs :meth:`send_plan` inside its
    own request plan, so the token requests and the renewal run through the same driver.
    """

    def __init__(self, flow: TokenAuth, token_url: str) -> None:
        self.flow = flow
        self.token_url = token_url

    def __repr__(self) -> str:
        return f"{self.flow!r} @ {self.token_url}"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        return run(Stream(self.flow._flow(request, self.token_url, Exchange)))

    def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        return arun(Stream(self.flow._flow(request, self.token_url, Exchange)))

    def send_plan(
        self, http: httpx.Client | httpx.AsyncClient, request: httpx.Request
    ) -> Generator[Any, Any, httpx.Response]:
        """The plan that sends ``request`` through ``http`` with a token (obtained or renewed as needed)."""
        return self.flow._flow(request, self.token_url, functools.partial(Send, http))


# --------------------------------------------------------------------------------------------------
# The flows


def _realm_hint(realm_id: str | None, realm_name: str | None) -> dict[str, str]:
    hint: dict[str, str] = {}
    if realm_id:
        hint["realm_id"] = str(realm_id)
    if realm_name:
        hint["realm_name"] = str(realm_name)
    return hint


def _warn_ignored_client(client: object) -> None:
    if client is not None:
        warnings.warn(
            "the client= argument of the auth flows is ignored: token requests are sent through the "
            "transport of the flame-hub client that uses the flow",
            DeprecationWarning,
            stacklevel=3,
        )


class PasswordAuth(TokenAuth):
    """Log in as a user with the password grant; renew with the refresh token.

    When the refresh token is rejected (already used, revoked, expired) the flow falls back to the
    password grant, so a long-running script survives a revoked session.

    Args:
        username: the user's name (or id).
        password: the user's password (never shown in reprs or logs).
        base_url: authup's base URL; derived from the client's Hub URL when left out.
        realm_id: the id of the user's realm, when it is not ``master``.
        realm_name: the name of the user's realm, when it is not ``master``.
    """

    def __init__(
        self,
        username: str,
        password: str,
        base_url: str | None = None,
        client: httpx.Client | None = None,
        *,
        realm_id: str | None = None,
        realm_name: str | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(base_url=base_url, refresh_margin=refresh_margin, clock=clock)
        _warn_ignored_client(client)
        if not username or not password:
            raise ConfigurationError("PasswordAuth needs a non-empty username and password")
        self.username = username
        self._password = password
        self._realm = _realm_hint(realm_id, realm_name)

    def __repr__(self) -> str:
        return f"PasswordAuth(username={self.username!r}, base_url={self.base_url!r})"

    def _obtain(self, target: _Target, previous: _Token | None) -> _Flow:
        if previous is not None and previous.refresh_token and previous.refreshable(self._clock()):
            body = {"grant_type": "refresh_token", "refresh_token": previous.refresh_token, **self._realm}
            try:
                return (yield from self._grant(target, body))
            except AuthenticationError as exc:
                logger.debug("refresh token rejected (%s); falling back to the password grant", exc.code)
        body = {
            "grant_type": "password",
            "username": self.username,
            "password": self._password,
            **self._realm,
        }
        return (yield from self._grant(target, body))


class ClientAuth(TokenAuth):
    """Authenticate an OAuth2 client (a node's or analysis' client) with the client_credentials grant.

    Use the client's **UUID** as ``client_id``: Hub node clients are named after the node id, and a
    UUID-shaped ``client_id`` is always read as an id by authup.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        base_url: str | None = None,
        client: httpx.Client | None = None,
        *,
        realm_id: str | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(base_url=base_url, refresh_margin=refresh_margin, clock=clock)
        _warn_ignored_client(client)
        if not client_id or not client_secret:
            raise ConfigurationError("ClientAuth needs a non-empty client_id and client_secret")
        self.client_id = str(client_id)
        self._client_secret = client_secret
        self._realm = _realm_hint(realm_id, None)

    def __repr__(self) -> str:
        return f"ClientAuth(client_id={self.client_id!r}, base_url={self.base_url!r})"

    def _obtain(self, target: _Target, previous: _Token | None) -> _Flow:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            **self._realm,
        }
        return (yield from self._grant(target, body))


class RobotAuth(TokenAuth):
    """The seed client's robot login, kept so that old scripts keep working.

    It sends the legacy ``robot_credentials`` grant. authup beta.62 no longer has it and answers
    ``unsupported_token_grant_type``; the flow then retries once as ``client_credentials`` with the
    same id and secret (robots became clients), warns once, and uses that grant from then on.
    """

    def __init__(
        self,
        robot_id: str,
        robot_secret: str,
        base_url: str | None = None,
        client: httpx.Client | None = None,
        *,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(base_url=base_url, refresh_margin=refresh_margin, clock=clock)
        _warn_ignored_client(client)
        if not robot_id or not robot_secret:
            raise ConfigurationError("RobotAuth needs a non-empty robot_id and robot_secret")
        self.robot_id = str(robot_id)
        self._robot_secret = robot_secret
        self._legacy_refused = False

    def __repr__(self) -> str:
        return f"RobotAuth(robot_id={self.robot_id!r}, base_url={self.base_url!r})"

    def _obtain(self, target: _Target, previous: _Token | None) -> _Flow:
        client_body = {
            "grant_type": "client_credentials",
            "client_id": self.robot_id,
            "client_secret": self._robot_secret,
        }
        if self._legacy_refused:
            return (yield from self._grant(target, client_body))
        legacy_body = {"grant_type": "robot_credentials", "id": self.robot_id, "secret": self._robot_secret}
        try:
            return (yield from self._grant(target, legacy_body))
        except AuthenticationError as exc:
            if exc.code != "unsupported_token_grant_type":
                raise
        self._legacy_refused = True
        warnings.warn(
            "authup refused the legacy robot_credentials grant; RobotAuth now uses client_credentials with "
            "the same id and secret. Switch to flame_hub.auth.ClientAuth(client_id, client_secret).",
            LegacyGrantWarning,
            stacklevel=2,
        )
        return (yield from self._grant(target, client_body))


class StaticAuth(httpx.Auth):
    """Send a fixed bearer token (obtained elsewhere); it is never renewed."""

    def __init__(self, access_token: str) -> None:
        if not access_token:
            raise ConfigurationError("StaticAuth needs a non-empty access token")
        self._access_token = access_token

    def __repr__(self) -> str:
        return f"StaticAuth(access_token={MASK!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._access_token}"
        yield request

    def bind(self, auth_base_url: str | None) -> httpx.Auth:
        """A static token needs no token URL; binding returns the flow itself."""
        return self
