"""What the client survives, shown with FakeHub's fault injection (in-process and over loopback, sync and
async): expiring and revoked tokens, 5xx and 429 bursts, a failure in the middle of a listing, a
connection dropped during a download, and an answer slower than the timeout.

Each scenario fails when the behaviour it shows is removed: the retry loop, the single re-auth, the
resumption of a listing at the failed page, the atomic download, the error that names URL and timeout.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flame_hub import Retry
from flame_hub._driver import AsyncIO, BlockingIO
from flame_hub.auth import PasswordAuth
from flame_hub.exceptions import (
    HubConnectionError,
    HubTimeoutError,
    OutcomeUnknownError,
    OutcomeUnknownTimeoutError,
    RateLimitError,
    ServerError,
)
from flame_hub.models import Node, Permission
from flame_hub.testing import FakeHub, HubBackend

from .twins import MODES, Mode, Sent, Wire

#: Repeat at once: the tests count attempts, they do not wait for them.
FAST = Retry(attempts=3, backoff=0.0, jitter=0.0)
NODES = "/core/nodes"


@pytest.fixture
def fake_hub(backend: HubBackend) -> FakeHub:
    """The FakeHub behind the backend; a real Hub cannot be told to fail, so these tests skip there."""
    if backend.fakehub is None:
        pytest.skip(f"fault injection needs FakeHub; the {backend.kind} backend is a real Hub")
    return backend.fakehub


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest, backend: HubBackend) -> Mode:
    return Mode(request.param, backend)


async def make_nodes(mode: Mode, prefix: str, count: int) -> list[Node]:
    return [await mode.call(mode.hub.core, "create_node", f"{prefix}-{i:02d}") for i in range(count)]


def offsets(requests: list[Sent]) -> Counter[int]:
    """How often each page offset was asked for."""
    return Counter(int(s.params.get("page[offset]", "0")) for s in requests)


# -- tokens -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_clock", [False, True], ids=["hub-clock-only", "shared-clock"])
def test_a_token_expiring_mid_iteration_does_not_interrupt_it(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str], client_clock: bool
) -> None:
    """The Hub's clock passes the token's lifetime once page 1 has been read. Either the client
    knows (a shared clock: it renews before sending) or it learns from the rejection (it renews once and
    sends the rejected page again)."""
    prefix = unique("expiring")
    lifetime = fake_hub.tokens.access_lifetime
    auth = PasswordAuth(
        fake_hub.admin_username,
        fake_hub.admin_password,
        **({"clock": fake_hub.clock.now} if client_clock else {}),
    )
    moved: list[Sent] = []

    def expire_after_page_one(sent: Sent, status: int) -> None:
        if sent.path == NODES and sent.params.get("page[offset]") == "0" and not moved:
            moved.append(sent)
            fake_hub.clock.advance(lifetime + 1)

    async def scenario() -> None:
        created = await make_nodes(mode, prefix, 10)
        query = mode.hub.core.nodes.filter(name__startswith=prefix)
        wire = Wire(mode.hub, on_response=expire_after_page_one)
        seen = await mode.collect(
            query.aiterator(chunk_size=3) if mode.is_async else query.iterator(chunk_size=3)
        )
        assert moved, "page 1 was read"
        assert [n.id for n in seen] == [n.id for n in created]  # all records, in order, none twice
        assert [s.grant for s in wire.token_requests] == ["refresh_token"]  # renewed once, by refresh
        pages = offsets(wire.to("GET", NODES))
        assert set(pages) == {0, 3, 6, 9} and pages[0] == 1  # nothing skipped, never restarted
        if client_clock:
            assert sum(pages.values()) == 4  # renewed ahead: no page was rejected
        else:
            assert pages[3] == 2  # rejected, renewed, sent again (later pages may be too when read at once)

    mode.run(scenario, auth=auth)


def test_a_token_expiring_during_a_full_evaluation_does_not_lose_a_page(
    mode: Mode, fake_hub: FakeHub
) -> None:
    """``list(qs)`` over more than one page of authup records while the token expires in between."""
    lifetime = fake_hub.tokens.access_lifetime

    moved: list[Sent] = []

    def expire_after_the_first_page(sent: Sent, status: int) -> None:
        if sent.path == "/auth/permissions" and sent.params.get("page[offset]") == "0" and not moved:
            moved.append(sent)
            fake_hub.clock.advance(lifetime + 1)

    async def scenario() -> None:
        permissions = Permission.objects.using(mode.hub)
        total = await mode.call(permissions, "count")
        assert total > 50, "the built-in permissions span more than one page"
        wire = Wire(mode.hub, on_response=expire_after_the_first_page)
        every = await mode.collect(permissions.order_by("name"))
        assert moved, "the first page was read"
        assert len(every) == total and len({p.id for p in every}) == total
        assert [s.grant for s in wire.token_requests] == ["refresh_token"]

    mode.run(scenario)


@pytest.mark.parametrize("service", ["core", "auth"])
def test_a_revoked_session_costs_one_re_authentication(mode: Mode, fake_hub: FakeHub, service: str) -> None:
    """Revoked sessions are answered ``inactive_token`` (authup) or 500 "not active" (core): the client
    logs in again once — its refresh token died with the session, so it is not tried — and the request
    succeeds."""

    async def read() -> Any:
        if service == "core":
            return await mode.call(mode.hub.core, "get_nodes")
        return await mode.call(mode.hub.auth, "find_realms", filter={"name": "master"})

    async def scenario() -> None:
        await read()
        fake_hub.faults.revoke_sessions(at_core=True)
        wire = Wire(mode.hub)
        await read()
        assert [s.grant for s in wire.token_requests] == ["password"]
        assert len([s for s in wire if not s.is_token_request]) == 2  # rejected once, then sent again
        wire.clear()
        await read()
        assert wire.token_requests == []  # the new token is cached

    mode.run(scenario)


# -- 5xx and 429 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_5xx_burst_on_a_list_route_is_retried(mode: Mode, fake_hub: FakeHub, status: int) -> None:
    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")  # log in first
        wire = Wire(mode.hub)
        fake_hub.faults.fail(NODES, status, times=FAST.attempts, method="GET")
        assert isinstance(await mode.call(mode.hub.core, "get_nodes"), list)
        assert len(wire.to("GET", NODES)) == FAST.attempts + 1

    mode.run(scenario, retry=FAST)


def test_a_burst_longer_than_the_policy_allows_is_a_clear_server_error(mode: Mode, fake_hub: FakeHub) -> None:
    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.fail(NODES, 503, times=FAST.attempts + 1, method="GET")
        with pytest.raises(ServerError) as info:
            await mode.call(mode.hub.core, "get_nodes")
        assert info.value.status_code == 503
        assert "503" in str(info.value) and "service_unavailable" in str(info.value)
        assert len(wire.to("GET", NODES)) == FAST.attempts + 1
        assert await mode.call(mode.hub.core, "get_nodes") is not None  # the burst is over

    mode.run(scenario, retry=FAST)


def test_retries_switched_off_surface_the_first_failure(mode: Mode, fake_hub: FakeHub) -> None:
    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.fail(NODES, 503, times=1, method="GET")
        with pytest.raises(ServerError):
            await mode.call(mode.hub.core, "get_nodes")
        assert len(wire.to("GET", NODES)) == 1

    mode.run(scenario, retry=False)


def test_a_429_waits_as_long_as_retry_after_says(
    mode: Mode, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def record(_io: object, seconds: float) -> None:  # measure the pause instead of taking it
        waits.append(seconds)

    for io in (BlockingIO, AsyncIO):  # the driver's one way to wait between tries
        monkeypatch.setattr(io, "sleep", record)

    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        fake_hub.faults.fail(NODES, 429, times=2, retry_after=3, method="GET")
        assert isinstance(await mode.call(mode.hub.core, "get_nodes"), list)
        assert waits == [3.0, 3.0]  # the Hub's advice, not the policy's zero backoff

    mode.run(scenario, retry=FAST)


def test_a_429_asking_for_longer_than_the_policy_allows_is_raised_at_once(
    mode: Mode, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def note(_io: object, seconds: float) -> None:
        waits.append(seconds)

    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.fail(NODES, 429, times=1, retry_after=60, method="GET")
        for io in (BlockingIO, AsyncIO):  # the driver's one way to wait between tries
            monkeypatch.setattr(io, "sleep", note)
        with pytest.raises(RateLimitError) as info:
            await mode.call(mode.hub.core, "get_nodes")
        assert waits == []  # raised without waiting
        assert info.value.retry_after == 60.0
        assert len(wire.to("GET", NODES)) == 1

    mode.run(scenario, retry=FAST)


def test_a_create_answered_503_is_not_repeated(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str]
) -> None:
    """One 503 is injected: had the client sent the create again, the repeat would have created it."""
    name = unique("once")

    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.fail(NODES, 503, times=1, method="POST")
        with pytest.raises(ServerError):
            await mode.call(mode.hub.core, "create_node", name)
        assert len(wire.to("POST", NODES)) == 1
        assert await mode.call(mode.hub.core, "find_nodes", filter={"name": name}) == []

    mode.run(scenario, retry=FAST)


def test_a_create_whose_connection_dropped_says_the_outcome_is_unknown(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str]
) -> None:
    name = unique("unknown")

    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.drop_connection(NODES, times=1, method="POST")
        with pytest.raises(OutcomeUnknownError, match="may or may not") as info:
            await mode.call(mode.hub.core, "create_node", name)
        assert "POST" in str(info.value) and NODES in str(info.value)
        assert len(wire.to("POST", NODES)) == 1
        created = await mode.call(mode.hub.core, "create_node", name)  # the caller decides to try again
        assert created.name == name

    mode.run(scenario, retry=FAST)


# -- a listing that breaks off ------------------------------------------------------------------------


def break_once(fake_hub: FakeHub, offset: int, fault: str, times: int = 1) -> Callable[[Sent], None]:
    """A request hook that makes the first request for the page at ``offset`` fail as ``fault`` says."""
    done: list[bool] = []

    def hook(sent: Sent) -> None:
        if sent.path == NODES and sent.params.get("page[offset]") == str(offset) and not done:
            done.append(True)
            if fault == "503":
                fake_hub.faults.fail(NODES, 503, times=times, method="GET")
            else:
                fake_hub.faults.drop_connection(NODES, times=times, method="GET")

    return hook


@pytest.mark.parametrize("fault", ["503", "dropped"])
def test_a_listing_resumes_at_the_page_that_failed(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str], fault: str
) -> None:
    prefix = unique("resume")

    async def scenario() -> None:
        created = await make_nodes(mode, prefix, 10)
        wire = Wire(mode.hub, on_request=break_once(fake_hub, 6, fault))
        # ordered by name, a total order: the nodes share a createdAt (whole seconds)
        query = mode.hub.core.nodes.filter(name__startswith=prefix).order_by("name")
        seen = await mode.collect(
            query.aiterator(chunk_size=3) if mode.is_async else query.iterator(chunk_size=3)
        )
        assert [n.id for n in seen] == [n.id for n in created]
        pages = offsets(wire.to("GET", NODES))
        # one page was asked for twice (the failure and the repeat); never page 1 again, nothing skipped
        assert set(pages) == {0, 3, 6, 9} and pages[0] == 1 and sum(pages.values()) == 5

    mode.run(scenario, retry=FAST)


def test_a_listing_that_cannot_resume_raises_instead_of_ending_early(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str]
) -> None:
    prefix = unique("truncated")

    async def scenario() -> None:
        created = await make_nodes(mode, prefix, 10)
        Wire(mode.hub, on_request=break_once(fake_hub, 6, "503", times=100))  # the Hub stays down
        query = mode.hub.core.nodes.filter(name__startswith=prefix).order_by("name")
        seen: list[Node] = []
        with pytest.raises(ServerError):
            await mode.each(
                query.aiterator(chunk_size=3) if mode.is_async else query.iterator(chunk_size=3),
                lambda _index, node: seen.append(node),
            )
        assert len(seen) < len(created)
        assert [n.id for n in seen] == [n.id for n in created[: len(seen)]]

    mode.run(scenario, retry=FAST)


# -- downloads ----------------------------------------------------------------------------------------

PAYLOAD = random.Random(7).randbytes(300_000)  # several chunks; gzip cannot shrink it below the cut


@pytest.mark.parametrize("target", ["file", "tarball"])
def test_a_download_cut_off_leaves_no_file(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str], tmp_path: Path, target: str
) -> None:
    folder = tmp_path / "downloads"

    async def scenario() -> None:
        storage = mode.hub.storage
        bucket = await mode.call(storage, "create_bucket", unique("cut"))
        (stored,) = await mode.call(storage, "upload_to_bucket", bucket, ("data/big.bin", PAYLOAD))
        method, ident, route = (
            ("download_bucket_file", stored.id, "/storage/bucket-files/*/stream")
            if target == "file"
            else ("download_bucket_tarball", bucket.id, "/storage/buckets/*/stream")
        )
        path = folder / "big.bin"
        fake_hub.faults.drop_connection(route, times=1, after_bytes=100_000)
        with pytest.raises(HubConnectionError, match="broke off"):
            await mode.call(storage, method, ident, path)
        assert not path.exists()
        assert list(folder.iterdir()) == []  # no .part file left behind either
        await mode.call(storage, method, ident, path)  # the connection holds this time
        assert path.stat().st_size >= len(PAYLOAD)
        assert [p.name for p in folder.iterdir()] == ["big.bin"]

    mode.run(scenario, retry=FAST)


def test_a_stream_cut_off_raises_a_connection_error(
    mode: Mode, fake_hub: FakeHub, unique: Callable[[str], str]
) -> None:
    async def scenario() -> None:
        storage = mode.hub.storage
        bucket = await mode.call(storage, "create_bucket", unique("cut"))
        (stored,) = await mode.call(storage, "upload_to_bucket", bucket, ("big.bin", PAYLOAD))
        fake_hub.faults.drop_connection("/storage/bucket-files/*/stream", times=1, after_bytes=100_000)
        received: list[bytes] = []
        with pytest.raises(HubConnectionError, match="broke off"):
            await mode.each(
                storage.stream_bucket_file(stored.id, chunk_size=16_384),
                lambda _index, chunk: received.append(chunk),
            )
        assert 0 < sum(map(len, received)) <= 100_000

    mode.run(scenario, retry=FAST)


# -- timeouts -----------------------------------------------------------------------------------------


def test_a_slow_answer_is_a_timeout_naming_the_url_and_the_timeout(
    mode: Mode, fake_hub: FakeHub, backend: HubBackend
) -> None:

    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.add_latency(NODES, 5.0, method="GET", times=2)
        with pytest.raises(HubTimeoutError) as info:
            await mode.call(mode.hub.core, "get_nodes")
        # a try that waited out the 5 s latency would have been answered: the error shows both were cut
        message = str(info.value)
        assert f"GET {backend.base_url}/core/nodes" in message
        assert "timed out" in message and "read=0.2s" in message
        assert not isinstance(info.value, OutcomeUnknownError)  # a read: nothing can have changed
        assert len(wire.to("GET", NODES)) == 2  # a read that timed out is repeated once (attempts=1)

    mode.run(scenario, retry=Retry(attempts=1, backoff=0.0, jitter=0.0), timeout=0.2)


def test_a_create_that_timed_out_is_not_repeated_and_may_have_happened(
    mode: Mode, fake_hub: FakeHub, backend: HubBackend, unique: Callable[[str], str]
) -> None:
    name = unique("late")

    async def scenario() -> None:
        await mode.call(mode.hub.core, "get_nodes")
        wire = Wire(mode.hub)
        fake_hub.faults.add_latency(NODES, 0.4, method="POST", times=1)
        with pytest.raises(OutcomeUnknownTimeoutError, match="may or may not") as info:
            await mode.call(mode.hub.core, "create_node", name)
        assert f"POST {backend.base_url}/core/nodes" in str(info.value)
        assert len(wire.to("POST", NODES)) == 1
        # the Hub carries it out after the client gave up: repeating it blindly would have been wrong
        deadline = time.monotonic() + 30  # a bound for a loaded machine, not a timing the test relies on
        found: list[Node] = []
        while not found and time.monotonic() < deadline:
            await asyncio.sleep(0.05) if mode.is_async else time.sleep(0.05)
            found = await mode.call(mode.hub.core, "find_nodes", filter={"name": name})
        assert [n.name for n in found] == [name]

    mode.run(scenario, retry=FAST, timeout=0.2)
