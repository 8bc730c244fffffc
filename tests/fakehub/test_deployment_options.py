"""FakeHub's deployment options: the approval-skipping flags, the tie order, and registry ``setup``.

The flags follow Hub v0.14.0's core: ``SKIP_PROJECT_APPROVAL`` approves every new project-node
(ProjectNodeService.create), ``SKIP_ANALYSIS_APPROVAL`` every new analysis-node, keeps approvals on
unlock and stops them from gating the build (AnalysisNodeService.create, AnalysisService
.assignProjectNodes, AnalysisConfigurator.unlock, AnalysisNodeMetadataRecalculator).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from core_helpers import Core
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub


def core_of(hub: FakeHub) -> Core:
    http = hub.client()
    return Core(http, auth(login(http)["access_token"]))


def analysis_nodes(core: Core, analysis: dict[str, Any]) -> dict[str, Any]:
    rows = core.rows("/core/analysis-nodes", **{"filter[analysisId]": analysis["id"]})
    return {row["nodeId"]: row["approvalStatus"] for row in rows}


def command(core: Core, analysis: dict[str, Any], name: str) -> httpx.Response:
    return core.http.post(
        f"/core/analyses/{analysis['id']}/command", json={"command": name}, headers=core.headers
    )


def lockable(core: Core, *, skip_project: bool) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """An analysis with a default and an aggregator node and an entrypoint (so it can be locked)."""
    project, node, aggregator = core.project(), core.node(), core.node(type="aggregator")
    membership = core.member(project, node)
    if not skip_project:
        core.http.post(
            f"/core/project-nodes/{membership['id']}",
            json={"approvalStatus": "approved"},
            headers=core.headers,
        )
    core.member(project, aggregator)
    analysis = core.analysis(project)
    code = core.buckets(analysis)["CODE"]
    assert core.upload(code["bucketId"], {"main.py": b"print(1)"}).status_code == 201
    (entry,) = core.rows("/core/analysis-bucket-files", **{"filter[analysisId]": analysis["id"]})
    core.http.post(f"/core/analysis-bucket-files/{entry['id']}", json={"root": True}, headers=core.headers)
    return analysis, node, aggregator


@pytest.mark.parametrize("skip", [False, True], ids=["approval", "skip-approval"])
def test_project_approval_flag(skip: bool) -> None:
    core = core_of(FakeHub(seed=1, skip_project_approval=skip))
    project, node, aggregator = core.project(), core.node(), core.node(type="aggregator")
    assert core.member(project, node)["approvalStatus"] == ("approved" if skip else None)
    assert core.member(project, aggregator)["approvalStatus"] == "approved"  # aggregators always
    # only approved members join a new analysis
    analysis = core.analysis(project)
    assert set(analysis_nodes(core, analysis)) == (
        {node["id"], aggregator["id"]} if skip else {aggregator["id"]}
    )


@pytest.mark.parametrize("skip", [False, True], ids=["approval", "skip-approval"])
def test_analysis_approval_flag(skip: bool) -> None:
    core = core_of(FakeHub(seed=1, skip_project_approval=True, skip_analysis_approval=skip))
    analysis, node, aggregator = lockable(core, skip_project=True)
    # members join approved when the Hub skips analysis approval; otherwise only the aggregator is
    assert analysis_nodes(core, analysis) == {
        node["id"]: "approved" if skip else None,
        aggregator["id"]: "approved",
    }
    state = core.get(f"/core/analyses/{analysis['id']}")
    assert (state["nodesApproved"], state["buildNodesValid"]) == ((2, True) if skip else (1, False))

    assert command(core, analysis, "configurationLock").status_code == 202
    started = command(core, analysis, "buildStart")
    if skip:
        assert started.status_code == 202 and started.json()["data"]["buildStatus"] == "starting"
        return
    assert started.status_code == 400 and started.json()["code"] == "ANALYSIS_ERROR"


@pytest.mark.parametrize("skip", [False, True], ids=["approval", "skip-approval"])
def test_unlock_withdraws_approvals_unless_skipped(skip: bool) -> None:
    core = core_of(FakeHub(seed=1, skip_project_approval=True, skip_analysis_approval=skip))
    analysis, node, aggregator = lockable(core, skip_project=True)
    for row in core.rows("/core/analysis-nodes", **{"filter[analysisId]": analysis["id"]}):
        core.http.post(
            f"/core/analysis-nodes/{row['id']}", json={"approvalStatus": "approved"}, headers=core.headers
        )
    assert command(core, analysis, "configurationLock").status_code == 202
    assert command(core, analysis, "configurationUnlock").status_code == 202
    assert analysis_nodes(core, analysis) == {
        node["id"]: "approved" if skip else None,
        aggregator["id"]: "approved" if skip else None,  # a real Hub v0.14.0 resets an aggregator's too
    }


def test_flags_are_off_by_default_as_in_hub_v0_14() -> None:
    hub = FakeHub()
    assert (hub.skip_project_approval, hub.skip_analysis_approval, hub.tie_order) == (False, False, "stable")


def names_by_pages(hub: FakeHub, sort: str, limit: int) -> list[str]:
    core = core_of(hub)
    names: list[str] = []
    for offset in range(0, 30, limit):
        names += [
            r["name"]
            for r in core.rows("/core/nodes", sort=sort, **{"page[limit]": limit, "page[offset]": offset})
        ]
    return names


def tied_hub(tie_order: str) -> FakeHub:
    hub = FakeHub(seed=3, tie_order=tie_order)  # a deterministic clock: every node has one createdAt
    hub.bulk_create(
        "core:nodes", [{"name": f"tied-{i:02d}", "realmId": hub.master_realm_id} for i in range(30)]
    )
    return hub


def test_stable_ties_page_consistently() -> None:
    names = names_by_pages(tied_hub("stable"), "createdAt", 7)
    assert names == [f"tied-{i:02d}" for i in range(30)]  # insertion order among ties, every request


def test_shuffled_ties_repeat_and_skip_rows_across_pages() -> None:
    names = names_by_pages(tied_hub("shuffled"), "createdAt", 7)
    assert len(names) == 30 and len(set(names)) < 30  # some rows twice, so others never


def test_shuffled_ties_leave_a_total_order_alone() -> None:
    names = names_by_pages(tied_hub("shuffled"), "createdAt,name", 7)
    assert names == [f"tied-{i:02d}" for i in range(30)]


def test_unknown_tie_order_is_refused() -> None:
    with pytest.raises(ValueError, match="stable"):
        FakeHub(tie_order="random")


def test_registry_setup_records_its_harbor_projects() -> None:
    core = core_of(FakeHub(seed=1))
    registry = core.create("/core/registries", {"name": "harbor-one", "host": "harbor-one.example.org"})
    body = {"command": "setup", "id": registry["id"]}
    for _ in range(2):  # a second setup adds nothing
        response = core.http.post("/core/services/registry/command", json=body, headers=core.headers)
        assert (response.status_code, response.content) == (202, b"")
        projects = core.rows("/core/registry-projects", **{"filter[registryId]": registry["id"]})
        assert sorted((p["name"], p["type"], p["public"]) for p in projects) == [
            ("incoming", "incoming", False),
            ("master", "masterImages", True),
            ("outgoing", "outgoing", False),
        ]
    external = {p["name"]: p["externalName"] for p in projects}
    assert external["master"] == "master"
    assert all(len(external[n]) == 21 and external[n].isalnum() for n in ("incoming", "outgoing"))
    cleanup = core.http.post(
        "/core/services/registry/command",
        json={"command": "cleanup", "id": registry["id"]},
        headers=core.headers,
    )
    assert (cleanup.status_code, cleanup.content) == (202, b"")
