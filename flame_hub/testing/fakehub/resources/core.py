"""Hub v0.14.0 core resources (core-and-storage.md §3) and a fresh core's master-image catalogue.

Declarations only: the effects live in :mod:`.core_effects` and :mod:`.analysis_effects`, the
special routes in :mod:`.core_routes` (credentials, services) and :mod:`.analysis_commands`, the
telemetry-backed log endpoints in :mod:`.core_logs`.
Reads of every core collection need only a login (§1.2); writes name their permissions here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from ..context import Hub
from ..errors import HubError
from ..schema import (
    DESCRIPTION,
    DISPLAY_NAME,
    NAME,
    SLUG,
    WRITES,
    Collections,
    Field,
    ForeignKey,
    Relation,
    Resource,
    writes,
)
from . import analysis_effects, core_effects, core_state
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


core = Collections("core", embeds_on=frozenset({"create"}))
#: A core collection in a realm: create defaults the caller's realm, writes need it.
realmed = core.with_defaults(realm_field="realmId", realm_guard=True)
#: The key of a row's realm, copied from the records it belongs to (read-only).
REALM = Field.uuid("realmId")
SLUG_NAME = replace(SLUG, required=False, nullable=True, normalize=_slug)
CREATOR = tuple(Field.uuid(key, nullable=True) for key in ("userId", "robotId", "clientId"))
EXTERNAL_NAME = r"^[a-z0-9-_]*$"

# -- §3.1 nodes -----------------------------------------------------------------------------------------
NODES = realmed.entity(
    "nodes",
    Field.editable("name", required=True, min_length=3, max_length=128),
    Field.editable("type", choices=NODE_TYPES, default="default"),
    Field.editable("hidden", type="bool", default=False),
    Field("online", type="bool", default=False),
    Field.editable("publicKey", nullable=True, min_length=5, max_length=4096),
    Field.editable("externalName", nullable=True, min_length=1, max_length=64, pattern=EXTERNAL_NAME),
    Field.fk("registryId", core_state.REGISTRIES, nullable=True, create=True, update=True),
    Field.uuid("registryProjectId", nullable=True),
    Field.uuid("clientId", nullable=True, create=True, update=True),
    Field.uuid("robotId", nullable=True),
    Field("realmId", type="uuid", create=True, references=ForeignKey("auth:realms", error=_unknown_realm)),
    unique=(("name", "realmId"),),
    filters=("id", "name", "online", "hidden", "clientId", "realmId", "robotId"),
    sorts=("name", "updatedAt", "createdAt"),
    relations=(
        Relation.on("registryProjectId", core_state.REGISTRY_PROJECTS),
        Relation.on("registryId", core_state.REGISTRIES),
    ),
    permissions=writes("node"),
    hooks=core_effects.ON_NODE,
)
#: ``fields=`` may name every column (and ``meta.schema`` lists them).
NODES = replace(NODES, fields_allowed=NODES.field_names)

# -- §3.2 projects --------------------------------------------------------------------------------------
PROJECTS = realmed.entity(
    "projects",
    SLUG_NAME,
    DISPLAY_NAME,
    DESCRIPTION,
    Field.fk("masterImageId", "core:master-images", nullable=True, create=True, update=True),
    Field("nodes", type="int", default=0),
    Field("analyses", type="int", default=0),
    REALM,
    *CREATOR,
    unique=(("name",),),
    filters=("id", "name", "displayName", "realmId", "userId"),
    sorts=("id", "name", "displayName", "updatedAt", "createdAt"),
    relations=(Relation.on("masterImageId", "core:master-images"),),
    permissions=writes("project"),
    hooks=core_effects.ON_PROJECT,
)

# -- §3.3 project-nodes ---------------------------------------------------------------------------------
PROJECT_NODES = core.entity(
    "project-nodes",
    Field.fk("projectId", core_state.PROJECTS, required=True, create=True),
    Field.fk("nodeId", core_state.NODES, required=True, create=True),
    Field("approvalStatus", nullable=True, update=True, choices=APPROVAL_STATUS),
    Field("comment", nullable=True, update=True, min_length=3, max_length=4096),
    Field.uuid("projectRealmId"),
    Field.uuid("nodeRealmId"),
    unique=(("projectId", "nodeId"),),
    filters=("approvalStatus", "projectRealmId", "projectId", "nodeRealmId", "nodeId"),
    sorts=("createdAt", "updatedAt"),
    relations=(Relation.on("nodeId", core_state.NODES), Relation.on("projectId", core_state.PROJECTS)),
    hooks=core_effects.ON_PROJECT_NODE,
)

# -- §3.4 analyses --------------------------------------------------------------------------------------
_FLAGS = (
    "configurationLocked", "configurationEntrypointValid", "configurationImageValid",
    "configurationNodeAggregatorValid", "configurationNodeDefaultValid", "configurationNodesValid",
    "buildNodesValid",
)  # fmt: skip
_STAGES = ("build", "distribution", "execution")
ANALYSES = core.entity(
    "analyses",
    Field.fk("projectId", core_state.PROJECTS, required=True, create=True),
    SLUG_NAME,
    DISPLAY_NAME,
    DESCRIPTION,
    Field.fk("masterImageId", "core:master-images", nullable=True, create=True, update=True),
    Field.editable("imageCommandArguments", type="json", nullable=True, check=_command_arguments),
    Field.fk("registryId", core_state.REGISTRIES, nullable=True, create=True, update=True),
    Field("nodes", type="int", default=0),
    Field("nodesApproved", type="int", default=0),
    *(Field(flag, type="bool", default=False) for flag in _FLAGS),
    *(Field(f"{stage}Status", nullable=True) for stage in _STAGES),
    *(Field(f"{stage}Progress", type="int", nullable=True) for stage in _STAGES),
    Field("buildHash", nullable=True),
    Field("buildOs", nullable=True),
    Field("buildSize", type="number", nullable=True),
    Field.uuid("clientId", nullable=True),
    REALM,
    Field.uuid("userId", nullable=True),
    domain="analysis",  # not derived from the path: an irregular plural
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
        Relation.on("projectId", core_state.PROJECTS),
        Relation.on("masterImageId", "core:master-images"),
    ),
    embeds_on=frozenset({"create", "update"}),  # an update with masterImageId embeds it (observed)
    hooks=analysis_effects.ON_ANALYSIS,
)

# -- §3.5 analysis-nodes, §3.6 analysis-node-events -------------------------------------------------------
ANALYSIS_NODES = core.entity(
    "analysis-nodes",
    Field.fk("analysisId", core_state.ANALYSES, required=True, create=True),
    Field.fk("nodeId", core_state.NODES, required=True, create=True),
    Field.editable("approvalStatus", nullable=True, choices=APPROVAL_STATUS),
    Field.editable("comment", nullable=True),
    Field.editable("executionStatus", nullable=True, choices=PROCESS_STATUS),
    Field.editable("executionProgress", type="int", nullable=True, check=_progress),
    Field("artifactTag", nullable=True),
    Field("artifactDigest", nullable=True),
    Field.uuid("analysisRealmId"),
    Field.uuid("nodeRealmId"),
    unique=(("analysisId", "nodeId"),),
    filters=("executionStatus", "approvalStatus", "analysisId", "analysisRealmId", "nodeId", "nodeRealmId"),
    sorts=("createdAt", "updatedAt"),
    relations=(Relation.on("nodeId", core_state.NODES), Relation.on("analysisId", core_state.ANALYSES)),
    hooks=analysis_effects.ON_ANALYSIS_NODE,
)

ANALYSIS_NODE_EVENTS = core.entity(
    "analysis-node-events",
    Field.uuid("eventId", nullable=True),
    *(Field.uuid(key) for key in ("analysisId", "analysisRealmId", "nodeId", "nodeRealmId")),
    filters=("analysisId", "nodeId"),
    sorts=("createdAt", "updatedAt"),
    relations=(Relation.on("analysisId", core_state.ANALYSES), Relation.on("nodeId", core_state.NODES)),
    operations=frozenset({"list", "get"}),
)

# -- §3.9 analysis-buckets, §3.10 analysis-bucket-files ---------------------------------------------------
ANALYSIS_BUCKETS = core.entity(
    "analysis-buckets",
    Field("type", required=True, create=True, choices=BUCKET_TYPES),
    # The storage bucket lives in another service's database: not checked as a foreign key.
    Field.uuid("bucketId", required=True, create=True),
    Field.fk("analysisId", core_state.ANALYSES, required=True, create=True),
    REALM,
    unique=(("bucketId", "analysisId"),),
    filters=("analysisId", "type"),
    sorts=("type", "createdAt", "updatedAt"),
    relations=(Relation.on("analysisId", core_state.ANALYSES),),
    hooks=analysis_effects.ON_ANALYSIS_BUCKET,
)

ANALYSIS_BUCKET_FILES = core.entity(
    "analysis-bucket-files",
    Field.fk("analysisBucketId", core_state.ANALYSIS_BUCKETS, required=True, create=True),
    Field.uuid("bucketId", required=True, create=True),
    Field.uuid("bucketFileId", required=True, create=True),
    Field.editable("path", required=True, min_length=1, max_length=256),
    Field.editable("root", type="bool", default=False),
    Field.uuid("analysisId"),
    REALM,
    *CREATOR,
    unique=(("analysisId", "path"),),
    filters=("path", "root", "analysisBucketId", "analysisId"),
    sorts=("path", "createdAt", "updatedAt"),
    relations=(
        Relation.on("analysisId", core_state.ANALYSES),
        Relation.on("analysisBucketId", core_state.ANALYSIS_BUCKETS),
    ),
    hooks=analysis_effects.ON_ANALYSIS_BUCKET_FILE,
)

# -- §3.11 registries, §3.12 registry-projects ------------------------------------------------------------
REGISTRIES = core.entity(
    "registries",
    Field.editable("name", required=True, min_length=3, max_length=128),
    Field.editable("host", required=True, normalize=_hostname, min_length=3, max_length=512),
    Field.editable("accountName", nullable=True, min_length=3, max_length=256),
    # write answers echo it (observed on Hub v0.14.0, create and update)
    Field.secret(
        "accountSecret", registry_secret_visible, create=True, update=True, min_length=3, max_length=256
    ),
    unique=(("name",), ("host",)),
    filters=("id", "name"),
    sorts=("id", "updatedAt", "createdAt"),
    permissions=dict.fromkeys(WRITES, ("registry_manage",)),
    hooks=core_effects.ON_REGISTRY,
)
#: ``fields=`` may name every column (and ``meta.schema`` lists them).
REGISTRIES = replace(REGISTRIES, fields_allowed=REGISTRIES.field_names)

REGISTRY_PROJECTS = core.entity(
    "registry-projects",
    Field.fk("registryId", core_state.REGISTRIES, required=True, create=True),
    Field.editable("name", required=True, min_length=5, max_length=128),
    Field.editable("externalName", required=True, min_length=3, max_length=64, pattern=EXTERNAL_NAME),
    Field("type", required=True, create=True, choices=REGISTRY_PROJECT_TYPES),
    Field("public", type="bool", default=True),
    *(Field(key, nullable=True) for key in ("externalId", "accountId", "accountName")),
    Field.secret("accountSecret", account_secret_visible, echo_on_write=False),
    Field("webhookName", nullable=True),
    Field("webhookExists", type="bool", default=False),
    Field.uuid("realmId", nullable=True),
    unique=(("registryId", "name"), ("registryId", "externalName")),
    filters=("id", "name", "registryId", "externalName", "type"),
    sorts=("id", "updatedAt", "createdAt"),
    relations=(Relation.on("registryId", core_state.REGISTRIES),),
    hooks=core_effects.ON_REGISTRY_PROJECT,
)

# -- §3.13 master-images, §3.14 master-image-groups -------------------------------------------------------
MASTER_IMAGES = core.entity(
    "master-images",
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
    filters=("id", "name", "path", "virtualPath", "groupVirtualPath"),
    sorts=("path",),
    default_sort=(("path", "ASC"),),
    operations=frozenset({"list", "get", "delete"}),
    permissions={"delete": ("master_image_manage",)},
)

MASTER_IMAGE_GROUPS = core.entity(
    "master-image-groups",
    *(Field(key) for key in ("name", "path", "virtualPath")),
    filters=("id", "name", "path", "virtualPath"),
    sorts=(),
    operations=frozenset({"list", "get", "delete"}),
    permissions={"delete": ("master_image_group_manage",)},
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
