"""authup's special routes: ``/users/@me``, ``/clients/@me``, ``POST /permissions/{id}/check`` and the
realm-nested aliases ``/realms/{realm}/<collection>`` (auth.md §2.4, §3.5).
"""

from __future__ import annotations

from ..context import RequestContext, permission_error
from ..errors import HubError, error_body
from ..http import Response
from ..router import Handler, Routes

ROUTES = Routes("auth")

#: The collections with realm-nested aliases (auth.md §2.4).
REALM_NESTED = ("users", "clients", "permissions")


def me(kind: str) -> Handler:
    """``GET /<kind>s/@me``: the caller's own record, if the caller is a ``kind``."""

    def handler(ctx: RequestContext) -> Response:
        identity = ctx.require_login()
        if identity.kind != kind:
            raise HubError("entity_not_found", f"The {kind} was not found.")
        return ctx.crud(f"auth:{kind}s").get(ctx, identity.id)

    return handler


@ROUTES.post("/permissions/:id/check")
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


def nested(path: str, op: str) -> Handler:
    """A realm-nested alias of ``op`` on ``/<path>``: resolve the realm (404 if unknown), force it on
    create, scope name lookups."""

    def handler(ctx: RequestContext) -> Response:
        realm = ctx.crud("auth:realms").find(ctx, ctx.params["realm"], "get")
        ctx.params["realm_id"] = realm["id"]
        crud = ctx.crud(f"auth:{path}")
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


#: The operations of a nested alias: (method, pattern after ``/realms/:realm/<path>``, operation).
NESTED_OPERATIONS = (
    ("GET", "", "list"),
    ("POST", "", "create"),
    ("GET", "/:id", "get"),
    ("POST", "/:id", "update"),
    ("DELETE", "/:id", "delete"),
)


def _declare_aliases() -> None:
    """``/users/@me``, ``/clients/@me`` and the realm-nested aliases of :data:`REALM_NESTED`."""
    ROUTES.add("GET", "/users/@me", me("user"))
    ROUTES.add("GET", "/clients/@me", me("client"))
    for path in REALM_NESTED:
        base = f"/realms/:realm/{path}"
        for method, suffix, op in NESTED_OPERATIONS:
            ROUTES.add(method, base + suffix, nested(path, op))


_declare_aliases()
