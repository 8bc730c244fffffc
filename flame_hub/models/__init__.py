"""Every Hub resource and payload model, and the declaration machinery they are built on.

Resources are declared once (``base.py`` explains the form) in one module per service: ``auth``,
``core``, ``storage``. Attributes are snake_case in Python (``model_dump()``); the wire form (camelCase)
is produced by ``wire_dump()`` and the engine only.
"""

from __future__ import annotations

from flame_hub.models.auth import (
    Client,
    ClientPermission,
    ClientRole,
    ClientScope,
    Permission,
    Realm,
    Role,
    RolePermission,
    Scope,
    User,
    UserPermission,
    UserRole,
)
from flame_hub.models.base import (
    ItemEnvelope,
    ListEnvelope,
    ListMeta,
    Page,
    Resource,
    ResourceMeta,
    get_field_names,
    get_includable_names,
)
from flame_hub.models.core import (
    Analysis,
    AnalysisBucket,
    AnalysisBucketFile,
    AnalysisLog,
    AnalysisNode,
    AnalysisNodeEvent,
    AnalysisNodeLog,
    ClientCredentials,
    Log,
    MasterImage,
    MasterImageCommandArgument,
    MasterImageGroup,
    Node,
    NodeRegistryCredentials,
    Project,
    ProjectNode,
    Registry,
    RegistryProject,
)
from flame_hub.models.payload import Payload
from flame_hub.models.storage import Bucket, BucketFile

__all__ = [
    "Analysis",
    "AnalysisBucket",
    "AnalysisBucketFile",
    "AnalysisLog",
    "AnalysisNode",
    "AnalysisNodeEvent",
    "AnalysisNodeLog",
    "Bucket",
    "BucketFile",
    "Client",
    "ClientCredentials",
    "ClientPermission",
    "ClientRole",
    "ClientScope",
    "ItemEnvelope",
    "ListEnvelope",
    "ListMeta",
    "Log",
    "MasterImage",
    "MasterImageCommandArgument",
    "MasterImageGroup",
    "Node",
    "NodeRegistryCredentials",
    "Page",
    "Payload",
    "Permission",
    "Project",
    "ProjectNode",
    "Realm",
    "Registry",
    "RegistryProject",
    "Resource",
    "ResourceMeta",
    "Role",
    "RolePermission",
    "Scope",
    "User",
    "UserPermission",
    "UserRole",
    "get_field_names",
    "get_includable_names",
]

# Attach ``Resource.objects`` (the query layer imports the models, so it is attached from here last).
import flame_hub.query.manager  # noqa: F401
