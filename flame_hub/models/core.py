"""The Hub core resources and payloads the core client exposes (Hub v0.14.0, core-and-storage.md §3).

Shared by every core resource: ids are UUIDs only (no by-name addressing); the record route honours
``fields`` and ``include`` (§2.6); several sort keys are honoured. The Hub declares a default order only
for analyses (``updatedAt`` descending) and master-images (``path``), so ``default_ordering`` names a
sortable key that does not change over a record's life (``created_at``) wherever one exists, followed
by a tiebreaker: the unique ``id`` where it is sortable, otherwise the sortable key with the fewest ties
(a node's ``name``, unique within its realm; an analysis' ``name``; a bucket file's ``path``, unique
within its analysis). createdAt has whole-second resolution on the Hub, so many rows share one, and
``LIMIT``/``OFFSET`` paging over ties may repeat and skip rows (docs/orm.md, "Ordering and paging").

Server-filled fields are ``READ_ONLY`` as core-and-storage.md §6.8 lists them (ids, timestamps, every
``realm_id``/``*_realm_id``, creator stamps, counters, analysis status/progress fields).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BeforeValidator, Field

from flame_hub.models.auth import Client, Realm, User
from flame_hub.models.base import Entity, Resource
from flame_hub.models.storage import Bucket, BucketFile
from flame_hub.orm.graph import Related, Relation
from flame_hub.orm.relations import ManyToMany, Reverse
from flame_hub.schema.fields import (
    CREATE_ONLY,
    INCLUDE,
    LEGACY,
    READ_ONLY,
    REQUIRED,
    REQUIRED_CREATE_ONLY,
    SECRET,
    FieldSpec,
)
from flame_hub.schema.payload import Payload
from flame_hub.schema.record import Operation, ResourceMeta
from flame_hub.types import (
    AnalysisBucketType,
    ApprovalStatus,
    CommandArgumentPosition,
    LogChannel,
    LogLevel,
    NodeType,
    ProcessStatus,
    RegistryProjectType,
)

__all__ = [
    "Analysis",
    "AnalysisBucket",
    "AnalysisBucketFile",
    "AnalysisLog",
    "AnalysisNode",
    "AnalysisNodeEvent",
    "AnalysisNodeLog",
    "ClientCredentials",
    "Log",
    "MasterImage",
    "MasterImageCommandArgument",
    "MasterImageGroup",
    "Node",
    "NodeRegistryCredentials",
    "Project",
    "ProjectNode",
    "Registry",
    "RegistryProject",
]

_READ: frozenset[Operation] = frozenset({"list", "get"})
_READ_DELETE: frozenset[Operation] = frozenset({"list", "get", "delete"})
_NO_UPDATE: frozenset[Operation] = frozenset({"list", "get", "create", "delete"})

#: Accepted on update only (approval and execution fields the Hub sets through later updates).
_UPDATE_ONLY = FieldSpec(create=False)
#: A secret the Hub fills itself and returns only with ``fields=+accountSecret``.
_READ_ONLY_SECRET = FieldSpec(create=False, update=False, secret=True, opt_in=True)


def _none_is_empty(value: object) -> object:
    return [] if value is None else value


#: A known bucket type parses to the AnalysisBucketType enum (tried first); a type added later stays a str.
_BucketType = Annotated[AnalysisBucketType | str | None, Field(union_mode="left_to_right")]


# -- payloads -----------------------------------------------------------------------------------------


class MasterImageCommandArgument(Payload):
    """One argument added to a master image's command (``imageCommandArguments``, ``commandArguments``)."""

    value: str | None = None
    # Optional on the wire; the existing client filled a default in (its issues #42/#85). Here an unset
    # position is simply not sent (``wire_dump`` leaves unset keys out).
    position: CommandArgumentPosition | str | None = None


class ClientCredentials(Payload):
    """The authup client of a node or analysis, as ``GET/POST <nodes|analyses>/:id/client/credentials``."""

    id: UUID | None = None
    name: str | None = None
    display_name: str | None = None
    # As stored by authup: plaintext after a rotation, possibly a hash otherwise.
    secret: Annotated[str | None, SECRET] = None


class NodeRegistryCredentials(Payload):
    """The Harbor robot account of a node's registry project (``GET nodes/:id/registry/credentials``)."""

    host: str | None = None
    external_name: str | None = None
    account_name: str | None = None
    account_secret: Annotated[str | None, SECRET] = None


class Log(Payload):
    """A telemetry log entry of an analysis or of one node's part in it (§3.7, §3.8).

    The field markers matter where an entry can be created (``AnalysisNodeLog``, which reuses these
    fields): ``message`` and ``level`` are required there, the rest is filled in by telemetry.
    """

    time: Annotated[datetime | None, READ_ONLY] = None
    message: Annotated[str | None, REQUIRED] = None
    level: Annotated[LogLevel | str | None, REQUIRED] = None
    service: Annotated[str | None, READ_ONLY] = None
    channel: Annotated[LogChannel | str | None, READ_ONLY] = None
    # ``{refType, analysisId, nodeId, code?, status?, ...}``: where the entry belongs travels here.
    labels: dict[str, str] | None = None


# -- registries and images ----------------------------------------------------------------------------


class MasterImageGroup(Entity):
    """A folder of the master-image catalog (``python``, ``r`` ...)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="master-image-groups",
        domain="masterImageGroup",
        filters=("id", "name", "path", "virtual_path"),
        # The Hub declares no sort key here (every sort is dropped), so there is no stable order to ask for.
        sorts=(),
        operations=_READ_DELETE,
        default_ordering=(),
    )

    name: Annotated[str | None, READ_ONLY] = None
    path: Annotated[str | None, READ_ONLY] = None
    virtual_path: Annotated[str | None, READ_ONLY] = None


class MasterImage(Entity):
    """A base image analyses build on; a read-only catalog synced from GitHub (``sync_master_images``)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="master-images",
        domain="masterImage",
        filters=("id", "name", "path", "virtual_path", "group_virtual_path"),
        sorts=("path",),
        operations=_READ_DELETE,
        default_ordering=("path",),
    )

    name: Annotated[str | None, READ_ONLY] = None
    path: Annotated[str | None, READ_ONLY] = None
    virtual_path: Annotated[str | None, READ_ONLY] = None
    group_virtual_path: Annotated[str | None, READ_ONLY] = None
    command: Annotated[str | None, READ_ONLY] = None
    command_arguments: Annotated[list[MasterImageCommandArgument] | None, READ_ONLY] = None
    build_status: Annotated[ProcessStatus | str | None, READ_ONLY] = None
    build_progress: Annotated[int | None, READ_ONLY] = None
    build_hash: Annotated[str | None, READ_ONLY] = None
    build_size: Annotated[int | None, READ_ONLY] = None


class Registry(Entity):
    """A Harbor registry analyses are pushed to and nodes pull from."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="registries",
        domain="registry",
        filters=("id", "name"),
        sorts=("id", "updated_at", "created_at"),
        default_ordering=("created_at", "id"),
    )

    name: Annotated[str | None, REQUIRED] = None
    host: Annotated[str | None, REQUIRED] = None
    account_name: str | None = None
    account_secret: Annotated[str | None, SECRET] = None

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    registry_project_set: ClassVar[Reverse[RegistryProject]]


class RegistryProject(Entity):
    """A Harbor project inside a registry (one per node, plus the shared incoming/outgoing ones)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="registry-projects",
        domain="registryProject",
        filters=("id", "name", "registry_id", "external_name", "type"),
        sorts=("id", "updated_at", "created_at"),
        default_ordering=("created_at", "id"),
    )

    registry_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    name: Annotated[str | None, REQUIRED] = None
    external_name: Annotated[str | None, REQUIRED] = None
    # The reference lists ``type`` as "C req" only: not updatable.
    type: Annotated[RegistryProjectType | str | None, REQUIRED_CREATE_ONLY] = None
    public: Annotated[bool | None, READ_ONLY] = None
    external_id: Annotated[str | None, READ_ONLY] = None
    account_id: Annotated[str | None, READ_ONLY] = None
    # The robot account is filled by the Harbor link; the existing client sends account_name/secret on
    # create and update, but the Hub treats both as read-only (§3.12) and drops them.
    account_name: Annotated[str | None, READ_ONLY] = None
    account_secret: Annotated[str | None, _READ_ONLY_SECRET] = None
    webhook_name: Annotated[str | None, READ_ONLY] = None
    webhook_exists: Annotated[bool | None, READ_ONLY] = None
    realm_id: Annotated[UUID | None, READ_ONLY] = None
    registry: Annotated[Registry | None, INCLUDE] = None
    realm = Related(Realm)


# -- nodes and projects -------------------------------------------------------------------------------


class Node(Entity):
    """A site taking part in analyses (``default``) or aggregating their results (``aggregator``)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="nodes",
        domain="node",
        filters=("id", "name", "online", "hidden", "client_id", "realm_id", "robot_id"),
        sorts=("name", "updated_at", "created_at"),
        default_ordering=("created_at", "name"),
    )

    name: Annotated[str | None, REQUIRED] = None
    type: NodeType | str | None = None
    hidden: bool | None = None
    # No writer in the Hub at v0.14 (stays false).
    online: Annotated[bool | None, READ_ONLY] = None
    public_key: str | None = None
    external_name: str | None = None
    # None on update disconnects the node from its registry (tears its registry project down).
    registry_id: UUID | None = None
    registry_project_id: Annotated[UUID | None, READ_ONLY] = None
    # Writable at the Hub (C, U), unlike other creator/client stamps; the Hub provisions one on create.
    client_id: UUID | None = None
    # Deprecated robot-era link, kept because it is still a filter key.
    robot_id: Annotated[UUID | None, READ_ONLY] = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    registry: Annotated[Registry | None, INCLUDE] = None
    registry_project: Annotated[RegistryProject | None, INCLUDE] = None
    #: The node's authup client (another service: read through the record's Hub).
    client = Related(Client)
    realm = Related(Realm)

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    project_node_set: ClassVar[Reverse[ProjectNode]]
    analysis_node_set: ClassVar[Reverse[AnalysisNode]]
    analysis_node_event_set: ClassVar[Reverse[AnalysisNodeEvent]]
    project_set: ClassVar[ManyToMany[Project, ProjectNode]]
    analysis_set: ClassVar[ManyToMany[Analysis, AnalysisNode]]


class Project(Entity):
    """A study: the nodes that take part (project-nodes) and the analyses run over them."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="projects",
        domain="project",
        filters=("id", "name", "display_name", "realm_id", "user_id"),
        sorts=("id", "name", "display_name", "updated_at", "created_at"),
        default_ordering=("created_at", "id"),
    )

    # Not required: the Hub generates ``adjective-noun-xxxxxx`` when it is omitted.
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    master_image_id: UUID | None = None
    nodes: Annotated[int | None, READ_ONLY] = None
    analyses: Annotated[int | None, READ_ONLY] = None
    # Not settable at v0.14: the creator's realm.
    realm_id: Annotated[UUID | None, READ_ONLY] = None
    user_id: Annotated[UUID | None, READ_ONLY] = None
    robot_id: Annotated[UUID | None, READ_ONLY] = None
    client_id: Annotated[UUID | None, READ_ONLY] = None
    master_image: Annotated[MasterImage | None, INCLUDE] = None
    realm = Related(Realm)
    #: The creator, when a user created it (``robot_id``: the robots of Hub v0.8 are gone).
    user = Related(User)
    #: The creator, when a client created it.
    client = Related(Client)

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    project_node_set: ClassVar[Reverse[ProjectNode]]
    analysis_set: ClassVar[Reverse[Analysis]]
    node_set: ClassVar[ManyToMany[Node, ProjectNode]]


class ProjectNode(Entity):
    """A node's membership in a project, with the node's approval of it."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="project-nodes",
        domain="projectNode",
        filters=("approval_status", "project_realm_id", "project_id", "node_realm_id", "node_id"),
        sorts=("created_at", "updated_at"),
        default_ordering=("created_at",),
    )

    project_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    node_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    # Update only (§3.3, by the node's realm with ``project_approve``); None = pending.
    approval_status: Annotated[ApprovalStatus | str | None, _UPDATE_ONLY] = None
    comment: Annotated[str | None, _UPDATE_ONLY] = None
    project_realm_id: Annotated[UUID | None, READ_ONLY] = None
    node_realm_id: Annotated[UUID | None, READ_ONLY] = None
    node: Annotated[Node | None, INCLUDE] = None
    project: Annotated[Project | None, INCLUDE] = None


# -- analyses -----------------------------------------------------------------------------------------


class Analysis(Entity):
    """A piece of code run on a project's nodes: configured, locked, built, distributed and executed."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analyses",
        domain="analysis",
        filters=(
            "id",
            "name",
            "display_name",
            "description",
            "project_id",
            "realm_id",
            "build_status",
            "execution_status",
            "configuration_locked",
        ),
        sorts=("name", "display_name", "created_at", "updated_at"),
        # The Hub's own default is ``updatedAt`` descending, which moves while paging; created_at does not.
        default_ordering=("created_at", "name"),
    )

    project_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    # Not required: generated when omitted.
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    # Changing it resets image_command_arguments to null at the Hub.
    master_image_id: UUID | None = None
    # A list, empty when there are none: the Hub answers null after a master-image change, and
    # flame-hub-client 0.5.5 read (and sent) that as []; so does this model.
    image_command_arguments: Annotated[
        list[MasterImageCommandArgument] | None, BeforeValidator(_none_is_empty)
    ] = None
    # Immutable once set (400); assigned at distribution when null.
    registry_id: UUID | None = None
    nodes: Annotated[int | None, READ_ONLY] = None
    nodes_approved: Annotated[int | None, READ_ONLY] = None
    configuration_locked: Annotated[bool | None, READ_ONLY] = None
    configuration_entrypoint_valid: Annotated[bool | None, READ_ONLY] = None
    configuration_image_valid: Annotated[bool | None, READ_ONLY] = None
    configuration_node_aggregator_valid: Annotated[bool | None, READ_ONLY] = None
    configuration_node_default_valid: Annotated[bool | None, READ_ONLY] = None
    configuration_nodes_valid: Annotated[bool | None, READ_ONLY] = None
    build_nodes_valid: Annotated[bool | None, READ_ONLY] = None
    build_status: Annotated[ProcessStatus | str | None, READ_ONLY] = None
    build_progress: Annotated[int | None, READ_ONLY] = None
    build_hash: Annotated[str | None, READ_ONLY] = None
    build_os: Annotated[str | None, READ_ONLY] = None
    build_size: Annotated[int | None, READ_ONLY] = None
    distribution_status: Annotated[ProcessStatus | str | None, READ_ONLY] = None
    distribution_progress: Annotated[int | None, READ_ONLY] = None
    execution_status: Annotated[ProcessStatus | str | None, READ_ONLY] = None
    execution_progress: Annotated[int | None, READ_ONLY] = None
    client_id: Annotated[UUID | None, READ_ONLY] = None
    realm_id: Annotated[UUID | None, READ_ONLY] = None
    user_id: Annotated[UUID | None, READ_ONLY] = None
    # The existing client also asks for ``registry``; the Hub's allow-list has only these two (§3.4).
    project: Annotated[Project | None, INCLUDE] = None
    master_image: Annotated[MasterImage | None, INCLUDE] = None
    # 0.5.5's includable ``registry``: the Hub drops that include, so it is a relation read by id.
    registry: Annotated[Registry | None, LEGACY, Relation()] = None
    #: The analysis' authup client.
    client = Related(Client)
    realm = Related(Realm)
    #: The user who created it.
    user = Related(User)

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    analysis_node_set: ClassVar[Reverse[AnalysisNode]]
    analysis_node_event_set: ClassVar[Reverse[AnalysisNodeEvent]]
    analysis_bucket_set: ClassVar[Reverse[AnalysisBucket]]
    analysis_bucket_file_set: ClassVar[Reverse[AnalysisBucketFile]]
    node_set: ClassVar[ManyToMany[Node, AnalysisNode]]


class AnalysisNode(Entity):
    """A node's part in an analysis: its approval and its execution status."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analysis-nodes",
        domain="analysisNode",
        filters=(
            "execution_status",
            "approval_status",
            "analysis_id",
            "analysis_realm_id",
            "node_id",
            "node_realm_id",
        ),
        sorts=("created_at", "updated_at"),
        default_ordering=("created_at",),
    )

    analysis_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    node_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    # The Hub's create validator accepts these four too, but the reference says not to send them on
    # create (§3.5); they are set by later updates from the node's realm, so they are update-only here.
    approval_status: Annotated[ApprovalStatus | str | None, _UPDATE_ONLY] = None
    comment: Annotated[str | None, _UPDATE_ONLY] = None
    execution_status: Annotated[ProcessStatus | str | None, _UPDATE_ONLY] = None
    execution_progress: Annotated[int | None, _UPDATE_ONLY] = None
    artifact_tag: Annotated[str | None, READ_ONLY] = None
    artifact_digest: Annotated[str | None, READ_ONLY] = None
    analysis_realm_id: Annotated[UUID | None, READ_ONLY] = None
    node_realm_id: Annotated[UUID | None, READ_ONLY] = None
    analysis: Annotated[Analysis | None, INCLUDE] = None
    node: Annotated[Node | None, INCLUDE] = None


class AnalysisNodeEvent(Entity):
    """A telemetry event recorded for a node's part in an analysis (read-only; no writer at v0.14)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analysis-node-events",
        domain="analysisNodeEvent",
        filters=("analysis_id", "node_id"),
        sorts=("created_at", "updated_at"),
        operations=_READ,
        default_ordering=("created_at",),
    )

    event_id: Annotated[UUID | None, READ_ONLY] = None
    analysis_id: Annotated[UUID | None, READ_ONLY] = None
    analysis_realm_id: Annotated[UUID | None, READ_ONLY] = None
    node_id: Annotated[UUID | None, READ_ONLY] = None
    node_realm_id: Annotated[UUID | None, READ_ONLY] = None
    analysis: Annotated[Analysis | None, INCLUDE] = None
    node: Annotated[Node | None, INCLUDE] = None


# Logs are a telemetry proxy, not a DB entity (§2.7, §3.7, §3.8). They are declared as resources anyway so
# that listing goes through the one engine and the query vocabulary is checked like everywhere else. What
# the declaration cannot say, and the callers must know:
# - the list needs its id filters (analysis_id, and node_id for node logs): 400 without them;
# - only AND-ed equality filters are accepted (any other operator: 400);
# - ``sort=time`` is declared by the Hub but not forwarded, so no sort key is offered and there is no
#   default order;
# - deleting is a bulk ``DELETE <path>?filter[...]`` (202, body null), not the by-id "delete" operation, so
#   it is not in ``operations``;
# - the ids filtered by are not top-level keys of a log entry (they are in ``labels``); the fields are
#   declared so that they are filter keys, and stay None on parsed entries unless the Hub adds them.


class AnalysisLog(Log, Resource):
    """A log entry of an analysis as a whole (``find_analysis_logs``)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analysis-logs",
        domain="analysisLog",
        filters=("analysis_id", "level"),
        sorts=(),
        operations=frozenset({"list"}),
        default_ordering=(),
    )

    analysis_id: Annotated[UUID | None, READ_ONLY] = None


class AnalysisNodeLog(Log, Resource):
    """A log entry of one node's part in an analysis; nodes write them (``create_analysis_node_log``)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analysis-node-logs",
        domain="analysisNodeLog",
        filters=("analysis_id", "node_id", "level"),
        sorts=(),
        operations=frozenset({"list", "create"}),
        default_ordering=(),
    )

    analysis_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    node_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    # Sent on create; the Hub files them under ``labels`` of the stored entry.
    code: Annotated[str | None, CREATE_ONLY] = None
    status: Annotated[str | None, CREATE_ONLY] = None


# -- analysis storage ---------------------------------------------------------------------------------


class AnalysisBucket(Entity):
    """Links an analysis to one of its storage buckets (code, results, temporary files)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analysis-buckets",
        domain="analysisBucket",
        filters=("analysis_id", "type"),
        sorts=("type", "created_at", "updated_at"),
        # ``POST analysis-buckets/:id`` exists but has no updatable field (a no-op), so "update" is left out.
        operations=_NO_UPDATE,
        default_ordering=("created_at", "type"),
    )

    type: Annotated[_BucketType, REQUIRED_CREATE_ONLY] = None
    bucket_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    analysis_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    realm_id: Annotated[UUID | None, READ_ONLY] = None
    analysis: Annotated[Analysis | None, INCLUDE] = None
    #: The storage bucket (another service: read through the record's Hub).
    bucket = Related(Bucket)
    realm = Related(Realm)

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    analysis_bucket_file_set: ClassVar[Reverse[AnalysisBucketFile]]


class AnalysisBucketFile(Entity):
    """A storage file registered to an analysis bucket; ``root`` marks the code entrypoint."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="core",
        path="analysis-bucket-files",
        domain="analysisBucketFile",
        filters=("path", "root", "analysis_bucket_id", "analysis_id"),
        sorts=("path", "created_at", "updated_at"),
        default_ordering=("created_at", "path"),
    )

    analysis_bucket_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    # The storage bucket (not the analysis bucket) and the storage bucket-file.
    bucket_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    bucket_file_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    path: Annotated[str | None, REQUIRED] = None
    # The existing client calls it ``is_entrypoint`` in its method arguments.
    root: bool | None = None
    analysis_id: Annotated[UUID | None, READ_ONLY] = None
    realm_id: Annotated[UUID | None, READ_ONLY] = None
    user_id: Annotated[UUID | None, READ_ONLY] = None
    robot_id: Annotated[UUID | None, READ_ONLY] = None
    client_id: Annotated[UUID | None, READ_ONLY] = None
    analysis: Annotated[Analysis | None, INCLUDE] = None
    analysis_bucket: Annotated[AnalysisBucket | None, INCLUDE] = None
    #: The storage bucket and file (another service: read through the record's Hub).
    bucket = Related(Bucket)
    bucket_file = Related(BucketFile)
    realm = Related(Realm)
    user = Related(User)
    client = Related(Client)
