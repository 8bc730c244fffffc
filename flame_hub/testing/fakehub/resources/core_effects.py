"""The Hub core's server-side effects on nodes, registries and projects (core-and-storage.md §3.1-§3.3,
§3.11, §3.12): the hooks core.py's declarations name (analyses: :mod:`.analysis_effects`).

What a client can observe after a write: a node gets an authup client (auth.md §4.2) and, with a
registry, a registry project; project counters follow their project-nodes; deleting a node or a
registry takes what hangs on it along. Core acts towards authup as the master-realm ``system`` client
(``hub.internal_context``); what the hooks derive and provision is in :mod:`.core_state`.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import HubError
from ..hooks import Hooks
from ..schema import Row
from . import core_state as state
from .core_state import (
    ANALYSES,
    ANALYSIS_NODES,
    EXTERNAL_NAME_ALPHABET,
    NODES,
    PROJECT_NODES,
    PROJECTS,
    REGISTRIES,
    REGISTRY_PROJECTS,
)

# -- nodes ---------------------------------------------------------------------------------------------
ON_NODE = Hooks()
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


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


@ON_NODE.before_create
def node_before_create(ctx: RequestContext, row: Row) -> None:
    row["publicKey"] = hex_public_key(row.get("publicKey"))
    _external_name_free(ctx, row, None)


@ON_NODE.after_create
def node_after_create(ctx: RequestContext, row: Row) -> None:
    state.provision_client(ctx, row, ("analysis_update",))
    if row.get("registryId") is None:
        # Hub v0.14.0 NodeService.linkRegistryProject: a new node without a registry gets the Hub's
        # registry when there is exactly one (RegistryManagerAdapter.findDefaultRegistryId; observed)
        registries = ctx.hub.table(REGISTRIES).rows()
        if len(registries) == 1:
            row["registryId"] = registries[0]["id"]
    link_registry(ctx, row)


@ON_NODE.before_update
def node_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    if "publicKey" in changes:
        changes["publicKey"] = hex_public_key(changes["publicKey"])
    _external_name_free(ctx, {**row, **changes}, row["id"])
    if "registryId" in changes and changes["registryId"] != row.get("registryId"):
        # Disconnecting (null) or moving tears the node's registry project down.
        unlink_registry(ctx, row)
        changes["registryProjectId"] = None


@ON_NODE.after_delete
def node_after_delete(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    state.remove_client(ctx, row)
    unlink_registry(ctx, row)
    # Memberships go with the node (foreign keys ON DELETE CASCADE); counters follow.
    for membership in hub.table(PROJECT_NODES).where(nodeId=row["id"]):
        hub.table(PROJECT_NODES).delete(membership["id"])
        state.recount_project(hub, membership["projectId"])
    for participation in hub.table(ANALYSIS_NODES).where(nodeId=row["id"]):
        hub.table(ANALYSIS_NODES).delete(participation["id"])
        state.refresh_analysis(hub, participation["analysisId"])


@ON_NODE.after_update
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


# -- registries and registry projects (§3.11, §3.12) ---------------------------------------------------
ON_REGISTRY = Hooks()
ON_REGISTRY_PROJECT = Hooks()


@ON_REGISTRY.after_delete
def registry_after_delete(ctx: RequestContext, row: Row) -> None:
    """A deleted registry: ``registryId`` SET NULL on nodes/analyses, its projects cascade (§3.11)."""
    hub = ctx.hub
    projects = {p["id"] for p in hub.table(REGISTRY_PROJECTS).where(registryId=row["id"])}
    for project_id in projects:
        hub.table(REGISTRY_PROJECTS).delete(project_id)
    for node in hub.table(NODES).where(registryId=row["id"]):
        state.set_derived(hub, NODES, node["id"], registryId=None)
    for node in hub.table(NODES).rows():
        if node.get("registryProjectId") in projects:
            state.set_derived(hub, NODES, node["id"], registryProjectId=None)
    for analysis in hub.table(ANALYSES).where(registryId=row["id"]):
        state.set_derived(hub, ANALYSES, analysis["id"], registryId=None)


@ON_REGISTRY_PROJECT.authorize
def registry_project_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """Mutations need registry_project_manage; update/delete also the record's realm."""
    ctx.require_login()
    if op in ("create", "update", "delete"):
        ctx.require_any_permission("registry_project_manage")
    if row is not None and op in ("update", "delete"):
        state.require_realm_of(ctx, row.get("realmId"))


# -- projects ------------------------------------------------------------------------------------------
ON_PROJECT = Hooks(before_update=(state.keep_name,))


@ON_PROJECT.before_create
def project_before_create(ctx: RequestContext, row: Row) -> None:
    state.fill_generated_name(ctx, row)
    row.update(state.creator_stamps(ctx))
    row["nodes"], row["analyses"] = 0, 0


@ON_PROJECT.before_delete
def project_before_delete(ctx: RequestContext, row: Row) -> None:
    if ctx.hub.table(ANALYSES).where(projectId=row["id"]):
        # core-and-storage.md §3.2: 400 while analyses exist. Unsure: the exact message.
        raise HubError("bad_request", "The project can not be deleted while it still has analyses.")


@ON_PROJECT.after_delete
def project_after_delete(ctx: RequestContext, row: Row) -> None:
    table = ctx.hub.table(PROJECT_NODES)
    for membership in table.where(projectId=row["id"]):
        table.delete(membership["id"])


# -- project-nodes -------------------------------------------------------------------------------------
ON_PROJECT_NODE = Hooks()


@ON_PROJECT_NODE.authorize
def project_node_authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
    """§3.3: create/delete need project_create AND project_update; update needs project_approve and
    the node's realm; delete the node's or the project's realm (create's realm check is in the hook)."""
    ctx.require_login()
    if op in ("create", "delete"):
        state.require_all_permissions(ctx, "project_create", "project_update")
    elif op == "update":
        ctx.require_any_permission("project_approve")
    if row is not None and op == "update":
        state.require_realm_of(ctx, row.get("nodeRealmId"))
    elif row is not None and op == "delete":
        state.require_realm_of(ctx, row.get("nodeRealmId"), row.get("projectRealmId"))


@ON_PROJECT_NODE.before_create
def project_node_before_create(ctx: RequestContext, row: Row) -> None:
    project = ctx.hub.table(PROJECTS).get(row["projectId"]) or {}
    node = ctx.hub.table(NODES).get(row["nodeId"]) or {}
    state.require_realm_of(ctx, project.get("realmId"))
    row["projectRealmId"] = project.get("realmId")
    row["nodeRealmId"] = node.get("realmId")
    # Hub v0.14.0 ProjectNodeService.create: approved at once for an aggregator node, or for every node
    # when the deployment sets SKIP_PROJECT_APPROVAL (FakeHub(skip_project_approval=True)).
    approved = ctx.hub.skip_project_approval or node.get("type") == "aggregator"
    row["approvalStatus"] = "approved" if approved else None


@ON_PROJECT_NODE.after_create
@ON_PROJECT_NODE.after_delete
def project_node_changed(ctx: RequestContext, row: Row) -> None:
    state.recount_project(ctx.hub, row["projectId"])
