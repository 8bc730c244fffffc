"""Run IO code written once, as coroutines, with sync IO.

Code that must exist for both worlds (drivers of plans and token flows, sending a request, streaming a
download) is written once as a coroutine or async generator that reaches IO only through small
adapters. The async clients await it; the sync clients pass adapters whose coroutines do plain blocking
calls and never suspend, and run it here without an event loop: a coroutine that never suspends
finishes on its first ``send``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["aiter_sync", "as_coroutine", "iterate_sync", "run_sync", "run_sync_generator"]

T = TypeVar("T")
Y = TypeVar("Y")
S = TypeVar("S")


class _Suspended(RuntimeError):
    """A coroutine driven synchronously awaited something real (a bug: sync IO never suspends)."""


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that does only sync IO to completion, without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise _Suspended("sync IO code suspended; it must not await real futures")


def iterate_sync(generator: AsyncIterator[T]) -> Iterator[T]:
    """Iterate an async generator that does only sync IO, without an event loop."""
    step = generator.__anext__
    try:
        while True:
            awaitable = step()
            try:
                awaitable.send(None)  # type: ignore[attr-defined]
            except StopIteration as stop:
                yield stop.value
                continue
            except StopAsyncIteration:
                return
            raise _Suspended("sync IO code suspended; it must not await real futures")
    finally:
        _close(generator)


def run_sync_generator(generator: Any) -> Generator[Y, S, None]:
    """Drive an async generator that uses ``asend`` (an httpx auth flow) as a sync generator."""
    value: Any = None
    try:
        while True:
            try:
                generator.asend(value).send(None)
            except StopIteration as stop:
                value = yield stop.value
                continue
            except StopAsyncIteration:
                return
            raise _Suspended("sync IO code suspended; it must not await real futures")
    finally:
        _close(generator)


def _close(generator: Any) -> None:
    """Run an async generator's cleanup (its ``finally`` blocks) synchronously."""
    with contextlib.suppress(StopIteration, StopAsyncIteration, RuntimeError):
        generator.aclose().send(None)


def as_coroutine(function: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """Wrap a blocking function as a coroutine function (for sync IO adapters)."""

    async def call(*args: Any, **kwargs: Any) -> T:
        return function(*args, **kwargs)

    return call


async def aiter_sync(iterable: Iterable[T]) -> AsyncIterator[T]:
    """An async iterator over a sync iterable (for sync IO adapters)."""
    for item in iterable:
        yield item
