"""The Hub core's server-side effects on analyses (core-and-storage.md §3.4-§3.10): the hooks
core.py's declarations name, and the storage aggregator's.

What a client can observe after a write: an analysis gets an authup client (auth.md §4.2), its
approved project nodes and its CODE/RESULT/TEMP storage buckets; its counters and validity flags follow
its analysis-nodes and entrypoint files; the storage aggregator mirrors uploads into analysis buckets
as analysis-bucket-files.

At the Hub several of these run asynchronously (bucket creation, the storage aggregator, authup
calls); FakeHub runs them synchronously inside the request, so they are visible as soon as the
request returns. Core acts towards authup and storage as the master-realm ``system`` client
(``hub.internal_context``); what the hooks derive and provision is in :mod:`.core_state`.
"""

from __future__ import annotations

from ..context import RequestContext, permission_error
from ..errors import HubError, issue, rejected
from ..hooks import Hooks
from ..schema import Row
from . import core_state as state
from .core_state import (
    ANALYSES,
    ANALYSIS_BUCKET_FILES,
    ANALYSIS_BUCKETS,
    ANALYSIS_NODES,
    BUCKETS,
    NODES,
    PROJECT_NODES,
    PROJECTS,
)

# -- analyses ------------------------------------------------------------------------------------------
ON_ANALYSIS = Hooks(before_update=(state.keep_name,), after_update=(state.analysis_refresher("id"),))


@ON_ANALYSIS.authorize
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
            state.require_realm_of(ctx, row.get("realmId"))


@ON_ANALYSIS.before_create
def analysis_before_create(ctx: RequestContext, row: Row) -> None:
    project = ctx.hub.table(PROJECTS).get(row["projectId"]) or {}
    state.fill_generated_name(ctx, row)
    row["realmId"] = project.get("realmId")
    if row.get("masterImageId") is None:
        row["masterImageId"] = project.get("masterImageId")
    row["userId"] = ctx.identity.id if ctx.identity is not None else None
    row.update(state.derived_analysis_state(ctx.hub, row))


@ON_ANALYSIS.after_create
def analysis_after_create(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    state.provision_client(ctx, row, ())
    core = hub.internal_context("core")
    for membership in hub.table(PROJECT_NODES).where(projectId=row["projectId"]):
        if membership.get("approvalStatus") == "approved":
            hub.crud(ANALYSIS_NODES).create_row(
                core, {"analysisId": row["id"], "nodeId": membership["nodeId"]}, authorize=False
            )
    state.ensure_analysis_buckets(ctx, row)
    state.recount_project(hub, row["projectId"])
    state.refresh_analysis(hub, row["id"])


@ON_ANALYSIS.before_update
def analysis_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    registry = row.get("registryId")
    if registry is not None and "registryId" in changes and changes["registryId"] != registry:
        raise HubError("bad_request", "The registry of an analysis can not be changed once it is set.")
    image = changes.get("masterImageId", row.get("masterImageId"))
    if image != row.get("masterImageId") and "imageCommandArguments" not in changes:
        # Unsure: whether arguments sent together with a new image survive; FakeHub keeps them.
        changes["imageCommandArguments"] = None


@ON_ANALYSIS.after_delete
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
    state.remove_client(ctx, row)
    state.recount_project(hub, row["projectId"])


# -- analysis-nodes ------------------------------------------------------------------------------------
#: A participation changes its analysis' counters and flags.
_REFRESH = (state.analysis_refresher("analysisId"),)
ON_ANALYSIS_NODE = Hooks(after_create=_REFRESH, after_update=_REFRESH, after_delete=_REFRESH)


@ON_ANALYSIS_NODE.authorize
def analysis_node_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """§3.5: create needs analysis_update; update/delete the node's or the analysis' realm (403) and
    analysis_update or analysis_approve (400, authup's permission error)."""
    ctx.require_login()
    if op == "create":
        ctx.require_any_permission("analysis_update")
    elif op in ("update", "delete"):
        if row is not None:
            state.require_realm_of(ctx, row.get("nodeRealmId"), row.get("analysisRealmId"))
        ctx.require_any_permission("analysis_update", "analysis_approve")


@ON_ANALYSIS_NODE.before_create
def analysis_node_preconditions(ctx: RequestContext, row: Row) -> None:
    """before_create: the analysis must not be locked (400) and the node must be a project member (404);
    the Hub checks both before it looks for an existing participation (observed on Hub v0.14.0, with
    these codes and messages)."""
    hub = ctx.hub
    analysis = hub.table(ANALYSES).get(row["analysisId"]) or {}
    if analysis.get("configurationLocked"):
        raise HubError(
            "bad_request", "The analysis has already been locked and can therefore no longer be modified."
        )
    if hub.table(PROJECT_NODES).first(projectId=analysis.get("projectId"), nodeId=row["nodeId"]) is None:
        raise HubError("entity_not_found", "The referenced node is not part of the analysis project.")


@ON_ANALYSIS_NODE.before_create
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


@ON_ANALYSIS_NODE.before_update
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


# -- analysis-buckets and analysis-bucket-files --------------------------------------------------------
def record_realm_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """Login for reads and create; the record's realm for update/delete (§3.9/§3.10)."""
    ctx.require_login()
    if row is not None and op in ("update", "delete"):
        state.require_realm_of(ctx, row.get("realmId"))


ON_ANALYSIS_BUCKET = Hooks(authorize=record_realm_authorize)
#: An entrypoint file changes its analysis' flags.
ON_ANALYSIS_BUCKET_FILE = Hooks(
    after_create=_REFRESH, after_update=_REFRESH, after_delete=_REFRESH, authorize=record_realm_authorize
)


@ON_ANALYSIS_BUCKET.before_create
def analysis_bucket_before_create(ctx: RequestContext, row: Row) -> None:
    analysis = ctx.hub.table(ANALYSES).get(row["analysisId"]) or {}
    row["realmId"] = analysis.get("realmId")


@ON_ANALYSIS_BUCKET_FILE.before_create
def analysis_bucket_file_before_create(ctx: RequestContext, row: Row) -> None:
    link = ctx.hub.table(ANALYSIS_BUCKETS).get(row["analysisBucketId"]) or {}
    row["analysisId"] = link.get("analysisId")
    row["realmId"] = ctx.identity.realm_id if ctx.identity is not None else None
    row.update(state.creator_stamps(ctx))


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
        state.refresh_analysis(hub, row.get("analysisId"))
