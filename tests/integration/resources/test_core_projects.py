"""CoreClient projects and project-nodes end to end (membership, approval, counters)."""

from __future__ import annotations

import uuid

import pytest

from flame_hub import Hub
from flame_hub.exceptions import ConflictError
from flame_hub.models.core import MasterImage, Node, Project

from ..deployment import Deployment
from .support import Records, ids


def test_project_lifecycle(hub: Hub, records: Records) -> None:
    image_id = records.master_image_id()
    project = records.project(
        display_name="Project One", master_image_id=image_id, description="a first project"
    )
    other = records.project(display_name=None, description=None)
    assert (project.display_name, project.description, project.master_image_id) == (
        "Project One",
        "a first project",
        image_id,
    )
    assert (project.nodes, project.analyses, project.realm_id) == (0, 0, records.realm_id)

    assert hub.core.get_project(project.id).id == project.id
    assert hub.core.get_project(uuid.uuid4()) is None

    names = [project.name, other.name]
    assert ids(hub.core.find_projects(filter={"name": project.name})) == [project.id]
    assert hub.core.find_projects(filter={"name": project.name, "display_name": "Project Two"}) == []
    assert ids(
        hub.core.find_projects(filter={"name": names}, sort={"by": "name", "order": "descending"})
    ) == ids([other, project])
    with_image = hub.core.find_projects(filter={"name": project.name}, include="master_image")
    assert isinstance(with_image[0].master_image, MasterImage) and with_image[0].master_image.id == image_id
    single = hub.core.get_project(project.id, include=["master_image"])
    assert single is not None and single.master_image is not None and single.master_image.id == image_id
    page, meta = hub.core.get_projects(meta=True)
    assert len(page) <= 50 and meta.total >= 2

    renamed = hub.core.update_project(project, display_name="Project Renamed")
    assert (renamed.display_name, renamed.description, renamed.name, renamed.master_image_id) == (
        "Project Renamed",
        "a first project",
        project.name,
        image_id,
    )
    cleared = hub.core.update_project(project.id, description=None, master_image_id=None)
    assert (cleared.description, cleared.master_image_id, cleared.display_name) == (
        None,
        None,
        "Project Renamed",
    )
    refetched = hub.core.get_project(project.id)
    assert refetched is not None and refetched.description is None

    hub.core.delete_project(project)
    assert hub.core.get_project(project.id) is None
    assert ids(hub.core.find_projects(filter={"name": names})) == [other.id]


def test_project_names_generated_and_lower_cased(records: Records) -> None:
    project = records.project(name=None)
    assert project.name and project.name == project.name.lower()
    name = records.name("shouty")
    assert records.project(name=name.upper()).name == name


def test_project_nodes_membership_and_approval(hub: Hub, records: Records, deployment: Deployment) -> None:
    project = records.project()
    node = records.node()
    aggregator = records.node(node_type="aggregator")
    # a default node's membership waits for its approval, unless the Hub skips project approval
    joined = "approved" if deployment.skip_project_approval else None

    membership = records.member(project, node)
    assert (membership.project_id, membership.node_id, membership.approval_status) == (
        project.id,
        node.id,
        joined,
    )
    assert membership.project_realm_id == records.realm_id and membership.node_realm_id == records.realm_id
    aggregated = records.member(project, aggregator)
    assert aggregated.approval_status == "approved"  # aggregator nodes are approved at once
    with pytest.raises(ConflictError):
        hub.core.create_project_node(project, node)

    counted = hub.core.get_project(project.id)
    assert counted is not None and counted.nodes == 2

    assert hub.core.get_project_node(membership.id).id == membership.id
    assert hub.core.get_project_node(uuid.uuid4()) is None
    by_project = {"project_id": project.id}
    listed = hub.core.find_project_nodes(filter=by_project, include=["node", "project"])
    assert sorted(ids(listed), key=str) == sorted(ids([membership, aggregated]), key=str)
    assert all(isinstance(m.node, Node) and isinstance(m.project, Project) for m in listed)
    assert {m.node.name for m in listed if m.node is not None} == {node.name, aggregator.name}
    # a relation sort (created_at would tie for records made in one millisecond)
    newest_first = hub.core.find_project_nodes(
        filter=by_project, sort={"by": "node.name", "order": "descending"}
    )
    assert ids(newest_first) == ids([aggregated, membership])  # node names: "node1-…" < "node2-…"
    waiting = hub.core.find_project_nodes(filter={**by_project, "approval_status": None})
    assert [m.id for m in waiting] == ([] if deployment.skip_project_approval else [membership.id])
    assert hub.core.find_project_nodes(filter={**by_project, "approval_status": "rejected"}) == []
    assert ids(hub.core.find_project_nodes(filter={"node.name": node.name})) == [membership.id]

    approved = hub.core.update_project_node(membership, approval_status="approved", comment="welcome aboard")
    assert (approved.approval_status, approved.comment) == ("approved", "welcome aboard")
    rejected = hub.core.update_project_node(membership.id, approval_status="rejected")
    assert (rejected.approval_status, rejected.comment) == ("rejected", "welcome aboard")
    uncommented = hub.core.update_project_node(membership, comment=None)
    assert (uncommented.approval_status, uncommented.comment) == ("rejected", None)
    assert ids(hub.core.find_project_nodes(filter={**by_project, "approval_status": "rejected"})) == [
        membership.id
    ]

    hub.core.delete_project_node(membership)
    assert hub.core.get_project_node(membership.id) is None
    recounted = hub.core.get_project(project.id)
    assert recounted is not None and recounted.nodes == 1
