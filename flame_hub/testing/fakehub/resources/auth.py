"""authup 1.0.0-beta.62 resources (auth.md §3): realms, users, roles, permissions, scopes, clients and
the six junctions, declared once each; rules live in :mod:`.auth_rules`, special routes in
:mod:`.auth_routes` and :mod:`..token_routes`, a fresh authup's contents in :mod:`.auth_bootstrap`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..hooks import Hooks
from ..schema import (
    DESCRIPTION,
    DISPLAY_NAME,
    REALM_FK,
    SLUG,
    WRITES,
    Collections,
    Field,
    Relation,
    Resource,
    reads,
    writes,
)
from . import auth_rules as rules

REALM_SCOPES = ("none", "own", "ownOrNull", "any")
#: What authup's named entities allow: ``GET``/``POST``/``PUT`` by id or name as well (auth.md §2.4).
NAMED_OPERATIONS = frozenset({"list", "get", "create", "update", "upsert", "delete"})

#: authup's collections: a multi-key sort is dropped whole and a record read ignores ``fields``/
#: ``include`` (auth.md §2.3), except where a collection says otherwise.
authup = Collections("auth", multi_key_sort=False, record_query=False)
#: authup's named entities: addressed by id or name, sorted by id, name and the timestamps.
named = authup.with_defaults(
    operations=NAMED_OPERATIONS, name_field="name", sorts=("id", "name", "createdAt", "updatedAt")
)
#: Named entities anyone may list and read (realms, scopes, clients).
listed = named.with_defaults(public=frozenset({"list", "get"}))

BUILT_IN = Field("builtIn", type="bool", default=False)
#: A realm given on create (the caller's by default) and kept.
IN_REALM = Field("realmId", type="uuid", create=True, references=REALM_FK)
#: A realm given on create, or ``null`` for a global record.
GLOBAL_OR_IN_REALM = replace(IN_REALM, nullable=True)
CLIENT_FK = Field.fk("clientId", "auth:clients", nullable=True, create=True, update=True)
REALM = Relation.on("realmId", "auth:realms")


def _managed(entity: str) -> dict[str, tuple[str, ...]]:
    """Reading needs ``<entity>_read``, ``_update`` or ``_delete``; each write its own permission."""
    return {
        **reads(f"{entity}_read", f"{entity}_update", f"{entity}_delete"),
        **writes(entity, *WRITES, "upsert"),
    }


# -- declarations -------------------------------------------------------------------------------------
REALMS = listed.entity(
    "realms",
    SLUG,
    DISPLAY_NAME,
    DESCRIPTION,
    BUILT_IN,
    unique=(("name",),),
    filters=("id", "name", "displayName", "builtIn"),
    permissions=writes("realm", *WRITES, "upsert"),
    hooks=rules.ON_REALM,
)

USERS = named.entity(
    "users",
    replace(SLUG, check=rules.user_name_check),
    Field.editable("nameLocked", type="bool", default=True),
    *(Field.editable(key, nullable=True, min_length=3, max_length=128) for key in ("firstName", "lastName")),
    Field.editable("displayName", nullable=True, max_length=256),
    Field.editable(
        "email", required=True, normalize=rules.lower, check=rules.email_check, max_length=256, selected=False
    ),
    Field.editable("password", min_length=10, max_length=512, selectable=False),
    Field("avatar", nullable=True),
    Field("cover", nullable=True),
    Field.editable("active", type="bool", default=True),
    *(
        Field.editable(key, nullable=True, min_length=3, max_length=256)
        for key in ("status", "statusMessage")
    ),
    IN_REALM,
    unique=(("name", "realmId"),),
    filters=("id", "name", "displayName", "realmId", "active"),
    sorts=("id", "name", "displayName", "createdAt", "updatedAt"),
    relations=(REALM,),
    realm_field="realmId",
    record_query=True,
    hooks=rules.ON_USER,
)
#: auth.md §3.3: the fields allow-list is the default columns plus ``email``.
USERS = replace(USERS, fields_allowed=(*USERS.default_fields, "email"))


def _grantable(path: str, own: Field, **rules_: Any) -> Resource:
    """Roles and permissions (auth.md §3.4, §3.5) share their shape: global (``realmId`` null) or of
    a realm, optionally a client's, built in or not; managing them needs ``<entity>_<operation>``."""
    return named.entity(
        path,
        SLUG,
        DISPLAY_NAME,
        DESCRIPTION,
        own,
        BUILT_IN,
        CLIENT_FK,
        GLOBAL_OR_IN_REALM,
        unique=(("name", "clientId", "realmId"),),
        realm_field="realmId",
        permissions=_managed(path.removesuffix("s")),
        **rules_,
    )


ROLES = _grantable(
    "roles",
    Field("target", nullable=True),
    filters=("id", "name", "displayName", "builtIn", "target", "clientId", "realmId"),
    relations=(REALM,),
    hooks=rules.ON_ROLE,
)
PERMISSIONS = _grantable(
    "permissions",
    Field.editable("decisionStrategy", nullable=True, choices=("affirmative", "unanimous", "consensus")),
    filters=("id", "name", "displayName", "builtIn", "realmId", "clientId"),
    hooks=rules.ON_PERMISSION,
)

SCOPES = listed.entity(
    "scopes",
    SLUG,
    DISPLAY_NAME,
    DESCRIPTION,
    BUILT_IN,
    GLOBAL_OR_IN_REALM,
    unique=(("name", "realmId"),),
    filters=("id", "name", "displayName", "builtIn", "realmId"),
    relations=(REALM,),
    realm_field="realmId",
    permissions=writes("scope", *WRITES, "upsert"),
    hooks=rules.ON_SCOPE,
)

CLIENTS = listed.entity(
    "clients",
    replace(SLUG, check=rules.client_name_check),
    Field.editable("displayName", nullable=True, max_length=256),
    replace(DESCRIPTION, min_length=3),
    Field.editable("active", type="bool", default=True),
    BUILT_IN,
    Field.editable("authMethod", default="none", choices=("none", "secret", "tls")),
    Field.editable("tokenBindingMethod", default="none", choices=("none", "tls")),
    Field.secret(
        "secret", rules.client_secret_visible, create=True, update=True, min_length=3, max_length=256
    ),
    *(Field.editable(key, type="bool", default=False) for key in ("secretHashed", "secretEncrypted")),
    *(Field.editable(key, nullable=True) for key in ("redirectUri", "postLogoutRedirectUri")),
    Field.editable("grantTypes", nullable=True, min_length=3, max_length=512),
    *(Field.editable(key, nullable=True) for key in ("scope", "baseUrl", "rootUrl")),
    Field.uuid("accessPolicyId", nullable=True, create=True, update=True),
    IN_REALM,
    unique=(("name", "realmId"),),
    filters=("id", "name", "displayName", "realmId", "active", "builtIn"),
    sorts=("id", "createdAt", "updatedAt"),
    relations=(REALM,),
    realm_field="realmId",
    record_query=True,
    hooks=rules.ON_CLIENT,
)
#: auth.md §3.7: the fields allow-list is the default columns plus ``secret``.
CLIENTS = replace(CLIENTS, fields_allowed=(*CLIENTS.default_fields, "secret"))

# -- junctions (auth.md §3.8) ---------------------------------------------------------------------------
#: Granting a permission needs holding it; granting a role, holding all its permissions (auth.md §3.1).
GRANT_GUARDS = {"permission": rules.holds_permission, "role": rules.holds_role}


def _junction(left: str, right: str, reading: tuple[str, ...], *extra: Field, **overrides: Any) -> Resource:
    """The junction of ``left`` and ``right`` records (``role``, ``permission``): ``<left>Id`` and
    ``<right>Id`` name one of each, fixed on create; their realm ids are copied in; a pair is unique.

    Reading needs one of ``<left>_<right>_<reading>``, writing ``<left>_<right>_<operation>``. A
    permission binding (``right == "permission"``) has ``policyId`` and ``realmScope`` and can be
    updated. ``extra`` fields come after the keys and are filters too.
    """
    lkey, rkey, lrealm, rrealm = f"{left}Id", f"{right}Id", f"{left}RealmId", f"{right}RealmId"
    ltarget, rtarget = f"auth:{left}s", f"auth:{right}s"
    entity = f"{left}_{right}"
    binding = right == "permission"
    guard = GRANT_GUARDS.get(right)
    fields = [
        Field.fk(lkey, ltarget, required=True, create=True),
        Field.fk(rkey, rtarget, required=True, create=True),
        Field.uuid(lrealm, nullable=True),
        Field.uuid(rrealm, nullable=True),
    ]
    if binding:
        fields += [
            Field.uuid("policyId", nullable=True, create=True, update=True),
            Field.editable("realmScope", default="own", choices=REALM_SCOPES),
        ]
    filters = (
        "id",
        lkey,
        rkey,
        lrealm,
        rrealm,
        *(("policyId",) if binding else ()),
        *(f.name for f in extra),
    )
    copy_realms = rules.copy_realms((lkey, ltarget, lrealm), (rkey, rtarget, rrealm))
    rules_ = {
        "unique": ((lkey, rkey),),
        "filters": filters,
        "sorts": ("id", "createdAt", "updatedAt"),
        "relations": (Relation.on(lkey, ltarget), Relation.on(rkey, rtarget)),
        "operations": frozenset({"list", "get", "create", "delete", *(("update",) if binding else ())}),
        "permissions": {
            **reads(*(f"{entity}_{op}" for op in reading)),
            **writes(entity, *(WRITES if binding else ("create", "delete"))),
        },
        "hooks": Hooks(before_create=(copy_realms, *((guard,) if guard else ()))),
    }
    return authup.entity(f"{left}-{right}s", *fields, *extra, **{**rules_, **overrides})


ROLE_PERMISSIONS = _junction("role", "permission", ("read", "delete"))
USER_PERMISSIONS = _junction("user", "permission", ("create", "delete", "read"))
CLIENT_PERMISSIONS = _junction("client", "permission", ("create", "delete"))
USER_ROLES = _junction("user", "role", ("read", "create", "update"))
CLIENT_ROLES = _junction("client", "role", ("read", "update", "delete"))
CLIENT_SCOPES = _junction(
    "client",
    "scope",
    (),
    Field("default", type="bool", default=False),
    sorts=("id", "default", "clientId", "clientRealmId", "scopeId", "scopeRealmId", "createdAt", "updatedAt"),
    public=frozenset({"list", "get"}),
    permissions={
        **reads("client_scope_read", "client_read", "client_update", "client_delete"),
        **writes("client_scope", "create", "delete"),
    },
)

RESOURCES: tuple[Resource, ...] = (
    REALMS, USERS, ROLES, PERMISSIONS, SCOPES, CLIENTS,
    ROLE_PERMISSIONS, USER_PERMISSIONS, CLIENT_PERMISSIONS, USER_ROLES, CLIENT_ROLES, CLIENT_SCOPES,
)  # fmt: skip
