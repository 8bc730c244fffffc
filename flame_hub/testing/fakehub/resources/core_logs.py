"""``/analysis-logs`` and ``/analysis-node-logs``: the core's proxy to the telemetry service
(core-and-storage.md §2.7, §3.7, §3.8).

They are not database entities: FakeHub plays the telemetry service with an in-memory list of log
entries. Queries use the same codec as every collection, but only AND-ed ``eq`` filters are accepted
(anything else is 400), the ids are required filters, ``page`` applies (max 50) and ``sort`` is
accepted but not applied (core does not forward it). Entries come back in the order they were written.
Unsure: the telemetry service's own ordering and its ``service`` label value are not in the reference
(FakeHub writes ``service: "hub-server-core"``, ``channel: "http"``).
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import issue, rejected
from ..http import Response
from ..query.conditions import Condition, Group, Node, Value
from ..query.decoder import QueryDecoder
from ..query.describe import describe
from ..router import Routes
from ..schema import Field, Resource
from ..validation import validate_body
from . import core_state

ROUTES = Routes("core")

LOG_LEVELS = ("emerg", "alert", "crit", "error", "warn", "notice", "info", "debug")
_LOG_FIELDS = (
    Field("time", type="date"),
    Field("message"),
    Field("level"),
    Field("service"),
    Field("channel"),
    Field("labels", type="json"),
)


def _labels_check(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return "The labels must map strings to strings."
    return None


#: The query vocabulary (``meta.schema``) of the two log collections; never declared as CRUD.
ANALYSIS_NODE_LOGS = Resource(
    service="core",
    path="analysis-node-logs",
    domain="analysisNodeLog",
    fields=_LOG_FIELDS,
    filters=("analysisId", "nodeId", "level"),
    sorts=("time",),
)
ANALYSIS_LOGS = Resource(
    service="core",
    path="analysis-logs",
    domain="analysisLog",
    fields=_LOG_FIELDS,
    filters=("analysisId", "level"),
    sorts=("time",),
)
#: The body of ``POST /analysis-node-logs`` (§3.7).
NODE_LOG_INPUT = Resource(
    service="core",
    path="analysis-node-logs",
    domain="analysisNodeLog",
    fields=(
        Field("nodeId", type="uuid", required=True, create=True),
        Field("analysisId", type="uuid", required=True, create=True),
        Field("level", required=True, create=True, choices=LOG_LEVELS),
        Field("message", required=True, create=True, min_length=3, max_length=2048),
        Field("code", nullable=True, create=True, min_length=3, max_length=64),
        Field("status", nullable=True, create=True, min_length=3, max_length=64),
        Field("labels", type="json", nullable=True, create=True, check=_labels_check),
    ),
)


class _Standalone:
    """The catalog of the log collections: they relate to no other collection."""

    @staticmethod
    def resource(key: str) -> Resource | None:
        """No relation path leads anywhere."""
        return None


def _entries(ctx: RequestContext) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = ctx.store.extra.setdefault("core.telemetry-logs", [])
    return entries


def _equalities(node: Node | None) -> dict[str, str]:
    """The ``field -> value`` of an AND of ``eq`` conditions; anything else is 400."""
    if node is None:
        return {}
    if isinstance(node, Group) and node.kind == "and":
        out: dict[str, str] = {}
        for item in node.items:
            out.update(_equalities(item))
        return out
    if isinstance(node, Condition) and node.op == "eq" and isinstance(node.value, Value):
        return {node.field: node.value.raw}
    raise rejected(
        [
            issue(
                "filterInvalid",
                [],
                "Only equality filters joined by and are supported.",
                meta={"parameter": "filters"},
            )
        ]
    )


def _filters(
    ctx: RequestContext, resource: Resource, required: tuple[str, ...]
) -> tuple[dict[str, str], Any]:
    plan = QueryDecoder(resource, _Standalone).decode(ctx.query)
    values = _equalities(plan.filter)
    missing = [key for key in required if key not in values]
    if missing:
        raise rejected(
            [
                issue(
                    "value_required", [key], f"The {key} filter is required.", meta={"parameter": "filters"}
                )
                for key in missing
            ]
        )
    return values, plan


def _matching(
    ctx: RequestContext, ref_type: str, values: dict[str, str], *, with_level: bool
) -> list[dict[str, Any]]:
    out = []
    for entry in _entries(ctx):
        labels = entry["labels"]
        if labels.get("refType") != ref_type:
            continue
        if any(
            str(labels.get(key, "")).lower() != value.lower()
            for key, value in values.items()
            if key != "level"
        ):
            continue
        if with_level and "level" in values and entry["level"] != values["level"].lower():
            continue
        out.append(entry)
    return out


def _list(ctx: RequestContext, resource: Resource, ref_type: str, required: tuple[str, ...]) -> Response:
    ctx.require_login()
    values, plan = _filters(ctx, resource, required)
    rows = _matching(ctx, ref_type, values, with_level=True)
    meta = {
        "total": len(rows),
        "limit": plan.limit,
        "offset": plan.offset,
        "schema": describe(resource, _Standalone.resource, record=False),
    }
    return Response.json({"data": rows[plan.offset : plan.offset + plan.limit], "meta": meta})


def _delete(ctx: RequestContext, resource: Resource, ref_type: str, required: tuple[str, ...]) -> Response:
    ctx.require_login()
    values, _ = _filters(ctx, resource, required)
    doomed = {id(entry) for entry in _matching(ctx, ref_type, values, with_level=False)}
    ctx.store.extra["core.telemetry-logs"] = [e for e in _entries(ctx) if id(e) not in doomed]
    return Response.empty(202)  # no body (observed on Hub v0.14.0)


@ROUTES.get("/analysis-node-logs")
def node_logs(ctx: RequestContext) -> Response:
    """``GET /analysis-node-logs?filter[analysisId]=…&filter[nodeId]=…[&filter[level]=…]``."""
    return _list(ctx, ANALYSIS_NODE_LOGS, "analysisNode", ("analysisId", "nodeId"))


@ROUTES.delete("/analysis-node-logs")
def node_logs_delete(ctx: RequestContext) -> Response:
    """``DELETE /analysis-node-logs?filter…`` -> 202 ``null`` (``level`` ignored)."""
    return _delete(ctx, ANALYSIS_NODE_LOGS, "analysisNode", ("analysisId", "nodeId"))


@ROUTES.get("/analysis-logs")
def analysis_logs(ctx: RequestContext) -> Response:
    """``GET /analysis-logs?filter[analysisId]=…[&filter[level]=…]``."""
    return _list(ctx, ANALYSIS_LOGS, "analysis", ("analysisId",))


@ROUTES.delete("/analysis-logs")
def analysis_logs_delete(ctx: RequestContext) -> Response:
    """``DELETE /analysis-logs?filter…`` -> 202 ``null``."""
    return _delete(ctx, ANALYSIS_LOGS, "analysis", ("analysisId",))


@ROUTES.post("/analysis-node-logs")
def node_log_create(ctx: RequestContext) -> Response:
    """``POST /analysis-node-logs`` -> 202 ``{data: Log, meta: {}}``; the caller must write the node's realm."""
    ctx.require_login()
    data = validate_body(NODE_LOG_INPUT, ctx.body(), "create")
    node = ctx.hub.table(core_state.NODES).get(data["nodeId"])
    analysis = ctx.hub.table(core_state.ANALYSES).get(data["analysisId"])
    unknown = [key for key, row in (("nodeId", node), ("analysisId", analysis)) if row is None]
    if unknown:
        raise rejected([issue("value_invalid", [key], f"The {key} does not exist.") for key in unknown])
    assert node is not None
    core_state.require_realm_of(ctx, node.get("realmId"))
    labels: dict[str, Any] = dict(data.get("labels") or {})
    labels.update({"refType": "analysisNode", "analysisId": data["analysisId"], "nodeId": data["nodeId"]})
    for key in ("code", "status"):
        if data.get(key) is not None:
            labels[key] = data[key]
    entry = {
        "time": ctx.hub.clock.iso(),
        "message": data["message"],
        "level": data["level"],
        "service": "hub-server-core",
        "channel": "http",
        "labels": labels,
    }
    _entries(ctx).append(entry)
    return Response.json({"data": entry, "meta": {}}, status=202)
