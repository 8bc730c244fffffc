"""What the Hub core derives and provisions, shared by its hooks (:mod:`.core_effects`) and its
special routes: the collection keys, the authup client of a node or an analysis (auth.md §4.2), a
project's counters, an analysis' validity flags and its storage buckets, generated names, and the
realm and permission checks the core applies by hand.

Derived columns (counters, flags) are written without moving ``updatedAt``. Unsure: whether the Hub's
recounts touch ``updatedAt`` is not in the reference.
"""

from __future__ import annotations

from typing import Any

from ..context import Hub, RequestContext, permission_error
from ..errors import HubError, issue, rejected
from ..hooks import HookFn
from ..schema import Row

#: The collections the core's effects and special routes read and write, by key.
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


def addressed(ctx: RequestContext, key: str) -> Row:
    """The row ``:id`` addresses in ``key``, after the login every core route needs (404 otherwise)."""
    ctx.require_login()
    return ctx.crud(key).find(ctx, ctx.params["id"], "get")


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


def set_derived(hub: Hub, key: str, row_id: str, **values: Any) -> None:
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


# -- derived columns --------------------------------------------------------------------------------------
def recount_project(hub: Hub, project_id: Any) -> None:
    """``project.nodes`` / ``project.analyses`` from their rows."""
    if hub.table(PROJECTS).get(project_id) is None:
        return
    set_derived(
        hub,
        PROJECTS,
        project_id,
        nodes=len(hub.table(PROJECT_NODES).where(projectId=project_id)),
        analyses=len(hub.table(ANALYSES).where(projectId=project_id)),
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


def analysis_refresher(column: str) -> HookFn:
    """A hook recomputing the derived columns of the analysis ``row[column]`` names (after a write of
    the analysis itself, one of its nodes or one of its bucket files)."""

    def refresh_analysis_of(ctx: RequestContext, row: Row) -> None:
        refresh_analysis(ctx.hub, row.get(column))

    return refresh_analysis_of


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
            set_derived(hub, ANALYSIS_BUCKETS, link["id"], bucketId=bucket["id"])
        else:
            hub.crud(ANALYSIS_BUCKETS).create_row(
                core, {"type": kind, "bucketId": bucket["id"], "analysisId": analysis["id"]}, authorize=False
            )
