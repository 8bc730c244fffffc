"""``CoreClient``: nodes, projects, analyses, registries, master images …"""

from __future__ import annotations

from flame_hub.clients.base import BaseClient
from flame_hub.config import DEFAULT_CORE_URL

__all__ = ["CoreClient"]


class CoreClient(BaseClient):
    """Client of the Hub's core service, at ``https://host/core/``."""

    service = "core"
    default_url = DEFAULT_CORE_URL
