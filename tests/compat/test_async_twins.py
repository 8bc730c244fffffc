"""Every public async method is a coroutine function to ``inspect`` (issue 11).

tenacity, FastAPI and Django's ``sync_to_async`` tell sync from async with
``inspect.iscoroutinefunction``; a method that returns a coroutine without being one is misrouted by
them. The async clients' declared methods are ``async def`` twins of the sync ones (see
flame_hub/clients/methods.py), so this must hold for the class attribute and for the bound method, on
every Python the package supports (``inspect.markcoroutinefunction`` exists only from 3.12).
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from typing import Any

import pytest

import flame_hub
from flame_hub.models import Resource
from flame_hub.orm.manager import Manager
from flame_hub.orm.queryset import QuerySet

#: Public callables of the async classes that are not coroutine functions, and why.
NOT_COROUTINES = {
    "url": "builds a URL; no IO",
    "check": "checks a response already received; no IO",
    "request_auth": "picks the auth for a request; no IO",
    "from_env": "a constructor",
    "stream_bucket_file": "an async iterator: ``async for chunk in …``",
    "stream_bucket_tarball": "an async iterator: ``async for chunk in …``",
    "aiterator": "an async iterator: ``async for record in …``",
}

ASYNC_CLIENTS = (flame_hub.AsyncAuthClient, flame_hub.AsyncCoreClient, flame_hub.AsyncStorageClient)


def _public_callables(cls: type) -> list[str]:
    return [
        name
        for name in dir(cls)
        if not name.startswith("_")
        and callable(getattr(cls, name))
        and not isinstance(getattr(cls, name), type)
    ]


@pytest.mark.parametrize("cls", [*ASYNC_CLIENTS, flame_hub.AsyncHub], ids=lambda c: c.__name__)
def test_every_public_method_of_the_async_clients_is_a_coroutine_function(cls: type) -> None:
    names = _public_callables(cls)
    assert len(names) >= (2 if cls is flame_hub.AsyncHub else 10)
    not_coroutines = [n for n in names if not inspect.iscoroutinefunction(getattr(cls, n))]
    assert set(not_coroutines) <= set(NOT_COROUTINES), not_coroutines


@pytest.mark.parametrize("cls", ASYNC_CLIENTS, ids=lambda c: c.__name__)
def test_bound_methods_are_coroutine_functions_too(cls: Any) -> None:
    client = cls("https://hub.example/x/", "a-token")
    checked = 0
    for name in _public_callables(cls):
        if name not in NOT_COROUTINES:
            assert inspect.iscoroutinefunction(getattr(client, name)), name
            checked += 1
    assert checked > 10


def test_the_declared_methods_are_coroutine_functions_and_their_sync_twins_are_not() -> None:
    for name in ("create_node", "update_node", "find_nodes", "get_nodes", "get_node", "delete_node"):
        assert inspect.iscoroutinefunction(getattr(flame_hub.AsyncCoreClient, name)), name
        assert not inspect.iscoroutinefunction(getattr(flame_hub.CoreClient, name)), name
    for name in ("get_node_client_credentials", "send_analysis_command", "sync_master_images"):
        assert inspect.iscoroutinefunction(getattr(flame_hub.AsyncCoreClient, name)), name
        assert not inspect.iscoroutinefunction(getattr(flame_hub.CoreClient, name)), name
    # the signature a caller sees is the same on both
    assert inspect.signature(flame_hub.AsyncCoreClient.create_node) == inspect.signature(
        flame_hub.CoreClient.create_node
    )


def test_an_async_twin_answers_when_awaited_and_raises_then() -> None:
    async def main() -> None:
        async with flame_hub.AsyncCoreClient("https://hub.example/core/", "a-token") as core:
            pending = core.get_node("not-a-uuid")
            assert inspect.iscoroutine(pending)
            with pytest.raises(flame_hub.InvalidIdError):  # checked when it runs, not when it is called
                await pending

    asyncio.run(main())


def test_streams_are_async_iterators() -> None:
    client = flame_hub.AsyncStorageClient("https://hub.example/storage/", "a-token")
    stream = client.stream_bucket_file(uuid.uuid4())
    assert hasattr(stream, "__anext__")


@pytest.mark.parametrize("cls", [Manager, QuerySet, Resource], ids=lambda c: c.__name__)
def test_the_orm_async_twins_are_coroutine_functions(cls: type) -> None:
    twins = [n for n in dir(cls) if n.startswith("a") and n[1:] in dir(cls) and not n.startswith("_")]
    assert len(twins) >= (3 if cls is Resource else 8)
    for name in twins:
        if name not in NOT_COROUTINES:
            assert inspect.iscoroutinefunction(getattr(cls, name)), f"{cls.__name__}.{name}"
