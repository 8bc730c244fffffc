"""The authup resources the auth client exposes (authup 1.0.0-beta.62, auth.md §3).

Rules shared by every authup resource (auth.md §2.3, §2.4):

- a sort with several keys is dropped whole, so ``multi_sort=False`` everywhere;
- the record route ``GET /<path>/<id>`` honours ``fields``/``include`` only for users and clients
  (``record_query=False`` elsewhere);
- realms, users, roles, permissions, scopes and clients can be addressed by name (``by_name=True``);
  junctions are id-only;
- ``realm_id`` is accepted on create only (omitted = the caller's realm; ``None`` = global for roles,
  permissions and scopes); the ``*_realm_id`` copies on junctions are server-owned;
- authup declares no default order; ``id`` is sortable on every resource here and is the default
  ordering, the one key that pages without ties (authup honours a single sort key).

Robots are gone at beta.62 (replaced by clients) and are not declared. Policies are not declared either,
so the client's ``accessPolicy`` relation is not offered as an include.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from flame_hub.models.base import Entity
from flame_hub.orm.graph import Related, Relation
from flame_hub.orm.relations import ManyToMany, Reverse
from flame_hub.schema.fields import (
    CREATE_ONLY,
    INCLUDE,
    LEGACY,
    READ_ONLY,
    REQUIRED,
    REQUIRED_CREATE_ONLY,
    SECRET,
    FieldSpec,
)
from flame_hub.schema.record import ALL_OPERATIONS, Operation, ResourceMeta
from flame_hub.types import ClientAuthMethod, DecisionStrategy, RealmScope, TokenBindingMethod

__all__ = [
    "Client",
    "ClientPermission",
    "ClientRole",
    "ClientScope",
    "Permission",
    "Realm",
    "Role",
    "RolePermission",
    "Scope",
    "User",
    "UserPermission",
    "UserRole",
]

_JUNCTION_OPS: frozenset[Operation] = frozenset({"list", "get", "create", "delete"})
_JUNCTION_SORTS = ("id", "created_at", "updated_at")

#: ``email`` is required on create (auth.md §3.3 "W, C!") and outside the default projection.
_REQUIRED_OPT_IN = FieldSpec(required=True, opt_in=True)
#: ``password`` is write-only: stored hashed, never selectable (create/update responses may echo the hash).
_WRITE_ONLY_SECRET = FieldSpec(secret=True)


def _authup(
    path: str,
    domain: str,
    *,
    filters: tuple[str, ...],
    sorts: tuple[str, ...],
    operations: frozenset[Operation] = ALL_OPERATIONS,
    by_name: bool = False,
    record_query: bool = False,
) -> ResourceMeta:
    """The ResourceMeta of an authup resource: the settings every authup resource shares, filled in.

    ``domain`` is the entity name authup reports as ``meta.schema.name`` [inferred: auth.md names the
    schemas only by path; the camelCase entity names follow authup's domain naming].
    """
    return ResourceMeta(
        service="auth",
        path=path,
        domain=domain,
        filters=filters,
        sorts=sorts,
        operations=operations,
        # the one unique sort key: authup sorts by a single key, so a default by created_at (which many
        # rows share; provisioning stamps dozens in one second) could not be made total for paging
        default_ordering=("id",),
        multi_sort=False,
        by_name=by_name,
        record_query=record_query,
    )


class Realm(Entity):
    """A tenant: users, clients, roles and permissions live in a realm (``master`` is built in)."""

    meta: ClassVar[ResourceMeta] = _authup(
        "realms",
        "realm",
        filters=("id", "name", "display_name", "built_in"),
        sorts=("id", "name", "created_at", "updated_at"),
        by_name=True,
    )

    name: Annotated[str | None, REQUIRED] = None
    display_name: str | None = None
    description: str | None = None
    built_in: Annotated[bool | None, READ_ONLY] = None

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    user_set: ClassVar[Reverse[User]]
    client_set: ClassVar[Reverse[Client]]
    role_set: ClassVar[Reverse[Role]]
    permission_set: ClassVar[Reverse[Permission]]
    scope_set: ClassVar[Reverse[Scope]]
    bucket_set: ClassVar[Reverse[Any]]
    bucket_file_set: ClassVar[Reverse[Any]]
    node_set: ClassVar[Reverse[Any]]
    project_set: ClassVar[Reverse[Any]]
    analysis_set: ClassVar[Reverse[Any]]


class User(Entity):
    """A person who logs in with a password; user attributes arrive as extra keys (``model_extra``)."""

    meta: ClassVar[ResourceMeta] = _authup(
        "users",
        "user",
        filters=("id", "name", "display_name", "realm_id", "active"),
        sorts=("id", "name", "display_name", "created_at", "updated_at"),
        by_name=True,
        record_query=True,
    )

    name: Annotated[str | None, REQUIRED] = None
    name_locked: bool | None = None
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    email: Annotated[str | None, _REQUIRED_OPT_IN] = None
    password: Annotated[str | None, _WRITE_ONLY_SECRET] = None
    # No validator mounts avatar/cover, so the API cannot write them (auth.md §3.3).
    avatar: Annotated[str | None, READ_ONLY] = None
    cover: Annotated[str | None, READ_ONLY] = None
    active: bool | None = None
    status: str | None = None
    status_message: str | None = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    realm: Annotated[Realm | None, INCLUDE] = None

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    user_permission_set: ClassVar[Reverse[UserPermission]]
    user_role_set: ClassVar[Reverse[UserRole]]
    project_set: ClassVar[Reverse[Any]]
    permission_set: ClassVar[ManyToMany[Permission, UserPermission]]
    role_set: ClassVar[ManyToMany[Role, UserRole]]


class Client(Entity):
    """An OAuth2 client: a machine identity (Hub nodes and analyses each get one) or a login front end."""

    meta: ClassVar[ResourceMeta] = _authup(
        "clients",
        "client",
        filters=("id", "name", "display_name", "realm_id", "active", "built_in"),
        # Clients cannot be sorted by name (auth.md §3.7).
        sorts=("id", "created_at", "updated_at"),
        by_name=True,
        record_query=True,
    )

    name: Annotated[str | None, REQUIRED] = None
    display_name: str | None = None
    description: str | None = None
    active: bool | None = None
    built_in: Annotated[bool | None, READ_ONLY] = None
    # Server default "none" = public client without a secret; machine clients must send "secret".
    auth_method: ClientAuthMethod | str | None = None
    token_binding_method: TokenBindingMethod | str | None = None
    # Returned in the create/update response and with ``fields=+secret``; never in a plain read.
    secret: Annotated[str | None, SECRET] = None
    secret_hashed: bool | None = None
    secret_encrypted: bool | None = None
    redirect_uri: str | None = None
    post_logout_redirect_uri: str | None = None
    # A space/comma separated string on the wire (not a list); None allows every grant.
    grant_types: str | None = None
    scope: str | None = None
    base_url: str | None = None
    root_url: str | None = None
    access_policy_id: UUID | None = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    realm: Annotated[Realm | None, INCLUDE] = None

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    owned_role_set: ClassVar[Reverse[Role]]
    owned_permission_set: ClassVar[Reverse[Permission]]
    client_permission_set: ClassVar[Reverse[ClientPermission]]
    client_role_set: ClassVar[Reverse[ClientRole]]
    client_scope_set: ClassVar[Reverse[ClientScope]]
    node_set: ClassVar[Reverse[Any]]
    permission_set: ClassVar[ManyToMany[Permission, ClientPermission]]
    role_set: ClassVar[ManyToMany[Role, ClientRole]]
    scope_set: ClassVar[ManyToMany[Scope, ClientScope]]
    # ``accessPolicy`` is includable at authup but Policy is not declared here; see the module docstring.


class Role(Entity):
    """A named set of permissions granted to users and clients (``admin``, ``realm_admin`` are built in)."""

    meta: ClassVar[ResourceMeta] = _authup(
        "roles",
        "role",
        filters=("id", "name", "display_name", "built_in", "target", "client_id", "realm_id"),
        sorts=("id", "name", "created_at", "updated_at"),
        by_name=True,
    )

    name: Annotated[str | None, REQUIRED] = None
    display_name: str | None = None
    description: str | None = None
    target: Annotated[str | None, READ_ONLY] = None
    built_in: Annotated[bool | None, READ_ONLY] = None
    client_id: UUID | None = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    # Honoured on the collection only (record routes of roles ignore the query, auth.md §3.4).
    realm: Annotated[Realm | None, INCLUDE] = None
    #: The client owning the role; a client's ``role_set`` is the roles assigned to it (client-roles).
    client = Related(Client, related_name="owned_role_set")

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    role_permission_set: ClassVar[Reverse[RolePermission]]
    user_role_set: ClassVar[Reverse[UserRole]]
    client_role_set: ClassVar[Reverse[ClientRole]]
    permission_set: ClassVar[ManyToMany[Permission, RolePermission]]
    user_set: ClassVar[ManyToMany[User, UserRole]]
    client_set: ClassVar[ManyToMany[Client, ClientRole]]


class Permission(Entity):
    """A named right (``node_create`` ...) checked by authup and the Hub services."""

    meta: ClassVar[ResourceMeta] = _authup(
        "permissions",
        "permission",
        filters=("id", "name", "display_name", "built_in", "realm_id", "client_id"),
        sorts=("id", "name", "created_at", "updated_at"),
        by_name=True,
    )

    name: Annotated[str | None, REQUIRED] = None
    display_name: str | None = None
    description: str | None = None
    decision_strategy: DecisionStrategy | str | None = None
    built_in: Annotated[bool | None, READ_ONLY] = None
    client_id: UUID | None = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    # No includes at beta.62: ``include=realm`` is silently dropped (auth.md §3.5), and no ``policyId``
    # (policies attach through /permission-policies). 0.5.5 declared both; ``policy_id`` stays None, and
    # ``realm`` is a relation read by id.
    realm: Annotated[Realm | None, LEGACY, Relation()] = None
    policy_id: Annotated[UUID | None, LEGACY] = None
    #: The client owning the permission; a client's ``permission_set`` is the permissions granted to it.
    client = Related(Client, related_name="owned_permission_set")

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    role_permission_set: ClassVar[Reverse[RolePermission]]
    user_permission_set: ClassVar[Reverse[UserPermission]]
    client_permission_set: ClassVar[Reverse[ClientPermission]]
    role_set: ClassVar[ManyToMany[Role, RolePermission]]
    user_set: ClassVar[ManyToMany[User, UserPermission]]
    client_set: ClassVar[ManyToMany[Client, ClientPermission]]


class Scope(Entity):
    """An OAuth2 scope a client may request (``global`` is the one that makes permissions count)."""

    meta: ClassVar[ResourceMeta] = _authup(
        "scopes",
        "scope",
        filters=("id", "name", "display_name", "built_in", "realm_id"),
        sorts=("id", "name", "created_at", "updated_at"),
        by_name=True,
    )

    name: Annotated[str | None, REQUIRED] = None
    display_name: str | None = None
    description: str | None = None
    built_in: Annotated[bool | None, READ_ONLY] = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    realm: Annotated[Realm | None, INCLUDE] = None

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    client_scope_set: ClassVar[Reverse[ClientScope]]
    client_set: ClassVar[ManyToMany[Client, ClientScope]]


class _PermissionBinding(Entity):
    """What every permission grant carries (role, user and client permissions); not a resource itself.

    ``realm_scope`` and ``policy_id`` are the only fields authup lets an update change.
    """

    permission_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    policy_id: UUID | None = None
    realm_scope: RealmScope | str | None = None
    permission_realm_id: Annotated[UUID | None, READ_ONLY] = None
    permission: Annotated[Permission | None, INCLUDE] = None
    # 0.5.5 asked for ``include=permissionRealm`` (and the holder's realm); authup has no such
    # includes (auth.md §3.9), so these stay None.
    permission_realm: Annotated[Realm | None, LEGACY] = None


class RolePermission(_PermissionBinding):
    """Grants a permission to a role."""

    meta: ClassVar[ResourceMeta] = _authup(
        "role-permissions",
        "rolePermission",
        filters=("id", "role_id", "permission_id", "role_realm_id", "permission_realm_id", "policy_id"),
        sorts=_JUNCTION_SORTS,
    )

    role_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    role_realm_id: Annotated[UUID | None, READ_ONLY] = None
    role: Annotated[Role | None, INCLUDE] = None
    role_realm: Annotated[Realm | None, LEGACY] = None  # 0.5.5's; authup has no such include


class UserPermission(_PermissionBinding):
    """Grants a permission to a user directly."""

    meta: ClassVar[ResourceMeta] = _authup(
        "user-permissions",
        "userPermission",
        filters=("id", "user_id", "permission_id", "user_realm_id", "permission_realm_id", "policy_id"),
        sorts=_JUNCTION_SORTS,
    )

    user_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    user_realm_id: Annotated[UUID | None, READ_ONLY] = None
    user: Annotated[User | None, INCLUDE] = None
    user_realm: Annotated[Realm | None, LEGACY] = None  # 0.5.5's; authup has no such include


class ClientPermission(_PermissionBinding):
    """Grants a permission to a client (how the Hub lets a node's client update analyses)."""

    meta: ClassVar[ResourceMeta] = _authup(
        "client-permissions",
        "clientPermission",
        filters=("id", "client_id", "permission_id", "client_realm_id", "permission_realm_id", "policy_id"),
        sorts=_JUNCTION_SORTS,
    )

    client_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    client_realm_id: Annotated[UUID | None, READ_ONLY] = None
    client: Annotated[Client | None, INCLUDE] = None


class _RoleBinding(Entity):
    """What every role assignment carries (user and client roles); not a resource itself."""

    role_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    role_realm_id: Annotated[UUID | None, READ_ONLY] = None
    role: Annotated[Role | None, INCLUDE] = None
    role_realm: Annotated[Realm | None, LEGACY] = None  # 0.5.5's; authup has no such include


class UserRole(_RoleBinding):
    """Assigns a role to a user."""

    meta: ClassVar[ResourceMeta] = _authup(
        "user-roles",
        "userRole",
        filters=("id", "user_id", "role_id", "user_realm_id", "role_realm_id"),
        sorts=_JUNCTION_SORTS,
        operations=_JUNCTION_OPS,
    )

    user_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    user_realm_id: Annotated[UUID | None, READ_ONLY] = None
    user: Annotated[User | None, INCLUDE] = None
    user_realm: Annotated[Realm | None, LEGACY] = None  # 0.5.5's; authup has no such include


class ClientRole(_RoleBinding):
    """Assigns a role to a client."""

    meta: ClassVar[ResourceMeta] = _authup(
        "client-roles",
        "clientRole",
        filters=("id", "client_id", "role_id", "client_realm_id", "role_realm_id"),
        sorts=_JUNCTION_SORTS,
        operations=_JUNCTION_OPS,
    )

    client_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    client_realm_id: Annotated[UUID | None, READ_ONLY] = None
    client: Annotated[Client | None, INCLUDE] = None


class ClientScope(Entity):
    """Allows a client to request a scope."""

    meta: ClassVar[ResourceMeta] = _authup(
        "client-scopes",
        "clientScope",
        filters=("id", "client_id", "scope_id", "default", "client_realm_id", "scope_realm_id"),
        sorts=(
            "id",
            "default",
            "client_id",
            "client_realm_id",
            "scope_id",
            "scope_realm_id",
            "created_at",
            "updated_at",
        ),
        operations=_JUNCTION_OPS,
    )

    client_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    scope_id: Annotated[UUID | None, REQUIRED_CREATE_ONLY] = None
    # Always false when created through the API (auth.md §3.8).
    default: Annotated[bool | None, READ_ONLY] = None
    client_realm_id: Annotated[UUID | None, READ_ONLY] = None
    scope_realm_id: Annotated[UUID | None, READ_ONLY] = None
    client: Annotated[Client | None, INCLUDE] = None
    scope: Annotated[Scope | None, INCLUDE] = None
