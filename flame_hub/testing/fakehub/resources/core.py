"""Hub v0.14.0 core resources (core-and-storage.md §3) and a fresh core's master-image catalogue.

Declarations only: the effects live in :mod:`.core_effects`, the special routes (credentials,
commands, services) in :mod:`.core_routes`, the telemetry-backed log endpoints in :mod:`.core_logs`.
Reads of every core collection need only a login (§1.2); writes name their permissions here.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..context import Hub
from ..errors import HubError
from ..schema import (
    NAME,
    NAME_PATTERN,
    Field,
    ForeignKey,
    Hooks,
    Relation,
    Resource,
    id_field,
    timestamps,
)
from . import core_effects as fx
from .core_secrets import account_secret_visible, registry_secret_visible

#: core-and-storage.md §3.17.
PROCESS_STATUS = ("starting", "started", "stopping", "stopped", "executing", "executed", "failed")
APPROVAL_STATUS = ("approved", "rejected")
NODE_TYPES = ("aggregator", "default")
BUCKET_TYPES = ("CODE", "RESULT", "TEMP")
REGISTRY_PROJECT_TYPES = ("default", "aggregator", "incoming", "outgoing", "masterImages", "node")


def _unknown_realm(key: str, value: Any) -> HubError:
    """observed.md: an unknown realmId on node create is a 500 (core looks the realm up at authup)."""
    return HubError("internal_error", "Can't find realm entity by realmId")


def _slug(value: Any) -> Any:
    """Project/analysis names: trimmed, lower-cased; empty means "generate one" (§3.2)."""
    value = NAME(value)
    return None if value == "" else value


def _hostname(value: Any) -> Any:
    """§3.11: an ``http(s)://…`` host is reduced to its hostname."""
    if isinstance(value, str) and re.match(r"^https?://", value.strip(), re.IGNORECASE):
        return urlsplit(value.strip()).hostname or value
    return value


def _command_arguments(value: Any) -> str | None:
    """``[{value: str 2-512, position?: 'before'|'after'}]`` (§1.4, §3.4)."""
    if not isinstance(value, list):
        return "The imageCommandArguments must be a list."
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            return "Every command argument needs a string value."
        if not 2 <= len(item["value"]) <= 512:
            return "A command argument value must be 2-512 characters long."
        if item.get("position") not in (None, "before", "after"):
            return "A command argument position must be before or after."
    return None


def _progress(value: Any) -> str | None:
    return None if isinstance(value, int) and 0 <= value <= 100 else "The progress must be 0-100."


def _uuid(name: str, **options: Any) -> Field:
    return Field(name, type="uuid", **options)


def _fk(name: str, target: str, **options: Any) -> Field:
    return Field(name, type="uuid", references=ForeignKey(target), **options)


SLUG_NAME = Field(
    "name",
    nullable=True,
    create=True,
    update=True,
    normalize=_slug,
    min_length=3,
    max_length=128,
    pattern=NAME_PATTERN,
)
DISPLAY_NAME = Field("displayName", nullable=True, create=True, update=True, min_length=3, max_length=256)
DESCRIPTION = Field("description", nullable=True, create=True, update=True, min_length=5, max_length=4096)
CREATOR = (_uuid("userId", nullable=True), _uuid("robotId", nullable=True), _uuid("clientId", nullable=True))

# -- §3.1 nodes -----------------------------------------------------------------------------------------
NODES = Resource(
    service="core",
    path="nodes",
    domain="node",
    fields=(
        id_field(),
        Field("name", required=True, create=True, update=True, min_length=3, max_length=128),
        Field("type", choices=NODE_TYPES, default="default", create=True, update=True),
        Field("hidden", type="bool", default=False, create=True, update=True),
        Field("online", type="bool", default=False),
        Field("publicKey", nullable=True, create=True, update=True, min_length=5, max_length=4096),
        Field(
            "externalName",
            nullable=True,
            create=True,
            update=True,
            min_length=1,
            max_length=64,
            pattern=r"^[a-z0-9-_]*$",
        ),
        _fk("registryId", fx.REGISTRIES, nullable=True, create=True, update=True),
        _uuid("registryProjectId", nullable=True),
        _uuid("clientId", nullable=True, create=True, update=True),
        _uuid("robotId", nullable=True),
        Field(
            "realmId", type="uuid", create=True, references=ForeignKey("auth:realms", error=_unknown_realm)
        ),
        *timestamps(),
    ),
    unique=(("name", "realmId"),),
    filters=("id", "name", "online", "hidden", "clientId", "realmId", "robotId"),
    sorts=("name", "updatedAt", "createdAt"),
    relations=(
        Relation("registryProject", fx.REGISTRY_PROJECTS, "registryProjectId"),
        Relation("registry", fx.REGISTRIES, "registryId"),
    ),
    fields_allowed=(
        "id",
        "name",
        "type",
        "hidden",
        "online",
        "publicKey",
        "externalName",
        "registryId",
        "registryProjectId",
        "clientId",
        "robotId",
        "realmId",
        "createdAt",
        "updatedAt",
    ),
    realm_field="realmId",
    realm_guard=True,
    permissions={"create": ("node_create",), "update": ("node_update",), "delete": ("node_delete",)},
    embeds_on=frozenset({"create"}),
    hooks=Hooks(
        before_create=(fx.node_before_create,),
        after_create=(fx.node_after_create,),
        before_update=(fx.node_before_update,),
        after_update=(fx.node_after_update,),
        after_delete=(fx.node_after_delete,),
    ),
)

# -- §3.2 projects --------------------------------------------------------------------------------------
PROJECTS = Resource(
    service="core",
    path="projects",
    domain="project",
    fields=(
        id_field(),
        SLUG_NAME,
        DISPLAY_NAME,
        DESCRIPTION,
        _fk("masterImageId", "core:master-images", nullable=True, create=True, update=True),
        Field("nodes", type="int", default=0),
        Field("analyses", type="int", default=0),
        _uuid("realmId"),
        *CREATOR,
        *timestamps(),
    ),
    unique=(("name",),),
    filters=("id", "name", "displayName", "realmId", "userId"),
    sorts=("id", "name", "displayName", "updatedAt", "createdAt"),
    relations=(Relation("masterImage", "core:master-images", "masterImageId"),),
    realm_field="realmId",
    realm_guard=True,
    permissions={
        "create": ("project_create",),
        "update": ("project_update",),
        "delete": ("project_delete",),
    },
    embeds_on=frozenset({"create"}),
    hooks=Hooks(
        before_create=(fx.project_before_create,),
        before_update=(fx.keep_name,),
        before_delete=(fx.project_before_delete,),
        after_delete=(fx.project_after_delete,),
    ),
)

# -- §3.3 project-nodes ---------------------------------------------------------------------------------
PROJECT_NODES = Resource(
    service="core",
    path="project-nodes",
    domain="projectNode",
    fields=(
        id_field(),
        _fk("projectId", fx.PROJECTS, required=True, create=True),
        _fk("nodeId", fx.NODES, required=True, create=True),
        Field("approvalStatus", nullable=True, update=True, choices=APPROVAL_STATUS),
        Field("comment", nullable=True, update=True, min_length=3, max_length=4096),
        _uuid("projectRealmId"),
        _uuid("nodeRealmId"),
        *timestamps(),
    ),
    unique=(("projectId", "nodeId"),),
    filters=("approvalStatus", "projectRealmId", "projectId", "nodeRealmId", "nodeId"),
    sorts=("createdAt", "updatedAt"),
    relations=(Relation("node", fx.NODES, "nodeId"), Relation("project", fx.PROJECTS, "projectId")),
    entity_label="project node",
    embeds_on=frozenset({"create"}),
    hooks=Hooks(
        before_create=(fx.project_node_before_create,),
        after_create=(fx.project_node_changed,),
        after_delete=(fx.project_node_changed,),
        authorize=fx.project_node_authorize,
    ),
)

# -- §3.4 analyses --------------------------------------------------------------------------------------
_FLAGS = (
    "configurationLocked",
    "configurationEntrypointValid",
    "configurationImageValid",
    "configurationNodeAggregatorValid",
    "configurationNodeDefaultValid",
    "configurationNodesValid",
    "buildNodesValid",
)
ANALYSES = Resource(
    service="core",
    path="analyses",
    domain="analysis",
    fields=(
        id_field(),
        _fk("projectId", fx.PROJECTS, required=True, create=True),
        SLUG_NAME,
        DISPLAY_NAME,
        DESCRIPTION,
        _fk("masterImageId", "core:master-images", nullable=True, create=True, update=True),
        Field(
            "imageCommandArguments",
            type="json",
            nullable=True,
            create=True,
            update=True,
            check=_command_arguments,
        ),
        _fk("registryId", fx.REGISTRIES, nullable=True, create=True, update=True),
        Field("nodes", type="int", default=0),
        Field("nodesApproved", type="int", default=0),
        *(Field(flag, type="bool", default=False) for flag in _FLAGS),
        *(Field(f"{stage}Status", nullable=True) for stage in ("build", "distribution", "execution")),
        *(
            Field(f"{stage}Progress", type="int", nullable=True)
            for stage in ("build", "distribution", "execution")
        ),
        Field("buildHash", nullable=True),
        Field("buildOs", nullable=True),
        Field("buildSize", type="number", nullable=True),
        _uuid("clientId", nullable=True),
        _uuid("realmId"),
        _uuid("userId", nullable=True),
        *timestamps(),
    ),
    filters=(
        "id",
        "name",
        "displayName",
        "description",
        "projectId",
        "realmId",
        "buildStatus",
        "executionStatus",
        "configurationLocked",
    ),
    sorts=("name", "displayName", "createdAt", "updatedAt"),
    default_sort=(("updatedAt", "DESC"),),
    relations=(
        Relation("project", fx.PROJECTS, "projectId"),
        Relation("masterImage", "core:master-images", "masterImageId"),
    ),
    embeds_on=frozenset({"create", "update"}),  # an update with masterImageId embeds it (observed)
    hooks=Hooks(
        before_create=(fx.analysis_before_create,),
        after_create=(fx.analysis_after_create,),
        before_update=(fx.keep_name, fx.analysis_before_update),
        after_update=(fx.analysis_after_update,),
        after_delete=(fx.analysis_after_delete,),
        authorize=fx.analysis_authorize,
    ),
)

# -- §3.5 analysis-nodes, §3.6 analysis-node-events -------------------------------------------------------
ANALYSIS_NODES = Resource(
    service="core",
    path="analysis-nodes",
    domain="analysisNode",
    fields=(
        id_field(),
        _fk("analysisId", fx.ANALYSES, required=True, create=True),
        _fk("nodeId", fx.NODES, required=True, create=True),
        Field("approvalStatus", nullable=True, create=True, update=True, choices=APPROVAL_STATUS),
        Field("comment", nullable=True, create=True, update=True),
        Field("executionStatus", nullable=True, create=True, update=True, choices=PROCESS_STATUS),
        Field("executionProgress", type="int", nullable=True, create=True, update=True, check=_progress),
        Field("artifactTag", nullable=True),
        Field("artifactDigest", nullable=True),
        _uuid("analysisRealmId"),
        _uuid("nodeRealmId"),
        *timestamps(),
    ),
    unique=(("analysisId", "nodeId"),),
    filters=("executionStatus", "approvalStatus", "analysisId", "analysisRealmId", "nodeId", "nodeRealmId"),
    sorts=("createdAt", "updatedAt"),
    relations=(Relation("node", fx.NODES, "nodeId"), Relation("analysis", fx.ANALYSES, "analysisId")),
    entity_label="analysis node",
    embeds_on=frozenset({"create"}),
    hooks=Hooks(
        before_create=(fx.analysis_node_preconditions, fx.analysis_node_before_create),
        after_create=(fx.analysis_node_changed,),
        before_update=(fx.analysis_node_before_update,),
        after_update=(fx.analysis_node_changed,),
        after_delete=(fx.analysis_node_changed,),
        authorize=fx.analysis_node_authorize,
    ),
)

ANALYSIS_NODE_EVENTS = Resource(
    service="core",
    path="analysis-node-events",
    domain="analysisNodeEvent",
    fields=(
        id_field(),
        _uuid("eventId", nullable=True),
        _uuid("analysisId"),
        _uuid("analysisRealmId"),
        _uuid("nodeId"),
        _uuid("nodeRealmId"),
        *timestamps(),
    ),
    filters=("analysisId", "nodeId"),
    sorts=("createdAt", "updatedAt"),
    relations=(Relation("analysis", fx.ANALYSES, "analysisId"), Relation("node", fx.NODES, "nodeId")),
    operations=frozenset({"list", "get"}),
    entity_label="analysis node event",
)

# -- §3.9 analysis-buckets, §3.10 analysis-bucket-files ---------------------------------------------------
ANALYSIS_BUCKETS = Resource(
    service="core",
    path="analysis-buckets",
    domain="analysisBucket",
    fields=(
        id_field(),
        Field("type", required=True, create=True, choices=BUCKET_TYPES),
        # The storage bucket lives in another service's database: not checked as a foreign key.
        _uuid("bucketId", required=True, create=True),
        _fk("analysisId", fx.ANALYSES, required=True, create=True),
        _uuid("realmId"),
        *timestamps(),
    ),
    unique=(("bucketId", "analysisId"),),
    filters=("analysisId", "type"),
    sorts=("type", "createdAt", "updatedAt"),
    relations=(Relation("analysis", fx.ANALYSES, "analysisId"),),
    entity_label="analysis bucket",
    embeds_on=frozenset({"create"}),
    hooks=Hooks(before_create=(fx.analysis_bucket_before_create,), authorize=fx.record_realm_authorize),
)

ANALYSIS_BUCKET_FILES = Resource(
    service="core",
    path="analysis-bucket-files",
    domain="analysisBucketFile",
    fields=(
        id_field(),
        _fk("analysisBucketId", fx.ANALYSIS_BUCKETS, required=True, create=True),
        _uuid("bucketId", required=True, create=True),
        _uuid("bucketFileId", required=True, create=True),
        Field("path", required=True, create=True, update=True, min_length=1, max_length=256),
        Field("root", type="bool", default=False, create=True, update=True),
        _uuid("analysisId"),
        _uuid("realmId"),
        *CREATOR,
        *timestamps(),
    ),
    unique=(("analysisId", "path"),),
    filters=("path", "root", "analysisBucketId", "analysisId"),
    sorts=("path", "createdAt", "updatedAt"),
    relations=(
        Relation("analysis", fx.ANALYSES, "analysisId"),
        Relation("analysisBucket", fx.ANALYSIS_BUCKETS, "analysisBucketId"),
    ),
    entity_label="analysis bucket file",
    embeds_on=frozenset({"create"}),
    hooks=Hooks(
        before_create=(fx.analysis_bucket_file_before_create,),
        after_create=(fx.analysis_bucket_file_changed,),
        after_update=(fx.analysis_bucket_file_changed,),
        after_delete=(fx.analysis_bucket_file_changed,),
        authorize=fx.record_realm_authorize,
    ),
)

# -- §3.11 registries, §3.12 registry-projects ------------------------------------------------------------
REGISTRIES = Resource(
    service="core",
    path="registries",
    domain="registry",
    fields=(
        id_field(),
        Field("name", required=True, create=True, update=True, min_length=3, max_length=128),
        Field(
            "host", required=True, create=True, update=True, normalize=_hostname, min_length=3, max_length=512
        ),
        Field("accountName", nullable=True, create=True, update=True, min_length=3, max_length=256),
        Field(
            "accountSecret",
            nullable=True,
            create=True,
            update=True,
            min_length=3,
            max_length=256,
            selected=False,  # write answers echo it (observed on Hub v0.14.0, create and update)
            read_guard=registry_secret_visible,
        ),
        *timestamps(),
    ),
    unique=(("name",), ("host",)),
    filters=("id", "name"),
    sorts=("id", "updatedAt", "createdAt"),
    fields_allowed=("id", "name", "host", "accountName", "accountSecret", "createdAt", "updatedAt"),
    permissions={
        "create": ("registry_manage",),
        "update": ("registry_manage",),
        "delete": ("registry_manage",),
    },
    hooks=Hooks(after_delete=(fx.registry_after_delete,)),
)

REGISTRY_PROJECTS = Resource(
    service="core",
    path="registry-projects",
    domain="registryProject",
    fields=(
        id_field(),
        _fk("registryId", fx.REGISTRIES, required=True, create=True),
        Field("name", required=True, create=True, update=True, min_length=5, max_length=128),
        Field(
            "externalName",
            required=True,
            create=True,
            update=True,
            min_length=3,
            max_length=64,
            pattern=r"^[a-z0-9-_]*$",
        ),
        Field("type", required=True, create=True, choices=REGISTRY_PROJECT_TYPES),
        Field("public", type="bool", default=True),
        Field("externalId", nullable=True),
        Field("accountId", nullable=True),
        Field("accountName", nullable=True),
        Field(
            "accountSecret",
            nullable=True,
            selected=False,
            echo_on_write=False,
            read_guard=account_secret_visible,
        ),
        Field("webhookName", nullable=True),
        Field("webhookExists", type="bool", default=False),
        _uuid("realmId", nullable=True),
        *timestamps(),
    ),
    unique=(("registryId", "name"), ("registryId", "externalName")),
    filters=("id", "name", "registryId", "externalName", "type"),
    sorts=("id", "updatedAt", "createdAt"),
    relations=(Relation("registry", fx.REGISTRIES, "registryId"),),
    realm_field=None,
    realm_guard=False,
    entity_label="registry project",
    embeds_on=frozenset({"create"}),
    hooks=Hooks(authorize=fx.registry_project_authorize),
)

# -- §3.13 master-images, §3.14 master-image-groups -------------------------------------------------------
MASTER_IMAGES = Resource(
    service="core",
    path="master-images",
    domain="masterImage",
    fields=(
        id_field(),
        Field("name"),
        Field("path", nullable=True),
        Field("virtualPath"),
        Field("groupVirtualPath"),
        Field("command", nullable=True),
        Field("commandArguments", type="json", nullable=True),
        Field("buildStatus", nullable=True),
        Field("buildProgress", type="int", nullable=True),
        Field("buildHash", nullable=True),
        Field("buildSize", type="number", nullable=True),
        *timestamps(),
    ),
    filters=("id", "name", "path", "virtualPath", "groupVirtualPath"),
    sorts=("path",),
    default_sort=(("path", "ASC"),),
    operations=frozenset({"list", "get", "delete"}),
    permissions={"delete": ("master_image_manage",)},
    entity_label="master image",
)

MASTER_IMAGE_GROUPS = Resource(
    service="core",
    path="master-image-groups",
    domain="masterImageGroup",
    fields=(id_field(), Field("name"), Field("path"), Field("virtualPath"), *timestamps()),
    filters=("id", "name", "path", "virtualPath"),
    sorts=(),
    operations=frozenset({"list", "get", "delete"}),
    permissions={"delete": ("master_image_group_manage",)},
    entity_label="master image group",
)

RESOURCES: tuple[Resource, ...] = (
    NODES, PROJECTS, PROJECT_NODES, ANALYSES, ANALYSIS_NODES, ANALYSIS_NODE_EVENTS, ANALYSIS_BUCKETS,
    ANALYSIS_BUCKET_FILES, REGISTRIES, REGISTRY_PROJECTS, MASTER_IMAGES, MASTER_IMAGE_GROUPS,
)  # fmt: skip

#: A fresh core's catalogue (the Hub syncs it from the PrivateAIM master-images repository). FakeHub
#: seeds two groups with one image each; the entries (paths, commands) are FakeHub's own choice.
MASTER_IMAGE_SEED: tuple[tuple[str, str, str], ...] = (
    ("python", "base", "python"),
    ("r", "base", "Rscript"),
)


def seed(hub: Hub) -> None:
    """The groups and images of :data:`MASTER_IMAGE_SEED`."""
    for group, name, command in MASTER_IMAGE_SEED:
        if hub.table(MASTER_IMAGE_GROUPS.key).first(virtualPath=group) is None:
            hub.seed_row(MASTER_IMAGE_GROUPS.key, {"name": group, "path": group, "virtualPath": group})
        hub.seed_row(
            MASTER_IMAGES.key,
            {
                "name": name, "path": f"{group}/{name}", "virtualPath": f"{group}/{name}",
                "groupVirtualPath": group, "command": command, "commandArguments": None,
                "buildStatus": None, "buildProgress": None, "buildHash": None, "buildSize": None,
            },
        )  # fmt: skip
