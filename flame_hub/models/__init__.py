"""Every Hub resource and payload model, and the names of the declaration machinery code needs with them.

Resources are declared once (:mod:`flame_hub.schema.record` explains the form; the machinery lives in
:mod:`flame_hub.schema`, and ``base.py`` adds each resource's ORM) in one module per service: ``auth``,
``core``, ``storage``. Attributes are snake_case in Python (``model_dump()``); the wire form (camelCase)
is produced by ``wire_dump()`` and the engine only. ``compat`` holds the names flame-hub-client 0.5.5
exported here that have no other role (``CreateNode``, ``ResourceList`` …).
"""

from __future__ import annotations

from flame_hub._unset import UNSET
from flame_hub.models import auth, core, storage
from flame_hub.models.auth import *  # noqa: F403
from flame_hub.models.base import Resource
from flame_hub.models.compat import (
    AccessToken,
    AuthBaseModel,
    ConfigBaseModel,
    CoreBaseModel,
    CreateAnalysis,
    CreateAnalysisBucket,
    CreateAnalysisBucketFile,
    CreateAnalysisNode,
    CreateAnalysisNodeLog,
    CreateBucket,
    CreateClient,
    CreateNode,
    CreatePermission,
    CreateProject,
    CreateProjectNode,
    CreateRealm,
    CreateRegistry,
    CreateRegistryProject,
    CreateRole,
    CreateRolePermission,
    CreateUser,
    CreateUserPermission,
    CreateUserRole,
    RefreshToken,
    ResourceList,
    ResourceListMeta,
    StorageBaseModel,
    UpdateAnalysis,
    UpdateAnalysisBucketFile,
    UpdateAnalysisNode,
    UpdateClient,
    UpdateClientCredentials,
    UpdateNode,
    UpdatePermission,
    UpdateProject,
    UpdateRealm,
    UpdateRegistry,
    UpdateRegistryProject,
    UpdateRole,
    UpdateUser,
    WrappedResource,
)
from flame_hub.models.core import *  # noqa: F403
from flame_hub.models.storage import *  # noqa: F403
from flame_hub.schema.envelopes import ItemEnvelope, ListEnvelope, ListMeta, Page, SingleResourceMeta
from flame_hub.schema.fields import IsIncludable, IsOptionalField
from flame_hub.schema.payload import Payload
from flame_hub.schema.record import ResourceMeta, get_field_names, get_includable_names
from flame_hub.types import AnalysisBucketType, AnalysisCommand, NodeType, ProjectNodeApprovalStatus

__all__ = [
    "UNSET",
    "AccessToken",
    "AnalysisBucketType",
    "AnalysisCommand",
    "AuthBaseModel",
    "ConfigBaseModel",
    "CoreBaseModel",
    "CreateAnalysis",
    "CreateAnalysisBucket",
    "CreateAnalysisBucketFile",
    "CreateAnalysisNode",
    "CreateAnalysisNodeLog",
    "CreateBucket",
    "CreateClient",
    "CreateNode",
    "CreatePermission",
    "CreateProject",
    "CreateProjectNode",
    "CreateRealm",
    "CreateRegistry",
    "CreateRegistryProject",
    "CreateRole",
    "CreateRolePermission",
    "CreateUser",
    "CreateUserPermission",
    "CreateUserRole",
    "IsIncludable",
    "IsOptionalField",
    "ItemEnvelope",
    "ListEnvelope",
    "ListMeta",
    "NodeType",
    "Page",
    "Payload",
    "ProjectNodeApprovalStatus",
    "RefreshToken",
    "Resource",
    "ResourceList",
    "ResourceListMeta",
    "ResourceMeta",
    "SingleResourceMeta",
    "StorageBaseModel",
    "UpdateAnalysis",
    "UpdateAnalysisBucketFile",
    "UpdateAnalysisNode",
    "UpdateClient",
    "UpdateClientCredentials",
    "UpdateNode",
    "UpdatePermission",
    "UpdateProject",
    "UpdateRealm",
    "UpdateRegistry",
    "UpdateRegistryProject",
    "UpdateRole",
    "UpdateUser",
    "WrappedResource",
    "get_field_names",
    "get_includable_names",
]
# Each service module names its resources once, in its own ``__all__``: a resource declared and listed
# there is exported here too.
__all__ += auth.__all__
__all__ += core.__all__
__all__ += storage.__all__
