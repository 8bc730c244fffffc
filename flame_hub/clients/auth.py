"""``AuthClient``: authup's realms, users, roles, permissions, OAuth2 clients, scopes and their bindings.

Method and argument names are the existing client's (v0.5.5); scopes, client roles, client
permissions and client scopes are added the same way.
"""

from __future__ import annotations

import warnings

from flame_hub._unset import UNSET, Unset
from flame_hub.clients.base import USE_CLIENT_AUTH, AuthArg, BaseClient
from flame_hub.clients.methods import (
    ClientManager,
    DeleteMethod,
    FindMethod,
    GetAllMethod,
    GetMethod,
    ResourceFacade,
)
from flame_hub.config import DEFAULT_AUTH_URL
from flame_hub.exceptions import ConfigurationError
from flame_hub.models.auth import (
    Client,
    ClientPermission,
    ClientRole,
    ClientScope,
    Permission,
    Realm,
    Role,
    RolePermission,
    Scope,
    User,
    UserPermission,
    UserRole,
)
from flame_hub.models.base import IdLike

__all__ = ["AuthClient", "AuthMethods"]


def _given(value: object) -> object:
    """``None`` on create means "not given" for fields whose absence the Hub fills (realm defaults)."""
    return UNSET if value is None else value


class AuthMethods(ResourceFacade):
    """Every authup operation, shared by the sync and the async client."""

    # -- managers: ``hub.auth.realms.filter(…)`` queries through this client -----------------------
    realms = ClientManager(Realm)
    users = ClientManager(User)
    roles = ClientManager(Role)
    permissions = ClientManager(Permission)
    role_permissions = ClientManager(RolePermission)
    user_permissions = ClientManager(UserPermission)
    user_roles = ClientManager(UserRole)
    clients = ClientManager(Client)
    client_roles = ClientManager(ClientRole)
    client_permissions = ClientManager(ClientPermission)
    scopes = ClientManager(Scope)
    client_scopes = ClientManager(ClientScope)

    # -- realms -------------------------------------------------------------------------------------
    get_realms = GetAllMethod(Realm)
    find_realms = FindMethod(Realm)
    get_realm = GetMethod(Realm)
    delete_realm = DeleteMethod(Realm)

    def create_realm(
        self,
        name: str,
        display_name: str | None = None,
        description: str | None = None,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Realm:
        """Create a realm (names are lower-cased by authup)."""
        return self._create(Realm, auth, name=name, display_name=display_name, description=description)

    def update_realm(
        self,
        realm_id: IdLike,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Realm:
        """Change only the given fields (``master`` cannot be renamed)."""
        return self._update(
            Realm, realm_id, auth, name=name, display_name=display_name, description=description
        )

    # -- users --------------------------------------------------------------------------------------
    get_users = GetAllMethod(User)
    find_users = FindMethod(User)
    get_user = GetMethod(User)
    delete_user = DeleteMethod(User)

    def create_user(
        self,
        name: str,
        email: str | None = None,
        display_name: str | None = None,
        active: bool = True,
        name_locked: bool = False,
        first_name: str | None = None,
        last_name: str | None = None,
        *,
        password: str | None = None,
        realm_id: IdLike | None = None,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> User:
        """Create a user in the caller's realm (or ``realm_id``); authup requires an email."""
        return self._create(
            User,
            auth,
            name=name,
            email=email,
            display_name=display_name,
            active=active,
            name_locked=name_locked,
            first_name=first_name,
            last_name=last_name,
            password=_given(password),
            realm_id=_given(realm_id),
        )

    def update_user(
        self,
        user_id: IdLike,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        email: str | Unset = UNSET,
        active: bool | Unset = UNSET,
        name_locked: bool | Unset = UNSET,
        first_name: str | Unset | None = UNSET,
        last_name: str | Unset | None = UNSET,
        *,
        password: str | Unset = UNSET,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> User:
        """Change only the given fields (a rename needs ``name_locked=False`` while the name is locked)."""
        return self._update(
            User,
            user_id,
            auth,
            name=name,
            display_name=display_name,
            email=email,
            active=active,
            name_locked=name_locked,
            first_name=first_name,
            last_name=last_name,
            password=password,
        )

    # -- roles and permissions --------------------------------------------------------------------
    get_roles = GetAllMethod(Role)
    find_roles = FindMethod(Role)
    get_role = GetMethod(Role)
    delete_role = DeleteMethod(Role)

    def create_role(
        self,
        name: str,
        display_name: str | None = None,
        description: str | None = None,
        *,
        realm_id: IdLike | Unset | None = UNSET,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Role:
        """Create a role in the caller's realm (``realm_id=None`` makes it global)."""
        return self._create(
            Role, auth, name=name, display_name=display_name, description=description, realm_id=realm_id
        )

    def update_role(
        self,
        role_id: IdLike,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Role:
        """Change only the given fields."""
        return self._update(
            Role, role_id, auth, name=name, display_name=display_name, description=description
        )

    get_permissions = GetAllMethod(Permission)
    find_permissions = FindMethod(Permission)
    get_permission = GetMethod(Permission)
    delete_permission = DeleteMethod(Permission)

    def create_permission(
        self,
        name: str,
        display_name: str | None = None,
        description: str | None = None,
        realm_id: IdLike | None = None,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Permission:
        """Create a permission; like the existing client, ``realm_id=None`` sends null and makes it global."""
        return self._create(
            Permission, auth, name=name, display_name=display_name, description=description, realm_id=realm_id
        )

    def update_permission(
        self,
        permission_id: IdLike,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        realm_id: IdLike | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Permission:
        """Change only the given fields (a permission never moves realm: ``realm_id`` is refused)."""
        extra = {} if realm_id is UNSET else {"realm_id": realm_id}
        return self._update(
            Permission,
            permission_id,
            auth,
            name=name,
            display_name=display_name,
            description=description,
            **extra,
        )

    get_role_permissions = GetAllMethod(RolePermission)
    find_role_permissions = FindMethod(RolePermission)
    get_role_permission = GetMethod(RolePermission)
    delete_role_permission = DeleteMethod(RolePermission)

    def create_role_permission(
        self, role_id: IdLike, permission_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> RolePermission:
        """Grant a permission to a role (the caller must hold the permission)."""
        return self._create(RolePermission, auth, role_id=role_id, permission_id=permission_id)

    get_user_permissions = GetAllMethod(UserPermission)
    find_user_permissions = FindMethod(UserPermission)
    get_user_permission = GetMethod(UserPermission)
    delete_user_permission = DeleteMethod(UserPermission)

    def create_user_permission(
        self, user_id: IdLike, permission_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> UserPermission:
        """Grant a permission to a user (the caller must hold the permission)."""
        return self._create(UserPermission, auth, user_id=user_id, permission_id=permission_id)

    get_user_roles = GetAllMethod(UserRole)
    find_user_roles = FindMethod(UserRole)
    get_user_role = GetMethod(UserRole)
    delete_user_role = DeleteMethod(UserRole)

    def create_user_role(
        self, user_id: IdLike, role_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> UserRole:
        """Give a user a role (the caller must hold every permission of the role)."""
        return self._create(UserRole, auth, user_id=user_id, role_id=role_id)

    # -- OAuth2 clients ---------------------------------------------------------------------------
    get_clients = GetAllMethod(Client)
    find_clients = FindMethod(Client)
    get_client = GetMethod(Client)
    delete_client = DeleteMethod(Client)

    def create_client(
        self,
        name: str,
        realm_id: IdLike | None = None,
        secret: str | None = None,
        display_name: str | None = None,
        description: str | None = None,
        redirect_uri: str | None = None,
        active: bool = True,
        is_confidential: bool | None = None,
        secret_hashed: bool = False,
        grant_types: str | None = None,
        auth_method: str = "secret",
        token_binding_method: str = "none",
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Client:
        """Create an OAuth2 client; ``auth_method="secret"`` makes a machine client (a secret is generated
        unless given; it is in the returned record once)."""
        _warn_is_confidential(is_confidential, auth_method)
        return self._create(
            Client,
            auth,
            name=name,
            realm_id=_given(realm_id),
            secret=_given(secret),
            display_name=display_name,
            description=description,
            redirect_uri=redirect_uri,
            active=active,
            secret_hashed=secret_hashed,
            grant_types=grant_types,
            auth_method=auth_method,
            token_binding_method=token_binding_method,
        )

    def update_client(
        self,
        client_id: IdLike,
        name: str | Unset = UNSET,
        secret: str | Unset | None = UNSET,
        display_name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        redirect_uri: str | Unset | None = UNSET,
        active: bool | Unset = UNSET,
        is_confidential: bool | None = None,
        secret_hashed: bool | Unset = UNSET,
        grant_types: str | Unset | None = UNSET,
        auth_method: str | Unset = UNSET,
        token_binding_method: str | Unset = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Client:
        """Change only the given fields (sending ``secret`` rotates it)."""
        _warn_is_confidential(is_confidential, auth_method if isinstance(auth_method, str) else None)
        return self._update(
            Client,
            client_id,
            auth,
            name=name,
            secret=secret,
            display_name=display_name,
            description=description,
            redirect_uri=redirect_uri,
            active=active,
            secret_hashed=secret_hashed,
            grant_types=grant_types,
            auth_method=auth_method,
            token_binding_method=token_binding_method,
        )

    get_client_roles = GetAllMethod(ClientRole)
    find_client_roles = FindMethod(ClientRole)
    get_client_role = GetMethod(ClientRole)
    delete_client_role = DeleteMethod(ClientRole)

    def create_client_role(
        self, client_id: IdLike, role_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> ClientRole:
        """Give a client a role (the caller must hold every permission of the role)."""
        return self._create(ClientRole, auth, client_id=client_id, role_id=role_id)

    get_client_permissions = GetAllMethod(ClientPermission)
    find_client_permissions = FindMethod(ClientPermission)
    get_client_permission = GetMethod(ClientPermission)
    delete_client_permission = DeleteMethod(ClientPermission)

    def create_client_permission(
        self, client_id: IdLike, permission_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> ClientPermission:
        """Grant a permission to a client (the caller must hold the permission)."""
        return self._create(ClientPermission, auth, client_id=client_id, permission_id=permission_id)

    # -- scopes -------------------------------------------------------------------------------------
    get_scopes = GetAllMethod(Scope)
    find_scopes = FindMethod(Scope)
    get_scope = GetMethod(Scope)
    delete_scope = DeleteMethod(Scope)

    def create_scope(
        self,
        name: str,
        display_name: str | None = None,
        description: str | None = None,
        *,
        realm_id: IdLike | Unset | None = UNSET,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Scope:
        """Create a scope in the caller's realm (``realm_id=None`` makes it global)."""
        return self._create(
            Scope, auth, name=name, display_name=display_name, description=description, realm_id=realm_id
        )

    def update_scope(
        self,
        scope_id: IdLike,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Scope:
        """Change only the given fields."""
        return self._update(
            Scope, scope_id, auth, name=name, display_name=display_name, description=description
        )

    get_client_scopes = GetAllMethod(ClientScope)
    find_client_scopes = FindMethod(ClientScope)
    get_client_scope = GetMethod(ClientScope)
    delete_client_scope = DeleteMethod(ClientScope)

    def create_client_scope(
        self, client_id: IdLike, scope_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> ClientScope:
        """Attach a scope to a client."""
        return self._create(ClientScope, auth, client_id=client_id, scope_id=scope_id)


def _warn_is_confidential(is_confidential: bool | None, auth_method: str | None) -> None:
    """authup replaced ``is_confidential`` with ``auth_method``; a contradiction must not pass silently."""
    if is_confidential is None:
        return
    if is_confidential != (auth_method != "none"):
        raise ConfigurationError(
            f"is_confidential={is_confidential} contradicts auth_method={auth_method!r}: authup beta.62 has no "
            "is_confidential; use auth_method='secret' (confidential) or 'none' (public)"
        )
    warnings.warn(
        "is_confidential is ignored by authup beta.62; use auth_method ('secret' or 'none')",
        DeprecationWarning,
        stacklevel=3,
    )


class AuthClient(BaseClient, AuthMethods):
    """Client of the Hub's auth service (authup), at ``https://host/auth/``."""

    service = "auth"
    default_url = DEFAULT_AUTH_URL
