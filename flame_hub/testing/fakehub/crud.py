"""The generic operations every declared resource gets: list, get, create, update, upsert, delete.

One implementation serves every collection; it reads the :class:`~.schema.Resource` declaration for
validation, defaults, realm defaulting, foreign keys, uniqueness, permissions, projection and the
hooks, and wraps results in the Hub's envelopes (``{data, meta}``; ``meta`` is ``{}`` on mutations
and carries ``schema`` on reads).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .clock import is_uuid
from .context import RequestContext, permission_error
from .errors import HubError, issue, not_found
from .http import Response
from .index import folded
from .query.decoder import QueryDecoder, QueryPlan
from .query.describe import describe
from .query.engine import related_row, resolve_fields, select
from .schema import NO_DEFAULT, CatalogHub, Resource, Row
from .store import Table
from .validation import validate_body

CONFLICT_MESSAGE = "An entry with some unique attributes already exists."
#: Values handed out as they are (everything else is deep-copied so callers cannot reach the store).
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
#: A projected column: its name and the read guard it is shown under (``None``: always shown).
Column = tuple[str, "Callable[[RequestContext, Row], bool] | None"]


class Crud:
    """Generic operations over one resource of one hub (:class:`~.context.Records`)."""

    def __init__(self, hub: CatalogHub, resource: Resource) -> None:
        self.hub = hub
        self.resource = resource
        self._table: Table | None = None

    @property
    def table(self) -> Table:
        """The resource's rows (a store creates a table once and keeps it)."""
        if self._table is None:
            self._table = self.hub.table(self.resource.key)
        return self._table

    # -- authorisation ----------------------------------------------------------------------------------
    def authorize(self, ctx: RequestContext, op: str, row: Row | None) -> None:
        """The declared permission check for ``op`` (or the resource's own ``authorize`` hook)."""
        res = self.resource
        if res.hooks.authorize:
            for check in res.hooks.authorize:
                check(ctx, op, row)
            return
        perms = res.permissions.get(op, ())
        if ctx.identity is None:
            if op in res.public:
                if perms:
                    raise permission_error(ctx.service, perms)
                return
            ctx.require_login()
        if perms:
            ctx.require_any_permission(*perms)
        if res.realm_guard and row is not None and res.realm_field and op in ("update", "delete"):
            ctx.require_realm(row.get(res.realm_field))

    # -- lookups --------------------------------------------------------------------------------------
    def find(self, ctx: RequestContext, ident: str, op: str) -> Row:
        """The stored row addressed by ``ident`` (a UUID, or a name where the resource allows it)."""
        res = self.resource
        row: Row | None = None
        if is_uuid(ident):
            row = self.table.get(ident)
        elif res.name_field and op in res.name_ops:
            realm_hint = ctx.params.get("realm_id")
            for candidate in self.table.matching(folded, **{res.name_field: ident}):
                if realm_hint and res.realm_field and candidate.get(res.realm_field) != realm_hint:
                    continue
                row = candidate
                break
        if row is None:
            raise not_found(res.label)
        return row

    # -- projection -----------------------------------------------------------------------------------
    def present(
        self,
        ctx: RequestContext,
        row: Row,
        plan: QueryPlan | None = None,
        *,
        write: bool = False,
        path: str = "",
        resource: Resource | None = None,
        memo: dict[Any, list[Column]] | None = None,
    ) -> Row:
        """The outgoing shape of one stored row (projection, opt-in guards, includes, hooks).

        ``memo`` (one dict per response) keeps the resolved projection of each path, so a page of
        rows resolves ``fields=`` once instead of once per row.
        """
        res = resource or self.resource
        memo_key = (res.key, path, write)
        columns = memo.get(memo_key) if memo is not None else None
        if columns is None:
            tokens = plan.fields.get(path) if plan is not None else None
            columns = _columns(res, tokens, write)
            if memo is not None:
                memo[memo_key] = columns
        out: Row = {}
        for name, guard in columns:
            if guard is not None and not guard(ctx, row):
                continue
            value = row.get(name)
            out[name] = value if type(value) in _IMMUTABLE else copy.deepcopy(value)
        if plan is not None and plan.includes:
            prefix = f"{path}." if path else ""
            for include in plan.includes:
                if not include.startswith(prefix) or "." in include[len(prefix) :]:
                    continue
                name = include[len(prefix) :]
                rel = res.relation(name)
                target = self.hub.resource(rel.target) if rel is not None else None
                if rel is None or target is None:
                    continue
                other = related_row(self.hub, res, name, row)
                out[name] = (
                    None
                    if other is None
                    else self.present(ctx, other, plan, path=include, resource=target, memo=memo)
                )
        for hook in res.hooks.present:
            hook(ctx, row, out)
        return out

    def _readable(self, ctx: RequestContext, plan: QueryPlan) -> QueryPlan:
        """authup drops an include the caller may not read (auth.md §2.3); the Hub includes everything."""
        if ctx.service != "auth" or not plan.includes:
            return plan
        kept: list[str] = []
        for path in plan.includes:
            target = QueryDecoder(self.resource, self.hub).target(path)
            parent = path.rpartition(".")[0]
            if target is None or (parent and parent not in kept):
                continue
            try:
                self.hub.crud(target.key).authorize(ctx, "list", None)
            except HubError:
                continue
            kept.append(path)
        plan.includes = kept
        return plan

    # -- reads ----------------------------------------------------------------------------------------
    def list_(self, ctx: RequestContext) -> Response:
        """``GET /<collection>``."""
        self.authorize(ctx, "list", None)
        plan = self._readable(ctx, QueryDecoder(self.resource, self.hub).decode(ctx.query))
        rows, total = select(self.hub, self.resource, self.table, plan, self.hub.tie_shuffle)
        memo: dict[Any, list[Column]] = {}
        data = [self.present(ctx, row, plan, memo=memo) for row in rows]
        meta = {
            "total": total,
            "limit": plan.limit,
            "offset": plan.offset,
            "schema": describe(self.resource, self.hub.resource, record=False),
        }
        return Response.json({"data": data, "meta": meta})

    def get(self, ctx: RequestContext, ident: str) -> Response:
        """``GET /<collection>/:id``."""
        row = self.find(ctx, ident, "get")
        self.authorize(ctx, "get", row)
        query = ctx.query if self.resource.record_query else {}
        plan = self._readable(ctx, QueryDecoder(self.resource, self.hub).decode(query, record=True))
        data = self.present(ctx, row, plan)
        return Response.json(
            {"data": data, "meta": {"schema": describe(self.resource, self.hub.resource, record=True)}}
        )

    # -- writes ---------------------------------------------------------------------------------------
    def _check_references(self, row: Row, keys: list[str] | None = None) -> None:
        for spec in self.resource.fields:
            if spec.references is None or (keys is not None and spec.name not in keys):
                continue
            value = row.get(spec.name)
            if value is None:
                continue
            if self.hub.table(spec.references.target).get(value) is None:
                if spec.references.error is not None:
                    raise spec.references.error(spec.name, value)
                raise HubError(
                    "entity_relation_invalid",
                    f"The relation {spec.name} is invalid.",
                    issues=[
                        issue("entity_relation_invalid", [spec.name], f"The {spec.name} does not exist.")
                    ],
                )

    def _check_unique(self, row: Row, exclude: str | None = None) -> None:
        """409 if another row holds the same values in a unique column set (strings compared
        case-insensitively; a one-column constraint ignores ``None``)."""
        table = self.table
        for columns in self.resource.unique:
            values = [row.get(c) for c in columns]
            if any(v is None for v in values) and len(columns) == 1:
                continue
            holders = table.index(columns, folded).lookup(values)
            if holders is None:  # unhashable values: compare one by one
                holders = [
                    other["id"]
                    for other in table.rows()
                    if all(_same(other.get(c), v) for c, v in zip(columns, values, strict=True))
                ]
            if any(holder != exclude for holder in holders):
                raise HubError("entity_conflict", CONFLICT_MESSAGE)

    def create_row(self, ctx: RequestContext, body: dict[str, Any], *, authorize: bool = True) -> Row:
        """Validate, default, check and insert a new row; returns the stored row."""
        res = self.resource
        if authorize:
            self.authorize(ctx, "create", None)
        data = validate_body(res, body, "create")
        row: Row = {}
        for spec in res.fields:
            if spec.name in data:
                row[spec.name] = data[spec.name]
            elif spec.default is not NO_DEFAULT:
                default = spec.default
                if callable(default):
                    default = default(ctx, row)
                elif type(default) not in _IMMUTABLE:
                    default = copy.deepcopy(default)
                row[spec.name] = default
            else:
                row[spec.name] = None
        row["id"] = self.hub.ids.uuid()
        if res.realm_field:
            if res.realm_field not in data:
                row[res.realm_field] = ctx.identity.realm_id if ctx.identity is not None else None
            elif res.realm_guard and ctx.identity is not None and row[res.realm_field] is not None:
                ctx.require_realm(row[res.realm_field])
        now = self.hub.clock.iso()
        if res.field_named("createdAt") is not None:
            row["createdAt"] = now
        if res.field_named("updatedAt") is not None:
            row["updatedAt"] = now
        self._check_references(row)
        for hook in res.hooks.before_create:
            hook(ctx, row)
        self._check_unique(row)
        row = self.table.insert(row)
        for after in res.hooks.after_create:
            after(ctx, row)
        return row

    def update_row(
        self, ctx: RequestContext, row: Row, body: dict[str, Any], *, authorize: bool = True
    ) -> Row:
        """Validate and merge ``body`` into the stored ``row`` (partial update); returns it."""
        res = self.resource
        if authorize:
            self.authorize(ctx, "update", row)
        changes = validate_body(res, body, "update")
        for hook in res.hooks.before_update:
            hook(ctx, copy.deepcopy(row), changes)
        merged = {**row, **changes}
        self._check_references(merged, list(changes))
        self._check_unique(merged, exclude=row["id"])
        if changes and res.field_named("updatedAt") is not None:
            changes["updatedAt"] = self.hub.clock.iso()
        stored: Row = self.table.update(row["id"], changes)
        for after in res.hooks.after_update:
            after(ctx, stored)
        return stored

    def delete_row(self, ctx: RequestContext, row: Row, *, authorize: bool = True) -> Row:
        """Delete the stored ``row`` and return it."""
        res = self.resource
        if authorize:
            self.authorize(ctx, "delete", row)
        for hook in res.hooks.before_delete:
            hook(ctx, row)
        self.table.delete(row["id"])
        for after in res.hooks.after_delete:
            after(ctx, row)
        return row

    def mutation(
        self, ctx: RequestContext, row: Row, status: int, op: str | None = None, body: Row | None = None
    ) -> Response:
        """A ``{data, meta: {}}`` response for a written row; for an ``op`` in the resource's
        ``embeds_on``, with the related records the ``body`` named by foreign key embedded."""
        out = self.present(ctx, row, write=True)
        if op is not None and op in self.resource.embeds_on and body:
            for rel in self.resource.relations:
                target = self.hub.resource(rel.target)
                if body.get(rel.local_key) is None or row.get(rel.local_key) is None or target is None:
                    continue
                if target.service != self.resource.service:
                    continue
                other = self.hub.table(rel.target).get(row[rel.local_key])
                if other is not None:
                    out[rel.name] = self.hub.crud(target.key).present(ctx, other)
        return Response.json({"data": out, "meta": {}}, status=status)

    def create(self, ctx: RequestContext) -> Response:
        """``POST /<collection>`` -> 201."""
        body = ctx.body()
        return self.mutation(ctx, self.create_row(ctx, body), 201, "create", body)

    def update(self, ctx: RequestContext, ident: str) -> Response:
        """``POST /<collection>/:id`` -> 202 (partial merge)."""
        row = self.find(ctx, ident, "update")
        body = ctx.body()
        return self.mutation(ctx, self.update_row(ctx, row, body), 202, "update", body)

    def upsert(self, ctx: RequestContext, ident: str) -> Response:
        """authup ``PUT /<collection>/:idOrName``: merge into an existing row (202) or create (201)."""
        try:
            row = self.find(ctx, ident, "upsert")
        except HubError:
            if is_uuid(ident):
                raise
            return self.mutation(ctx, self.create_row(ctx, ctx.body()), 201)
        return self.mutation(ctx, self.update_row(ctx, row, ctx.body()), 202)

    def delete(self, ctx: RequestContext, ident: str) -> Response:
        """``DELETE /<collection>/:id`` -> 202 with the deleted row (ids only)."""
        if not is_uuid(ident):
            raise not_found(self.resource.label)
        row = self.find(ctx, ident, "delete")
        deleted = self.delete_row(ctx, row)
        return Response.json({"data": self.present(ctx, deleted), "meta": {}}, status=202)


def _columns(res: Resource, tokens: list[str] | None, write: bool) -> list[Column]:
    """The projected columns of ``res`` with the read guard each is shown under."""
    names = resolve_fields(res, tokens)
    if write:
        names = list(res.default_fields) + [
            f.name for f in res.fields if f.echo_on_write and f.name not in res.default_fields
        ]
    out: list[Column] = []
    for name in names:
        spec = res.field_named(name)
        guard = spec.read_guard if spec is not None and not spec.selected and not write else None
        out.append((name, guard))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)
