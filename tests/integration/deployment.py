"""What the Hub under test does where deployments differ, read from the Hub itself (or from options).

Two deployments of Hub v0.14.0 can answer the same request differently without either being wrong:

* core's ``SKIP_PROJECT_APPROVAL`` / ``SKIP_ANALYSIS_APPROVAL`` (off by default, on in
  PrivateAIM/hub-deployment and in ../shared/realhub) approve every new project or analysis membership
  at once and stop the approvals from gating the analysis build;
* optional services: **telemetry** (server-telemetry; without it analysis logs are accepted and never
  stored), the **worker and message bus** (without them an analysis never gets its storage buckets and
  uploads are never registered as analysis-bucket-files), a **Harbor** behind a registry (registry
  ``cleanup`` calls its API; our test registries have none).

A test reads these facts from :class:`Deployment` and asserts the behaviour that matches them, or skips
naming the missing service; it never accepts "either answer". Against FakeHub the facts are its own
options. Against a real Hub they are probed once per session with one throw-away project, node and
analysis, unless given in the environment:

* ``FLAME_HUB_TEST_SKIP_PROJECT_APPROVAL`` / ``FLAME_HUB_TEST_SKIP_ANALYSIS_APPROVAL``: ``true``/``false``;
* ``FLAME_HUB_TEST_SERVICES``: a comma list of the services present (``telemetry``, ``worker``,
  ``harbor``), e.g. ``""`` for none, instead of probing.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass, field

import pytest

from flame_hub import Hub
from flame_hub.exceptions import NotFoundError

#: Each optional service, as a skip reason names it.
SERVICES = {
    "telemetry": "the Hub's telemetry service (server-telemetry), which stores analysis logs",
    "worker": "the message bus and the Hub workers that create an analysis' storage buckets and register "
    "uploaded files",
    "harbor": "a Harbor registry behind the registry's host (registry commands call its API)",
}

#: How long the probe waits for an analysis' buckets before calling the worker absent (a Hub with a
#: worker creates them within a second or two; FakeHub before answering).
WORKER_WAIT = 10.0


@dataclass(frozen=True)
class Deployment:
    """The deployment facts tests depend on (see the module docstring)."""

    skip_project_approval: bool
    skip_analysis_approval: bool
    services: frozenset[str]
    #: How each fact was found (for skip reasons and failure messages).
    evidence: dict[str, str] = field(default_factory=dict, compare=False)

    def require(self, service: str) -> None:
        """Skip the calling test when ``service`` is absent, naming it and how that was found."""
        if service not in self.services:
            how = self.evidence.get(service, "")
            pytest.skip(f"needs {SERVICES[service]}; this Hub has none ({how})")


def _flag(name: str) -> bool | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise pytest.UsageError(f"{name}={raw!r}: use true or false")
    return value in ("true", "1", "yes")


def of_fakehub(skip_project_approval: bool, skip_analysis_approval: bool) -> Deployment:
    """A FakeHub's facts: its approval options, and every optional service emulated except Harbor's API
    (FakeHub accepts registry commands without calling anything, as a Hub whose bus queues them)."""
    return Deployment(
        skip_project_approval,
        skip_analysis_approval,
        frozenset({"telemetry", "worker", "harbor"}),
        {"harbor": "FakeHub answers registry commands itself"},
    )


def probe(hub: Hub) -> Deployment:
    """The facts of a real Hub: from the environment where given, otherwise from what the Hub does."""
    evidence: dict[str, str] = {}
    project_flag = _flag("FLAME_HUB_TEST_SKIP_PROJECT_APPROVAL")
    analysis_flag = _flag("FLAME_HUB_TEST_SKIP_ANALYSIS_APPROVAL")
    listed = os.environ.get("FLAME_HUB_TEST_SERVICES")
    services: set[str] = set()
    if listed is not None:
        services = {s.strip() for s in listed.split(",") if s.strip()}
        unknown = services - set(SERVICES)
        if unknown:
            raise pytest.UsageError(
                f"FLAME_HUB_TEST_SERVICES: unknown {sorted(unknown)}; known: {sorted(SERVICES)}"
            )
        for name in SERVICES:
            evidence[name] = "FLAME_HUB_TEST_SERVICES"
    if project_flag is not None and analysis_flag is not None and listed is not None:
        return Deployment(project_flag, analysis_flag, frozenset(services), evidence)

    name = f"probe-{uuid.uuid4().hex[:8]}"
    realm = hub.auth.find_realms(filter={"name": "master"})[0]
    image = hub.core.get_master_images(page={"limit": 1})[0]
    project = hub.core.create_project(name=name, master_image_id=image.id)
    node = hub.core.create_node(name=name, realm_id=realm.id)
    try:
        membership = hub.core.create_project_node(project, node)
        if project_flag is None:
            project_flag = membership.approval_status == "approved"
            evidence["skip_project_approval"] = f"a new project-node came back {membership.approval_status!r}"
        if membership.approval_status != "approved":
            hub.core.update_project_node(membership, approval_status="approved")
        analysis = hub.core.create_analysis(project)
        try:
            assigned = hub.core.find_analysis_nodes(filter={"analysis_id": analysis.id, "node_id": node.id})
            if analysis_flag is None:
                status = assigned[0].approval_status if assigned else None
                analysis_flag = status == "approved"
                evidence["skip_analysis_approval"] = f"an approved member joined a new analysis as {status!r}"
            if listed is None:
                _probe_services(hub, analysis.id, node.id, services, evidence)
        finally:
            hub.core.delete_analysis(analysis)
        hub.core.delete_project_node(membership)
    finally:
        for cleanup in (lambda: hub.core.delete_node(node), lambda: hub.core.delete_project(project)):
            with contextlib.suppress(NotFoundError):
                cleanup()
    return Deployment(project_flag, analysis_flag, frozenset(services), evidence)


def _probe_services(
    hub: Hub, analysis_id: object, node_id: object, services: set[str], evidence: dict[str, str]
) -> None:
    # telemetry: core answers a log listing itself, with meta.limit 50 whatever was asked, when it has no
    # telemetry client (Hub v0.14.0 AnalysisNodeLogController.getMany); telemetry echoes the limit
    _, meta = hub.core.find_analysis_node_logs(
        filter={"analysis_id": analysis_id, "node_id": node_id}, page={"limit": 1}, meta=True
    )
    if meta.limit == 1:
        services.add("telemetry")
    evidence["telemetry"] = f"a log listing asked for page[limit]=1 answered meta.limit={meta.limit}"
    # worker and bus: the storage buckets of a new analysis appear in the background, or never
    deadline = time.monotonic() + WORKER_WAIT
    while True:
        if len(hub.core.find_analysis_buckets(filter={"analysis_id": analysis_id})) == 3:
            services.add("worker")
            evidence["worker"] = "a new analysis got its three buckets"
            break
        if time.monotonic() > deadline:
            evidence["worker"] = f"a new analysis had no buckets after {WORKER_WAIT:.0f} s"
            break
        time.sleep(0.5)
    # Harbor: our test registries name hosts nothing answers at; cleanup would call their API
    evidence["harbor"] = "the test registries' hosts have no Harbor"
