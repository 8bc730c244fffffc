"""CoreClient analyses end to end: CRUD, analysis-nodes, commands, client credentials, logs, buckets and
bucket files (created by uploads into the analysis' storage buckets)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from flame_hub import Hub
from flame_hub.auth import ClientAuth
from flame_hub.exceptions import BadRequestError, NotFoundError
from flame_hub.models.core import Analysis, AnalysisBucket, AnalysisBucketFile, Log, Node, Project
from flame_hub.testing import HubBackend
from flame_hub.types import AnalysisBucketType, FilterOperator

from ..deployment import Deployment
from .support import Records, eventually, ids, login


def study(records: Records) -> tuple[Project, Node, Node]:
    """A project with an approved default node and an (automatically approved) aggregator node."""
    project = records.project()
    node = records.node()
    aggregator = records.node(node_type="aggregator")
    records.member(project, node, approve=True)
    records.member(project, aggregator)
    return project, node, aggregator


def buckets_of(hub: Hub, analysis: Analysis) -> dict[str, AnalysisBucket]:
    """The analysis' buckets by type, once all three exist (the Hub creates them in the background)."""

    def check() -> dict[str, AnalysisBucket]:
        found = hub.core.find_analysis_buckets(filter={"analysis_id": analysis.id})
        return {str(b.type.value if isinstance(b.type, AnalysisBucketType) else b.type): b for b in found}

    return eventually(check, lambda found: len(found) == 3)


def test_analysis_lifecycle(hub: Hub, records: Records) -> None:
    project = records.project()
    arguments: list[dict[str, Any]] = [{"value": "--verbose"}, {"value": "--seed", "position": "before"}]
    given = copy.deepcopy(arguments)
    analysis = records.analysis(
        project,
        name=records.name("analysis"),
        display_name="Analysis One",
        description="a first analysis",
        image_command_arguments=arguments,
    )
    other = records.analysis(project, name=records.name("analysis"))
    assert arguments == given  # the caller's list and dicts are not touched
    assert (analysis.project_id, analysis.display_name, analysis.description) == (
        project.id,
        "Analysis One",
        "a first analysis",
    )
    assert analysis.master_image_id == project.master_image_id  # defaults to the project's image
    assert [(a.value, a.position) for a in analysis.image_command_arguments or []] == [
        ("--verbose", None),
        ("--seed", "before"),
    ]
    assert analysis.configuration_locked is False and analysis.realm_id == records.realm_id

    assert hub.core.get_analysis(analysis.id).id == analysis.id
    assert hub.core.get_analysis(uuid.uuid4()) is None
    by_project = {"project_id": project.id}
    assert ids(hub.core.find_analyses(filter={**by_project, "name": analysis.name})) == [analysis.id]
    assert hub.core.find_analyses(filter={**by_project, "configuration_locked": True}) == []
    assert ids(hub.core.find_analyses(filter=by_project, sort={"by": "name", "order": "descending"})) == ids(
        sorted([analysis, other], key=lambda a: str(a.name), reverse=True)
    )
    included = hub.core.find_analyses(
        filter=by_project, include=["project", "master_image"], page={"limit": 1}
    )
    assert len(included) == 1 and isinstance(included[0].project, Project)
    assert included[0].project.id == project.id and included[0].master_image is not None
    counted = hub.core.get_project(project.id)
    assert counted is not None and counted.analyses == 2
    with pytest.raises(BadRequestError):  # a project with analyses cannot be deleted
        hub.core.delete_project(project)

    renamed = hub.core.update_analysis(analysis, display_name="Analysis Renamed")
    assert (renamed.display_name, renamed.description, renamed.name) == (
        "Analysis Renamed",
        "a first analysis",
        analysis.name,
    )
    # another master image resets the command arguments (they belong to the old image's command)
    images = [i.id for i in hub.core.get_master_images(page={"limit": 2})]
    other_image = next(i for i in images if i != analysis.master_image_id)
    moved = hub.core.update_analysis(analysis, master_image_id=other_image)
    # (the Hub answers null; read as an empty list, as flame-hub-client 0.5.5 reads it)
    assert (moved.master_image_id, moved.image_command_arguments) == (other_image, [])
    rearranged = hub.core.update_analysis(
        analysis, image_command_arguments=[{"value": "--fast", "position": "after"}]
    )
    assert [(a.value, a.position) for a in rearranged.image_command_arguments or []] == [("--fast", "after")]
    cleared = hub.core.update_analysis(analysis.id, description=None, image_command_arguments=None)
    assert (cleared.description, cleared.image_command_arguments, cleared.display_name) == (
        None,
        [],
        "Analysis Renamed",
    )

    # the registry of an analysis cannot change once it is set
    registry, other_registry = records.registry(), records.registry()
    with_registry = records.analysis(project, registry_id=registry.id)
    assert with_registry.registry_id == registry.id
    with pytest.raises(BadRequestError):
        hub.core.update_analysis(with_registry, registry_id=other_registry.id)

    hub.core.delete_analysis(analysis)
    assert hub.core.get_analysis(analysis.id) is None
    recounted = hub.core.get_project(project.id)
    assert recounted is not None and recounted.analyses == 2  # the other one and the one with a registry


def test_analysis_nodes(hub: Hub, records: Records, deployment: Deployment) -> None:
    project, node, aggregator = study(records)
    pending = records.node()
    records.member(project, pending)  # a member that has not approved (unless the Hub skips that)
    outsider = records.node()
    analysis = records.analysis(project)

    # the approved members are assigned at once
    assigned = hub.core.find_analysis_nodes(filter={"analysis_id": analysis.id}, include="node")
    members = {node.id, aggregator.id} | ({pending.id} if deployment.skip_project_approval else set())
    assert {a.node_id for a in assigned} == members
    assert all(isinstance(a.node, Node) for a in assigned)

    participation = hub.core.create_analysis_node(analysis, pending)
    again = hub.core.create_analysis_node(analysis.id, str(pending.id))
    assert again.id == participation.id  # idempotent
    # a default node approves its part in an analysis, unless the Hub skips analysis approval
    joined = "approved" if deployment.skip_analysis_approval else None
    assert (participation.approval_status, participation.analysis_realm_id) == (joined, records.realm_id)
    with pytest.raises(NotFoundError):  # not a member of the analysis' project
        hub.core.create_analysis_node(analysis, outsider)

    assert hub.core.get_analysis_node(participation.id).id == participation.id
    assert hub.core.get_analysis_node(uuid.uuid4()) is None
    by_analysis = {"analysis_id": analysis.id}
    # analysis approval is separate from project approval: only the aggregator is approved at once
    # (every node, when the Hub skips analysis approval)
    waiting = {node.id, pending.id} if not deployment.skip_analysis_approval else set()
    pending_ones = hub.core.find_analysis_nodes(filter={**by_analysis, "approval_status": None})
    assert {a.node_id for a in pending_ones} == waiting
    approved_ones = hub.core.find_analysis_nodes(
        filter={**by_analysis, "approval_status": (FilterOperator.neq, None)}
    )
    assert {a.node_id for a in approved_ones} == {node.id, pending.id, aggregator.id} - waiting
    assert (
        hub.core.find_analysis_nodes(filter={**by_analysis, "node_id": pending.id}, include="analysis")[
            0
        ].analysis.id
        == analysis.id
    )
    counted = hub.core.get_analysis(analysis.id)
    assert counted is not None and (counted.nodes, counted.nodes_approved) == (3, 3 - len(waiting))

    approved = hub.core.update_analysis_node(participation, approval_status="approved", comment="fine by us")
    assert (approved.approval_status, approved.comment) == ("approved", "fine by us")
    running = hub.core.update_analysis_node(
        participation.id, execution_status="started", execution_progress=10
    )
    assert (running.execution_status, running.execution_progress, running.approval_status) == (
        "started",
        10,
        "approved",
    )
    uncommented = hub.core.update_analysis_node(participation, comment=None)
    assert uncommented.comment is None and uncommented.execution_progress == 10

    # node events are read-only and written by the Hub itself (no writer at v0.14): reads must work
    events = hub.core.find_analysis_node_events(filter={"analysis_id": analysis.id, "node_id": pending.id})
    assert all(e.analysis_id == analysis.id for e in events)
    assert hub.core.get_analysis_node_event(uuid.uuid4()) is None

    hub.core.delete_analysis_node(participation)
    assert hub.core.get_analysis_node(participation.id) is None
    recounted = hub.core.get_analysis(analysis.id)
    assert recounted is not None and recounted.nodes == 2


def test_analysis_client_credentials(hub: Hub, backend: HubBackend, records: Records) -> None:
    analysis = records.analysis(records.project())
    credentials = hub.core.get_analysis_client_credentials(analysis)
    assert analysis.client_id is not None and credentials.id == analysis.client_id

    rotated = hub.core.update_analysis_client_credentials(analysis)
    assert rotated.id == analysis.client_id and rotated.secret and rotated.secret != credentials.secret
    chosen = hub.core.update_analysis_client_credentials(analysis.id, secret="chosen-analysis-secret-42")
    assert chosen.secret == "chosen-analysis-secret-42"
    with login(backend, ClientAuth(str(chosen.id), "chosen-analysis-secret-42")) as as_analysis:
        seen = as_analysis.core.get_analysis(analysis.id)
        assert seen is not None and seen.id == analysis.id


def test_analysis_node_logs_and_analysis_logs(hub: Hub, records: Records, deployment: Deployment) -> None:
    deployment.require("telemetry")
    project, node, _ = study(records)
    analysis = records.analysis(project)

    entry = hub.core.create_analysis_node_log(
        analysis, node, level="info", message="hello from the node", status="running", code="step-1"
    )
    assert isinstance(entry, Log) and (entry.level, entry.message) == ("info", "hello from the node")
    assert entry.labels is not None
    assert (entry.labels.get("code"), entry.labels.get("status")) == ("step-1", "running")
    assert entry.labels.get("nodeId") == str(node.id) and entry.labels.get("analysisId") == str(analysis.id)
    hub.core.create_analysis_node_log(analysis.id, node.id, "error", "something broke on the node")

    pair = {"analysis_id": analysis.id, "node_id": node.id}
    messages = [e.message for e in hub.core.find_analysis_node_logs(filter=pair)]
    assert sorted(messages) == ["hello from the node", "something broke on the node"]
    errors = hub.core.find_analysis_node_logs(filter={**pair, "level": "error"})
    assert [e.message for e in errors] == ["something broke on the node"]
    assert hub.core.find_analysis_node_logs(filter={**pair, "level": "debug"}) == []
    with pytest.raises(BadRequestError):  # the node id is a required filter
        hub.core.find_analysis_node_logs(filter={"analysis_id": analysis.id})

    hub.core.delete_analysis_node_logs(analysis, node)
    assert hub.core.find_analysis_node_logs(filter=pair) == []

    logs, meta = hub.core.find_analysis_logs(filter={"analysis_id": analysis.id}, meta=True)
    assert meta.total == len(logs) and all(isinstance(e, Log) for e in logs)
    assert hub.core.delete_analysis_logs(analysis) is None
    assert hub.core.find_analysis_logs(filter={"analysis_id": analysis.id}) == []
    with pytest.raises(BadRequestError):  # the analysis id is a required filter
        hub.core.find_analysis_logs(filter={"level": "info"})


def test_analysis_buckets_are_created_with_the_analysis(
    hub: Hub, records: Records, deployment: Deployment
) -> None:
    deployment.require("worker")
    analysis = records.analysis(records.project())
    buckets = buckets_of(hub, analysis)
    assert set(buckets) == {"CODE", "RESULT", "TEMP"}
    code = buckets["CODE"]
    assert code.type is AnalysisBucketType.CODE and code.realm_id == records.realm_id
    storage_bucket = hub.storage.get_bucket(code.bucket_id)
    assert storage_bucket is not None and str(analysis.id) in str(storage_bucket.name)
    assert hub.storage.get_bucket(str(storage_bucket.name)).id == storage_bucket.id  # by name, "." and all

    assert hub.core.get_analysis_bucket(code.id).id == code.id
    assert hub.core.get_analysis_bucket(uuid.uuid4()) is None
    by_analysis = {"analysis_id": analysis.id}
    assert ids(hub.core.find_analysis_buckets(filter={**by_analysis, "type": AnalysisBucketType.CODE})) == [
        code.id
    ]
    assert ids(
        hub.core.find_analysis_buckets(filter={**by_analysis, "type": ["RESULT", "TEMP"]}, sort="type")
    ) == ids([buckets["RESULT"], buckets["TEMP"]])
    with_analysis = hub.core.find_analysis_buckets(filter={**by_analysis, "type": "CODE"}, include="analysis")
    assert isinstance(with_analysis[0].analysis, Analysis) and with_analysis[0].analysis.id == analysis.id

    # storageCheck recreates nothing that exists
    checked = hub.core.send_analysis_command(analysis, "storageCheck")
    assert isinstance(checked, Analysis) and checked.id == analysis.id
    assert len(hub.core.find_analysis_buckets(filter=by_analysis)) == 3

    # a link made by hand, then removed (the storage bucket stays)
    extra = records.bucket()
    link = hub.core.create_analysis_bucket(AnalysisBucketType.TEMP, extra.id, analysis)
    assert (link.type, link.bucket_id, link.analysis_id) == (AnalysisBucketType.TEMP, extra.id, analysis.id)
    hub.core.delete_analysis_bucket(link)
    assert hub.core.get_analysis_bucket(link.id) is None
    assert hub.storage.get_bucket(extra.id) is not None

    # deleting the analysis deletes its storage buckets (and its client)
    hub.core.delete_analysis(analysis)
    assert eventually(lambda: hub.storage.get_bucket(code.bucket_id), lambda bucket: bucket is None) is None
    assert hub.auth.get_client(analysis.client_id) is None


def test_uploads_are_registered_as_analysis_bucket_files(
    hub: Hub, records: Records, deployment: Deployment
) -> None:
    deployment.require("worker")
    analysis = records.analysis(records.project())
    code = buckets_of(hub, analysis)["CODE"]

    # uploading into the analysis' code bucket registers analysis-bucket-files
    uploaded = hub.storage.upload_to_bucket(
        code.bucket_id, ("main.py", b"print('hi')\n"), ("lib/util.py", b"x = 1\n")
    )
    by_analysis = {"analysis_id": analysis.id}

    def registered() -> list[AnalysisBucketFile]:
        return hub.core.find_analysis_bucket_files(filter=by_analysis, sort={"by": "path"})

    files = eventually(registered, lambda found: len(found) == 2)
    assert [f.path for f in files] == ["lib/util.py", "main.py"]
    assert {f.bucket_file_id for f in files} == {f.id for f in uploaded}
    assert all(f.root is False and f.analysis_bucket_id == code.id for f in files)
    main = files[1]
    assert hub.core.get_analysis_bucket_file(main.id).id == main.id
    assert hub.core.get_analysis_bucket_file(uuid.uuid4()) is None
    with_bucket = hub.core.get_analysis_bucket_file(main.id, include=["analysis_bucket", "analysis"])
    assert with_bucket is not None and isinstance(with_bucket.analysis_bucket, AnalysisBucket)
    assert with_bucket.analysis_bucket.id == code.id

    entry = hub.core.update_analysis_bucket_file(main, is_entrypoint=True)
    assert (entry.root, entry.path) == (True, "main.py")
    assert ids(hub.core.find_analysis_bucket_files(filter={**by_analysis, "root": True})) == [main.id]
    refreshed = hub.core.get_analysis(analysis.id)
    assert refreshed is not None and refreshed.configuration_entrypoint_valid is True


def test_entrypoint_and_configuration_commands(hub: Hub, records: Records, deployment: Deployment) -> None:
    """The configuration and build commands, with the code bucket and its files linked by hand (so
    this needs no worker): an analysis-bucket for a storage bucket, an analysis-bucket-file per file."""
    project, _, _ = study(records)
    analysis = records.analysis(project)
    by_analysis = {"analysis_id": analysis.id}

    with pytest.raises(BadRequestError) as info:  # no entrypoint yet
        hub.core.send_analysis_command(analysis, "configurationLock")
    assert info.value.code == "ANALYSIS_ERROR"
    with pytest.raises(BadRequestError) as info:
        hub.core.send_analysis_command(analysis, "buildStart")  # not locked
    assert info.value.code == "ANALYSIS_ERROR"
    with pytest.raises(BadRequestError):
        hub.core.send_analysis_command(analysis, "takeOff")

    # the files live in a bucket of their own (a linked bucket's uploads would be registered by the
    # Hub's worker, where it has one) and are registered by hand under a code bucket linked by hand
    link = hub.core.create_analysis_bucket(AnalysisBucketType.CODE, records.bucket().id, analysis)
    files = records.bucket()
    (main_file, util_file) = hub.storage.upload_to_bucket(
        files.id, ("main.py", b"print('hi')\n"), ("lib/util.py", b"x = 1\n")
    )
    main = hub.core.create_analysis_bucket_file("main.py", main_file.id, files.id, link.id)
    manual = hub.core.create_analysis_bucket_file("manual/util.py", util_file.id, files.id, link.id)
    assert (manual.path, manual.root, manual.analysis_id) == ("manual/util.py", False, analysis.id)
    hub.core.delete_analysis_bucket_file(manual)
    assert hub.core.get_analysis_bucket_file(manual.id) is None

    entry = hub.core.update_analysis_bucket_file(main, is_entrypoint=True)
    assert (entry.root, entry.path) == (True, "main.py")
    refreshed = hub.core.get_analysis(analysis.id)
    assert refreshed is not None and refreshed.configuration_entrypoint_valid is True

    late = records.node()
    records.member(project, late)  # a project member that could join the analysis, but for the lock
    locked = hub.core.send_analysis_command(analysis, "configurationLock")
    assert locked.configuration_locked is True and locked.id == analysis.id
    with pytest.raises(BadRequestError) as info:  # locked already
        hub.core.send_analysis_command(analysis, "configurationLock")
    assert info.value.code == "ANALYSIS_ERROR"
    if not deployment.skip_analysis_approval:
        with pytest.raises(BadRequestError) as info:  # the default node has not approved
            hub.core.send_analysis_command(analysis, "buildStart")
        assert info.value.code == "ANALYSIS_ERROR"
    with pytest.raises(BadRequestError):  # no new nodes while the configuration is locked
        hub.core.create_analysis_node(analysis, late)

    # unlocking withdraws every approval (the aggregator's too, as a real Hub v0.14.0 does, though its
    # code means to keep it), unless the Hub skips them
    for participation in hub.core.find_analysis_nodes(filter=by_analysis):
        hub.core.update_analysis_node(participation, approval_status="approved")
    unlocked = hub.core.send_analysis_command(analysis.id, "configurationUnlock")
    assert unlocked.configuration_locked is False
    still_approved = hub.core.find_analysis_nodes(filter={**by_analysis, "approval_status": "approved"})
    assert len(still_approved) == (2 if deployment.skip_analysis_approval else 0)
    with pytest.raises(BadRequestError) as info:
        hub.core.send_analysis_command(analysis, "configurationUnlock")
    assert info.value.code == "ANALYSIS_ERROR"

    # every node approves, then the build can start (and the configuration stays locked while it runs)
    for participation in hub.core.find_analysis_nodes(filter={**by_analysis, "approval_status": None}):
        hub.core.update_analysis_node(participation, approval_status="approved")
    hub.core.send_analysis_command(analysis, "configurationLock")
    building = hub.core.send_analysis_command(analysis, "buildStart")
    assert building.build_status == "starting" and building.build_nodes_valid is True
    assert hub.core.send_analysis_command(analysis, "buildCheck").id == analysis.id
    for command in ("configurationUnlock", "distributionStart"):  # build running; not built yet
        with pytest.raises(BadRequestError) as info:
            hub.core.send_analysis_command(analysis, command)
        assert info.value.code == "ANALYSIS_ERROR"
