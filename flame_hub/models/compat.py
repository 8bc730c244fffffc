"""Names flame-hub-client 0.5.5 exported from ``flame_hub.models`` that have no other role here.

0.5.5 described every request body as a model of its own (``CreateNode``, ``UpdateNode`` …) and the
envelopes under other names. flame-hub builds request bodies from the resource declarations, so these
exist only so that code importing them keeps working:

* ``Create<X>`` / ``Update<X>`` are derived from the declaration of ``<X>``: the fields the Hub accepts
  on create / update, all optional, in Python names (camelCase accepted too);
* the envelopes and base classes are other names of ours (``ResourceList`` is :class:`ListEnvelope` …);
* :class:`AccessToken` and :class:`RefreshToken` describe what authup's ``/token`` answers.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from pydantic import create_model

from flame_hub.models.auth import (
    Client,
    Permission,
    Realm,
    Role,
    RolePermission,
    User,
    UserPermission,
    UserRole,
)
from flame_hub.models.base import Resource
from flame_hub.models.core import (
    Analysis,
    AnalysisBucket,
    AnalysisBucketFile,
    AnalysisNode,
    AnalysisNodeLog,
    Node,
    Project,
    ProjectNode,
    Registry,
    RegistryProject,
)
from flame_hub.models.storage import Bucket
from flame_hub.schema.envelopes import ItemEnvelope, ListEnvelope, ListMeta
from flame_hub.schema.fields import SECRET
from flame_hub.schema.payload import Payload
from flame_hub.schema.record import schema_of

# No ``__all__``: these names are exported (and documented) by :mod:`flame_hub.models`, as 0.5.5 had them.

#: 0.5.5's base of every model; here every resource derives from :class:`Resource`.
ConfigBaseModel = Resource
#: 0.5.5's base of the auth models: :class:`Resource`.
AuthBaseModel = Resource
#: 0.5.5's base of the core models: :class:`Resource`.
CoreBaseModel = Resource
#: 0.5.5's base of the storage models: :class:`Resource`.
StorageBaseModel = Resource

#: 0.5.5's name of a collection's envelope: :class:`ListEnvelope`.
ResourceList = ListEnvelope
#: 0.5.5's name of a collection's meta: :class:`ListMeta`.
ResourceListMeta = ListMeta
#: 0.5.5's name of a single record's envelope: :class:`ItemEnvelope`.
WrappedResource = ItemEnvelope


def body_model(model: type[Resource], operation: Literal["create", "update"]) -> type[Payload]:
    """A payload model with the fields ``model`` accepts on ``operation`` (every one optional).

    Field types are the resource's, so values are checked the same way; secrets stay masked in reprs.
    """
    fields: dict[str, Any] = {}
    for name in schema_of(model).writable(operation):
        info = copy.copy(model.model_fields[name])  # its type and markers (a secret stays masked)
        info.default = None
        fields[name] = (info.annotation, info)
    prefix = operation.capitalize()
    return create_model(
        f"{prefix}{model.__name__}",
        __base__=Payload,
        __module__=__name__,
        __doc__=f"The fields a {model.__name__} accepts on {operation} (flame-hub-client 0.5.5's name).",
        **fields,
    )


#: The fields a :class:`Realm` accepts on create (0.5.5's ``CreateRealm``).
CreateRealm = body_model(Realm, "create")
#: The fields a :class:`Realm` accepts on update (0.5.5's ``UpdateRealm``).
UpdateRealm = body_model(Realm, "update")
#: The fields a :class:`User` accepts on create (0.5.5's ``CreateUser``).
CreateUser = body_model(User, "create")
#: The fields a :class:`User` accepts on update (0.5.5's ``UpdateUser``).
UpdateUser = body_model(User, "update")
#: The fields a :class:`Permission` accepts on create (0.5.5's ``CreatePermission``).
CreatePermission = body_model(Permission, "create")
#: The fields a :class:`Permission` accepts on update (0.5.5's ``UpdatePermission``).
UpdatePermission = body_model(Permission, "update")
#: The fields a :class:`Role` accepts on create (0.5.5's ``CreateRole``).
CreateRole = body_model(Role, "create")
#: The fields a :class:`Role` accepts on update (0.5.5's ``UpdateRole``).
UpdateRole = body_model(Role, "update")
#: The fields a :class:`RolePermission` accepts on create (0.5.5's ``CreateRolePermission``).
CreateRolePermission = body_model(RolePermission, "create")
#: The fields a :class:`UserPermission` accepts on create (0.5.5's ``CreateUserPermission``).
CreateUserPermission = body_model(UserPermission, "create")
#: The fields a :class:`UserRole` accepts on create (0.5.5's ``CreateUserRole``).
CreateUserRole = body_model(UserRole, "create")
#: The fields a :class:`Client` accepts on create (0.5.5's ``CreateClient``).
CreateClient = body_model(Client, "create")
#: The fields a :class:`Client` accepts on update (0.5.5's ``UpdateClient``).
UpdateClient = body_model(Client, "update")
#: The fields a :class:`Node` accepts on create (0.5.5's ``CreateNode``).
CreateNode = body_model(Node, "create")
#: The fields a :class:`Node` accepts on update (0.5.5's ``UpdateNode``).
UpdateNode = body_model(Node, "update")
#: The fields a :class:`Project` accepts on create (0.5.5's ``CreateProject``).
CreateProject = body_model(Project, "create")
#: The fields a :class:`Project` accepts on update (0.5.5's ``UpdateProject``).
UpdateProject = body_model(Project, "update")
#: The fields a :class:`ProjectNode` accepts on create (0.5.5's ``CreateProjectNode``).
CreateProjectNode = body_model(ProjectNode, "create")
#: The fields a :class:`Analysis` accepts on create (0.5.5's ``CreateAnalysis``).
CreateAnalysis = body_model(Analysis, "create")
#: The fields a :class:`Analysis` accepts on update (0.5.5's ``UpdateAnalysis``).
UpdateAnalysis = body_model(Analysis, "update")
#: The fields a :class:`AnalysisNode` accepts on create (0.5.5's ``CreateAnalysisNode``).
CreateAnalysisNode = body_model(AnalysisNode, "create")
#: The fields a :class:`AnalysisNode` accepts on update (0.5.5's ``UpdateAnalysisNode``).
UpdateAnalysisNode = body_model(AnalysisNode, "update")
#: The fields a :class:`AnalysisNodeLog` accepts on create (0.5.5's ``CreateAnalysisNodeLog``).
CreateAnalysisNodeLog = body_model(AnalysisNodeLog, "create")
#: The fields a :class:`AnalysisBucket` accepts on create (0.5.5's ``CreateAnalysisBucket``).
CreateAnalysisBucket = body_model(AnalysisBucket, "create")
#: The fields a :class:`AnalysisBucketFile` accepts on create (0.5.5's ``CreateAnalysisBucketFile``).
CreateAnalysisBucketFile = body_model(AnalysisBucketFile, "create")
#: The fields a :class:`AnalysisBucketFile` accepts on update (0.5.5's ``UpdateAnalysisBucketFile``).
UpdateAnalysisBucketFile = body_model(AnalysisBucketFile, "update")
#: The fields a :class:`Registry` accepts on create (0.5.5's ``CreateRegistry``).
CreateRegistry = body_model(Registry, "create")
#: The fields a :class:`Registry` accepts on update (0.5.5's ``UpdateRegistry``).
UpdateRegistry = body_model(Registry, "update")
#: The fields a :class:`RegistryProject` accepts on create (0.5.5's ``CreateRegistryProject``).
CreateRegistryProject = body_model(RegistryProject, "create")
#: The fields a :class:`RegistryProject` accepts on update (0.5.5's ``UpdateRegistryProject``).
UpdateRegistryProject = body_model(RegistryProject, "update")
#: The fields a :class:`Bucket` accepts on create (0.5.5's ``CreateBucket``).
CreateBucket = body_model(Bucket, "create")


class UpdateClientCredentials(Payload):
    """What ``update_<node|analysis>_client_credentials`` sends: only the given keys (no secret: a new one)."""

    secret: Annotated[str | None, SECRET] = None
    name: str | None = None
    display_name: str | None = None


class AccessToken(Payload):
    """authup's answer to a ``client_credentials`` token request."""

    access_token: Annotated[str | None, SECRET] = None
    expires_in: int | None = None
    token_type: str | None = None
    scope: str | None = None


class RefreshToken(AccessToken):
    """authup's answer to a ``password`` or ``refresh_token`` grant: an access token and its refresh token."""

    refresh_token: Annotated[str | None, SECRET] = None
    refresh_token_expires_in: int | None = None
