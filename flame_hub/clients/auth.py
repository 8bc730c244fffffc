"""``AuthClient``: authup's realms, users, roles, permissions, OAuth2 clients, scopes and their bindings.

Method and argument names are flame-hub-client 0.5.5's (``declare`` below; see
:mod:`flame_hub.clients.methods`); scopes, client roles, client permissions and client scopes are added
the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flame_hub.clients.base import BaseClient
from flame_hub.clients.methods import ResourceFacade, declare
from flame_hub.clients.operations import Arg, Create, Update, reads
from flame_hub.config import DEFAULT_AUTH_URL
from flame_hub.exceptions import ConfigurationError
from flame_hub.models import auth as authup

if TYPE_CHECKING:
    from flame_hub.clients.signatures import AuthSignatures as _Declared
else:
    _Declared = object

__all__ = ["AuthClient", "AuthMethods"]


class AuthMethods(ResourceFacade, _Declared):
    """Every authup operation, shared by the sync and the async client."""

    # Managers (``hub.auth.realms.filter(…)``) come with the declarations below.


def _is_confidential(arguments: Mapping[str, Any]) -> None:
    """authup (beta.53+) replaced ``is_confidential`` with ``auth_method`` and ignores the old key.

    0.5.5 sent it anyway (default True). A caller who asks for a public client that way would get a
    confidential one without a word, so a False that ``auth_method`` does not confirm is refused.
    """
    if arguments["is_confidential"] is False and arguments["auth_method"] != "none":
        raise ConfigurationError(
            "is_confidential=False needs auth_method='none': authup has no is_confidential any more and "
            "decides by auth_method ('secret' makes a confidential client, 'none' a public one)"
        )


_CONFIDENTIAL = "bool"
_DESCRIBED = ("name", "display_name", "description")

declare(
    AuthMethods,
    *reads(authup.Realm),
    Create(authup.Realm, *_DESCRIBED),
    Update(authup.Realm, *_DESCRIBED),
    *reads(authup.User),
    Create(authup.User, "name", "email", "display_name", Arg("active", default=True), Arg("name_locked", default=False),
           "first_name", "last_name"),
    Update(authup.User, "name", "display_name", "email", "active", "name_locked", "first_name", "last_name"),
    *reads(authup.Role),
    Create(authup.Role, *_DESCRIBED),
    Update(authup.Role, *_DESCRIBED),
    *reads(authup.Permission),
    # 0.5.5 sent realmId null when none was given: a global permission, not one in the caller's realm
    Create(authup.Permission, *_DESCRIBED, Arg("realm_id", null=True)),
    Update(authup.Permission, *_DESCRIBED, "realm_id"),
    *reads(authup.RolePermission),
    Create(authup.RolePermission, "role_id", "permission_id"),
    *reads(authup.UserPermission),
    Create(authup.UserPermission, "user_id", "permission_id"),
    *reads(authup.UserRole),
    Create(authup.UserRole, "user_id", "role_id"),
    *reads(authup.Client),
    Create(authup.Client, "name", "realm_id", "secret", "display_name", "description", "redirect_uri",
           Arg("active", default=True), Arg("is_confidential", None, default=True, annotation=_CONFIDENTIAL),
           Arg("secret_hashed", default=False), "grant_types", Arg("auth_method", default="secret"),
           Arg("token_binding_method", default="none"), check=_is_confidential),
    Update(authup.Client, "name", "secret", "display_name", "description", "redirect_uri", "active",
           Arg("is_confidential", None, annotation=_CONFIDENTIAL), "secret_hashed", "grant_types", "auth_method",
           "token_binding_method", check=_is_confidential),
    *reads(authup.ClientRole),
    Create(authup.ClientRole, "client_id", "role_id"),
    *reads(authup.ClientPermission),
    Create(authup.ClientPermission, "client_id", "permission_id"),
    *reads(authup.Scope),
    Create(authup.Scope, *_DESCRIBED),
    Update(authup.Scope, *_DESCRIBED),
    *reads(authup.ClientScope),
    Create(authup.ClientScope, "client_id", "scope_id"),
)  # fmt: skip


class AuthClient(BaseClient, AuthMethods):
    """Client of the Hub's auth service (authup), at ``https://host/auth/``."""

    service = "auth"
    default_url = DEFAULT_AUTH_URL
