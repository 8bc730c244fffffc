"""Server-side rules of authup's resources (auth.md §3): name checks, secrets, cascades, grant guards.

Hook functions referenced by the declarations in :mod:`.auth`; each receives the request context and
reaches its hub through ``ctx.hub``.
"""

from __future__ import annotations

from typing import Any

from ..context import Hub, RequestContext, permission_error
from ..errors import HubError, rejected
from ..errors import issue as make_issue
from ..hooks import Hooks
from ..passwords import SALT_ALPHABET, hash_password, looks_hashed
from ..schema import Row
from .auth_bootstrap import grant_permission, provision_console_clients

RESERVED_CLIENT_NAMES = ("system", "admin-console", "account-console")
RESERVED_USER_PREFIXES = ("bot", "system", "everyone", "here")

#: The hooks of authup's resources (auth.py's declarations name them), registered where each is written.
ON_REALM = Hooks()
ON_USER = Hooks()
ON_ROLE = Hooks()
ON_PERMISSION = Hooks()
ON_SCOPE = Hooks()
ON_CLIENT = Hooks()


def _bad_request(message: str, key: str | None = None) -> HubError:
    if key is None:
        return HubError("bad_request", message)
    return rejected([make_issue("value_invalid", [key], message)])


@ON_REALM.before_delete
@ON_ROLE.before_delete
@ON_PERMISSION.before_delete
@ON_SCOPE.before_delete
@ON_CLIENT.before_delete
def refuse_built_in_delete(ctx: RequestContext, row: Row) -> None:
    if row.get("builtIn"):
        raise HubError("bad_request", f"A built-in {row.get('name')} can not be deleted.")


# -- realms --------------------------------------------------------------------------------------------
@ON_REALM.before_update
def realm_rename(ctx: RequestContext, row: Row, changes: Row) -> None:
    if row.get("builtIn") and "name" in changes and changes["name"] != row["name"]:
        raise _bad_request("The master realm can not be renamed.", "name")


@ON_REALM.after_create
def realm_provision(ctx: RequestContext, row: Row) -> None:
    provision_console_clients(ctx.hub, row["id"])


@ON_REALM.after_delete
def realm_cascade(ctx: RequestContext, row: Row) -> None:
    hub = ctx.hub
    for key in ("auth:users", "auth:clients", "auth:roles", "auth:permissions", "auth:scopes"):
        table = hub.table(key)
        for member in table.where(realmId=row["id"]):
            _drop_bindings(hub, key, member["id"])
            table.delete(member["id"])
            hub.tokens.end_sessions_of(member["id"])


_BINDING_KEYS = {
    "auth:users": (("auth:user-roles", "userId"), ("auth:user-permissions", "userId")),
    "auth:clients": (
        ("auth:client-roles", "clientId"),
        ("auth:client-permissions", "clientId"),
        ("auth:client-scopes", "clientId"),
    ),
    "auth:roles": (
        ("auth:user-roles", "roleId"),
        ("auth:client-roles", "roleId"),
        ("auth:role-permissions", "roleId"),
    ),
    "auth:permissions": (
        ("auth:role-permissions", "permissionId"),
        ("auth:user-permissions", "permissionId"),
        ("auth:client-permissions", "permissionId"),
    ),
    "auth:scopes": (("auth:client-scopes", "scopeId"),),
}


def _drop_bindings(hub: Hub, key: str, row_id: str) -> None:
    """Delete junction rows pointing at a deleted row (the database's ON DELETE CASCADE)."""
    for table_key, column in _BINDING_KEYS.get(key, ()):
        table = hub.table(table_key)
        for binding in table.where(**{column: row_id}):
            table.delete(binding["id"])


def cascade(key: str) -> Any:
    def after_delete(ctx: RequestContext, row: Row) -> None:
        _drop_bindings(ctx.hub, key, row["id"])
        if key in ("auth:users", "auth:clients"):
            ctx.hub.tokens.end_sessions_of(row["id"])

    return after_delete


ON_USER.after_delete(cascade("auth:users"))
ON_ROLE.after_delete(cascade("auth:roles"))
ON_PERMISSION.after_delete(cascade("auth:permissions"))
ON_SCOPE.after_delete(cascade("auth:scopes"))
ON_CLIENT.after_delete(cascade("auth:clients"))


def user_name_check(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(RESERVED_USER_PREFIXES):
        return f"The name {value} is reserved."
    return None


def email_check(value: Any) -> str | None:
    if isinstance(value, str) and ("@" not in value or value.startswith("@") or value.endswith("@")):
        return "The email must be a valid email address."
    return None


def lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _salt(ctx: RequestContext) -> str:
    return ctx.hub.ids.token(22, SALT_ALPHABET)


@ON_USER.before_create
def user_before_create(ctx: RequestContext, row: Row) -> None:
    if isinstance(row.get("password"), str):
        row["password"] = hash_password(row["password"], _salt(ctx))
    if not row.get("displayName"):
        row["displayName"] = row["name"]


@ON_USER.before_update
def user_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    if isinstance(changes.get("password"), str):
        changes["password"] = hash_password(changes["password"], _salt(ctx))
    if "name" in changes and changes["name"] != row["name"]:
        locked = changes.get("nameLocked", row.get("nameLocked", True))
        if locked:
            del changes["name"]  # a locked name is silently kept (auth.md §3.3)
    if "displayName" in changes and not changes["displayName"]:
        changes["displayName"] = changes.get("name", row["name"])


@ON_USER.before_delete
def user_before_delete(ctx: RequestContext, row: Row) -> None:
    if ctx.identity is not None and ctx.identity.kind == "user" and ctx.identity.id == row["id"]:
        raise HubError("bad_request", "You can not delete yourself.")


def self_or(perms: tuple[str, ...], self_manage: str, kind: str, *, public: bool) -> Any:
    """authorize(): the declared permissions, or the caller's own record (reads / self-manage).

    ``public`` reads answer an anonymous caller 403 (permissions are still evaluated) instead of 401.
    """

    def authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
        identity = ctx.identity
        own = row is not None and identity is not None and identity.kind == kind and identity.id == row["id"]
        if op in ("list", "get"):
            if own:
                return
            if identity is None and public:
                raise permission_error(ctx.service, perms)
            ctx.require_any_permission(*perms)
            return
        identity = ctx.require_login()
        if own and op in ("update", "upsert") and self_manage in identity.permissions:
            return
        ctx.require_any_permission(f"{kind}_{'update' if op == 'upsert' else op}")

    return authorize


ON_USER.authorize(
    self_or(("user_read", "user_update", "user_delete"), "user_self_manage", "user", public=False)
)
ON_CLIENT.authorize(
    self_or(("client_read", "client_update", "client_delete"), "client_self_manage", "client", public=True)
)


@ON_PERMISSION.after_create
def grant_to_admin(ctx: RequestContext, row: Row) -> None:
    """A new permission is granted to the global ``admin`` role (auth.md §3.5)."""
    admin = ctx.hub.table("auth:roles").first(name="admin", realmId=None)
    if admin is not None:
        grant_permission(ctx.hub, admin["id"], row, "any")


@ON_PERMISSION.before_update
def permission_rename(ctx: RequestContext, row: Row, changes: Row) -> None:
    if row.get("builtIn") and "name" in changes and changes["name"] != row["name"]:
        raise _bad_request("The name of a built-in permission can not be changed.", "name")


def client_name_check(value: Any) -> str | None:
    return f"The name {value} is reserved." if value in RESERVED_CLIENT_NAMES else None


def _new_secret(ctx: RequestContext) -> str:
    return ctx.hub.ids.token(64, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _store_secret(ctx: RequestContext, state: Row, target: Row) -> None:
    secret = target.get("secret", state.get("secret"))
    if secret is None:
        secret = _new_secret(ctx)
    if state.get("secretHashed") and isinstance(secret, str) and not looks_hashed(secret):
        secret = hash_password(secret, _salt(ctx))
    target["secret"] = secret


@ON_CLIENT.before_create
def client_before_create(ctx: RequestContext, row: Row) -> None:
    if not row.get("displayName"):
        row["displayName"] = row["name"]
    if row.get("authMethod") == "secret":
        _store_secret(ctx, row, row)
    else:
        row["secret"] = None


@ON_CLIENT.before_update
def client_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    method = changes.get("authMethod", row.get("authMethod"))
    if method != "secret":
        if "authMethod" in changes:
            changes.update({"secret": None, "secretHashed": False, "secretEncrypted": False})
        return
    if "secret" in changes or row.get("secret") is None:
        merged = {**row, **changes}
        _store_secret(ctx, merged, changes)


def client_secret_visible(ctx: RequestContext, row: Row) -> bool:
    identity = ctx.identity
    if identity is None:
        return False
    if identity.kind == "client" and identity.id == row["id"]:
        return True
    return any(p in identity.permissions for p in ("client_read", "client_update", "client_delete"))


def copy_realms(*pairs: tuple[str, str, str]) -> Any:
    """before_create: copy ``*RealmId`` columns from the referenced rows."""

    def before_create(ctx: RequestContext, row: Row) -> None:
        for column, target, realm_column in pairs:
            other = ctx.hub.table(target).get(row.get(column))
            row[realm_column] = other.get("realmId") if other is not None else None

    return before_create


def holds_permission(ctx: RequestContext, row: Row) -> None:
    """Granting a permission requires holding it (auth.md §3.1)."""
    perm = ctx.hub.table("auth:permissions").get(row.get("permissionId"))
    if perm is not None and not ctx.has_permission(perm["name"]):
        raise permission_error("auth", (perm["name"],))


def holds_role(ctx: RequestContext, row: Row) -> None:
    """Granting a role requires holding every permission of it (auth.md §3.1)."""
    hub = ctx.hub
    needed = []
    for binding in hub.table("auth:role-permissions").where(roleId=row.get("roleId")):
        perm = hub.table("auth:permissions").get(binding["permissionId"])
        if perm is not None and not ctx.has_permission(perm["name"]):
            needed.append(perm["name"])
    if needed:
        error = permission_error("auth", needed)
        error.message = "You don't own the required permissions."
        raise error
