"""The service clients: one facade per Hub service, its methods declared from the resources (``methods.py``)."""

from flame_hub.clients.auth import AuthClient
from flame_hub.clients.base import BaseClient
from flame_hub.clients.core import CoreClient
from flame_hub.clients.storage import StorageClient

__all__ = ["AuthClient", "BaseClient", "CoreClient", "StorageClient"]
