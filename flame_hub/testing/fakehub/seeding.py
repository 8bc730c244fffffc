"""Fill a FakeHub with many records at once: every row goes through the same create a ``POST`` does.

Tests and benchmarks need thousands of nodes, projects or users before they start. Sending each as
an HTTP request spends most of its time in httpx; :func:`bulk_create` calls the generic create
(:meth:`~.crud.Crud.create_row`) directly, so each row gets exactly what ``POST /<collection>`` gives
it -- permission check of the acting user, body validation and normalisation, defaults, realm
defaulting, foreign keys, unique constraints, the resource's hooks (a node's authup client and its
``analysis_update`` permission, a project's counters ...) -- and is answered as the ``POST`` would
answer it (its ``data``).

What it skips, because there is no request: the bearer check and token, rate limiting, fault
injection and injected latency, request parsing (``rows`` are taken as already-decoded JSON bodies:
values are used as given, e.g. a Python ``tuple`` is not turned into a list), and the HTTP envelope.
All rows are written under the store lock in one go; it is **not** atomic: a refused row raises
:class:`BulkCreateError` and the rows before it stay created (``error.created``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import HubError
from .schema import CatalogHub, Row
from .tokens import Identity


class BulkCreateError(Exception):
    """Row ``index`` of a :func:`bulk_create` was refused with ``error``; ``created`` holds the
    records created before it (they stay in the hub)."""

    def __init__(self, resource: str, index: int, error: HubError, created: list[Row]) -> None:
        details = "; ".join(str(item.get("message")) for item in error.issues or ()) or error.message
        super().__init__(f"bulk_create({resource!r}): row {index} was refused ({error.code}): {details}")
        self.resource = resource
        self.index = index
        self.error = error
        self.created = created


def bulk_create(
    hub: CatalogHub, resource: str, rows: Iterable[Mapping[str, Any]], *, as_user: str | None = None
) -> list[Row]:
    """Create every body of ``rows`` in ``resource`` (``"core:nodes"``) as user ``as_user`` (a user
    name; the bootstrap admin by default) and return the records as ``POST`` would answer them."""
    declared = hub.resource(resource)
    if declared is None or "create" not in declared.operations:
        known = sorted(r.key for r in hub.resources() if "create" in r.operations)
        raise ValueError(f"{resource!r} is not a collection FakeHub can create in; known: {', '.join(known)}")
    crud = hub.crud(declared.key)
    created: list[Row] = []
    memo: dict[Any, Any] = {}
    with hub.store.lock:
        ctx = hub.internal_context(declared.service, identity=_acting_user(hub, as_user))
        for index, body in enumerate(rows):
            try:
                row = crud.create_row(ctx, dict(body))
            except HubError as exc:
                raise BulkCreateError(resource, index, exc, created) from None
            created.append(crud.present(ctx, row, write=True, memo=memo))
    return created


def _acting_user(hub: CatalogHub, name: str | None) -> Identity:
    wanted = name if name is not None else hub.admin_username
    user = hub.table("auth:users").first(name=wanted.lower())
    identity = hub.tokens.identity_of("user", user["id"]) if user is not None else None
    if identity is None:
        raise ValueError(f"no user named {wanted!r} to act as")
    return identity
