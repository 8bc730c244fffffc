"""One client, many threads or tasks: 16 threads x 100 operations on one sync ``Hub`` and 100 concurrent
tasks on one ``AsyncHub`` (in-process and over loopback).

Each worker owns its records and runs a fixed life cycle on them — create, update, read back, find,
update, delete the previous one … — checking every read against its own last write; at the end one
listing shows each worker's surviving record with its last write and none of the deleted ones. Halfway through,
FakeHub's clock (which the auth flow shares here) passes the token's lifetime, so the workers race for
one renewal. Shown: no errors, no lost or crossed updates, and exactly the token requests single-flight
renewal implies — one login, one refresh.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from flame_hub import AsyncHub, Hub
from flame_hub._driver import run_without_loop
from flame_hub.auth import PasswordAuth
from flame_hub.models import Node
from flame_hub.testing import FakeHub, HubBackend

from .twins import Wire

THREADS = 16
CYCLES = 10  # per thread: 10 x 10 = 100 operations
TASKS = 100


@pytest.fixture
def fake_hub(backend: HubBackend) -> FakeHub:
    if backend.fakehub is None:
        pytest.skip(f"the renewal race moves FakeHub's clock; the {backend.kind} backend is a real Hub")
    return backend.fakehub


def shared_clock_login(fake_hub: FakeHub) -> PasswordAuth:
    """The admin's login on FakeHub's clock: moving the clock expires the cached token for the client too."""
    return PasswordAuth(fake_hub.admin_username, fake_hub.admin_password, clock=fake_hub.clock.now)


class Halfway:
    """Counts operations across workers; at ``at`` it moves FakeHub's clock past the token's lifetime."""

    def __init__(self, fake_hub: FakeHub, at: int) -> None:
        self.fake_hub = fake_hub
        self.at = at
        self.done = 0
        self.moved = False
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self.done += 1
            if self.done == self.at:
                self.fake_hub.clock.advance(self.fake_hub.tokens.access_lifetime + 1)
                self.moved = True


#: A thread's record life cycle (10 operations); a thread lives 10 of them.
THREAD_LIFE = ("create", "update", "get", "find", "update", "delete previous", "get", "update", "find", "get")
#: A task's (5 operations): a hundred of them at once are the point, not their length.
TASK_LIFE = ("create", "update", "get", "find", "update")


def last_write(prefix: str, life: tuple[str, ...], cycles: int) -> tuple[str, str]:
    """The name of the record a worker leaves alive, and the last value it wrote to it."""
    last_update = max(i for i, step in enumerate(life) if step == "update")
    return f"{prefix}-{cycles - 1}", f"{prefix}_{cycles - 1}_{last_update}"


async def live(
    call: Callable[..., Awaitable[Any]],
    prefix: str,
    life: tuple[str, ...],
    cycles: int,
    tick: Callable[[], None],
) -> None:
    """Run ``life`` ``cycles`` times on this worker's own nodes, checking each read against the last write.

    ``call(method, *args, **kwargs)`` runs a core client method (sync or awaited).
    """
    previous: Node | None = None
    node: Node | None = None
    last: str | None = None
    for cycle in range(cycles):
        for number, step in enumerate(life):
            if step == "create":
                node, last = await call("create_node", f"{prefix}-{cycle}"), None
            elif step == "update":
                last = f"{prefix}_{cycle}_{number}"
                await call("update_node", node, external_name=last)
            elif step == "delete previous" and previous is not None:
                await call("delete_node", previous)
            else:
                assert node is not None
                if step == "find":
                    (fetched,) = await call("find_nodes", filter={"name": node.name})
                else:
                    fetched = await call("get_node", node.id)
                assert (fetched.id, fetched.external_name) == (node.id, last), f"{prefix}: lost update"
            tick()
        previous = node


def survivors(nodes: list[Node], prefix: str) -> dict[str, str | None]:
    return {n.name: n.external_name for n in nodes if n.name.startswith(prefix)}


def test_sixteen_threads_share_one_sync_hub(
    backend: HubBackend, fake_hub: FakeHub, unique: Callable[[str], str]
) -> None:
    run = unique("thr")
    halfway = Halfway(fake_hub, THREADS * CYCLES * len(THREAD_LIFE) // 2)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    with Hub(backend.base_url, shared_clock_login(fake_hub), transport=backend.transport) as hub:
        wire = Wire(hub)

        def worker(index: int) -> None:
            async def call(method: str, *args: Any, **kwargs: Any) -> Any:
                return getattr(hub.core, method)(*args, **kwargs)

            start.wait()
            try:  # the scenario is written once; the sync client runs it without an event loop
                run_without_loop(live(call, f"{run}-{index:02d}", THREAD_LIFE, CYCLES, halfway.tick))
            except BaseException as exc:  # reported below, with the thread's prefix in the message
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert halfway.done == THREADS * CYCLES * len(THREAD_LIFE) and halfway.moved
        left = survivors(list(hub.core.nodes.filter(name__startswith=run)), run)
        assert left == dict(last_write(f"{run}-{i:02d}", THREAD_LIFE, CYCLES) for i in range(THREADS))
        assert [s.grant for s in wire.token_requests] == ["password", "refresh_token"]


def test_a_hundred_tasks_share_one_async_hub(
    backend: HubBackend, fake_hub: FakeHub, unique: Callable[[str], str]
) -> None:
    run = unique("task")
    halfway = Halfway(fake_hub, TASKS * len(TASK_LIFE) // 2)

    async def main() -> None:
        async with AsyncHub(
            backend.base_url, shared_clock_login(fake_hub), transport=backend.async_transport
        ) as hub:
            wire = Wire(hub)

            async def call(method: str, *args: Any, **kwargs: Any) -> Any:
                return await getattr(hub.core, method)(*args, **kwargs)

            results = await asyncio.gather(
                *(live(call, f"{run}-{i:03d}", TASK_LIFE, 1, halfway.tick) for i in range(TASKS)),
                return_exceptions=True,
            )
            assert [r for r in results if isinstance(r, BaseException)] == []
            assert halfway.moved
            left = survivors([n async for n in hub.core.nodes.filter(name__startswith=run)], run)
            assert left == dict(last_write(f"{run}-{i:03d}", TASK_LIFE, 1) for i in range(TASKS))
            assert [s.grant for s in wire.token_requests] == ["password", "refresh_token"]

    asyncio.run(main())
