"""An analysis' special routes (core-and-storage.md §3.4, §3.4.1): ``DELETE /analyses/:id`` answers
with the recounted project, and ``POST /analyses/:id/command`` runs one of the analysis commands, each
a function of the analysis that checks its preconditions and returns the columns it changes.
"""

from __future__ import annotations

from ..context import RequestContext
from ..errors import HubError
from ..http import Response
from ..router import Routes
from ..schema import Row
from . import core_state

ROUTES = Routes("core")


@ROUTES.delete("/analyses/:id")
def analysis_delete(ctx: RequestContext) -> Response:
    """``DELETE /analyses/:id`` -> 202 with the deleted analysis and its (recounted) ``project``."""
    crud = ctx.crud(core_state.ANALYSES)
    row = core_state.addressed(ctx, core_state.ANALYSES)
    crud.delete_row(ctx, row)
    out = crud.present(ctx, row)
    project = ctx.hub.table(core_state.PROJECTS).get(row["projectId"])
    out["project"] = ctx.crud(core_state.PROJECTS).present(ctx, project) if project is not None else None
    return Response.json({"data": out, "meta": {}}, status=202)


_UNLOCKABLE_BUILD = (None, "failed", "stopped", "stopping")
_STARTABLE = (None, "failed", "stopped")


def _lock(ctx: RequestContext, analysis: Row) -> Row:
    if analysis.get("configurationLocked"):
        raise core_state.analysis_error("The analysis configuration is already locked.")
    if analysis.get("buildStatus") is not None:
        raise core_state.analysis_error("The analysis build has already been started.")
    state = core_state.derived_analysis_state(ctx.hub, analysis)
    if not state["configurationNodeDefaultValid"]:
        raise core_state.analysis_error("The analysis needs at least one default node.")
    if not state["configurationNodeAggregatorValid"]:
        raise core_state.analysis_error("The analysis needs an aggregator node.")
    if not state["configurationEntrypointValid"]:
        raise core_state.analysis_error("The analysis has no entrypoint (root code file).")
    if not state["configurationImageValid"]:
        raise core_state.analysis_error("The analysis has no master image.")
    return {"configurationLocked": True}


def _unlock(ctx: RequestContext, analysis: Row) -> Row:
    if not analysis.get("configurationLocked"):
        raise core_state.analysis_error("The analysis configuration is not locked.")
    if analysis.get("buildStatus") not in _UNLOCKABLE_BUILD:
        raise core_state.analysis_error("The analysis build is in progress.")
    for participation in ctx.hub.table(core_state.ANALYSIS_NODES).where(analysisId=analysis["id"]):
        # AnalysisConfigurator.unlock withdraws every approval, none with SKIP_ANALYSIS_APPROVAL. Its code
        # means to keep an aggregator's, but it reads the participations without their node
        # (findManyBy), so that branch never runs: a real Hub v0.14.0 reset the aggregator's too.
        if not ctx.hub.skip_analysis_approval:
            participation["approvalStatus"] = None
    return {"configurationLocked": False, "buildStatus": None}


def _build_start(ctx: RequestContext, analysis: Row) -> Row:
    if not analysis.get("configurationLocked"):
        raise core_state.analysis_error("The analysis configuration is not locked.")
    if not core_state.derived_analysis_state(ctx.hub, analysis)["buildNodesValid"]:
        raise core_state.analysis_error("Not every analysis node has been approved.")
    if analysis.get("buildStatus") not in _STARTABLE:
        raise core_state.analysis_error("The analysis build has already been started.")
    # FakeHub has no build worker: the status stays "starting".
    return {"buildStatus": "starting"}


def _build_check(ctx: RequestContext, analysis: Row) -> Row:
    if not analysis.get("configurationLocked"):
        raise core_state.analysis_error("The analysis configuration is not locked.")
    if analysis.get("buildStatus") is None:
        raise core_state.analysis_error("The analysis build has not been started.")
    return {}


def _distribution_start(ctx: RequestContext, analysis: Row) -> Row:
    if analysis.get("buildStatus") != "executed":
        raise core_state.analysis_error("The analysis has not been built.")
    if analysis.get("distributionStatus") not in _STARTABLE:
        raise core_state.analysis_error("The analysis distribution has already been started.")
    registries = ctx.hub.table(core_state.REGISTRIES).rows()
    if not registries:
        raise core_state.analysis_error("No registry is available.")
    nodes = ctx.hub.table(core_state.NODES)
    for participation in ctx.hub.table(core_state.ANALYSIS_NODES).where(analysisId=analysis["id"]):
        if (nodes.get(participation["nodeId"]) or {}).get("registryId") is None:
            raise core_state.analysis_error("Not every analysis node has a registry.")
    changes: Row = {"distributionStatus": "starting"}
    if analysis.get("registryId") is None:
        changes["registryId"] = registries[0]["id"]  # assigned lazily at distribution (§3.4)
    return changes


def _distribution_check(ctx: RequestContext, analysis: Row) -> Row:
    if analysis.get("buildStatus") != "executed" or analysis.get("distributionStatus") is None:
        raise core_state.analysis_error("The analysis distribution has not been started.")
    return {}


def _storage_check(ctx: RequestContext, analysis: Row) -> Row:
    core_state.ensure_analysis_buckets(ctx, analysis)
    return {}


COMMANDS = {
    "configurationLock": _lock,
    "configurationUnlock": _unlock,
    "buildStart": _build_start,
    "buildCheck": _build_check,
    "distributionStart": _distribution_start,
    "distributionCheck": _distribution_check,
    "storageCheck": _storage_check,
}


@ROUTES.post("/analyses/:id/command")
def analysis_command(ctx: RequestContext) -> Response:
    """``POST /analyses/:id/command {command}`` -> 202 ``{data: analysis, meta: {}}``; only the realm is
    checked (no named permission)."""
    analysis = core_state.addressed(ctx, core_state.ANALYSES)
    core_state.require_realm_of(ctx, analysis.get("realmId"))
    run = COMMANDS.get(str(ctx.body().get("command")))
    if run is None:
        raise HubError("bad_request", "Invalid command.")
    changes = run(ctx, analysis)
    if changes:
        changes["updatedAt"] = ctx.hub.clock.iso()
        analysis.update(changes)
    core_state.refresh_analysis(ctx.hub, analysis["id"])
    return ctx.crud(core_state.ANALYSES).mutation(ctx, analysis, 202)
