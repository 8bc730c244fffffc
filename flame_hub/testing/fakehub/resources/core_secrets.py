"""Who may read the registry secrets (core-and-storage.md §3.11/§3.12, §6.13).

``accountSecret`` is never in the default projection; asked for with ``fields=%2BaccountSecret`` it
is returned to holders of ``registry_manage`` (and, for a registry project, to the client of the node
owning exactly that project). Anyone else gets the permission error instead of the record.
"""

from __future__ import annotations

from ..context import RequestContext, permission_error
from ..schema import Row


def registry_secret_visible(ctx: RequestContext, row: Row) -> bool:
    """read_guard of ``registries.accountSecret``."""
    if ctx.has_permission("registry_manage"):
        return True
    raise permission_error(ctx.service, ("registry_manage",))


def account_secret_visible(ctx: RequestContext, row: Row) -> bool:
    """read_guard of ``registry-projects.accountSecret``."""
    if ctx.has_permission("registry_manage"):
        return True
    identity = ctx.identity
    if identity is not None and identity.kind == "client":
        owners = ctx.hub.table("core:nodes").where(clientId=identity.id)
        owned = {node.get("registryProjectId") for node in owners} - {None}
        if owned == {row["id"]}:
            return True
    raise permission_error(ctx.service, ("registry_manage",))
