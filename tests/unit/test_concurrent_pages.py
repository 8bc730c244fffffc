"""Pages after the first are read concurrently: in order, bounded, and given up when the consumer stops."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from flame_hub import AsyncHub, Hub
from flame_hub._driver import AHEAD
from flame_hub.auth import PasswordAuth
from flame_hub.models import Node
from flame_hub.testing import FakeHub

NODES = 600  # 12 pages of 50


@pytest.fixture(scope="module")
def fake() -> FakeHub:
    hub = FakeHub(rate_limit=False)
    hub.bulk_create("core:nodes", [{"name": f"page-node-{i:04d}"} for i in range(NODES)])
    return hub


class Spy:
    """Wraps FakeHub's transports: random delays (so pages finish out of order), in-flight accounting."""

    def __init__(self, fake: FakeHub) -> None:
        self.fake = fake
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.pages: list[str] = []
        #: Hold each later page until a second request is in flight (or 10 s passed), so that a client
        #: that reads concurrently shows it whatever the machine's load; one that does not stays at 1.
        self.hold_until_overlap = False

    def _held(self, request: httpx.Request) -> bool:
        return (
            self.hold_until_overlap
            and request.url.path.endswith("/core/nodes")
            and request.url.params.get("page[offset]", "0") != "0"
        )

    def _overlap_deadline(self) -> float:
        return time.monotonic() + 10

    def _enter(self, request: httpx.Request) -> float:
        with self.lock:
            if request.url.path.endswith("/core/nodes"):
                self.pages.append(request.url.params.get("page[offset]", ""))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        return random.uniform(0.0, 0.02) if request.url.path.endswith("/core/nodes") else 0.0

    def _leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def transport(self) -> httpx.BaseTransport:
        inner = self.fake.transport()
        spy = self

        class Sync(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                delay = spy._enter(request)
                try:
                    deadline = spy._overlap_deadline()
                    while spy._held(request) and spy.peak < 2 and time.monotonic() < deadline:
                        time.sleep(0.001)
                    time.sleep(delay)
                    return inner.handle_request(request)
                finally:
                    spy._leave()

        return Sync()

    def async_transport(self) -> httpx.AsyncBaseTransport:
        inner = self.fake.async_transport()
        spy = self

        class Async(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                delay = spy._enter(request)
                try:
                    deadline = spy._overlap_deadline()
                    while spy._held(request) and spy.peak < 2 and time.monotonic() < deadline:
                        await asyncio.sleep(0.001)
                    await asyncio.sleep(delay)
                    return await inner.handle_async_request(request)
                finally:
                    spy._leave()

        return Async()


@pytest.fixture
def spy(fake: FakeHub) -> Spy:
    return Spy(fake)


@pytest.fixture
def hub(fake: FakeHub, spy: Spy) -> Iterator[Hub]:
    with Hub(fake.base_url, PasswordAuth("admin", "start123"), transport=spy.transport()) as client:
        client.core.get_nodes(page={"limit": 1})  # log in before counting
        yield client


EXPECTED = [f"page-node-{i:04d}" for i in range(NODES)]


@pytest.mark.parametrize("concurrency", [1, 4, 16])
def test_records_come_in_order_whatever_order_pages_finish_in(hub: Hub, spy: Spy, concurrency: int) -> None:
    spy.pages.clear()
    names = [n.name for n in Node.objects.using(hub).order_by("name").iterator(concurrency=concurrency)]
    assert names == EXPECTED
    assert sorted(spy.pages, key=int) == [str(offset) for offset in range(0, NODES, 50)]


@pytest.mark.parametrize("concurrency", [2, 5])
def test_no_more_pages_are_in_flight_than_allowed(hub: Hub, spy: Spy, concurrency: int) -> None:
    spy.peak = 0
    spy.hold_until_overlap = True
    assert len(list(Node.objects.using(hub).order_by("name").iterator(concurrency=concurrency))) == NODES
    assert 1 < spy.peak <= concurrency


def test_a_consumer_that_stops_early_stops_the_reading(hub: Hub, spy: Spy) -> None:
    spy.pages.clear()
    stream = Node.objects.using(hub).order_by("name").iterator(concurrency=3)
    taken = [next(stream).name for _ in range(60)]  # the first page and a bit of the second
    stream.close()  # type: ignore[attr-defined]
    time.sleep(0.05)
    assert taken == EXPECTED[:60]
    # the first page, the pages started ahead (AHEAD per running slot), at most one refill
    assert len(spy.pages) <= 1 + AHEAD * 3 + 1, spy.pages


def test_the_client_option_sets_the_default_width(fake: FakeHub, spy: Spy) -> None:
    with Hub(
        fake.base_url, PasswordAuth("admin", "start123"), transport=spy.transport(), page_concurrency=1
    ) as hub:
        assert len(list(Node.objects.using(hub).order_by("name"))) == NODES
    assert spy.peak == 1


def test_async_reads_concurrently_and_in_order(fake: FakeHub, spy: Spy) -> None:
    async def main() -> list[str]:
        async with AsyncHub(
            fake.base_url, PasswordAuth("admin", "start123"), transport=spy.async_transport()
        ) as hub:
            await hub.core.get_nodes(page={"limit": 1})
            spy.peak = 0
            spy.hold_until_overlap = True
            return [n.name async for n in Node.objects.using(hub).order_by("name").aiterator(concurrency=6)]

    assert asyncio.run(main()) == EXPECTED
    assert 1 < spy.peak <= 6


def test_async_early_stop_gives_the_pending_pages_up(fake: FakeHub, spy: Spy) -> None:
    async def main() -> list[str]:
        async with AsyncHub(
            fake.base_url, PasswordAuth("admin", "start123"), transport=spy.async_transport()
        ) as hub:
            await hub.core.get_nodes(page={"limit": 1})
            spy.pages.clear()
            stream = Node.objects.using(hub).order_by("name").aiterator(concurrency=3)
            taken = [(await anext(stream)).name for _ in range(60)]
            await stream.aclose()  # type: ignore[attr-defined]
            return taken

    assert asyncio.run(main()) == EXPECTED[:60]
    assert len(spy.pages) <= 1 + AHEAD * 3 + 1


def test_bad_widths_are_refused(hub: Hub) -> None:
    from flame_hub.exceptions import ConfigurationError

    with pytest.raises(ValueError, match="concurrency"):
        Node.objects.using(hub).iterator(concurrency=0)
    with pytest.raises(ConfigurationError, match="page_concurrency"):
        Hub("http://fakehub.test/", page_concurrency=0)
