"""The async service clients: every method of the sync clients, as a coroutine.

They are the sync clients' method classes over :class:`AsyncBaseClient`, whose plans run with the async
driver: building calls and parsing answers is shared, only the driver differs. Their types live in
``aio.pyi``, generated from the declarations by ``tools/gen_async_stub.py`` (a test checks that it is
current), so that type checkers see ``async def`` for each of them.
"""

from __future__ import annotations

from flame_hub.clients.auth import AuthMethods
from flame_hub.clients.base import AsyncBaseClient
from flame_hub.clients.core import CoreMethods
from flame_hub.clients.storage import StorageMethods
from flame_hub.config import DEFAULT_AUTH_URL, DEFAULT_CORE_URL, DEFAULT_STORAGE_URL

__all__ = ["AsyncAuthClient", "AsyncCoreClient", "AsyncStorageClient"]


class AsyncAuthClient(AsyncBaseClient, AuthMethods):
    """Async client of the Hub's auth service (authup)."""

    service = "auth"
    default_url = DEFAULT_AUTH_URL


class AsyncCoreClient(AsyncBaseClient, CoreMethods):
    """Async client of the Hub's core service."""

    service = "core"
    default_url = DEFAULT_CORE_URL


class AsyncStorageClient(AsyncBaseClient, StorageMethods):
    """Async client of the Hub's storage service."""

    service = "storage"
    default_url = DEFAULT_STORAGE_URL
