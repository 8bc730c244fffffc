"""flame-hub: the Python client for the FLAME Hub.

``Hub`` bundles the three service clients; ``AuthClient``, ``CoreClient`` and ``StorageClient`` can
also be used one by one, exactly like the existing ``flame-hub-client``.
"""

from flame_hub import auth, models, types
from flame_hub._version import __version__, __version_info__
from flame_hub.clients import AuthClient, CoreClient, StorageClient
from flame_hub.clients.aio import AsyncAuthClient, AsyncCoreClient, AsyncStorageClient
from flame_hub.engine.parsers import IncludeNotReturnedWarning
from flame_hub.exceptions import (
    AuthenticationError,
    BadRequestError,
    BulkOperationError,
    ConfigurationError,
    ConflictError,
    FieldError,
    FlameHubError,
    ForbiddenError,
    HubAPIError,
    HubConnectionError,
    HubTimeoutError,
    InvalidIdError,
    NotFoundError,
    NotSupportedError,
    OutcomeUnknownError,
    RateLimitError,
    RelationNotLoadedError,
    ServerError,
    UnauthorizedError,
)
from flame_hub.hub import AsyncHub, Hub, configure
from flame_hub.orm.listing import IncompleteListingWarning
from flame_hub.query import Q
from flame_hub.retry import Retry
from flame_hub.schema.record import get_field_names, get_includable_names

__all__ = [
    "AsyncAuthClient",
    "AsyncCoreClient",
    "AsyncHub",
    "AsyncStorageClient",
    "AuthClient",
    "AuthenticationError",
    "BadRequestError",
    "BulkOperationError",
    "ConfigurationError",
    "ConflictError",
    "CoreClient",
    "FieldError",
    "FlameHubError",
    "ForbiddenError",
    "Hub",
    "HubAPIError",
    "HubConnectionError",
    "HubTimeoutError",
    "IncludeNotReturnedWarning",
    "IncompleteListingWarning",
    "InvalidIdError",
    "NotFoundError",
    "NotSupportedError",
    "OutcomeUnknownError",
    "Q",
    "RateLimitError",
    "RelationNotLoadedError",
    "Retry",
    "ServerError",
    "StorageClient",
    "UnauthorizedError",
    "__version__",
    "__version_info__",
    "auth",
    "configure",
    "get_field_names",
    "get_includable_names",
    "models",
    "types",
]
