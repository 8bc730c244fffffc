"""The core's routes that are not plain CRUD (core-and-storage.md §3.1.1, §3.4.1-§3.4.3, §3.5, §3.13,
§3.15): node and analysis client credentials, node registry credentials, analysis commands, the
analysis client's permissions, idempotent analysis-node creation, the master-image commands and the
registry service. Each reuses the generic operations (validation, hooks, envelopes) where it writes.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import HubError, not_found
from ..http import Response
from ..router import Routes
from ..schema import Row
from ..validation import validate_body
from . import core_state
from .analysis_effects import analysis_node_preconditions
from .core import ANALYSIS_NODES

ROUTES = Routes("core")

#: §3.4.3: the only permissions an analysis client may be given.
ANALYSIS_SELF_PERMISSIONS = ("analysis_self_storage_use", "analysis_self_message_broker_use")


def _denied(message: str) -> HubError:
    return HubError("permission_denied", message)


# -- client credentials (§3.1.1, §3.4.2) ------------------------------------------------------------------
def _client_of(ctx: RequestContext, row: Row, kind: str) -> Row:
    client = ctx.hub.table("auth:clients").get(row.get("clientId"))
    if client is None:
        raise HubError("bad_request", f"The {kind} has no client provisioned yet.")
    return client


def _credentials(client: Row) -> dict[str, Any]:
    return {
        "id": client["id"],
        "name": client["name"],
        "displayName": client.get("displayName"),
        "secret": client.get("secret"),
    }


def _write_credentials(
    ctx: RequestContext, client: Row, body: dict[str, Any], keys: tuple[str, ...]
) -> Response:
    """Write a plaintext secret (random 64-hex when omitted) and the other keys through authup."""
    changes = {key: body[key] for key in keys if key in body and body[key] is not None}
    if not isinstance(changes.get("secret"), str):
        changes["secret"] = ctx.hub.ids.hex(64)
    changes["secretHashed"] = False
    system = ctx.hub.internal_context("auth")
    updated = ctx.hub.crud("auth:clients").update_row(system, client, changes, authorize=False)
    return Response.json(_credentials(updated))


def _own_node_client(ctx: RequestContext, node: Row) -> bool:
    identity = ctx.identity
    return identity is not None and identity.kind == "client" and identity.id == node.get("clientId")


def _node_credentials_access(ctx: RequestContext, node: Row) -> None:
    """The node's own client, or ``node_update`` plus the node's realm (else 403)."""
    if _own_node_client(ctx, node):
        return
    identity = ctx.require_login()
    if "node_update" not in identity.permissions or not identity.can_write_realm(node.get("realmId")):
        raise _denied("You are not permitted to manage the credentials of this node.")


@ROUTES.get("/nodes/:id/client/credentials")
def node_client_credentials(ctx: RequestContext) -> Response:
    """``GET /nodes/:id/client/credentials`` -> flat ``{id, name, displayName, secret}``."""
    node = core_state.addressed(ctx, core_state.NODES)
    _node_credentials_access(ctx, node)
    return Response.json(_credentials(_client_of(ctx, node, "node")))


@ROUTES.post("/nodes/:id/client/credentials")
def node_client_credentials_write(ctx: RequestContext) -> Response:
    """``POST /nodes/:id/client/credentials {secret?, name?, displayName?}`` -> plaintext credentials."""
    node = core_state.addressed(ctx, core_state.NODES)
    _node_credentials_access(ctx, node)
    client = _client_of(ctx, node, "node")
    return _write_credentials(ctx, client, ctx.body(), ("secret", "name", "displayName"))


@ROUTES.get("/nodes/:id/registry/credentials")
def node_registry_credentials(ctx: RequestContext) -> Response:
    """``GET /nodes/:id/registry/credentials`` -> flat ``{host, externalName, accountName, accountSecret}``."""
    node = core_state.addressed(ctx, core_state.NODES)
    if not _own_node_client(ctx, node) and not ctx.has_permission("registry_manage"):
        raise _denied("You are not permitted to read the registry credentials of this node.")
    project = ctx.hub.table(core_state.REGISTRY_PROJECTS).get(node.get("registryProjectId"))
    registry = ctx.hub.table(core_state.REGISTRIES).get(project.get("registryId")) if project else None
    if project is None or registry is None:
        raise HubError("bad_request", "The node has no registry project provisioned yet.")
    return Response.json(
        {
            "host": registry["host"],
            "externalName": project.get("externalName"),
            "accountName": project.get("accountName"),
            "accountSecret": project.get("accountSecret"),
        }
    )


@ROUTES.get("/analyses/:id/client/credentials")
def analysis_client_credentials(ctx: RequestContext) -> Response:
    """``GET /analyses/:id/client/credentials``: analysis_update holders, or the client of a node whose
    analysis-node for this analysis is approved."""
    analysis = core_state.addressed(ctx, core_state.ANALYSES)
    identity = ctx.require_login()
    if "analysis_update" not in identity.permissions:
        approved_nodes = {
            row["nodeId"]
            for row in ctx.hub.table(core_state.ANALYSIS_NODES).where(
                analysisId=analysis["id"], approvalStatus="approved"
            )
        }
        owned = {node["id"] for node in ctx.hub.table(core_state.NODES).where(clientId=identity.id)}
        if identity.kind != "client" or not owned & approved_nodes:
            raise _denied("You are not permitted to read the credentials of this analysis.")
    return Response.json(_credentials(_client_of(ctx, analysis, "analysis")))


@ROUTES.post("/analyses/:id/client/credentials")
def analysis_client_credentials_write(ctx: RequestContext) -> Response:
    """``POST /analyses/:id/client/credentials {secret?}``: analysis_update plus the analysis realm."""
    analysis = core_state.addressed(ctx, core_state.ANALYSES)
    ctx.require_any_permission("analysis_update")
    core_state.require_realm_of(ctx, analysis.get("realmId"))
    return _write_credentials(ctx, _client_of(ctx, analysis, "analysis"), ctx.body(), ("secret",))


# -- the analysis client's permissions (§3.4.3) -------------------------------------------------------------
def _client_permission_view(ctx: RequestContext, binding: Row) -> Row:
    out = ctx.crud("auth:client-permissions").present(ctx, binding)
    permission = ctx.hub.table("auth:permissions").get(binding["permissionId"])
    out["permission"] = ctx.crud("auth:permissions").present(ctx, permission) if permission else None
    return out


@ROUTES.get("/analyses/:id/client/permissions")
def analysis_client_permissions(ctx: RequestContext) -> Response:
    """``GET /analyses/:id/client/permissions`` -> ``{data, meta: {total, limit, offset}}`` (no schema)."""
    analysis = core_state.addressed(ctx, core_state.ANALYSES)
    ctx.require_any_permission("analysis_update")
    bindings = ctx.hub.table("auth:client-permissions").where(clientId=analysis.get("clientId"))
    data = [_client_permission_view(ctx, row) for row in bindings if analysis.get("clientId")]
    return Response.json({"data": data, "meta": {"total": len(data), "limit": 50, "offset": 0}})


def _analysis_for_permission_change(ctx: RequestContext) -> Row:
    analysis = core_state.addressed(ctx, core_state.ANALYSES)
    ctx.require_any_permission("analysis_update")
    core_state.require_realm_of(ctx, analysis.get("realmId"))
    return analysis


@ROUTES.post("/analyses/:id/client/permissions")
def analysis_client_permission_add(ctx: RequestContext) -> Response:
    """``POST /analyses/:id/client/permissions {permissionId}`` -> 201 (only the self-use permissions)."""
    analysis = _analysis_for_permission_change(ctx)
    permission = ctx.hub.table("auth:permissions").get(ctx.body().get("permissionId"))
    if permission is None:
        raise not_found("permission")
    if permission["name"] not in ANALYSIS_SELF_PERMISSIONS:
        raise _denied(f"The permission {permission['name']} can not be granted to an analysis.")
    if analysis.get("configurationLocked"):
        raise core_state.analysis_error("The analysis configuration is locked.")
    client = _client_of(ctx, analysis, "analysis")
    crud = ctx.crud("auth:client-permissions")
    binding = crud.create_row(
        ctx.hub.internal_context("auth"),
        {"clientId": client["id"], "permissionId": permission["id"]},
        authorize=False,
    )
    return Response.json({"data": crud.present(ctx, binding, write=True), "meta": {}}, status=201)


@ROUTES.delete("/analyses/:id/client/permissions/:permissionId")
def analysis_client_permission_remove(ctx: RequestContext) -> Response:
    """``DELETE /analyses/:id/client/permissions/:permissionId`` (the authup permission id) -> 202."""
    analysis = _analysis_for_permission_change(ctx)
    crud = ctx.crud("auth:client-permissions")
    binding = ctx.hub.table("auth:client-permissions").first(
        clientId=analysis.get("clientId"), permissionId=ctx.params["permissionId"]
    )
    if binding is None or analysis.get("clientId") is None:
        raise not_found("client permission")
    crud.delete_row(ctx.hub.internal_context("auth"), binding, authorize=False)
    return Response.json({"data": crud.present(ctx, binding), "meta": {}}, status=202)


# -- analysis-nodes (§3.5) ----------------------------------------------------------------------------------
@ROUTES.post("/analysis-nodes")
def analysis_node_create(ctx: RequestContext) -> Response:
    """``POST /analysis-nodes``: idempotent, an existing (analysisId, nodeId) row is answered with 201 --
    if the analysis is unlocked and the node still a project member, as for a new one (observed)."""
    crud = ctx.crud(core_state.ANALYSIS_NODES)
    crud.authorize(ctx, "create", None)
    data = validate_body(ANALYSIS_NODES, ctx.body(), "create")
    existing = ctx.hub.table(core_state.ANALYSIS_NODES).first(
        analysisId=data["analysisId"], nodeId=data["nodeId"]
    )
    if existing is not None:
        analysis_node_preconditions(ctx, existing)
        return crud.mutation(ctx, existing, 201)
    body = ctx.body()
    return crud.mutation(ctx, crud.create_row(ctx, body, authorize=False), 201, "create", body)


# -- master images (§3.13) and services (§3.15) -------------------------------------------------------------
@ROUTES.post("/master-images/command")
def master_image_command(ctx: RequestContext) -> Response:
    """``POST /master-images/command``: ``sync`` -> 202 ``{data: null}``; ``build {id}`` -> the image with
    ``buildStatus: "starting"``. FakeHub's catalogue is static: ``sync`` changes nothing and no build
    ever progresses past ``starting``."""
    ctx.require_any_permission("master_image_manage")
    body = ctx.body()
    command = body.get("command")
    if command == "sync":
        return Response.json({"data": None, "meta": {}}, status=202)
    if command != "build":
        raise HubError("bad_request", "Invalid command.")
    crud = ctx.crud("core:master-images")
    image = crud.find(ctx, str(body.get("id")), "get")
    image.update({"buildStatus": "starting", "buildProgress": None, "updatedAt": ctx.hub.clock.iso()})
    return crud.mutation(ctx, image, 202)


def _service(ctx: RequestContext) -> None:
    ctx.require_login()
    if ctx.params["id"] != "registry":
        # Unsure: the reference says 404 for any other service id, not which body.
        raise not_found("service")


@ROUTES.post("/services/:id/hook")
def service_hook(ctx: RequestContext) -> Response:
    """``POST /services/registry/hook`` (Harbor webhooks) -> 202 without a body for any logged-in caller
    (observed on Hub v0.14.0: routup sends nothing for the controller's ``null``)."""
    _service(ctx)
    return Response.empty(202)


#: The Harbor projects ``setup`` records for a registry: (name, type, public); ``None`` as the external
#: name means a generated one (Hub v0.14.0 RegistrySetupHandler; observed: 21 characters of [a-z0-9]).
SETUP_PROJECTS = (("incoming", "incoming", False, None), ("outgoing", "outgoing", False, None))
MASTER_IMAGES_PROJECT = ("master", "masterImages", True, "master")


@ROUTES.post("/services/:id/command")
def service_command(ctx: RequestContext) -> Response:
    """``POST /services/registry/command`` -> 202 without a body (registry_manage; the body is not
    validated). ``setup`` records the registry's incoming, outgoing and master-images projects, as the
    Hub does in core before it links them at Harbor; FakeHub has no Harbor, so the links and
    cleanup/delete/projectLink/projectUnlink change nothing."""
    _service(ctx)
    ctx.require_any_permission("registry_manage")
    body = ctx.body()
    if body.get("command") == "setup":
        registry = ctx.hub.table(core_state.REGISTRIES).get(str(body.get("id")))
        if registry is not None:
            _setup_registry(ctx, registry)
    return Response.empty(202)


def _setup_registry(ctx: RequestContext, registry: Row) -> None:
    projects = ctx.hub.table(core_state.REGISTRY_PROJECTS)
    for name, kind, public, external in (*SETUP_PROJECTS, MASTER_IMAGES_PROJECT):
        if external is not None:
            existing = projects.first(registryId=registry["id"], externalName=external)
        else:
            existing = projects.first(registryId=registry["id"], name=name)
        if existing is not None:
            continue
        ctx.hub.seed_row(
            core_state.REGISTRY_PROJECTS,
            {
                "registryId": registry["id"], "name": name, "type": kind, "public": public,
                "externalName": external or ctx.hub.ids.token(21, core_state.EXTERNAL_NAME_ALPHABET),
                "externalId": None, "accountId": None, "accountName": None, "accountSecret": None,
                "webhookName": None, "webhookExists": False, "realmId": None,
            },
        )  # fmt: skip
