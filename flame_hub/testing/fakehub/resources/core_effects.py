"""The Hub core's server-side effects (core-and-storage.md §3), as hook functions for the declarations.

What a client can observe after a write: a node or analysis gets an authup client (auth.md §4.2),
project counters follow their project-nodes and analyses, an analysis gets its approved project
nodes and its CODE/RESULT/TEMP storage buckets, analysis counters and validity flags follow their
analysis-nodes and entrypoint files, and the storage aggregator mirrors uploads into analysis buckets
as analysis-bucket-files.

At the Hub several of these run asynchronously (bucket creation, the storage aggregator, authup
calls); FakeHub runs them synchronously inside the request, so they are visible as soon as the
request returns. Core acts towards authup and storage as the master-realm ``system`` client
(``hub.internal_context``). Derived columns (counters, flags) are written without moving
``updatedAt``. Unsure: whether the Hub's recounts touch ``updatedAt`` is not in the reference.
"""

from __future__ import annotations

from typing import Any

from ..context import Hub, RequestContext, permission_error
from ..errors import HubError, issue, not_found, rejected
from ..schema import Row

NODES = "core:nodes"
PROJECTS = "core:projects"
PROJECT_NODES = "core:project-nodes"
ANALYSES = "core:analyses"
ANALYSIS_NODES = "core:analysis-nodes"
ANALYSIS_BUCKETS = "core:analysis-buckets"
ANALYSIS_BUCKET_FILES = "core:analysis-bucket-files"
REGISTRIES = "core:registries"
REGISTRY_PROJECTS = "core:registry-projects"
BUCKETS = "storage:buckets"
BUCKET_FILES = "storage:bucket-files"

#: core-and-storage.md §3.9: the storage bucket of each analysis bucket type.
BUCKET_PREFIXES = {
    "CODE": "analysis-code-files",
    "RESULT": "analysis-result-files",
    "TEMP": "analysis-temp-files",
}

HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
#: nanoid-like alphabet that satisfies externalName's ``^[a-z0-9-_]*$``.
EXTERNAL_NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_ADJECTIVES = (
    "able", "brave", "calm", "eager", "fair", "gentle", "happy", "keen", "lively", "merry",
    "nimble", "proud", "quick", "quiet", "swift", "tidy", "vivid", "warm", "wise", "young",
)  # fmt: skip
_NOUNS = (
    "badger", "cedar", "dolphin", "falcon", "glacier", "harbor", "island", "lantern", "meadow", "otter",
    "pebble", "quartz", "river", "sparrow", "thistle", "valley", "willow", "yarrow", "zephyr", "comet",
)  # fmt: skip


# -- small helpers ----------------------------------------------------------------------------------------
def analysis_error(message: str) -> HubError:
    """A failed analysis precondition: 400 with the error class name as code (§1.7, §3.4.1)."""
    return HubError("ANALYSIS_ERROR", message)


def creator_stamps(ctx: RequestContext) -> Row:
    """``userId``/``robotId``/``clientId`` of the caller (exactly one is set)."""
    identity = ctx.identity
    return {
        "userId": identity.id if identity is not None and identity.kind == "user" else None,
        "robotId": None,
        "clientId": identity.id if identity is not None and identity.kind == "client" else None,
    }


def generated_name(ctx: RequestContext) -> str:
    """``adjective-noun-xxxxxx`` (core-and-storage.md §3.2); the word lists are FakeHub's own."""
    ids = ctx.hub.ids
    adjective = _ADJECTIVES[int(ids.hex(4), 16) % len(_ADJECTIVES)]
    noun = _NOUNS[int(ids.hex(4), 16) % len(_NOUNS)]
    return f"{adjective}-{noun}-{ids.token(6)}"


def fill_generated_name(ctx: RequestContext, row: Row) -> None:
    """before_create: an omitted or empty ``name`` is generated (projects, analyses)."""
    if not row.get("name"):
        row["name"] = generated_name(ctx)


def keep_name(ctx: RequestContext, row: Row, changes: Row) -> None:
    """before_update: ``name`` may be changed, not cleared (only creation generates one)."""
    if "name" in changes and not changes["name"]:
        raise rejected([issue("value_invalid", ["name"], "The name must not be empty.")])


def require_realm_of(ctx: RequestContext, *realm_ids: Any) -> None:
    """The caller must be able to write one of ``realm_ids`` (403 ``permission_denied``)."""
    identity = ctx.require_login()
    if not any(identity.can_write_realm(r) for r in realm_ids):
        raise HubError("permission_denied", "You are not permitted to manage this realm.")


def require_all_permissions(ctx: RequestContext, *names: str) -> None:
    """Every one of ``names`` (authup's default unanimous strategy for several permissions)."""
    identity = ctx.require_login()
    missing = [name for name in names if name not in identity.permissions]
    if missing:
        raise permission_error(ctx.service, missing)


def _system(ctx: RequestContext) -> RequestContext:
    return ctx.hub.internal_context("auth")


def _set(hub: Hub, key: str, row_id: str, **values: Any) -> None:
    """Write server-owned columns without moving ``updatedAt``."""
    row = hub.table(key).get(row_id)
    if row is not None:
        row.update(values)


# -- authup clients of nodes and analyses (auth.md §4.2) -----------------------------------------------
def provision_client(ctx: RequestContext, row: Row, permissions: tuple[str, ...]) -> None:
    """Create the authup client named after ``row``'s id in its realm and grant ``permissions``."""
    if row.get("clientId"):
        # Unsure: a node created with an explicit clientId keeps it; the reference only says the
        # server provisions one on insert.
        return
    system = _system(ctx)
    hub = ctx.hub
    client = hub.crud("auth:clients").create_row(
        system, {"name": row["id"], "realmId": row["realmId"], "authMethod": "secret"}, authorize=False
    )
    for name in permissions:
        permission = hub.table("auth:permissions").first(name=name, realmId=None)
        if permission is not None:
            hub.crud("auth:client-permissions").create_row(
                system, {"clientId": client["id"], "permissionId": permission["id"]}, authorize=False
            )
    row["clientId"] = client["id"]


def remove_client(ctx: RequestContext, row: Row) -> None:
    """Delete the authup client of a deleted node or analysis (a missing client is tolerated)."""
    client = ctx.hub.table("auth:clients").get(row.get("clientId"))
    if client is not None:
        ctx.hub.crud("auth:clients").delete_row(_system(ctx), client, authorize=False)


# -- nodes ------------------------------------------------------------------------------------------------
def hex_public_key(value: Any) -> Any:
    """core-and-storage.md §3.1: a non-hex publicKey is stored as the hex of its UTF-8 bytes."""
    if isinstance(value, str) and value and not set(value) <= HEX_DIGITS:
        return value.encode("utf-8").hex()
    return value


def _external_name_free(ctx: RequestContext, row: Row, exclude: str | None) -> None:
    """Unique ``(externalName, registryId)`` where both are set (SQL lets NULLs repeat)."""
    name, registry = row.get("externalName"), row.get("registryId")
    if name is None or registry is None:
        return
    for other in ctx.hub.table(NODES).where(registryId=registry):
        if other["id"] != exclude and other.get("externalName") == name:
            raise HubError("entity_conflict", "An entry with some unique attributes already exists.")


def node_before_create(ctx: RequestContext, row: Row) -> None:
    row["publicKey"] = hex_public_key(row.get("publicKey"))
    _external_name_free(ctx, row, None)


def node_after_create(ctx: RequestContext, row: Row) -> None:
    provision_client(ctx, row, ("analysis_update",))
    if row.get("registryId") is None:
        # Hub v0.14.0 NodeService.linkRegistryProject: a new node without a registry gets the Hub's
        # registry when there is exactly one (RegistryManagerAdapter.findDefaultRegistryId; observed)
        registries = ctx.hub.table(REGISTRIES).rows()
        if len(registries) == 1:
            row["registryId"] = registries[0]["id"]
    link_registry(ctx, row)


def node_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    if "publicKey" in changes:
        changes["publicKey"] = hex_public_key(changes["publicKey"])
    _external_name_free(ctx, {**row, **changes}, row["id"])
    if "registryId" in changes and changes["registryId"] != row.get("registryId"):
        # Disconnecting (null) or moving tears the node's registry project down.
        unlink_registry(ctx, row)
        changes["registryProjectId"] = None


def node_after_update(ctx: RequestContext, row: Row) -> None:
    link_registry(ctx, row)


def node_after_delete(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    remove_client(ctx, row)
    unlink_registry(ctx, row)
    # Memberships go with the node (foreign keys ON DELETE CASCADE); counters follow.
    for membership in hub.table(PROJECT_NODES).where(nodeId=row["id"]):
        hub.table(PROJECT_NODES).delete(membership["id"])
        recount_project(hub, membership["projectId"])
    for participation in hub.table(ANALYSIS_NODES).where(nodeId=row["id"]):
        hub.table(ANALYSIS_NODES).delete(participation["id"])
        refresh_analysis(hub, participation["analysisId"])


def link_registry(ctx: RequestContext, node: Row) -> None:
    """A node with a registry gets a ``node`` registry project and an externalName (§3.1/§3.12).

    FakeHub has no Harbor: it fills the robot account (``accountName``/``accountSecret``) that the
    Harbor link would provide, so ``GET /nodes/:id/registry/credentials`` has something to hand out.
    """
    hub = ctx.hub
    if node.get("registryId") is None or node.get("registryProjectId") is not None:
        return
    external = node.get("externalName") or hub.ids.token(21, EXTERNAL_NAME_ALPHABET)
    project = hub.seed_row(
        REGISTRY_PROJECTS,
        {
            "registryId": node["registryId"], "name": node["name"], "externalName": external, "type": "node",
            "public": False, "externalId": None, "accountId": None,
            "accountName": f"robot${external}", "accountSecret": hub.ids.token(32, EXTERNAL_NAME_ALPHABET),
            "webhookName": None, "webhookExists": False, "realmId": node["realmId"],
        },
    )  # fmt: skip
    node["externalName"] = external
    node["registryProjectId"] = project["id"]


def unlink_registry(ctx: RequestContext, node: Row) -> None:
    """Remove the node's registry project (registry disconnected or node deleted)."""
    project_id = node.get("registryProjectId")
    if project_id is not None:
        ctx.hub.table(REGISTRY_PROJECTS).delete(project_id)


def registry_after_delete(ctx: RequestContext, row: Row) -> None:
    """A deleted registry: ``registryId`` SET NULL on nodes/analyses, its projects cascade (§3.11)."""
    hub = ctx.hub
    projects = {p["id"] for p in hub.table(REGISTRY_PROJECTS).where(registryId=row["id"])}
    for project_id in projects:
        hub.table(REGISTRY_PROJECTS).delete(project_id)
    for node in hub.table(NODES).where(registryId=row["id"]):
        _set(hub, NODES, node["id"], registryId=None)
    for node in hub.table(NODES).rows():
        if node.get("registryProjectId") in projects:
            _set(hub, NODES, node["id"], registryProjectId=None)
    for analysis in hub.table(ANALYSES).where(registryId=row["id"]):
        _set(hub, ANALYSES, analysis["id"], registryId=None)


# -- registry projects (§3.12) ----------------------------------------------------------------------------
def registry_project_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """Mutations need registry_project_manage; update/delete also the record's realm."""
    ctx.require_login()
    if op in ("create", "update", "delete"):
        ctx.require_any_permission("registry_project_manage")
    if row is not None and op in ("update", "delete"):
        require_realm_of(ctx, row.get("realmId"))


# -- projects ---------------------------------------------------------------------------------------------
def recount_project(hub: Hub, project_id: Any) -> None:
    """``project.nodes`` / ``project.analyses`` from their rows."""
    if hub.table(PROJECTS).get(project_id) is None:
        return
    _set(
        hub,
        PROJECTS,
        project_id,
        nodes=len(hub.table(PROJECT_NODES).where(projectId=project_id)),
        analyses=len(hub.table(ANALYSES).where(projectId=project_id)),
    )


def project_before_create(ctx: RequestContext, row: Row) -> None:
    fill_generated_name(ctx, row)
    row.update(creator_stamps(ctx))
    row["nodes"], row["analyses"] = 0, 0


def project_before_delete(ctx: RequestContext, row: Row) -> None:
    if ctx.hub.table(ANALYSES).where(projectId=row["id"]):
        # core-and-storage.md §3.2: 400 while analyses exist. Unsure: the exact message.
        raise HubError("bad_request", "The project can not be deleted while it still has analyses.")


def project_after_delete(ctx: RequestContext, row: Row) -> None:
    table = ctx.hub.table(PROJECT_NODES)
    for membership in table.where(projectId=row["id"]):
        table.delete(membership["id"])


# -- project-nodes ----------------------------------------------------------------------------------------
def project_node_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """§3.3: create/delete need project_create AND project_update; update needs project_approve and
    the node's realm; delete the node's or the project's realm (create's realm check is in the hook)."""
    ctx.require_login()
    if op in ("create", "delete"):
        require_all_permissions(ctx, "project_create", "project_update")
    elif op == "update":
        ctx.require_any_permission("project_approve")
    if row is not None and op == "update":
        require_realm_of(ctx, row.get("nodeRealmId"))
    elif row is not None and op == "delete":
        require_realm_of(ctx, row.get("nodeRealmId"), row.get("projectRealmId"))


def project_node_before_create(ctx: RequestContext, row: Row) -> None:
    project = ctx.hub.table(PROJECTS).get(row["projectId"]) or {}
    node = ctx.hub.table(NODES).get(row["nodeId"]) or {}
    require_realm_of(ctx, project.get("realmId"))
    row["projectRealmId"] = project.get("realmId")
    row["nodeRealmId"] = node.get("realmId")
    # Hub v0.14.0 ProjectNodeService.create: approved at once for an aggregator node, or for every node
    # when the deployment sets SKIP_PROJECT_APPROVAL (FakeHub(skip_project_approval=True)).
    approved = ctx.hub.skip_project_approval or node.get("type") == "aggregator"
    row["approvalStatus"] = "approved" if approved else None


def project_node_changed(ctx: RequestContext, row: Row) -> None:
    recount_project(ctx.hub, row["projectId"])


# -- analyses ---------------------------------------------------------------------------------------------
def analysis_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """§3.4: create needs analysis_create and a *user*; update/delete their permission plus the realm."""
    identity = ctx.require_login()
    if op == "create":
        ctx.require_any_permission("analysis_create")
        if identity.kind != "user":
            raise HubError("permission_denied", "Only users are permitted to create analyses.")
    elif op in ("update", "delete"):
        ctx.require_any_permission(f"analysis_{op}")
        if row is not None:
            require_realm_of(ctx, row.get("realmId"))


def analysis_before_create(ctx: RequestContext, row: Row) -> None:
    project = ctx.hub.table(PROJECTS).get(row["projectId"]) or {}
    fill_generated_name(ctx, row)
    row["realmId"] = project.get("realmId")
    if row.get("masterImageId") is None:
        row["masterImageId"] = project.get("masterImageId")
    row["userId"] = ctx.identity.id if ctx.identity is not None else None
    row.update(derived_analysis_state(ctx.hub, row))


def analysis_after_create(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    provision_client(ctx, row, ())
    core = hub.internal_context("core")
    for membership in hub.table(PROJECT_NODES).where(projectId=row["projectId"]):
        if membership.get("approvalStatus") == "approved":
            hub.crud(ANALYSIS_NODES).create_row(
                core, {"analysisId": row["id"], "nodeId": membership["nodeId"]}, authorize=False
            )
    ensure_analysis_buckets(ctx, row)
    recount_project(hub, row["projectId"])
    refresh_analysis(hub, row["id"])


def analysis_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    registry = row.get("registryId")
    if registry is not None and "registryId" in changes and changes["registryId"] != registry:
        raise HubError("bad_request", "The registry of an analysis can not be changed once it is set.")
    image = changes.get("masterImageId", row.get("masterImageId"))
    if image != row.get("masterImageId") and "imageCommandArguments" not in changes:
        # Unsure: whether arguments sent together with a new image survive; FakeHub keeps them.
        changes["imageCommandArguments"] = None


def analysis_after_update(ctx: RequestContext, row: Row) -> None:
    refresh_analysis(ctx.hub, row["id"])


def analysis_after_delete(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    storage = hub.internal_context("storage")
    for link in hub.table(ANALYSIS_BUCKETS).where(analysisId=row["id"]):
        bucket = hub.table(BUCKETS).get(link["bucketId"])
        if bucket is not None:
            hub.crud(BUCKETS).delete_row(storage, bucket, authorize=False)
        hub.table(ANALYSIS_BUCKETS).delete(link["id"])
    for key in (ANALYSIS_BUCKET_FILES, ANALYSIS_NODES, "core:analysis-node-events"):
        for child in hub.table(key).where(analysisId=row["id"]):
            hub.table(key).delete(child["id"])
    remove_client(ctx, row)
    recount_project(hub, row["projectId"])


def ensure_analysis_buckets(ctx: RequestContext, analysis: Row) -> None:
    """Create the missing CODE/RESULT/TEMP storage buckets and analysis-buckets (create, storageCheck)."""
    hub = ctx.hub
    storage = hub.internal_context("storage")
    core = hub.internal_context("core")
    for kind, prefix in BUCKET_PREFIXES.items():
        link = hub.table(ANALYSIS_BUCKETS).first(analysisId=analysis["id"], type=kind)
        if link is not None and hub.table(BUCKETS).get(link["bucketId"]) is not None:
            continue
        bucket = hub.crud(BUCKETS).create_row(
            storage, {"name": f"{prefix}.{analysis['id']}", "realmId": analysis["realmId"]}, authorize=False
        )
        if link is not None:
            _set(hub, ANALYSIS_BUCKETS, link["id"], bucketId=bucket["id"])
        else:
            hub.crud(ANALYSIS_BUCKETS).create_row(
                core, {"type": kind, "bucketId": bucket["id"], "analysisId": analysis["id"]}, authorize=False
            )


def derived_analysis_state(hub: Hub, analysis: Row) -> Row:
    """Counters and validity flags of an analysis from its nodes, entrypoint and image (§3.4)."""
    participations = hub.table(ANALYSIS_NODES).where(analysisId=analysis.get("id"))
    nodes = hub.table(NODES)
    types = [(nodes.get(p["nodeId"]) or {}).get("type") for p in participations]
    aggregator = "aggregator" in types
    default = "default" in types
    approved = sum(1 for p in participations if p.get("approvalStatus") == "approved")
    entrypoint = any(
        row.get("root") for row in hub.table(ANALYSIS_BUCKET_FILES).where(analysisId=analysis.get("id"))
    )
    image = analysis.get("masterImageId") is not None
    return {
        "nodes": len(participations),
        "nodesApproved": approved,
        "configurationEntrypointValid": entrypoint,
        "configurationImageValid": image,
        "configurationNodeAggregatorValid": aggregator,
        "configurationNodeDefaultValid": default,
        "configurationNodesValid": aggregator and default,
        # AnalysisNodeMetadataRecalculator: SKIP_ANALYSIS_APPROVAL ignores the approvals
        "buildNodesValid": bool(participations)
        and (hub.skip_analysis_approval or approved == len(participations)),
    }


def refresh_analysis(hub: Hub, analysis_id: Any) -> None:
    """Recompute an analysis' derived columns."""
    row = hub.table(ANALYSES).get(analysis_id)
    if row is not None:
        row.update(derived_analysis_state(hub, row))


# -- analysis-nodes ---------------------------------------------------------------------------------------
def analysis_node_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """§3.5: create needs analysis_update; update/delete the node's or the analysis' realm (403) and
    analysis_update or analysis_approve (400, authup's permission error)."""
    ctx.require_login()
    if op == "create":
        ctx.require_any_permission("analysis_update")
    elif op in ("update", "delete"):
        if row is not None:
            require_realm_of(ctx, row.get("nodeRealmId"), row.get("analysisRealmId"))
        ctx.require_any_permission("analysis_update", "analysis_approve")


def analysis_node_preconditions(ctx: RequestContext, row: Row) -> None:
    """before_create: the analysis must not be locked (400) and the node must be a project member (404)."""
    hub = ctx.hub
    analysis = hub.table(ANALYSES).get(row["analysisId"]) or {}
    if analysis.get("configurationLocked"):
        raise analysis_error("The analysis configuration is locked.")
    if hub.table(PROJECT_NODES).first(projectId=analysis.get("projectId"), nodeId=row["nodeId"]) is None:
        raise not_found("project node")


def analysis_node_before_create(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    analysis = hub.table(ANALYSES).get(row["analysisId"]) or {}
    node = hub.table(NODES).get(row["nodeId"]) or {}
    row["analysisRealmId"] = analysis.get("realmId")
    row["nodeRealmId"] = node.get("realmId")
    if hub.skip_analysis_approval or node.get("type") == "aggregator":
        # Hub v0.14.0 AnalysisNodeService.create / AnalysisService.assignProjectNodes: approved at once
        # for an aggregator node, or for every node with SKIP_ANALYSIS_APPROVAL.
        row["approvalStatus"] = "approved"


def analysis_node_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    """Approval needs the node's realm + analysis_approve; execution updates + analysis_update (400)."""
    identity = ctx.require_login()
    node_realm = identity.can_write_realm(row.get("nodeRealmId"))
    checks = (
        (("approvalStatus", "comment"), "analysis_approve"),
        (("executionStatus", "executionProgress"), "analysis_update"),
    )
    for keys, permission in checks:
        sent = [key for key in keys if key in changes]
        if not sent:
            continue
        if permission not in identity.permissions:
            raise permission_error(ctx.service, (permission,))
        if not node_realm:
            raise rejected(
                [issue("value_invalid", [sent[0]], f"Only the node's realm may change {sent[0]}.")]
            )


def analysis_node_changed(ctx: RequestContext, row: Row) -> None:
    refresh_analysis(ctx.hub, row["analysisId"])


# -- analysis-buckets and analysis-bucket-files -----------------------------------------------------------
def record_realm_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """Login for reads and create; the record's realm for update/delete (§3.9/§3.10)."""
    ctx.require_login()
    if row is not None and op in ("update", "delete"):
        require_realm_of(ctx, row.get("realmId"))


def analysis_bucket_before_create(ctx: RequestContext, row: Row) -> None:
    analysis = ctx.hub.table(ANALYSES).get(row["analysisId"]) or {}
    row["realmId"] = analysis.get("realmId")


def analysis_bucket_file_before_create(ctx: RequestContext, row: Row) -> None:
    link = ctx.hub.table(ANALYSIS_BUCKETS).get(row["analysisBucketId"]) or {}
    row["analysisId"] = link.get("analysisId")
    row["realmId"] = ctx.identity.realm_id if ctx.identity is not None else None
    row.update(creator_stamps(ctx))


def analysis_bucket_file_changed(ctx: RequestContext, row: Row) -> None:
    refresh_analysis(ctx.hub, row.get("analysisId"))


# -- the storage aggregator (core-and-storage.md §3.10/§4.3) ----------------------------------------------
def on_bucket_file_created(ctx: RequestContext, file: Row) -> None:
    """A file uploaded into an analysis' storage bucket is registered as an analysis-bucket-file."""
    hub = ctx.hub
    link = hub.table(ANALYSIS_BUCKETS).first(bucketId=file["bucketId"])
    if link is None or hub.table(ANALYSIS_BUCKET_FILES).first(
        analysisId=link["analysisId"], path=file["path"]
    ):
        return
    body = {
        "analysisBucketId": link["id"],
        "bucketId": file["bucketId"],
        "bucketFileId": file["id"],
        "path": file["path"],
        "root": False,
    }
    try:
        created = hub.crud(ANALYSIS_BUCKET_FILES).create_row(
            hub.internal_context("core"), body, authorize=False
        )
    except HubError:
        # The Hub's aggregator runs after the upload answered; its failures (e.g. a path over the
        # 256 characters analysis-bucket-files allow) never reach the uploader.
        return
    # The aggregator records the uploader, not the core's own identity.
    kind = file.get("actorType")
    created.update(
        {
            "realmId": file.get("realmId"),
            "userId": file.get("actorId") if kind == "user" else None,
            "clientId": file.get("actorId") if kind == "client" else None,
        }
    )


def on_bucket_file_deleted(ctx: RequestContext, file: Row) -> None:
    """A deleted storage file takes its analysis-bucket-file rows with it."""
    hub = ctx.hub
    table = hub.table(ANALYSIS_BUCKET_FILES)
    for row in table.where(bucketFileId=file["id"]):
        table.delete(row["id"])
        refresh_analysis(hub, row.get("analysisId"))
