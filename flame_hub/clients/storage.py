"""``StorageClient``: buckets and bucket files."""

from __future__ import annotations

from flame_hub.clients.base import BaseClient
from flame_hub.config import DEFAULT_STORAGE_URL

__all__ = ["StorageClient"]


class StorageClient(BaseClient):
    """Client of the Hub's storage service, at ``https://host/storage/``."""

    service = "storage"
    default_url = DEFAULT_STORAGE_URL
