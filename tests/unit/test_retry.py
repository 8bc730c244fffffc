"""Retries: what is repeated (idempotent requests, requests never sent), what never is, and the bounds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from flame_hub import AsyncCoreClient, CoreClient, Retry
from flame_hub._driver import BlockingIO
from flame_hub.exceptions import (
    BadRequestError,
    HubConnectionError,
    HubTimeoutError,
    OutcomeUnknownError,
    OutcomeUnknownTimeoutError,
    RateLimitError,
    ServerError,
)
from flame_hub.retry import retry_after

FAST = Retry(attempts=3, backoff=0.0, jitter=0.0)
NODE = str(uuid.uuid4())


class Script:
    """A transport answering from a list of steps: a status code, a (status, headers) pair, or an exception."""

    def __init__(self, *steps: object) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if self.steps else 200
        if isinstance(step, type) and issubclass(step, Exception):
            raise step("scripted", request=request)  # type: ignore[call-arg]
        status, headers = step if isinstance(step, tuple) else (step, {})
        body = (
            {"data": {"id": NODE, "name": "n"}, "meta": {}} if status < 300 else {"code": "x", "message": "m"}
        )
        return httpx.Response(status, json=body, headers=headers)


def client(script: Script, retry: Retry | bool = FAST) -> CoreClient:
    return CoreClient("http://hub.test/core/", "token", transport=httpx.MockTransport(script), retry=retry)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses between tries, recorded instead of taken (the driver's one way to wait)."""
    recorded: list[float] = []

    async def record(_io: object, seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(BlockingIO, "sleep", record)
    return recorded


def test_a_read_is_repeated_after_5xx_and_429_until_it_succeeds() -> None:
    script = Script(503, 502, (429, {"retry-after": "0"}), 200)
    assert client(script).request("GET", "nodes").status_code == 200
    assert len(script.requests) == 4


def test_retry_after_is_honoured(waits: list[float]) -> None:
    script = Script((503, {"retry-after": "2"}), 200)
    client(script, Retry(attempts=2, backoff=0.1, jitter=0.0)).request("GET", "nodes")
    assert waits == [2.0]


def test_backoff_grows_exponentially_with_bounded_jitter(waits: list[float]) -> None:
    script = Script(503, 503, 503, 200)
    client(script, Retry(attempts=3, backoff=0.5, jitter=0.2)).request("GET", "nodes")
    for wait, base in zip(waits, (0.5, 1.0, 2.0), strict=True):
        assert base * 0.8 <= wait <= base * 1.2


def test_attempts_are_bounded_then_the_error_is_raised() -> None:
    script = Script(503, 503, 503, 503, 503)
    with pytest.raises(ServerError):
        client(script).request("GET", "nodes")
    assert len(script.requests) == 4


def test_a_pause_longer_than_the_policy_allows_is_reported_not_waited() -> None:
    script = Script((429, {"retry-after": "60"}), 200)
    with pytest.raises(RateLimitError) as info:
        client(script, Retry(attempts=3, max_backoff=8)).request("GET", "nodes")
    assert info.value.retry_after == 60.0
    assert len(script.requests) == 1


def test_the_time_budget_bounds_retrying() -> None:
    script = Script(503, 503, 200)
    with pytest.raises(ServerError):
        client(script, Retry(attempts=5, backoff=5.0, max_time=1.0, jitter=0.0)).request("GET", "nodes")
    assert len(script.requests) == 1


def test_retries_can_be_switched_off() -> None:
    script = Script(503, 200)
    with pytest.raises(ServerError):
        client(script, retry=False).request("GET", "nodes")
    assert len(script.requests) == 1


def test_creates_are_never_repeated_after_an_answer() -> None:
    script = Script(503, 201)
    with pytest.raises(ServerError):
        client(script).request("POST", "nodes", json={"name": "x"}, expected=(201,))
    assert len(script.requests) == 1


def test_a_create_that_timed_out_says_its_outcome_is_unknown() -> None:
    script = Script(httpx.ReadTimeout, 201)
    with pytest.raises(OutcomeUnknownTimeoutError, match="may or may not") as info:
        client(script).request("POST", "nodes", json={"name": "x"}, expected=(201,))
    assert "POST http://hub.test/core/nodes" in str(info.value)
    assert len(script.requests) == 1


def test_a_create_whose_connection_dropped_says_its_outcome_is_unknown() -> None:
    script = Script(httpx.RemoteProtocolError, 201)
    with pytest.raises(OutcomeUnknownError):
        client(script).request("POST", "nodes", json={"name": "x"}, expected=(201,))
    assert len(script.requests) == 1


def test_a_create_that_never_left_is_repeated() -> None:
    script = Script(httpx.ConnectError, 201)
    assert client(script).request("POST", "nodes", json={"name": "x"}, expected=(201,)).status_code == 201
    assert len(script.requests) == 2


def test_a_read_is_repeated_after_a_dropped_connection() -> None:
    script = Script(httpx.ReadError, httpx.RemoteProtocolError, 200)
    assert client(script).request("GET", "nodes").status_code == 200
    assert len(script.requests) == 3


def test_a_delete_by_id_whose_answer_was_lost_counts_the_404_as_done() -> None:
    script = Script(httpx.ReadError, 404)
    core = client(script)
    assert core.request("DELETE", f"nodes/{NODE}", expected=(202,)).status_code == 404
    assert [r.method for r in script.requests] == ["DELETE", "DELETE"]


def test_a_delete_answered_404_without_a_lost_answer_is_an_error() -> None:
    script = Script(503, 404)
    with pytest.raises(Exception, match="404"):
        client(script).request("DELETE", f"nodes/{NODE}", expected=(202,))


def test_a_bulk_delete_with_a_filter_is_not_repeated() -> None:
    script = Script(503, 202)
    with pytest.raises(ServerError):
        client(script).request(
            "DELETE", "analysis-node-logs", params={"filter[nodeId]": NODE}, expected=(202,)
        )
    assert len(script.requests) == 1


def test_a_refused_token_request_is_repeated_even_for_a_create() -> None:
    """The token request comes first: when it is refused with 503 nothing else was sent."""
    from flame_hub.auth import PasswordAuth

    calls: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/token"):
            if calls.count("POST /auth/token") == 1:
                return httpx.Response(503, json={"code": "service_unavailable", "message": "busy"})
            return httpx.Response(200, json={"access_token": "t", "expires_in": 900})
        return httpx.Response(201, json={"data": {"id": NODE}, "meta": {}})

    core = CoreClient(
        "http://hub.test/core/",
        PasswordAuth("admin", "pw"),
        transport=httpx.MockTransport(server),
        retry=FAST,
    )
    core.request("POST", "nodes", json={"name": "x"}, expected=(201,))
    assert calls == ["POST /auth/token", "POST /auth/token", "POST /core/nodes"]


def test_the_async_client_retries_alike() -> None:
    script = Script(503, httpx.ReadError, 200)

    async def main() -> int:
        async with AsyncCoreClient(
            "http://hub.test/core/", "token", transport=httpx.MockTransport(script), retry=FAST
        ) as core:
            return (await core.request("GET", "nodes")).status_code

    assert asyncio.run(main()) == 200
    assert len(script.requests) == 3


def test_connection_errors_after_retries_are_wrapped() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectError, httpx.ConnectError, httpx.ConnectError)
    with pytest.raises(HubConnectionError, match="ConnectError"):
        client(script).request("GET", "nodes")
    assert len(script.requests) == 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), ("0", 0.0), ("-3", 0.0), ("soon", None), (None, None)],
)
def test_retry_after_header_values(value: str | None, expected: float | None) -> None:
    headers = {"retry-after": value} if value is not None else {}
    assert retry_after(httpx.Response(429, headers=headers)) == expected


def test_retry_after_as_an_http_date_is_a_delay_in_seconds() -> None:
    import email.utils
    import time

    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    delay = retry_after(httpx.Response(429, headers={"retry-after": date}))
    assert delay is not None and 25 <= delay <= 31


def test_bad_policies_are_refused() -> None:
    from flame_hub.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError):
        Retry(attempts=-1)
    with pytest.raises(ConfigurationError):
        Retry(jitter=1.5)
    with pytest.raises(ConfigurationError):
        Retry.of("yes")  # type: ignore[arg-type]


def test_a_read_that_keeps_timing_out_is_a_timeout_not_an_unknown_outcome() -> None:
    """Only writes have an unknown outcome; a GET changes nothing however it ended."""
    script = Script(httpx.ReadTimeout, httpx.ReadTimeout, httpx.ReadTimeout, httpx.ReadTimeout)
    with pytest.raises(HubTimeoutError) as info:
        client(script).request("GET", "nodes")
    assert not isinstance(info.value, OutcomeUnknownError)
    assert "may or may not" not in str(info.value)
    assert len(script.requests) == 4


def test_the_async_client_raises_the_hubs_error_for_an_async_only_body() -> None:
    """Network responses of an AsyncClient refuse a sync close(); the error must still be the Hub's."""

    class AsyncOnlyBody(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b'{"code": "bad_request", "message": "The input was rejected."}'

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, headers={"content-type": "application/json"}, stream=AsyncOnlyBody())

    async def main() -> None:
        async with AsyncCoreClient(
            "http://hub.test/core/", "token", transport=httpx.MockTransport(answer), retry=FAST
        ) as core:
            await core.request("POST", "nodes", json={"name": "x"}, expected=(201,))

    with pytest.raises(BadRequestError, match="bad_request"):
        asyncio.run(main())
