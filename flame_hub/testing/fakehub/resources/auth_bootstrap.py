"""A fresh authup as Hub deployments run it (auth.md §4.1), plus the Hub's permission names.

Rows are seeded directly (no validation, no hooks) by resource key, so this module needs no
declaration and can be used by the realm hook that provisions every new realm's console clients.
"""

from __future__ import annotations

from ..context import Hub
from ..passwords import SALT_ALPHABET, hash_password
from ..schema import Row


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
#: The permissions the global ``admin`` role has and ``realm_admin`` has not.
REALM_WRITES = ("realm_create", "realm_update", "realm_delete")


def grant_permission(hub: Hub, role_id: str, permission: Row, realm_scope: str) -> Row:
    """Seed a global role's binding to ``permission`` (``realm_scope``: own, ownOrNull, any)."""
    return hub.seed_row(
        "auth:role-permissions",
        {
            "roleId": role_id, "permissionId": permission["id"], "realmScope": realm_scope,
            "roleRealmId": None, "permissionRealmId": permission.get("realmId"), "policyId": None,
        },
    )  # fmt: skip


def grant_role(hub: Hub, kind: str, subject: Row, role_id: str) -> Row:
    """Seed a global role's binding to a user or client (``kind``) of the subject's realm."""
    return hub.seed_row(
        f"auth:{kind}-roles",
        {
            f"{kind}Id": subject["id"],
            "roleId": role_id,
            f"{kind}RealmId": subject["realmId"],
            "roleRealmId": None,
        },
    )


def provision_console_clients(hub: Hub, realm_id: str) -> None:
    """The two public built-in clients every realm gets."""
    for name in ("admin-console", "account-console"):
        hub.seed_row(
        "auth:clients",
            {
                "name": name, "displayName": name, "active": True, "builtIn": True, "authMethod": "none",
                "tokenBindingMethod": "none", "secretHashed": False, "secretEncrypted": False,
                "grantTypes": "authorization_code refresh_token", "realmId": realm_id,
            },
        )  # fmt: skip


def bootstrap(hub: Hub) -> None:
    """A fresh authup as Hub deployments run it (auth.md §4.1), plus the Hub's permission names."""
    master = hub.seed_row("auth:realms", {"name": "master", "displayName": None, "builtIn": True})
    permissions = [
        hub.seed_row(
            "auth:permissions",
            {"name": name, "builtIn": True, "realmId": None, "clientId": None, "decisionStrategy": None},
        )
        for name in AUTHUP_PERMISSIONS + HUB_PERMISSIONS
    ]
    admin_role = hub.seed_row(
        "auth:roles", {"name": "admin", "builtIn": True, "realmId": None, "clientId": None}
    )
    realm_admin = hub.seed_row(
        "auth:roles", {"name": "realm_admin", "builtIn": True, "realmId": None, "clientId": None}
    )
    for permission in permissions:
        grant_permission(hub, admin_role["id"], permission, "any")
        if permission["name"] not in REALM_WRITES:
            grant_permission(hub, realm_admin["id"], permission, "ownOrNull")
    salt = hub.ids.token(22, SALT_ALPHABET)
    admin = hub.seed_row(
        "auth:users",
        {
            "name": hub.admin_username, "nameLocked": True, "displayName": hub.admin_username,
            "email": "admin@example.com", "password": hash_password(hub.admin_password, salt), "active": True,
            "realmId": master["id"],
        },
    )  # fmt: skip
    grant_role(hub, "user", admin, admin_role["id"])
    system = hub.seed_row(
        "auth:clients",
        {
            "name": "system", "displayName": "system", "active": True, "builtIn": True,
            "authMethod": "secret",
            "tokenBindingMethod": "none", "secret": hub.system_client_secret, "secretHashed": False,
            "secretEncrypted": False, "realmId": master["id"],
        },
    )  # fmt: skip
    grant_role(hub, "client", system, admin_role["id"])
    provision_console_clients(hub, master["id"])
    for scope in BUILT_IN_SCOPES:
        hub.seed_row("auth:scopes", {"name": scope, "builtIn": True, "realmId": None})
