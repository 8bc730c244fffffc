"""Service clients: one generic engine, one thin facade per Hub service."""

from flame_hub.clients.auth import AuthClient
from flame_hub.clients.base import BaseClient
from flame_hub.clients.core import CoreClient
from flame_hub.clients.storage import StorageClient

__all__ = ["AuthClient", "BaseClient", "CoreClient", "StorageClient"]
