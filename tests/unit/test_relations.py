"""Relations derived from the declarations (issue 14): what the derivation produces and refuses, and what
reading a relation does and does not send. The request counts against a Hub are in
tests/integration/test_orm_relations.py."""

from __future__ import annotations

import copy
import importlib.util
import pickle
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, ClassVar

import httpx
import pytest

from flame_hub import Hub
from flame_hub._driver import Prefetch, run
from flame_hub.engine import resolver
from flame_hub.exceptions import (
    BulkOperationError,
    ConfigurationError,
    FieldError,
    NotSupportedError,
    QueryValueError,
    RelationNotLoadedError,
)
from flame_hub.models import Analysis, AnalysisBucketFile, Node, Project, Realm, Resource, ResourceMeta
from flame_hub.orm.graph import Related, forward_relations, many_to_many_relations, reverse_relations
from flame_hub.orm.relations import NOT_OFFERED
from flame_hub.schema.fields import READ_ONLY, REQUIRED_CREATE_ONLY

ROOT = Path(__file__).resolve().parents[2]


def resources() -> list[type[Resource]]:
    import flame_hub.models as models

    found = [getattr(models, name) for name in models.__all__]
    return [m for m in found if isinstance(m, type) and issubclass(m, Resource) and "meta" in vars(m)]


@pytest.fixture
def no_default_hub() -> Iterator[None]:
    """No default Hub: anything that would need one raises instead of reaching a Hub."""
    resolver.reset()
    yield
    resolver.reset()


# -- the derivation ------------------------------------------------------------------------------------


def test_the_accessor_declarations_for_type_checkers_are_current() -> None:
    spec = importlib.util.spec_from_file_location(
        "sync_relation_accessors", ROOT / "tools" / "sync_relation_accessors.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool
    spec.loader.exec_module(tool)
    assert tool.main(["--check"]) == 0, "run python tools/sync_relation_accessors.py"
    listing = tool.listing()
    assert "reverse  Project.analysis_set -> Analysis (by project_id)" in listing
    assert "m2m      Project.node_set -> Node (through ProjectNode: project_id, node_id)" in listing


def test_every_relation_has_its_key_and_every_accessor_is_free() -> None:
    for model in resources():
        for name, relation in forward_relations(model).items():
            assert relation.fk == f"{name}_id" and relation.fk in model.model_fields
        accessors = [*reverse_relations(model), *many_to_many_relations(model)]
        assert len(accessors) == len(set(accessors))
        assert not set(accessors) & set(model.model_fields), model
        assert not set(accessors) & set(forward_relations(model)), model
    # the Hub's counters stay fields with their meaning
    assert Project.model_fields["nodes"].annotation is not None and "nodes" not in reverse_relations(Project)
    assert {"analysis_set", "project_node_set", "node_set"} <= set(dir(Project))


def test_the_reverse_accessors_follow_what_the_hub_can_filter() -> None:
    # analyses can be filtered by project_id (reverse accessor), not by master_image_id (none)
    assert "analysis_set" in reverse_relations(Project)
    from flame_hub.models import MasterImage

    assert "analysis_set" not in reverse_relations(MasterImage)
    assert reverse_relations(Realm)["node_set"].child is Node  # across services


def _pair(**parent_fields: Any) -> type[Resource]:
    """A parent resource (with the given extra fields) that a child can point to."""
    namespace: dict[str, Any] = {
        "__annotations__": {"meta": ClassVar[ResourceMeta], "id": Annotated[uuid.UUID | None, READ_ONLY]},
        "meta": ResourceMeta(service="core", path="parents", domain="parent"),
        "id": None,
    }
    for name, annotation in parent_fields.items():
        namespace["__annotations__"][name] = annotation
        namespace[name] = None
    return type("Parent", (Resource,), namespace)


def _child(
    target: type[Resource], *, filters: tuple[str, ...] = ("parent_id",), related_name: str | None = None
) -> type[Resource]:
    class Child(Resource):
        meta: ClassVar[ResourceMeta] = ResourceMeta(
            service="core", path="children", domain="child", filters=filters
        )
        id: Annotated[uuid.UUID | None, READ_ONLY] = None
        parent_id: Annotated[uuid.UUID | None, REQUIRED_CREATE_ONLY] = None
        parent = Related(target, related_name=related_name)

    return Child


def test_an_accessor_that_would_hide_a_field_fails_at_class_creation() -> None:
    parent = _pair(child_set=int | None)
    with pytest.raises(TypeError, match=r"accessor 'child_set'.*taken by a field.*related_name="):
        _child(parent)
    assert "child_set" not in reverse_relations(parent)  # a failed class leaves no trace
    _child(parent, related_name="kids")  # the fix the message names
    assert "kids" in reverse_relations(parent)


def test_two_relations_giving_one_accessor_fail_at_class_creation() -> None:
    parent = _pair()
    _child(parent)
    with pytest.raises(TypeError, match=r"'child_set'.*taken by the accessor of <reverse Parent.child_set"):
        _child(parent)


def test_no_reverse_accessor_where_the_hub_cannot_filter_by_the_key() -> None:
    parent = _pair()
    _child(parent, filters=())
    assert reverse_relations(parent) == {}


def test_a_relation_needs_its_key_field() -> None:
    with pytest.raises(TypeError, match=r"needs its foreign key field 'realm_id'"):

        class Orphan(Resource):
            meta: ClassVar[ResourceMeta] = ResourceMeta(service="core", path="orphans", domain="orphan")
            id: Annotated[uuid.UUID | None, READ_ONLY] = None
            realm = Related(Realm)


# -- reading relations ----------------------------------------------------------------------------------


ANALYSIS = {
    "id": str(uuid.uuid4()),
    "name": "an-analysis",
    "projectId": "4b8f3f50-9d43-4c05-8e3c-6f0e07c7b3a1",
    "masterImageId": None,
    "project": {"id": "4b8f3f50-9d43-4c05-8e3c-6f0e07c7b3a1", "name": "embedded"},
}


def test_parsing_dumping_copying_and_comparing_send_nothing(no_default_hub: None) -> None:
    analysis = Analysis.model_validate(ANALYSIS)
    plain = Analysis.model_validate({k: v for k, v in ANALYSIS.items() if k != "project"})
    # any hidden request would need a Hub, and there is none: each of these would raise
    for record in (analysis, plain):
        record.model_dump()
        record.wire_dump()
        repr(record)
        record._repr_html_()
        assert copy.deepcopy(record) == record
        assert pickle.loads(pickle.dumps(record)) == record
    assert "project" not in plain.model_dump(exclude_unset=True)
    assert analysis.project is not None and analysis.project.name == "embedded"  # embedded: no request
    assert analysis.master_image is None and plain.master_image is None  # a null key: no request
    with pytest.raises(ConfigurationError, match="no Hub is configured"):
        plain.project  # noqa: B018  # the key is set and nothing embeds it: this is where a GET would go


def test_an_async_record_raises_instead_of_reading(no_default_hub: None) -> None:
    from flame_hub.clients.aio import AsyncCoreClient
    from flame_hub.schema.record import mark_loaded

    plain = Analysis.model_validate({k: v for k, v in ANALYSIS.items() if k != "project"})
    mark_loaded(plain, AsyncCoreClient("https://hub.example/core/"))
    with pytest.raises(
        RelationNotLoadedError, match=r"select_related\('project'\).*afetch_related\('project'\)"
    ):
        plain.project  # noqa: B018
    with pytest.raises(RelationNotLoadedError, match=r"\.prefetch_related\('realm'\)") as caught:
        plain.realm  # noqa: B018
    assert "select_related" not in str(caught.value)  # the Hub cannot embed a realm


def test_a_record_read_without_its_key_says_so(no_default_hub: None) -> None:
    from flame_hub.clients.core import CoreClient
    from flame_hub.schema.record import mark_loaded

    partial = Analysis.model_validate({"id": ANALYSIS["id"], "name": "x"})  # only("name")
    mark_loaded(partial, CoreClient("https://hub.example/core/"))
    with pytest.raises(RelationNotLoadedError, match=r"without project_id \(only\(\)/defer\(\)\)"):
        partial.project  # noqa: B018


def test_assigning_a_relation_sets_its_key_and_refuses_what_does_not_fit() -> None:
    project = Project(id=uuid.uuid4(), name="p")
    analysis = Analysis(name="a")
    analysis.project = project
    assert analysis.project_id == project.id and analysis.project is project
    node = Node(name="n")
    realm = Realm(id=uuid.uuid4(), name="r")
    node.realm = realm  # a relation the Hub cannot embed: kept on the record
    assert node.realm_id == realm.id and node.realm is realm
    node.realm = None
    assert node.realm_id is None and node.realm is None
    with pytest.raises(ValueError, match="must be a Project instance"):
        analysis.project = node  # type: ignore[assignment]
    with pytest.raises(ValueError, match="unsaved Project"):
        analysis.project = Project(name="unsaved")


def test_a_related_manager_needs_a_saved_record(no_default_hub: None) -> None:
    with pytest.raises(QueryValueError, match="needs to have an id"):
        Project(name="unsaved").analysis_set.all()


def test_prefetch_lookups_are_checked_before_anything_is_sent(no_default_hub: None) -> None:
    with pytest.raises(FieldError, match=r"no relation 'analysis_sett'\. Did you mean 'analysis_set'"):
        Project.objects.prefetch_related("analysis_sett")
    with pytest.raises(FieldError, match=r"Analysis has no relation 'nodes'"):
        Project.objects.prefetch_related("analysis_set__nodes")
    assert (
        Project.objects.prefetch_related("analysis_set__node_set", "realm").prefetch_related(None)._prefetch
        == ()
    )
    with pytest.raises(
        NotSupportedError, match=r"cannot filter AnalysisBucket by id.*select_related\('analysis_bucket'\)"
    ):
        AnalysisBucketFile.objects.prefetch_related("analysis_bucket")


# -- bulk operations --------------------------------------------------------------------------------------


class Refusing(httpx.BaseTransport):
    """A transport that fails the test if anything is sent."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent, got {request.method} {request.url}")


def test_bulk_operations_check_their_input_before_sending_anything() -> None:
    with Hub("https://hub.example/", "token", transport=Refusing()) as hub:
        nodes = Node.objects.using(hub)
        with pytest.raises(TypeError, match="at least one field"):
            nodes.update()
        with pytest.raises(FieldError, match=r"Node\.online is read-only"):
            nodes.update(online=True)
        with pytest.raises(TypeError, match="Cannot update a query once a slice has been taken"):
            nodes.all()[:3].update(hidden=True)
        with pytest.raises(TypeError, match="Cannot use 'limit' or 'offset' with delete"):
            nodes.all()[:3].delete()
        with pytest.raises(QueryValueError, match="needs name to be created"):
            nodes.bulk_create([Node(name="fine"), Node()])
        with pytest.raises(QueryValueError, match="already has an id"):
            nodes.bulk_create([Node(id=uuid.uuid4(), name="x")])
        with pytest.raises(TypeError, match="got Project at position 0"):
            nodes.bulk_create([Project(name="x")])  # type: ignore[list-item]
        assert nodes.bulk_create([]) == []
        assert nodes.none().update(hidden=True) == 0
        assert nodes.none().delete() == (0, {})


def test_a_bulk_error_lists_what_succeeded_and_what_failed() -> None:
    failures = [(f"id-{i}", ValueError(f"reason {i}")) for i in range(60)]
    error = BulkOperationError("update", "Node", ["ok-1", "ok-2"], failures)
    text = str(error)
    assert (
        "failed for 60 and succeeded for 2" in text and "not atomic" in text and "nothing was retried" in text
    )
    assert "  id-0: ValueError: reason 0" in text and "  ok-2" in text
    assert "id-49:" in text and "id-50:" not in text and "... and 10 more (see .failed)" in text
    assert error.failed == failures and error.succeeded == ["ok-1", "ok-2"]


class Step:
    """A prefetchable step that counts how often it ran, and fails when told to."""

    def __init__(self, name: str, fail: bool = False) -> None:
        self.name, self.fail, self.runs = name, fail, 0

    def plan(self) -> Any:
        self.runs += 1
        if self.fail:
            raise RuntimeError(self.name)
        return self.name
        yield  # a generator


def test_a_failed_prefetched_step_is_not_sent_again() -> None:
    steps = [Step("a"), Step("b", fail=True), Step("c")]

    def plan() -> Any:
        yield Prefetch(steps, 3)
        results = []
        for step in steps:
            try:
                results.append((yield step))
            except RuntimeError as exc:
                results.append(f"failed {exc}")
        return results

    assert run(plan()) == ["a", "failed b", "c"]
    assert [step.runs for step in steps] == [1, 1, 1]


@pytest.mark.parametrize("name", sorted(NOT_OFFERED))
def test_django_methods_a_many_to_many_read_cannot_honour_say_what_to_do_instead(
    no_default_hub: None, name: str
) -> None:
    """``project.node_set.order_by(...)`` and its kind raise a named error with the alternative, before
    anything is sent, instead of an AttributeError that reads like a typo."""
    project = Project.model_validate({"id": uuid.uuid4(), "name": "p"})
    for target, where in ((project.node_set, "Project.node_set"), (project.node_set.all(), "Node records")):
        with pytest.raises(NotSupportedError) as info:
            getattr(target, name)("name")
        message = str(info.value)
        assert message.startswith(f"{name}() is not offered on {where}") and NOT_OFFERED[name] in message
        assert not hasattr(target, f"{name}_"), "any other name is still an AttributeError"
