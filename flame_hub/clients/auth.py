"""``AuthClient``: authup (realms, users, roles, permissions, OAuth2 clients …)."""

from __future__ import annotations

from flame_hub.clients.base import BaseClient
from flame_hub.config import DEFAULT_AUTH_URL

__all__ = ["AuthClient"]


class AuthClient(BaseClient):
    """Client of the Hub's auth service (authup), at ``https://host/auth/``."""

    service = "auth"
    default_url = DEFAULT_AUTH_URL
