"""Resource declarations: consistent with themselves and the reference, tolerant parsers, secrets hidden.

The consistency checks run over every declared resource, so a typo in one allow-list fails the test of
that resource; ``test_the_checks_catch_a_broken_declaration`` proves the checks are not vacuous.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar, get_args
from uuid import UUID

import pytest
from pydantic.alias_generators import to_camel

import flame_hub.models as models
from flame_hub.models import (
    Analysis,
    AnalysisBucket,
    AnalysisLog,
    AnalysisNode,
    AnalysisNodeLog,
    Client,
    ClientCredentials,
    Log,
    MasterImage,
    MasterImageCommandArgument,
    Node,
    NodeRegistryCredentials,
    ProjectNode,
    Realm,
    Registry,
    RegistryProject,
    Resource,
    ResourceMeta,
    User,
    UserRole,
    get_field_names,
    get_includable_names,
)
from flame_hub.schema.envelopes import item_adapter, list_adapter
from flame_hub.schema.fields import INCLUDE, READ_ONLY, FieldSpec
from flame_hub.schema.record import ALL_OPERATIONS, schema_of
from flame_hub.types import AnalysisBucketType

RESOURCES: list[type[Resource]] = sorted(
    (
        obj
        for obj in (getattr(models, name) for name in models.__all__)
        if isinstance(obj, type) and issubclass(obj, Resource) and obj is not Resource
    ),
    key=lambda model: model.__name__,
)

EXPECTED = {
    "auth": {
        "Realm",
        "User",
        "Role",
        "Permission",
        "RolePermission",
        "UserRole",
        "UserPermission",
        "Client",
        "ClientRole",
        "ClientPermission",
        "Scope",
        "ClientScope",
    },
    "core": {
        "Node",
        "Project",
        "ProjectNode",
        "Analysis",
        "AnalysisNode",
        "AnalysisNodeEvent",
        "AnalysisNodeLog",
        "AnalysisLog",
        "AnalysisBucket",
        "AnalysisBucketFile",
        "Registry",
        "RegistryProject",
        "MasterImage",
        "MasterImageGroup",
    },
    "storage": {"Bucket", "BucketFile"},
}

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
KEBAB = re.compile(r"^[a-z][a-z-]*$")

NODE_ID = "6f1c2f4e-8d0c-4a39-9a8e-3a3b2f0b7a11"
REALM_ID = "0b6d8e52-6f7e-4bb5-8f5e-5c7c4f0f3a20"
PROJECT_ID = "1d0e5f7a-2c3b-4a59-8e6d-7f8a9b0c1d2e"
ANALYSIS_ID = "2e1f6a8b-3d4c-4b6a-9f7e-8a9b0c1d2e3f"
CLIENT_ID = "3f2a7b9c-4e5d-4c7b-8a9f-9b0c1d2e3f4a"
STAMP = "2026-08-20T10:21:05.123Z"


def problems(model: type[Resource]) -> list[str]:
    """Everything inconsistent in one declaration (empty when it is sound)."""
    found: list[str] = []
    meta = model.meta
    schema = schema_of(model)
    columns = set(schema.columns)
    for name in meta.filters:
        if name not in columns:
            found.append(f"filter {name!r} is not a declared column")
    for name in meta.sorts:
        if name not in columns:
            found.append(f"sort {name!r} is not a declared column")
    for name in meta.default_ordering:
        if name not in meta.sorts:
            found.append(f"default ordering {name!r} is not sortable")
    for name, info in schema.includes.items():
        if info.related is None or not issubclass(info.related, Resource):
            found.append(f"include {name!r} is not typed as a resource")
    create = set(schema.writable("create"))
    for name in schema.required:
        if name not in create:
            found.append(f"required {name!r} is not accepted on create")
    for name, info in schema.fields.items():
        if not CAMEL.match(info.wire) or info.wire != to_camel(name):
            found.append(f"wire name {info.wire!r} of {name!r} is not its camelCase")
        if model.model_fields[name].default is not None:
            found.append(f"field {name!r} does not default to None")
    if not meta.operations or not meta.operations <= ALL_OPERATIONS or "list" not in meta.operations:
        found.append(f"operations {sorted(meta.operations)} are not a listable subset")
    if "create" in meta.operations and not create:
        found.append("create is allowed but no field is accepted on create")
    if "update" in meta.operations and not schema.writable("update"):
        found.append("update is allowed but no field is accepted on update")
    if not KEBAB.match(meta.path) or not CAMEL.match(meta.domain):
        found.append(f"path {meta.path!r} or domain {meta.domain!r} is malformed")
    if not SNAKE.match(meta.singular) or not SNAKE.match(meta.plural) or meta.singular == meta.plural:
        found.append(f"method stems {meta.singular!r}/{meta.plural!r} are malformed")
    if meta.service == "auth" and meta.multi_sort:
        found.append("authup drops multi-key sorts: multi_sort must be False")
    return found


# -- consistency of every declaration -----------------------------------------------------------------


def test_every_resource_of_the_brief_is_declared_and_exported() -> None:
    declared: dict[str, set[str]] = {}
    for model in RESOURCES:
        declared.setdefault(model.meta.service, set()).add(model.__name__)
    assert declared == EXPECTED


@pytest.mark.parametrize("model", RESOURCES, ids=lambda m: m.__name__)
def test_declaration_is_consistent(model: type[Resource]) -> None:
    assert problems(model) == []


@pytest.mark.parametrize("model", RESOURCES, ids=lambda m: m.__name__)
def test_every_field_is_optional_so_any_projection_parses(model: type[Resource]) -> None:
    record = model.model_validate({})
    assert record.model_fields_set == set()


def test_the_checks_catch_a_broken_declaration() -> None:
    class Broken(Resource):
        meta: ClassVar[ResourceMeta] = ResourceMeta(
            service="auth",
            path="brokens",
            domain="broken",
            filters=("nmae",),
            sorts=("created_at",),
            default_ordering=("updated_at",),
            singular="broken",
            plural="brokens",
        )

        id: Annotated[UUID | None, READ_ONLY] = None
        name: Annotated[str | None, READ_ONLY] = None
        code: Annotated[str | None, FieldSpec(required=True, create=False, update=False)] = None
        owner: Annotated[dict[str, Any] | None, INCLUDE] = None
        created_at: Annotated[datetime | None, READ_ONLY] = None

    found = "\n".join(problems(Broken))
    assert "filter 'nmae'" in found
    assert "default ordering 'updated_at'" in found
    assert "sort 'created_at'" not in found
    assert "include 'owner'" in found
    assert "required 'code'" in found
    assert "create is allowed" in found
    assert "multi_sort" in found
    assert "update is allowed" in found


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_domains_and_paths_are_unique_per_service(service: str) -> None:
    metas = [m.meta for m in RESOURCES if m.meta.service == service]
    assert len({m.domain for m in metas}) == len(metas)
    assert len({m.path for m in metas}) == len(metas)
    assert len({m.singular for m in metas} | {m.plural for m in metas}) == 2 * len(metas)


def test_addressing_by_name_and_record_queries_follow_the_reference() -> None:
    by_name = {m.__name__ for m in RESOURCES if m.meta.by_name}
    assert by_name == {"Realm", "User", "Role", "Permission", "Scope", "Client", "Bucket"}
    no_record_query = {m.__name__ for m in RESOURCES if not m.meta.record_query}
    assert no_record_query == EXPECTED["auth"] - {"User", "Client"}


def test_operations_follow_the_reference() -> None:
    ops = {m.__name__: m.meta.operations for m in RESOURCES}
    assert ops["MasterImage"] == {"list", "get", "delete"}
    assert ops["MasterImageGroup"] == {"list", "get", "delete"}
    assert ops["AnalysisNodeEvent"] == {"list", "get"}
    assert ops["AnalysisLog"] == {"list"}
    assert ops["AnalysisNodeLog"] == {"list", "create"}
    assert ops["BucketFile"] == {"list", "get", "delete"}
    assert ops["Bucket"] == {"list", "get", "create", "delete"}
    assert ops["UserRole"] == ops["ClientRole"] == ops["ClientScope"] == {"list", "get", "create", "delete"}
    assert ops["RolePermission"] == ops["Node"] == ALL_OPERATIONS
    assert MasterImage.meta.default_ordering == ("path",)
    assert models.MasterImageGroup.meta.sorts == models.MasterImageGroup.meta.default_ordering == ()


def test_writable_and_required_fields_of_a_node() -> None:
    schema = schema_of(Node)
    assert set(schema.writable("create")) == {
        "name",
        "type",
        "hidden",
        "public_key",
        "external_name",
        "registry_id",
        "client_id",
        "realm_id",
    }
    assert set(schema.writable("update")) == set(schema.writable("create")) - {"realm_id"}
    assert schema.required == ("name",)


def test_approval_and_execution_fields_are_update_only() -> None:
    assert schema_of(AnalysisNode).writable("create") == ("analysis_id", "node_id")
    assert set(schema_of(AnalysisNode).writable("update")) == {
        "approval_status",
        "comment",
        "execution_status",
        "execution_progress",
    }
    assert set(schema_of(ProjectNode).writable("update")) == {"approval_status", "comment"}


def test_opt_in_and_includable_names() -> None:
    assert get_field_names(User) == ("email",)
    assert get_field_names(Client) == ("secret",)
    assert get_field_names(Registry) == ("account_secret",)
    assert get_field_names(RegistryProject) == ("account_secret",)
    assert get_includable_names(Node) == ("registry", "registry_project")
    # The existing client loses these two behind a wrong annotation form.
    assert set(get_includable_names(UserRole)) == {"user", "role"}  # the seed lost both (compat §5.4)
    assert get_includable_names(AnalysisBucket) == ("analysis",)
    assert get_includable_names(Realm) == ()


# -- parsing realistic wire records -------------------------------------------------------------------

NODE_RECORD: dict[str, Any] = {
    "id": NODE_ID,
    "name": "my-node",
    "externalName": None,
    "hidden": False,
    "type": "default",
    "online": False,
    "publicKey": None,
    "registryId": None,
    "registryProjectId": None,
    "clientId": CLIENT_ID,
    "robotId": None,
    "realmId": REALM_ID,
    "createdAt": STAMP,
    "updatedAt": STAMP,
}


def test_node_with_an_unset_included_relation() -> None:
    node = Node.model_validate({**NODE_RECORD, "registry": None})
    assert node.registry is None
    assert "registry" in node.model_fields_set
    assert "registry_project" not in node.model_fields_set
    assert node.id == UUID(NODE_ID)
    assert node.realm_id == UUID(REALM_ID)
    assert node.created_at == datetime(2026, 8, 20, 10, 21, 5, 123000, tzinfo=timezone.utc)


def test_node_with_an_included_registry_and_project() -> None:
    registry = {"id": REALM_ID, "name": "harbor", "host": "harbor.example.org", "createdAt": STAMP}
    node = Node.model_validate(
        {**NODE_RECORD, "registry": registry, "registryProject": {"id": PROJECT_ID, "type": "node"}}
    )
    assert isinstance(node.registry, Registry)
    assert node.registry.host == "harbor.example.org"
    assert isinstance(node.registry_project, RegistryProject)
    assert node.registry_project.type == "node"


def test_a_collection_parses_in_one_pass() -> None:
    body = (
        b'{"data": [{"id": "' + NODE_ID.encode() + b'", "name": "a"}, {"name": "b", "type": "aggregator"}],'
        b' "meta": {"total": 7, "limit": 2, "offset": 0, "schema": {"name": "node"}}}'
    )
    envelope = list_adapter(Node).validate_json(body)
    assert [n.name for n in envelope.data] == ["a", "b"]
    assert envelope.meta.total == 7
    assert envelope.meta.response_schema == {"name": "node"}


def test_an_authup_record_parses_from_its_envelope() -> None:
    body = (
        b'{"data": {"id": "' + REALM_ID.encode() + b'", "name": "master", "displayName": null,'
        b' "description": null, "builtIn": true, "createdAt": "2026-01-01T00:00:00.000Z",'
        b' "updatedAt": "2026-01-01T00:00:00.000Z"}, "meta": {"schema": {}}}'
    )
    realm = item_adapter(Realm).validate_json(body).data
    assert realm.name == "master"
    assert realm.built_in is True


def test_analysis_with_every_status_field() -> None:
    record = {
        "id": ANALYSIS_ID,
        "name": "brave-otter-x1y2z3",
        "displayName": "Survival",
        "description": None,
        "projectId": PROJECT_ID,
        "masterImageId": None,
        "imageCommandArguments": [{"value": "--verbose", "position": "after"}, {"value": "-x"}],
        "registryId": None,
        "nodes": 3,
        "nodesApproved": 2,
        "configurationLocked": True,
        "configurationEntrypointValid": True,
        "configurationImageValid": True,
        "configurationNodeAggregatorValid": True,
        "configurationNodeDefaultValid": True,
        "configurationNodesValid": False,
        "buildNodesValid": False,
        "buildStatus": "executed",
        "buildProgress": 100,
        "buildHash": "sha512:abcdef",
        "buildOs": "linux",
        "buildSize": 9_007_199_254_740_991,
        "distributionStatus": "started",
        "distributionProgress": 40,
        "executionStatus": None,
        "executionProgress": None,
        "clientId": CLIENT_ID,
        "realmId": REALM_ID,
        "userId": None,
        "createdAt": STAMP,
        "updatedAt": STAMP,
    }
    analysis = Analysis.model_validate(record)
    assert analysis.model_extra == {}
    assert len(analysis.model_fields_set) == len(record)
    assert analysis.configuration_node_aggregator_valid is True
    assert analysis.build_status == "executed"
    assert analysis.build_size == 9_007_199_254_740_991
    assert analysis.image_command_arguments == [
        MasterImageCommandArgument(value="--verbose", position="after"),
        MasterImageCommandArgument(value="-x"),
    ]
    assert analysis.wire_dump() == record | {
        "createdAt": "2026-08-20T10:21:05.123000Z",
        "updatedAt": "2026-08-20T10:21:05.123000Z",
    }


def test_unknown_enum_values_come_through_as_strings() -> None:
    node = Node.model_validate({"type": "edge"})
    assert node.type == "edge"
    analysis = Analysis.model_validate({"buildStatus": "paused", "executionStatus": "executing"})
    assert (analysis.build_status, analysis.execution_status) == ("paused", "executing")
    entry = Log.model_validate({"level": "trace", "channel": "grpc"})
    assert (entry.level, entry.channel) == ("trace", "grpc")


def test_extra_fields_are_kept_not_fatal() -> None:
    node = Node.model_validate({**NODE_RECORD, "futureField": {"a": 1}})
    assert node.model_extra == {"futureField": {"a": 1}}
    # authup merges user attributes into user records as extra keys.
    user = User.model_validate({"id": NODE_ID, "name": "alice", "favouriteColour": "teal"})
    assert user.model_extra == {"favouriteColour": "teal"}


def test_a_record_restricted_by_fields_parses_with_only_those_set() -> None:
    node = Node.model_validate({"id": NODE_ID, "name": "my-node"})
    assert node.model_fields_set == {"id", "name"}
    assert node.hidden is None
    assert node.wire_dump() == {"id": NODE_ID, "name": "my-node"}


def test_a_malformed_value_still_fails() -> None:
    with pytest.raises(ValueError):
        Node.model_validate({"id": "not-a-uuid"})
    with pytest.raises(ValueError):
        Analysis.model_validate({"buildProgress": "half"})


def test_analysis_bucket_type_is_the_enum_when_known() -> None:
    bucket = AnalysisBucket.model_validate({"type": "CODE", "bucketId": NODE_ID, "analysisId": ANALYSIS_ID})
    assert bucket.type is AnalysisBucketType.CODE
    assert bucket.wire_dump()["type"] == "CODE"
    assert AnalysisBucket.model_validate({"type": "ARCHIVE"}).type == "ARCHIVE"
    assert AnalysisBucket(type="TEMP").type is AnalysisBucketType.TEMP


def test_log_entries_parse_as_log() -> None:
    body = (
        b'{"data": [{"time": "2026-08-20T10:21:05.123Z", "message": "started", "level": "info",'
        b' "service": "core", "channel": "http", "labels": {"refType": "analysisNode",'
        b' "analysisId": "' + ANALYSIS_ID.encode() + b'", "nodeId": "' + NODE_ID.encode() + b'"}}],'
        b' "meta": {"total": 1, "limit": 50, "offset": 0}}'
    )
    (entry,) = list_adapter(AnalysisNodeLog).validate_json(body).data
    assert isinstance(entry, Log)
    assert entry.level == "info"
    assert entry.labels is not None and entry.labels["nodeId"] == NODE_ID
    assert entry.analysis_id is None
    assert isinstance(AnalysisLog.model_validate({"message": "m"}), Log)


def test_a_node_log_create_body() -> None:
    assert set(schema_of(AnalysisNodeLog).writable("create")) == {
        "message",
        "level",
        "labels",
        "analysis_id",
        "node_id",
        "code",
        "status",
    }
    entry = AnalysisNodeLog(
        analysis_id=UUID(ANALYSIS_ID), node_id=UUID(NODE_ID), level="warn", message="low disk"
    )
    assert entry.wire_dump() == {
        "analysisId": ANALYSIS_ID,
        "nodeId": NODE_ID,
        "level": "warn",
        "message": "low disk",
    }


def test_command_arguments_do_not_mutate_the_callers_list() -> None:
    arguments: list[Any] = [{"value": "--seed"}, {"value": "1", "position": "before"}]
    analysis = Analysis(image_command_arguments=arguments)
    assert arguments == [{"value": "--seed"}, {"value": "1", "position": "before"}]
    assert analysis.wire_dump() == {"imageCommandArguments": arguments}


def test_master_image_with_command_arguments() -> None:
    image = MasterImage.model_validate(
        {
            "id": NODE_ID,
            "name": "base",
            "path": None,
            "virtualPath": "python/base",
            "groupVirtualPath": "python",
            "command": None,
            "commandArguments": [{"value": "-u", "position": "before"}],
            "buildStatus": None,
        }
    )
    assert image.virtual_path == "python/base"
    assert image.command_arguments == [MasterImageCommandArgument(value="-u", position="before")]


# -- secrets and dumps --------------------------------------------------------------------------------

SECRET = "s3cr3t-Value-never-shown"


@pytest.mark.parametrize(
    "record",
    [
        Client.model_validate({"name": "node-client", "secret": SECRET, "authMethod": "secret"}),
        User.model_validate({"name": "alice", "password": SECRET}),
        Registry.model_validate({"name": "harbor", "accountSecret": SECRET}),
        RegistryProject.model_validate({"name": "node-x", "accountSecret": SECRET}),
        ClientCredentials.model_validate({"id": CLIENT_ID, "name": NODE_ID, "secret": SECRET}),
        NodeRegistryCredentials.model_validate(
            {"host": "harbor", "accountName": "robot", "accountSecret": SECRET}
        ),
    ],
    ids=lambda r: type(r).__name__,
)
def test_secrets_are_masked_in_reprs(record: Any) -> None:
    assert SECRET not in repr(record)
    assert SECRET not in str(record)
    assert "***" in str(record)  # the full form masks it; the short repr of resources leaves it out
    # The value itself stays available to the caller who asked for it.
    assert SECRET in record.model_dump().values()


def test_an_unset_secret_shows_as_none() -> None:
    assert "secret=None" in str(Client(name="x"))


def test_model_dump_uses_python_names_and_wire_dump_camel_case() -> None:
    node = Node(name="my-node", realm_id=UUID(REALM_ID), registry_id=None)
    dumped = node.model_dump(exclude_unset=True)
    assert dumped == {"name": "my-node", "realm_id": UUID(REALM_ID), "registry_id": None}
    assert node.wire_dump() == {"name": "my-node", "realmId": REALM_ID, "registryId": None}
    assert set(node.model_dump()) == set(Node.model_fields)
    assert node.wire_dump(include={"realm_id"}) == {"realmId": REALM_ID}


def test_both_spellings_are_accepted_on_input() -> None:
    assert (
        Node.model_validate({"realm_id": REALM_ID}).realm_id
        == Node.model_validate({"realmId": REALM_ID}).realm_id
    )
    credentials = NodeRegistryCredentials(external_name="node-x")
    assert credentials.wire_dump() == {"externalName": "node-x"}


def test_literal_aliases_list_the_reference_values() -> None:
    from flame_hub import types

    assert set(get_args(types.ProcessStatus)) == {
        "starting",
        "started",
        "stopping",
        "stopped",
        "executing",
        "executed",
        "failed",
    }
    assert types.ProjectNodeApprovalStatus is types.AnalysisNodeApprovalStatus is types.ApprovalStatus
    assert set(get_args(types.RegistryCommand)) == {
        "setup",
        "cleanup",
        "delete",
        "projectLink",
        "projectUnlink",
    }
    assert [t.value for t in AnalysisBucketType] == ["CODE", "RESULT", "TEMP"]
    assert AnalysisBucketType.RESULT == "RESULT"
