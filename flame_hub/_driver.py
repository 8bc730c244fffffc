"""The one driver pair: :func:`run` carries out a plan with sync IO, :func:`arun` with async IO.

Everything that talks to the Hub is written once, as a *plan*: a generator that yields *steps* (plain
data saying which IO to do) and receives each step's result. Sending a request with its retries, a
token flow, a QuerySet's paging, a save, a storage download: all are plans, and only this module
carries steps out. The steps:

==========================  ==================================================================
step                        what the driver does, and what the plan receives
==========================  ==================================================================
``Send(http, request, a)``  sends with the httpx client (body not read yet): the response
``Read(response)``          reads the body
``Close(response)``         closes the response
``Sleep(seconds)``          waits
``Chunks(response, size)``  starts reading the body in chunks: a handle for ``NextChunk``
``NextChunk(handle)``       the next chunk, or None at the end of the body
``Acquire(lock)``           takes a :class:`SharedLock`: what to give back to ``lock.release``
``Defer(close)``            nothing now; the ``Close`` runs when the plan ends, however it ends
``Prefetch(steps, width)``  starts ``width`` of the steps at once; the plan later yields each of
                            them, in order, and receives its result as soon as it is there
``Emit(items)``             hands the items to whoever iterates the plan (a :class:`Stream`)
``Exchange(value)``         hands the value out and receives what the consumer sends back
                            (how an httpx auth flow sends its requests)
a step with ``.plan()``     the result of that plan (an engine ``Call`` is such a step)
==========================  ==================================================================

An error a step raises is thrown into the plan where it yielded the step, so plans handle errors with
ordinary ``try``/``except``.

The trick, in one place: the driver is written once, as a coroutine, and awaits its IO through an
adapter. :class:`AsyncIO` awaits real async IO. :class:`BlockingIO` does blocking IO inside coroutines
that *never suspend*; such a coroutine finishes on its first ``send(None)``, so :func:`run` drives the
driver with no event loop at all (:func:`run_without_loop`) — which is why the sync client also works
inside a running loop (a notebook).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, overload

import httpx

__all__ = [
    "Acquire",
    "AsyncIO",
    "BlockingIO",
    "Chunks",
    "Close",
    "Defer",
    "Emit",
    "Exchange",
    "NextChunk",
    "PerLoop",
    "Plan",
    "Planned",
    "PoolGate",
    "Prefetch",
    "Read",
    "Send",
    "SharedLock",
    "Sleep",
    "Stream",
    "arun",
    "gate_pool",
    "run",
    "run_without_loop",
]

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
T = TypeVar("T")

#: A plan: yields steps, receives their results, returns ``R``.
Plan = Generator[Any, Any, R]


class Planned(Protocol[R_co]):
    """A step that stands for a plan of its own (an engine ``Call``: send, then parse the answer)."""

    def plan(self) -> Generator[Any, Any, R_co]:
        """The plan the driver carries out for this step."""
        ...


# -- the steps --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Send:
    """Send ``request`` through ``http`` (``auth`` as httpx takes it; None: no auth); the body is not read."""

    http: httpx.Client | httpx.AsyncClient
    request: httpx.Request
    auth: httpx.Auth | None = None


@dataclass(frozen=True, slots=True)
class Read:
    """Read the response's body (after which it is closed)."""

    response: httpx.Response


@dataclass(frozen=True, slots=True)
class Close:
    """Close the response without reading the rest of its body."""

    response: httpx.Response


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait ``seconds`` (between the tries of a request)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Chunks:
    """Start reading the response's body in chunks of ``size`` bytes; answers a handle for :class:`NextChunk`."""

    response: httpx.Response
    size: int


@dataclass(frozen=True, slots=True)
class NextChunk:
    """The next chunk of a :class:`Chunks` handle, or None when the body is done."""

    handle: Any


@dataclass(frozen=True, slots=True)
class Acquire:
    """Take ``lock``; the answer goes back to ``lock.release(...)`` (which needs no IO)."""

    lock: SharedLock


@dataclass(frozen=True, slots=True)
class Defer:
    """Carry ``step`` out when the plan ends (done, failed or given up): closing a response, which needs IO."""

    step: Close


@dataclass(frozen=True, slots=True)
class Prefetch:
    """The plan will yield each of ``steps`` in this order: run up to ``width`` of them ahead, at once."""

    steps: Sequence[Any]
    width: int


@dataclass(frozen=True, slots=True)
class Emit(Generic[T]):
    """Hand ``items`` to the consumer of a :class:`Stream`, one by one."""

    items: Sequence[T]


@dataclass(frozen=True, slots=True)
class Exchange:
    """Hand ``value`` to the consumer of a :class:`Stream`; the plan receives what the consumer sends back."""

    value: Any


class Stream(Generic[T]):
    """A plan whose consumer iterates what it emits: ``run(Stream(plan))`` is an iterator."""

    __slots__ = ("plan",)

    def __init__(self, plan: Plan[Any]) -> None:
        self.plan = plan


class PerLoop(Generic[T]):
    """One ``T`` per event loop, made when that loop first asks for it.

    asyncio locks and async connection pools belong to the loop that made them, and one client may be
    used from several loops (and threads); a loop that is gone drops its ``T`` with it.
    """

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()

    def get(self) -> T:
        """The running loop's ``T``."""
        loop = asyncio.get_running_loop()
        with self._guard:
            made = self._made.get(loop)
            if made is None:
                made = self._made[loop] = self._make()
            return made

    def pop(self) -> T | None:
        """Forget the running loop's ``T`` and answer it (to be closed), or None when it made none."""
        loop = asyncio.get_running_loop()
        with self._guard:
            return self._made.pop(loop, None)


class SharedLock:
    """A lock shared by threads and by the tasks of any number of event loops (a token's renewal lock).

    Threads take the thread lock. Tasks queue on their loop's asyncio lock; the one holding it then
    takes the thread lock by polling, so the event loop is never blocked.
    """

    def __init__(self) -> None:
        self.thread_lock = threading.Lock()
        self._loop_locks = PerLoop(asyncio.Lock)

    def loop_lock(self) -> asyncio.Lock:
        """The asyncio lock of the running loop."""
        return self._loop_locks.get()

    def release(self, held: object) -> None:
        """Give the lock back (``held`` is what :class:`Acquire` answered)."""
        self.thread_lock.release()
        if isinstance(held, asyncio.Lock):
            held.release()


# -- the IO adapters ------------------------------------------------------------------------------------


class BlockingIO:
    """Sync IO, spelled as coroutines that never suspend (see the module docstring: the trick).

    Every method does plain blocking work; none awaits anything real, so :func:`run` can drive the
    driver without an event loop. Concurrent steps (:class:`Prefetch`) run on threads.
    """

    async def send(self, step: Send) -> httpx.Response:
        return step.http.send(step.request, auth=step.auth, stream=True)  # type: ignore[return-value]

    async def read(self, response: httpx.Response) -> None:
        response.read()

    async def close(self, response: httpx.Response) -> None:
        response.close()

    async def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def chunks(self, response: httpx.Response, size: int) -> Iterator[bytes]:
        return iter(response.iter_bytes(size))

    async def next_chunk(self, handle: Iterator[bytes]) -> bytes | None:
        return next(handle, None)

    async def acquire(self, lock: SharedLock) -> object:
        lock.thread_lock.acquire()
        return None

    def window(self, width: int) -> _Window:
        return _ThreadWindow(width)


class PoolGate:
    """Lets the requests of one ``httpx.AsyncClient`` into httpcore's connection pool one at a time.

    httpcore's async pool hands one idle connection to every request queued while it assigns
    connections; all but one of them then find it taken and go round again, each time re-running the
    assignment over every connection (encode/httpcore#822). With 16 pages in flight that was three
    rounds per request and most of the client's CPU time, and it made async bulk reads vary from run
    to run (issue 13). A request holds the gate from before it enters the pool until httpcore reports
    (through the request's ``trace`` extension) that it started to connect or to send its headers, i.e.
    it has its connection; the network waits themselves overlap as before.

    Only for httpx's own :class:`httpx.AsyncHTTPTransport`: a transport that does not report those
    events would hold the gate for its whole exchange, sending one request at a time
    (:func:`gate_pool` is called by the clients that build that transport themselves).
    """

    #: The trace events by which a request has its connection (a new one connecting, or a reused one).
    TAKEN = ("connection.connect_tcp.started", "http11.send_request_headers.started")

    def __init__(self) -> None:
        self._locks = PerLoop(asyncio.Lock)

    def lock(self) -> asyncio.Lock:
        """The running loop's lock (a client may be used from more than one event loop)."""
        return self._locks.get()

    async def send(self, http: httpx.AsyncClient, request: httpx.Request, auth: Any) -> httpx.Response:
        lock = self.lock()
        await lock.acquire()
        held = True
        traced = request.extensions.get("trace")

        async def trace(name: str, info: Any) -> None:
            nonlocal held
            if held and name in PoolGate.TAKEN:
                held = False
                lock.release()
            if traced is not None:
                await traced(name, info)

        request.extensions["trace"] = trace
        try:
            return await http.send(request, auth=auth, stream=True)
        finally:
            if held:
                held = False
                lock.release()


_GATES: weakref.WeakKeyDictionary[httpx.AsyncClient, PoolGate] = weakref.WeakKeyDictionary()


def gate_pool(http: httpx.AsyncClient) -> None:
    """Send ``http``'s requests through a :class:`PoolGate` (only for httpx's own async transport)."""
    _GATES.setdefault(http, PoolGate())


class AsyncIO:
    """Async IO: every method awaits the real thing; concurrent steps run as tasks of the running loop."""

    async def send(self, step: Send) -> httpx.Response:
        gate = _GATES.get(step.http)  # type: ignore[arg-type]
        if gate is not None:
            return await gate.send(step.http, step.request, step.auth)  # type: ignore[arg-type]
        return await step.http.send(step.request, auth=step.auth, stream=True)  # type: ignore[no-any-return,misc]

    async def read(self, response: httpx.Response) -> None:
        await response.aread()

    async def close(self, response: httpx.Response) -> None:
        await response.aclose()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def chunks(self, response: httpx.Response, size: int) -> AsyncIterator[bytes]:
        return response.aiter_bytes(size)

    async def next_chunk(self, handle: AsyncIterator[bytes]) -> bytes | None:
        return await anext(handle, None)

    async def acquire(self, lock: SharedLock) -> object:
        held = lock.loop_lock()
        await held.acquire()
        try:
            while not lock.thread_lock.acquire(blocking=False):
                await asyncio.sleep(0.002)
        except BaseException:
            held.release()
            raise
        return held

    def window(self, width: int) -> _Window:
        return _TaskWindow(width)


_BLOCKING = BlockingIO()
_ASYNC = AsyncIO()
IO = BlockingIO | AsyncIO


#: How many steps a :class:`Prefetch` window keeps started per step it lets run: the others wait in line
#: (a thread pool's queue, a semaphore), so that a step finished out of order is followed by the next
#: one at once instead of when the consumer reaches it. Results buffered: at most this times ``width``.
AHEAD = 2


class _Window:
    """Steps announced by :class:`Prefetch`, taken in order: up to ``AHEAD * width`` of them started, at
    most ``width`` running at once.

    Starting only when the first step is taken (a window of ``width``) left slots idle behind a slow
    first step: ~12 of 16 pages were in flight on average in the bulk-read benchmark (issue 13).
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.started = AHEAD * width
        self.running: deque[tuple[Any, Any]] = deque()
        self.queued: Iterator[Any] = iter(())

    def fill(self, steps: Sequence[Any]) -> None:
        self.queued = iter(steps)
        for step in itertools.islice(self.queued, self.started - len(self.running)):
            self.running.append((step, self.start(step)))

    def holds(self, step: Any) -> bool:
        return bool(self.running) and self.running[0][0] is step

    async def take(self) -> Any:
        _step, handle = self.running[0]
        try:
            return await self.wait(handle)
        finally:
            # taken, answered or failed (a failed step must not stay first: the plan may go on, and its
            # next step would not be recognised as prefetched and be sent a second time); the next step
            # is started (it waits its turn to run: never more than ``width`` at once)
            self.running.popleft()
            following = next(self.queued, None)
            if following is not None:
                self.running.append((following, self.start(following)))

    def start(self, step: Any) -> Any:
        raise NotImplementedError  # pragma: no cover

    async def wait(self, handle: Any) -> Any:
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        raise NotImplementedError  # pragma: no cover


class _ThreadWindow(_Window):
    """Each step runs with :func:`run` on a thread of a pool of ``width`` (sharing the sync client's
    connections); steps started beyond that wait in the pool's queue."""

    def __init__(self, width: int) -> None:
        super().__init__(width)
        self.pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="flame-hub-pages")

    def start(self, step: Any) -> Future[Any]:
        return self.pool.submit(run, step)

    async def wait(self, handle: Future[Any]) -> Any:
        return handle.result()

    def close(self) -> None:
        for _step, handle in self.running:
            handle.cancel()
        self.pool.shutdown(wait=True)


class _TaskWindow(_Window):
    """Each step runs with :func:`arun` as a task of the running event loop, ``width`` at a time."""

    def __init__(self, width: int) -> None:
        super().__init__(width)
        self.slots = asyncio.Semaphore(width)

    def start(self, step: Any) -> asyncio.Future[Any]:
        task: asyncio.Future[Any] = asyncio.ensure_future(self._run(step))
        return task

    async def _run(self, step: Any) -> Any:
        async with self.slots:
            return await arun(step)

    async def wait(self, handle: asyncio.Future[Any]) -> Any:
        return await handle

    def close(self) -> None:
        for _step, handle in self.running:
            handle.cancel()


# -- the driver -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Return:
    value: Any


def _plan_of(target: Any) -> Plan[Any]:
    return target if isinstance(target, Generator) else target.plan()


async def _drive(plan: Plan[Any], io: IO) -> AsyncGenerator[Any, Any]:
    """Carry out a plan's steps with ``io``; yields its ``Emit``/``Exchange`` steps, then ``_Return``."""
    reply: Any = None
    error: BaseException | None = None
    window: _Window | None = None
    deferred: list[Close] = []
    try:
        while True:
            try:
                step = plan.send(reply) if error is None else plan.throw(error)
            except StopIteration as stop:
                yield _Return(stop.value)
                return
            reply = error = None
            kind = type(step)
            try:
                if kind is Send:
                    reply = await io.send(step)
                elif kind is Read:
                    await io.read(step.response)
                elif kind is Emit or kind is Exchange:
                    reply = yield step
                elif kind is Close:
                    await io.close(step.response)
                elif kind is Sleep:
                    await io.sleep(step.seconds)
                elif kind is Chunks:
                    reply = await io.chunks(step.response, step.size)
                elif kind is NextChunk:
                    reply = await io.next_chunk(step.handle)
                elif kind is Acquire:
                    reply = await io.acquire(step.lock)
                elif kind is Defer:
                    deferred.append(step.step)
                elif kind is Prefetch:
                    if window is None:
                        window = io.window(step.width)
                    window.fill(step.steps)
                elif window is not None and window.holds(step):
                    reply = await window.take()
                else:
                    reply = await _result(_plan_of(step), io)
            except Exception as exc:  # thrown into the plan where it yielded the step
                error = exc
    finally:
        plan.close()
        if window is not None:
            window.close()
        for step in reversed(deferred):
            await io.close(step.response)


async def _result(plan: Plan[R], io: IO) -> R:
    """The return value of a plan that emits nothing."""
    steps = _drive(plan, io)
    try:
        done = await anext(steps)
    finally:
        await steps.aclose()
    if type(done) is not _Return:
        raise TypeError("a plan that emits must be run as a Stream")
    return done.value  # type: ignore[no-any-return]


class _Suspended(RuntimeError):
    """A coroutine run without a loop awaited something real (a bug: blocking IO never suspends)."""


def run_without_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (one doing only blocking IO) to its end, with no event loop."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise _Suspended("blocking IO suspended; it must not await real futures")


def _sync_stream(plan: Plan[Any]) -> Generator[Any, Any, None]:
    steps = _drive(plan, _BLOCKING)
    reply: Any = None
    try:
        while True:
            out = run_without_loop(steps.asend(reply))
            reply = None
            if type(out) is Emit:
                yield from out.items
            elif type(out) is Exchange:
                reply = yield out.value
            else:
                return
    finally:
        run_without_loop(steps.aclose())


async def _async_stream(plan: Plan[Any]) -> AsyncGenerator[Any, Any]:
    steps = _drive(plan, _ASYNC)
    reply: Any = None
    try:
        while True:
            out = await steps.asend(reply)
            reply = None
            if type(out) is Emit:
                for item in out.items:
                    yield item
            elif type(out) is Exchange:
                reply = yield out.value
            else:
                return
    finally:
        await steps.aclose()


@overload
def run(plan: Stream[T]) -> Generator[T, Any, None]: ...
@overload
def run(plan: Planned[R]) -> R: ...
@overload
def run(plan: Plan[R]) -> R: ...
def run(plan: Any) -> Any:
    """Carry out a plan (or a step with ``.plan()``, such as a ``Call``) with blocking IO, in this thread.

    A :class:`Stream` gives a generator of what the plan emits (lazy: nothing runs before the first item).
    """
    if type(plan) is Stream:
        return _sync_stream(plan.plan)
    return run_without_loop(_result(_plan_of(plan), _BLOCKING))


@overload
def arun(plan: Stream[T]) -> AsyncGenerator[T, Any]: ...
@overload
def arun(plan: Planned[R]) -> Coroutine[Any, Any, R]: ...
@overload
def arun(plan: Plan[R]) -> Coroutine[Any, Any, R]: ...
def arun(plan: Any) -> Any:
    """Carry out a plan with async IO: a coroutine to await, or for a :class:`Stream` an async generator."""
    if type(plan) is Stream:
        return _async_stream(plan.plan)
    return _result(_plan_of(plan), _ASYNC)
