"""authup 1.0.0-beta.62 resources (auth.md §3) and a fresh authup's contents (auth.md §4.1).

Realms, users, roles, permissions, scopes and clients, the six junctions, the token endpoints,
``/users/@me``, ``/clients/@me`` and the realm-nested aliases (``/realms/{realm}/users`` ...).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .. import token_routes
from ..context import RequestContext, permission_error
from ..errors import HubError, error_body, rejected
from ..errors import issue as make_issue
from ..http import Response
from ..passwords import SALT_ALPHABET, hash_password, looks_hashed
from ..schema import (
    NAME,
    NAME_PATTERN,
    REALM_FK,
    Field,
    ForeignKey,
    Hooks,
    Relation,
    Resource,
    Row,
    id_field,
    timestamps,
)

if TYPE_CHECKING:
    from ..app import FakeHub


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Appendix A of auth.md: the permissions a fresh authup contains.
AUTHUP_PERMISSIONS: tuple[str, ...] = _words(
    "client_create client_delete client_update client_read client_self_manage "
    "client_permission_create client_permission_delete client_permission_read "
    "client_permission_update client_role_create client_role_delete client_role_update "
    "client_role_read client_scope_create client_scope_delete client_scope_read consent_read "
    "consent_delete event_read identity_provider_create identity_provider_delete "
    "identity_provider_update identity_provider_read identity_provider_account_read "
    "identity_provider_account_delete identity_provider_role_create identity_provider_role_delete "
    "identity_provider_role_update identity_provider_role_read key_create key_delete key_update "
    "key_read permission_create permission_delete permission_update permission_read realm_create "
    "realm_delete realm_update realm_read role_create role_delete role_update role_read "
    "role_permission_create role_permission_delete role_permission_read role_permission_update "
    "scope_create scope_delete scope_update scope_read session_read session_delete user_create "
    "user_delete user_update user_read user_self_manage user_authenticator_create "
    "user_authenticator_delete user_authenticator_update user_authenticator_read "
    "user_permission_create user_permission_delete user_permission_read user_permission_update "
    "user_role_create user_role_delete user_role_update user_role_read "
)

#: core-and-storage.md §3.18: the Hub's permission names, provisioned into authup by Hub deployments.
#: The telemetry ``log_*``/``event_*`` names are not spelled out by the reference and are left out.
HUB_PERMISSIONS: tuple[str, ...] = _words(
    "node_create node_update node_delete project_create project_update project_delete project_approve "
    "analysis_create analysis_update analysis_delete analysis_approve registry_manage "
    "registry_project_manage master_image_manage master_image_group_manage bucket_create "
    "bucket_update bucket_delete analysis_self_storage_use analysis_self_message_broker_use "
    "service_manage "
)

BUILT_IN_SCOPES = ("global", "openid", "email", "roles", "identity")
RESERVED_CLIENT_NAMES = ("system", "admin-console", "account-console")
RESERVED_USER_PREFIXES = ("bot", "system", "everyone", "here")
REALM_SCOPES = ("none", "own", "ownOrNull", "any")


# -- shared field shapes ---------------------------------------------------------------------------------
def _name(*, check: Any = None) -> Field:
    return Field(
        "name",
        required=True,
        create=True,
        update=True,
        normalize=NAME,
        min_length=3,
        max_length=128,
        pattern=NAME_PATTERN,
        check=check,
    )


DISPLAY_NAME = Field("displayName", nullable=True, create=True, update=True, min_length=3, max_length=256)
DESCRIPTION = Field("description", nullable=True, create=True, update=True, min_length=5, max_length=4096)
BUILT_IN = Field("builtIn", type="bool", default=False)
REALM_CREATE_ONLY = Field("realmId", type="uuid", create=True, references=REALM_FK)
REALM_NULLABLE = Field("realmId", type="uuid", nullable=True, create=True, references=REALM_FK)
REALM_RELATION = Relation("realm", "auth:realms", "realmId")


def _reads(*names: str) -> dict[str, tuple[str, ...]]:
    return {"list": names, "get": names}


def _crud_perms(entity: str, reads: tuple[str, ...] | None = None) -> dict[str, tuple[str, ...]]:
    read = reads or (f"{entity}_read", f"{entity}_update", f"{entity}_delete")
    return {
        **_reads(*read),
        "create": (f"{entity}_create",),
        "update": (f"{entity}_update",),
        "upsert": (f"{entity}_update",),
        "delete": (f"{entity}_delete",),
    }


def _bad_request(message: str, key: str | None = None) -> HubError:
    if key is None:
        return HubError("bad_request", message)
    return rejected([make_issue("value_invalid", [key], message)])


def _refuse_built_in_delete(ctx: RequestContext, row: Row) -> None:
    if row.get("builtIn"):
        raise HubError("bad_request", f"A built-in {row.get('name')} can not be deleted.")


# -- realms --------------------------------------------------------------------------------------------
def _realm_rename(ctx: RequestContext, row: Row, changes: Row) -> None:
    if row.get("builtIn") and "name" in changes and changes["name"] != row["name"]:
        raise _bad_request("The master realm can not be renamed.", "name")


def _realm_provision(ctx: RequestContext, row: Row) -> None:
    provision_console_clients(ctx.hub, row["id"])


def _realm_cascade(ctx: RequestContext, row: Row) -> None:
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


def _drop_bindings(hub: FakeHub, key: str, row_id: str) -> None:
    """Delete junction rows pointing at a deleted row (the database's ON DELETE CASCADE)."""
    for table_key, column in _BINDING_KEYS.get(key, ()):
        table = hub.table(table_key)
        for binding in table.where(**{column: row_id}):
            table.delete(binding["id"])


def _cascade(key: str) -> Any:
    def after_delete(ctx: RequestContext, row: Row) -> None:
        _drop_bindings(ctx.hub, key, row["id"])
        if key in ("auth:users", "auth:clients"):
            ctx.hub.tokens.end_sessions_of(row["id"])

    return after_delete


REALMS = Resource(
    service="auth",
    path="realms",
    domain="realm",
    fields=(
        id_field(),
        _name(),
        DISPLAY_NAME,
        DESCRIPTION,
        BUILT_IN,
        *timestamps(),
    ),
    unique=(("name",),),
    filters=("id", "name", "displayName", "builtIn"),
    sorts=("id", "name", "createdAt", "updatedAt"),
    operations=frozenset({"list", "get", "create", "update", "upsert", "delete"}),
    name_field="name",
    public=frozenset({"list", "get"}),
    permissions={
        "create": ("realm_create",),
        "update": ("realm_update",),
        "upsert": ("realm_update",),
        "delete": ("realm_delete",),
    },
    record_query=False,
    multi_key_sort=False,
    hooks=Hooks(
        before_update=(_realm_rename,),
        after_create=(_realm_provision,),
        before_delete=(_refuse_built_in_delete,),
        after_delete=(_realm_cascade,),
    ),
)


# -- users ---------------------------------------------------------------------------------------------
def _user_name_check(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(RESERVED_USER_PREFIXES):
        return f"The name {value} is reserved."
    return None


def _email_check(value: Any) -> str | None:
    if isinstance(value, str) and ("@" not in value or value.startswith("@") or value.endswith("@")):
        return "The email must be a valid email address."
    return None


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _salt(ctx: RequestContext) -> str:
    return ctx.hub.ids.token(22, SALT_ALPHABET)


def _user_before_create(ctx: RequestContext, row: Row) -> None:
    if isinstance(row.get("password"), str):
        row["password"] = hash_password(row["password"], _salt(ctx))
    if not row.get("displayName"):
        row["displayName"] = row["name"]


def _user_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    if isinstance(changes.get("password"), str):
        changes["password"] = hash_password(changes["password"], _salt(ctx))
    if "name" in changes and changes["name"] != row["name"]:
        locked = changes.get("nameLocked", row.get("nameLocked", True))
        if locked:
            del changes["name"]  # a locked name is silently kept (auth.md §3.3)
    if "displayName" in changes and not changes["displayName"]:
        changes["displayName"] = changes.get("name", row["name"])


def _user_before_delete(ctx: RequestContext, row: Row) -> None:
    if ctx.identity is not None and ctx.identity.kind == "user" and ctx.identity.id == row["id"]:
        raise HubError("bad_request", "You can not delete yourself.")


def _self_or(perms: tuple[str, ...], self_manage: str, kind: str, *, public: bool) -> Any:
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


USERS = Resource(
    service="auth",
    path="users",
    domain="user",
    fields=(
        id_field(),
        _name(check=_user_name_check),
        Field("nameLocked", type="bool", default=True, create=True, update=True),
        Field("firstName", nullable=True, create=True, update=True, min_length=3, max_length=128),
        Field("lastName", nullable=True, create=True, update=True, min_length=3, max_length=128),
        Field("displayName", nullable=True, create=True, update=True, max_length=256),
        Field(
            "email",
            required=True,
            create=True,
            update=True,
            normalize=_lower,
            check=_email_check,
            max_length=256,
            selected=False,
        ),
        Field("password", create=True, update=True, min_length=10, max_length=512, selectable=False),
        Field("avatar", nullable=True),
        Field("cover", nullable=True),
        Field("active", type="bool", default=True, create=True, update=True),
        Field("status", nullable=True, create=True, update=True, min_length=3, max_length=256),
        Field("statusMessage", nullable=True, create=True, update=True, min_length=3, max_length=256),
        REALM_CREATE_ONLY,
        *timestamps(),
    ),
    unique=(("name", "realmId"),),
    filters=("id", "name", "displayName", "realmId", "active"),
    sorts=("id", "name", "displayName", "createdAt", "updatedAt"),
    relations=(REALM_RELATION,),
    operations=frozenset({"list", "get", "create", "update", "upsert", "delete"}),
    name_field="name",
    realm_field="realmId",
    multi_key_sort=False,
    hooks=Hooks(
        before_create=(_user_before_create,),
        before_update=(_user_before_update,),
        before_delete=(_user_before_delete,),
        after_delete=(_cascade("auth:users"),),
        authorize=_self_or(
            ("user_read", "user_update", "user_delete"), "user_self_manage", "user", public=False
        ),
    ),
)


#: auth.md §3.3: the fields allow-list is the default columns plus ``email``.
USERS = replace(USERS, fields_allowed=(*USERS.default_fields, "email"))


# -- roles, permissions, scopes ----------------------------------------------------------------------------
def _grant_to_admin(ctx: RequestContext, row: Row) -> None:
    """A new permission is granted to the global ``admin`` role (auth.md §3.5)."""
    admin = ctx.hub.table("auth:roles").first(name="admin", realmId=None)
    if admin is not None:
        _bind(
            ctx.hub,
            "auth:role-permissions",
            roleId=admin["id"],
            permissionId=row["id"],
            realmScope="any",
            roleRealmId=None,
            permissionRealmId=row.get("realmId"),
            policyId=None,
        )


def _permission_rename(ctx: RequestContext, row: Row, changes: Row) -> None:
    if row.get("builtIn") and "name" in changes and changes["name"] != row["name"]:
        raise _bad_request("The name of a built-in permission can not be changed.", "name")


ROLES = Resource(
    service="auth",
    path="roles",
    domain="role",
    fields=(
        id_field(),
        _name(),
        DISPLAY_NAME,
        DESCRIPTION,
        Field("target", nullable=True),
        BUILT_IN,
        Field(
            "clientId",
            type="uuid",
            nullable=True,
            create=True,
            update=True,
            references=ForeignKey("auth:clients"),
        ),
        REALM_NULLABLE,
        *timestamps(),
    ),
    unique=(("name", "clientId", "realmId"),),
    filters=("id", "name", "displayName", "builtIn", "target", "clientId", "realmId"),
    sorts=("id", "name", "createdAt", "updatedAt"),
    relations=(REALM_RELATION,),
    operations=frozenset({"list", "get", "create", "update", "upsert", "delete"}),
    name_field="name",
    realm_field="realmId",
    permissions=_crud_perms("role"),
    record_query=False,
    multi_key_sort=False,
    hooks=Hooks(before_delete=(_refuse_built_in_delete,), after_delete=(_cascade("auth:roles"),)),
)

PERMISSIONS = Resource(
    service="auth",
    path="permissions",
    domain="permission",
    fields=(
        id_field(),
        _name(),
        DISPLAY_NAME,
        DESCRIPTION,
        Field(
            "decisionStrategy",
            nullable=True,
            create=True,
            update=True,
            choices=("affirmative", "unanimous", "consensus"),
        ),
        BUILT_IN,
        Field(
            "clientId",
            type="uuid",
            nullable=True,
            create=True,
            update=True,
            references=ForeignKey("auth:clients"),
        ),
        REALM_NULLABLE,
        *timestamps(),
    ),
    unique=(("name", "clientId", "realmId"),),
    filters=("id", "name", "displayName", "builtIn", "realmId", "clientId"),
    sorts=("id", "name", "createdAt", "updatedAt"),
    operations=frozenset({"list", "get", "create", "update", "upsert", "delete"}),
    name_field="name",
    realm_field="realmId",
    permissions=_crud_perms("permission"),
    record_query=False,
    multi_key_sort=False,
    hooks=Hooks(
        after_create=(_grant_to_admin,),
        before_update=(_permission_rename,),
        before_delete=(_refuse_built_in_delete,),
        after_delete=(_cascade("auth:permissions"),),
    ),
)

SCOPES = Resource(
    service="auth",
    path="scopes",
    domain="scope",
    fields=(id_field(), _name(), DISPLAY_NAME, DESCRIPTION, BUILT_IN, REALM_NULLABLE, *timestamps()),
    unique=(("name", "realmId"),),
    filters=("id", "name", "displayName", "builtIn", "realmId"),
    sorts=("id", "name", "createdAt", "updatedAt"),
    relations=(REALM_RELATION,),
    operations=frozenset({"list", "get", "create", "update", "upsert", "delete"}),
    name_field="name",
    realm_field="realmId",
    public=frozenset({"list", "get"}),
    permissions={k: v for k, v in _crud_perms("scope").items() if k not in ("list", "get")},
    record_query=False,
    multi_key_sort=False,
    hooks=Hooks(before_delete=(_refuse_built_in_delete,), after_delete=(_cascade("auth:scopes"),)),
)


# -- clients -------------------------------------------------------------------------------------------
def _client_name_check(value: Any) -> str | None:
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


def _client_before_create(ctx: RequestContext, row: Row) -> None:
    if not row.get("displayName"):
        row["displayName"] = row["name"]
    if row.get("authMethod") == "secret":
        _store_secret(ctx, row, row)
    else:
        row["secret"] = None


def _client_before_update(ctx: RequestContext, row: Row, changes: Row) -> None:
    method = changes.get("authMethod", row.get("authMethod"))
    if method != "secret":
        if "authMethod" in changes:
            changes.update({"secret": None, "secretHashed": False, "secretEncrypted": False})
        return
    if "secret" in changes or row.get("secret") is None:
        merged = {**row, **changes}
        _store_secret(ctx, merged, changes)


def _client_secret_visible(ctx: RequestContext, row: Row) -> bool:
    identity = ctx.identity
    if identity is None:
        return False
    if identity.kind == "client" and identity.id == row["id"]:
        return True
    return any(p in identity.permissions for p in ("client_read", "client_update", "client_delete"))


CLIENTS = Resource(
    service="auth",
    path="clients",
    domain="client",
    fields=(
        id_field(),
        _name(check=_client_name_check),
        Field("displayName", nullable=True, create=True, update=True, max_length=256),
        replace(DESCRIPTION, min_length=3),
        Field("active", type="bool", default=True, create=True, update=True),
        BUILT_IN,
        Field("authMethod", default="none", create=True, update=True, choices=("none", "secret", "tls")),
        Field("tokenBindingMethod", default="none", create=True, update=True, choices=("none", "tls")),
        Field(
            "secret",
            nullable=True,
            create=True,
            update=True,
            min_length=3,
            max_length=256,
            selected=False,
            read_guard=_client_secret_visible,
        ),
        Field("secretHashed", type="bool", default=False, create=True, update=True),
        Field("secretEncrypted", type="bool", default=False, create=True, update=True),
        Field("redirectUri", nullable=True, create=True, update=True),
        Field("postLogoutRedirectUri", nullable=True, create=True, update=True),
        Field("grantTypes", nullable=True, create=True, update=True, min_length=3, max_length=512),
        Field("scope", nullable=True, create=True, update=True),
        Field("baseUrl", nullable=True, create=True, update=True),
        Field("rootUrl", nullable=True, create=True, update=True),
        Field("accessPolicyId", type="uuid", nullable=True, create=True, update=True),
        REALM_CREATE_ONLY,
        *timestamps(),
    ),
    unique=(("name", "realmId"),),
    filters=("id", "name", "displayName", "realmId", "active", "builtIn"),
    sorts=("id", "createdAt", "updatedAt"),
    relations=(REALM_RELATION,),
    operations=frozenset({"list", "get", "create", "update", "upsert", "delete"}),
    name_field="name",
    realm_field="realmId",
    public=frozenset({"list", "get"}),
    multi_key_sort=False,
    hooks=Hooks(
        before_create=(_client_before_create,),
        before_update=(_client_before_update,),
        before_delete=(_refuse_built_in_delete,),
        after_delete=(_cascade("auth:clients"),),
        authorize=_self_or(
            ("client_read", "client_update", "client_delete"), "client_self_manage", "client", public=True
        ),
    ),
)


#: auth.md §3.7: the fields allow-list is the default columns plus ``secret``.
CLIENTS = replace(CLIENTS, fields_allowed=(*CLIENTS.default_fields, "secret"))


# -- junctions -----------------------------------------------------------------------------------------
def _bind(hub: FakeHub, key: str, **values: Any) -> Row:
    return hub.seed_row(key, values)


def _copy_realms(*pairs: tuple[str, str, str]) -> Any:
    """before_create: copy ``*RealmId`` columns from the referenced rows."""

    def before_create(ctx: RequestContext, row: Row) -> None:
        for column, target, realm_column in pairs:
            other = ctx.hub.table(target).get(row.get(column))
            row[realm_column] = other.get("realmId") if other is not None else None

    return before_create


def _holds_permission(ctx: RequestContext, row: Row) -> None:
    """Granting a permission requires holding it (auth.md §3.1)."""
    perm = ctx.hub.table("auth:permissions").get(row.get("permissionId"))
    if perm is not None and not ctx.has_permission(perm["name"]):
        raise permission_error("auth", (perm["name"],))


def _holds_role(ctx: RequestContext, row: Row) -> None:
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


def _junction(
    path: str,
    domain: str,
    left: tuple[str, str, str],
    right: tuple[str, str, str],
    perms: dict[str, tuple[str, ...]],
    *,
    binding: bool,
    extra_filters: tuple[str, ...] = (),
    guard: Any = None,
) -> Resource:
    """A junction resource (auth.md §3.8): two immutable foreign keys, realm ids copied, pairs unique.

    ``left``/``right`` are ``(key, target resource, relation name)``; ``binding`` adds the permission
    binding columns ``policyId`` and ``realmScope`` (updatable via ``POST /:id``).
    """
    (lkey, ltarget, lrel), (rkey, rtarget, rrel) = left, right
    lrealm, rrealm = f"{lrel}RealmId", f"{rrel}RealmId"
    fields: list[Field] = [
        id_field(),
        Field(lkey, type="uuid", required=True, create=True, references=ForeignKey(ltarget)),
        Field(rkey, type="uuid", required=True, create=True, references=ForeignKey(rtarget)),
        Field(lrealm, type="uuid", nullable=True),
        Field(rrealm, type="uuid", nullable=True),
    ]
    if binding:
        fields += [
            Field("policyId", type="uuid", nullable=True, create=True, update=True),
            Field("realmScope", default="own", create=True, update=True, choices=REALM_SCOPES),
        ]
    fields += list(timestamps())
    filters = ("id", lkey, rkey, lrealm, rrealm, *extra_filters)
    return Resource(
        service="auth",
        path=path,
        domain=domain,
        fields=tuple(fields),
        unique=((lkey, rkey),),
        filters=filters,
        sorts=("id", "createdAt", "updatedAt"),
        relations=(Relation(lrel, ltarget, lkey), Relation(rrel, rtarget, rkey)),
        operations=frozenset({"list", "get", "create", "delete"} | ({"update"} if binding else set())),
        permissions=perms,
        multi_key_sort=False,
        record_query=False,
        hooks=Hooks(
            before_create=(_copy_realms((lkey, ltarget, lrealm), (rkey, rtarget, rrealm)),)
            + ((guard,) if guard else ())
        ),
    )


ROLE_PERMISSIONS = _junction(
    "role-permissions",
    "rolePermission",
    ("roleId", "auth:roles", "role"),
    ("permissionId", "auth:permissions", "permission"),
    {
        **_reads("role_permission_read", "role_permission_delete"),
        "create": ("role_permission_create",),
        "update": ("role_permission_update",),
        "delete": ("role_permission_delete",),
    },
    binding=True,
    extra_filters=("policyId",),
    guard=_holds_permission,
)
USER_PERMISSIONS = _junction(
    "user-permissions",
    "userPermission",
    ("userId", "auth:users", "user"),
    ("permissionId", "auth:permissions", "permission"),
    {
        **_reads("user_permission_create", "user_permission_delete", "user_permission_read"),
        "create": ("user_permission_create",),
        "update": ("user_permission_update",),
        "delete": ("user_permission_delete",),
    },
    binding=True,
    extra_filters=("policyId",),
    guard=_holds_permission,
)
CLIENT_PERMISSIONS = _junction(
    "client-permissions",
    "clientPermission",
    ("clientId", "auth:clients", "client"),
    ("permissionId", "auth:permissions", "permission"),
    {
        **_reads("client_permission_create", "client_permission_delete"),
        "create": ("client_permission_create",),
        "update": ("client_permission_update",),
        "delete": ("client_permission_delete",),
    },
    binding=True,
    extra_filters=("policyId",),
    guard=_holds_permission,
)
USER_ROLES = _junction(
    "user-roles",
    "userRole",
    ("userId", "auth:users", "user"),
    ("roleId", "auth:roles", "role"),
    {
        **_reads("user_role_read", "user_role_create", "user_role_update"),
        "create": ("user_role_create",),
        "delete": ("user_role_delete",),
    },
    binding=False,
    guard=_holds_role,
)
CLIENT_ROLES = _junction(
    "client-roles",
    "clientRole",
    ("clientId", "auth:clients", "client"),
    ("roleId", "auth:roles", "role"),
    {
        **_reads("client_role_read", "client_role_update", "client_role_delete"),
        "create": ("client_role_create",),
        "delete": ("client_role_delete",),
    },
    binding=False,
    guard=_holds_role,
)
_client_scopes = _junction(
    "client-scopes",
    "clientScope",
    ("clientId", "auth:clients", "client"),
    ("scopeId", "auth:scopes", "scope"),
    {"create": ("client_scope_create",), "delete": ("client_scope_delete",)},
    binding=False,
    extra_filters=("default",),
)
CLIENT_SCOPES = replace(
    _client_scopes,
    fields=(
        *_client_scopes.fields[:5],
        Field("default", type="bool", default=False),
        *_client_scopes.fields[5:],
    ),
    sorts=("id", "default", "clientId", "clientRealmId", "scopeId", "scopeRealmId", "createdAt", "updatedAt"),
    public=frozenset({"list", "get"}),
    permissions={
        **_reads("client_scope_read", "client_read", "client_update", "client_delete"),
        "create": ("client_scope_create",),
        "delete": ("client_scope_delete",),
    },
)

RESOURCES: tuple[Resource, ...] = (
    REALMS, USERS, ROLES, PERMISSIONS, SCOPES, CLIENTS,
    ROLE_PERMISSIONS, USER_PERMISSIONS, CLIENT_PERMISSIONS, USER_ROLES, CLIENT_ROLES, CLIENT_SCOPES,
)  # fmt: skip

#: Resources with realm-nested aliases ``/realms/{realm}/<path>`` (auth.md §2.4).
REALM_NESTED = (USERS, CLIENTS, PERMISSIONS)


# -- special routes ------------------------------------------------------------------------------------
def _me(kind: str) -> Any:
    def handler(ctx: RequestContext) -> Response:
        identity = ctx.require_login()
        if identity.kind != kind:
            raise HubError("entity_not_found", f"The {kind} was not found.")
        return ctx.crud(f"auth:{kind}s").get(ctx, identity.id)

    return handler


def _check_permission(ctx: RequestContext) -> Response:
    """``POST /permissions/{idOrName}/check``: whether the *caller* holds it (auth.md §3.5), 202 unenveloped.

    Policy data in the body is ignored: FakeHub evaluates permissions by name only.
    """
    ctx.require_login()
    permission = ctx.crud("auth:permissions").find(ctx, ctx.params["id"], "get")
    if ctx.has_permission(permission["name"]):
        return Response.json({"status": "success"}, status=202)
    error = permission_error("auth", (permission["name"],))
    return Response.json({"status": "error", "data": error_body(error, "auth")}, status=202)


def _nested(resource: Resource, op: str) -> Any:
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


# -- bootstrap -----------------------------------------------------------------------------------------
def provision_console_clients(hub: FakeHub, realm_id: str) -> None:
    """The two public built-in clients every realm gets."""
    for name in ("admin-console", "account-console"):
        hub.seed_row(
            CLIENTS,
            {
                "name": name, "displayName": name, "active": True, "builtIn": True, "authMethod": "none",
                "tokenBindingMethod": "none", "secretHashed": False, "secretEncrypted": False,
                "grantTypes": "authorization_code refresh_token", "realmId": realm_id,
            },
        )  # fmt: skip


def bootstrap(hub: FakeHub) -> None:
    """A fresh authup as Hub deployments run it (auth.md §4.1), plus the Hub's permission names."""
    master = hub.seed_row(REALMS, {"name": "master", "displayName": None, "builtIn": True})
    permission_ids = {}
    for name in AUTHUP_PERMISSIONS + HUB_PERMISSIONS:
        row = hub.seed_row(
            PERMISSIONS,
            {"name": name, "builtIn": True, "realmId": None, "clientId": None, "decisionStrategy": None},
        )
        permission_ids[name] = row["id"]
    admin_role = hub.seed_row(ROLES, {"name": "admin", "builtIn": True, "realmId": None, "clientId": None})
    realm_admin = hub.seed_row(
        ROLES, {"name": "realm_admin", "builtIn": True, "realmId": None, "clientId": None}
    )
    for name, pid in permission_ids.items():
        _bind(
            hub,
            ROLE_PERMISSIONS.key,
            roleId=admin_role["id"],
            permissionId=pid,
            realmScope="any",
            roleRealmId=None,
            permissionRealmId=None,
            policyId=None,
        )
        if name not in ("realm_create", "realm_update", "realm_delete"):
            _bind(
                hub,
                ROLE_PERMISSIONS.key,
                roleId=realm_admin["id"],
                permissionId=pid,
                realmScope="ownOrNull",
                roleRealmId=None,
                permissionRealmId=None,
                policyId=None,
            )
    salt = hub.ids.token(22, SALT_ALPHABET)
    admin = hub.seed_row(
        USERS,
        {
            "name": hub.admin_username, "nameLocked": True, "displayName": hub.admin_username,
            "email": "admin@example.com", "password": hash_password(hub.admin_password, salt), "active": True,
            "realmId": master["id"],
        },
    )  # fmt: skip
    _bind(
        hub,
        USER_ROLES.key,
        userId=admin["id"],
        roleId=admin_role["id"],
        userRealmId=master["id"],
        roleRealmId=None,
    )
    system = hub.seed_row(
        CLIENTS,
        {
            "name": "system", "displayName": "system", "active": True, "builtIn": True,
            "authMethod": "secret",
            "tokenBindingMethod": "none", "secret": hub.system_client_secret, "secretHashed": False,
            "secretEncrypted": False, "realmId": master["id"],
        },
    )  # fmt: skip
    _bind(
        hub,
        CLIENT_ROLES.key,
        clientId=system["id"],
        roleId=admin_role["id"],
        clientRealmId=master["id"],
        roleRealmId=None,
    )
    provision_console_clients(hub, master["id"])
    for scope in BUILT_IN_SCOPES:
        hub.seed_row(SCOPES, {"name": scope, "builtIn": True, "realmId": None})


def install(hub: FakeHub) -> None:
    """Declare authup's resources and routes on ``hub`` and bootstrap a fresh authup."""
    hub.route("GET", "auth", "/users/@me", _me("user"))
    hub.route("GET", "auth", "/clients/@me", _me("client"))
    hub.route("POST", "auth", "/permissions/:id/check", _check_permission)
    for resource in REALM_NESTED:
        base = f"/realms/:realm/{resource.path}"
        hub.route("GET", "auth", base, _nested(resource, "list"))
        hub.route("POST", "auth", base, _nested(resource, "create"))
        hub.route("GET", "auth", base + "/:id", _nested(resource, "get"))
        hub.route("POST", "auth", base + "/:id", _nested(resource, "update"))
        hub.route("DELETE", "auth", base + "/:id", _nested(resource, "delete"))
    token_routes.install(hub)
    for resource in RESOURCES:
        hub.declare(resource)
    bootstrap(hub)
