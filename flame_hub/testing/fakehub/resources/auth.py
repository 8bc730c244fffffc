"""authup 1.0.0-beta.62 resources (auth.md §3): realms, users, roles, permissions, scopes, clients and
the six junctions, declared once each; rules live in :mod:`.auth_rules`, special routes in
:mod:`.auth_routes` and :mod:`..token_routes`, a fresh authup's contents in :mod:`.auth_bootstrap`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..schema import (
    NAME,
    NAME_PATTERN,
    REALM_FK,
    Field,
    ForeignKey,
    Hooks,
    Relation,
    Resource,
    id_field,
    timestamps,
)
from . import auth_rules as rules

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


def _writes(entity: str, *operations: str) -> dict[str, tuple[str, ...]]:
    """authup names write permissions ``<entity>_<operation>``; an upsert needs ``<entity>_update``."""
    return {op: (f"{entity}_{'update' if op == 'upsert' else op}",) for op in operations}


def _crud_perms(entity: str, reads: tuple[str, ...] | None = None) -> dict[str, tuple[str, ...]]:
    read = reads or (f"{entity}_read", f"{entity}_update", f"{entity}_delete")
    return {**_reads(*read), **_writes(entity, "create", "update", "upsert", "delete")}


# -- declarations -------------------------------------------------------------------------------------
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
    permissions=_writes("realm", "create", "update", "upsert", "delete"),
    record_query=False,
    multi_key_sort=False,
    hooks=Hooks(
        before_update=(rules.realm_rename,),
        after_create=(rules.realm_provision,),
        before_delete=(rules.refuse_built_in_delete,),
        after_delete=(rules.realm_cascade,),
    ),
)


USERS = Resource(
    service="auth",
    path="users",
    domain="user",
    fields=(
        id_field(),
        _name(check=rules.user_name_check),
        Field("nameLocked", type="bool", default=True, create=True, update=True),
        Field("firstName", nullable=True, create=True, update=True, min_length=3, max_length=128),
        Field("lastName", nullable=True, create=True, update=True, min_length=3, max_length=128),
        Field("displayName", nullable=True, create=True, update=True, max_length=256),
        Field(
            "email",
            required=True,
            create=True,
            update=True,
            normalize=rules.lower,
            check=rules.email_check,
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
        before_create=(rules.user_before_create,),
        before_update=(rules.user_before_update,),
        before_delete=(rules.user_before_delete,),
        after_delete=(rules.cascade("auth:users"),),
        authorize=rules.self_or(
            ("user_read", "user_update", "user_delete"), "user_self_manage", "user", public=False
        ),
    ),
)


#: auth.md §3.3: the fields allow-list is the default columns plus ``email``.
USERS = replace(USERS, fields_allowed=(*USERS.default_fields, "email"))


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
    hooks=Hooks(before_delete=(rules.refuse_built_in_delete,), after_delete=(rules.cascade("auth:roles"),)),
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
        after_create=(rules.grant_to_admin,),
        before_update=(rules.permission_rename,),
        before_delete=(rules.refuse_built_in_delete,),
        after_delete=(rules.cascade("auth:permissions"),),
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
    hooks=Hooks(before_delete=(rules.refuse_built_in_delete,), after_delete=(rules.cascade("auth:scopes"),)),
)


CLIENTS = Resource(
    service="auth",
    path="clients",
    domain="client",
    fields=(
        id_field(),
        _name(check=rules.client_name_check),
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
            read_guard=rules.client_secret_visible,
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
        before_create=(rules.client_before_create,),
        before_update=(rules.client_before_update,),
        before_delete=(rules.refuse_built_in_delete,),
        after_delete=(rules.cascade("auth:clients"),),
        authorize=rules.self_or(
            ("client_read", "client_update", "client_delete"), "client_self_manage", "client", public=True
        ),
    ),
)


#: auth.md §3.7: the fields allow-list is the default columns plus ``secret``.
CLIENTS = replace(CLIENTS, fields_allowed=(*CLIENTS.default_fields, "secret"))


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
            before_create=(rules.copy_realms((lkey, ltarget, lrealm), (rkey, rtarget, rrealm)),)
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
        **_writes("role_permission", "create", "update", "delete"),
    },
    binding=True,
    extra_filters=("policyId",),
    guard=rules.holds_permission,
)
USER_PERMISSIONS = _junction(
    "user-permissions",
    "userPermission",
    ("userId", "auth:users", "user"),
    ("permissionId", "auth:permissions", "permission"),
    {
        **_reads("user_permission_create", "user_permission_delete", "user_permission_read"),
        **_writes("user_permission", "create", "update", "delete"),
    },
    binding=True,
    extra_filters=("policyId",),
    guard=rules.holds_permission,
)
CLIENT_PERMISSIONS = _junction(
    "client-permissions",
    "clientPermission",
    ("clientId", "auth:clients", "client"),
    ("permissionId", "auth:permissions", "permission"),
    {
        **_reads("client_permission_create", "client_permission_delete"),
        **_writes("client_permission", "create", "update", "delete"),
    },
    binding=True,
    extra_filters=("policyId",),
    guard=rules.holds_permission,
)
USER_ROLES = _junction(
    "user-roles",
    "userRole",
    ("userId", "auth:users", "user"),
    ("roleId", "auth:roles", "role"),
    {
        **_reads("user_role_read", "user_role_create", "user_role_update"),
        **_writes("user_role", "create", "delete"),
    },
    binding=False,
    guard=rules.holds_role,
)
CLIENT_ROLES = _junction(
    "client-roles",
    "clientRole",
    ("clientId", "auth:clients", "client"),
    ("roleId", "auth:roles", "role"),
    {
        **_reads("client_role_read", "client_role_update", "client_role_delete"),
        **_writes("client_role", "create", "delete"),
    },
    binding=False,
    guard=rules.holds_role,
)
_client_scopes = _junction(
    "client-scopes",
    "clientScope",
    ("clientId", "auth:clients", "client"),
    ("scopeId", "auth:scopes", "scope"),
    _writes("client_scope", "create", "delete"),
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
        **_writes("client_scope", "create", "delete"),
    },
)

RESOURCES: tuple[Resource, ...] = (
    REALMS, USERS, ROLES, PERMISSIONS, SCOPES, CLIENTS,
    ROLE_PERMISSIONS, USER_PERMISSIONS, CLIENT_PERMISSIONS, USER_ROLES, CLIENT_ROLES, CLIENT_SCOPES,
)  # fmt: skip
