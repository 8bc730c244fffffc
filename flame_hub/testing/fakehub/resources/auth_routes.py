"""authup's special routes: ``/users/@me``, ``/clients/@me``, ``POST /permissions/{id}/check`` and the
realm-nested aliases ``/realms/{realm}/<collection>`` (auth.md §2.4, §3.5).
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext, permission_error
from ..errors import HubError, error_body
from ..http import Response
from ..schema import Resource


def me(kind: str) -> Any:
    def handler(ctx: RequestContext) -> Response:
        identity = ctx.require_login()
        if identity.kind != kind:
            raise HubError("entity_not_found", f"The {kind} was not found.")
        return ctx.crud(f"auth:{kind}s").get(ctx, identity.id)

    return handler


def check_permission(ctx: RequestContext) -> Response:
    """``POST /permissions/{idOrName}/check``: whether the *caller* holds it (auth.md §3.5), 202 unenveloped.

    Policy data in the body is ignored: FakeHub evaluates permissions by name only.
    """
    ctx.require_login()
    permission = ctx.crud("auth:permissions").find(ctx, ctx.params["id"], "get")
    if ctx.has_permission(permission["name"]):
        return Response.json({"status": "success"}, status=202)
    error = permission_error("auth", (permission["name"],))
    return Response.json({"status": "error", "data": error_body(error, "auth")}, status=202)


def nested(resource: Resource, op: str) -> Any:
    """A realm-nested alias: resolve the realm (404 if unknown), force it on create, scope name lookups."""

    def handler(ctx: RequestContext) -> Response:
        realm = ctx.crud("auth:realms").find(ctx, ctx.params["realm"], "get")
        ctx.params["realm_id"] = realm["id"]
        crud = ctx.crud(resource)
        if op == "list":
            return crud.list_(ctx)
        if op == "create":
            body = dict(ctx.body())
            body["realmId"] = realm["id"]
            return crud.mutation(ctx, crud.create_row(ctx, body), 201)
        ident = ctx.params["id"]
        if op == "get":
            return crud.get(ctx, ident)
        if op == "update":
            return crud.update(ctx, ident)
        return crud.delete(ctx, ident)

    return handler
