"""QuerySet semantics against the backend: Django's rules, every lookup in both filter dialects, Q objects,
connections and the errors that name their fix.

The module's records live in a realm of their own (made once per backend), so every query is scoped by
``realm_id`` — a key other than the ones under test, which keeps single conditions in the bracket
dialect — and the tests hold on a shared Hub.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import flame_hub
from flame_hub import Hub, Q
from flame_hub.engine.resolver import reset
from flame_hub.exceptions import (
    ConfigurationError,
    FieldError,
    MultipleObjectsReturned,
    NotSupportedError,
    ObjectDoesNotExist,
    QueryValueError,
)
from flame_hub.models import Node, Project, ProjectNode, Realm, Registry
from flame_hub.testing import HubBackend
from flame_hub.testing.factories import (
    NodeFactory,
    ProjectFactory,
    ProjectNodeFactory,
    RealmFactory,
    RegistryFactory,
)

from .request_log import RequestLog


@dataclass
class Data:
    """The module's records: four nodes in their own realm, two of them in a project."""

    hub: Hub
    prefix: str
    realm: Realm
    registry: Registry
    nodes: dict[str, Node]
    project: Project
    memberships: list[ProjectNode]

    def name(self, suffix: str) -> str:
        return f"{self.prefix}-{suffix}"


SUFFIXES = ("alpha1", "alpha2", "beta1", "z-MiXed")


@pytest.fixture(scope="module")
def data(module_backend: HubBackend) -> Iterator[Data]:
    with Hub(
        module_backend.base_url,
        module_backend.admin_auth,
        transport=module_backend.transport,
    ) as hub:
        prefix = f"lk-{uuid.uuid4().hex[:8]}"
        realm = RealmFactory(using=hub)
        registry = RegistryFactory(using=hub)
        nodes = {}
        for suffix in SUFFIXES:
            nodes[suffix] = NodeFactory(
                using=hub,
                name=f"{prefix}-{suffix}",
                realm_id=realm.id,
                hidden=suffix == "beta1",
                registry_id=registry.id if suffix == "alpha1" else None,
            )
            if module_backend.fakehub is not None:
                # FakeHub's clock moves one second per node, so ordering by created_at is total there. A real
                # Hub stamps whole seconds and these nodes usually tie: the ordering tests hold either way.
                module_backend.fakehub.clock.advance(1)
        project = ProjectFactory(using=hub)
        memberships = [
            ProjectNodeFactory(using=hub, project=project, node=nodes[s]) for s in ("alpha1", "alpha2")
        ]
        yield Data(hub, prefix, realm, registry, nodes, project, memberships)
        if module_backend.fakehub is None:  # a shared Hub: leave it as it was
            for record in [*memberships, project, *nodes.values(), registry, realm]:
                record.delete()


@pytest.fixture
def nodes(data: Data) -> Any:
    """The module's nodes (nothing sent yet)."""
    return Node.objects.using(data.hub).filter(realm_id=data.realm.id)


@pytest.fixture
def log(data: Data) -> Iterator[RequestLog]:
    with RequestLog(data.hub) as requests:
        yield requests


@pytest.fixture
def no_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No default Hub: neither ``flame_hub.configure`` nor ``FLAME_HUB_URL``; reset afterwards."""
    monkeypatch.delenv("FLAME_HUB_URL", raising=False)
    reset()
    yield
    reset()


def suffixes(data: Data, records: Any) -> set[str]:
    return {r.name[len(data.prefix) + 1 :] for r in records}


ALL = set(SUFFIXES)

# (lookups, expected suffixes); "{p}" is the module's prefix, "{P}" the same in upper case.
LOOKUP_CASES: dict[str, tuple[dict[str, Any], set[str]]] = {
    "exact": ({"name": "{p}-alpha1"}, {"alpha1"}),
    "exact ignores case": ({"name": "{P}-ALPHA1"}, {"alpha1"}),
    "iexact": ({"name__iexact": "{P}-Alpha1"}, {"alpha1"}),
    "ne": ({"hidden__ne": True}, ALL - {"beta1"}),
    "contains": ({"name__contains": "alpha"}, {"alpha1", "alpha2"}),
    "icontains": ({"name__icontains": "ALPHA"}, {"alpha1", "alpha2"}),
    "like": ({"name__like": "lpha"}, {"alpha1", "alpha2"}),
    "startswith": ({"name__startswith": "{p}-alpha"}, {"alpha1", "alpha2"}),
    "istartswith": ({"name__istartswith": "{P}-ALPHA"}, {"alpha1", "alpha2"}),
    "endswith": ({"name__endswith": "a1"}, {"alpha1", "beta1"}),
    "iendswith": ({"name__iendswith": "mixed"}, {"z-MiXed"}),
    "in": ({"name__in": ["{p}-alpha1", "{p}-beta1"]}, {"alpha1", "beta1"}),
    "in with one value": ({"name__in": ["{p}-beta1"]}, {"beta1"}),
    "lt": ({"name__lt": "{p}-alpha2"}, {"alpha1"}),
    "lte": ({"name__lte": "{p}-alpha2"}, {"alpha1", "alpha2"}),
    "gt": ({"name__gt": "{p}-beta1"}, {"z-MiXed"}),
    "gte": ({"name__gte": "{p}-beta1"}, {"beta1", "z-MiXed"}),
    "isnull=True": ({"robot_id__isnull": True}, ALL),
    "isnull=False": ({"client_id__isnull": False}, ALL),
    "isnull matching nothing": ({"client_id__isnull": True}, set()),
    "exact None": ({"robot_id": None}, ALL),
    "bool": ({"hidden": True}, {"beta1"}),
}


def _fill(data: Data, value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("{p}", data.prefix).replace("{P}", data.prefix.upper())
    if isinstance(value, list):
        return [_fill(data, v) for v in value]
    return value


@pytest.mark.parametrize("dialect", ["bracket", "expression"])
@pytest.mark.parametrize("case", list(LOOKUP_CASES))
def test_every_lookup_in_both_dialects(
    data: Data, nodes: Any, log: RequestLog, case: str, dialect: str
) -> None:
    raw, wanted = LOOKUP_CASES[case]
    lookups = {key: _fill(data, value) for key, value in raw.items()}
    if dialect == "bracket":
        found = nodes.filter(**lookups)
    else:  # an OR with a condition that matches nothing forces the expression dialect
        found = nodes.filter(Q(**lookups) | Q(name=data.name("nothing")))

    assert suffixes(data, found) == wanted

    (sent,) = log.sent
    if dialect == "bracket":
        assert "filter" not in sent.params
        assert sent.params["filter[realmId]"] == str(data.realm.id)
    else:
        assert sent.params["filter"].startswith("and(eq(realmId,")


def test_relation_lookups_filter_through_an_included_relation(data: Data, log: RequestLog) -> None:
    memberships = ProjectNode.objects.using(data.hub)

    by_node = memberships.filter(node__name=data.name("alpha1"))
    by_project = memberships.filter(project__name=data.project.name)
    either = memberships.filter(Q(node__name=data.name("alpha1")) | Q(node__name=data.name("alpha2")))

    assert [m.node_id for m in by_node] == [data.nodes["alpha1"].id]
    assert {m.id for m in by_project} == {m.id for m in data.memberships}
    assert {m.id for m in either} == {m.id for m in data.memberships}
    assert log.sent[0].params["filter[node.name]"] == data.name("alpha1")
    assert log.sent[0].params["include"] == "node"
    assert log.sent[2].params["include"] == "node"


# -- Q objects, exclude ------------------------------------------------------------------------------


def test_or_returns_the_union(data: Data, nodes: Any) -> None:
    found = nodes.filter(Q(name=data.name("alpha1")) | Q(hidden=True))
    assert suffixes(data, found) == {"alpha1", "beta1"}


def test_and_of_q_objects(data: Data, nodes: Any) -> None:
    found = nodes.filter(Q(name__contains="alpha") & Q(name__endswith="2"))
    assert suffixes(data, found) == {"alpha2"}


def test_not_of_a_q_object(data: Data, nodes: Any) -> None:
    assert suffixes(data, nodes.filter(~Q(name__startswith=data.name("alpha")))) == {"beta1", "z-MiXed"}
    both = nodes.filter((Q(name__contains="alpha") | Q(hidden=True)) & ~Q(name__endswith="1"))
    assert suffixes(data, both) == {"alpha2"}


def test_exclude_negates_its_conditions_together(data: Data, nodes: Any) -> None:
    # Django: exclude(a, b) is NOT (a AND b), not (NOT a) AND (NOT b)
    assert suffixes(data, nodes.exclude(name=data.name("alpha1"), hidden=False)) == ALL - {"alpha1"}
    assert suffixes(data, nodes.exclude(name=data.name("alpha1"), hidden=True)) == ALL
    chained = nodes.exclude(name=data.name("alpha1")).exclude(hidden=True)
    assert suffixes(data, chained) == {"alpha2", "z-MiXed"}


def test_two_conditions_on_one_field_are_both_applied(data: Data, nodes: Any) -> None:
    found = nodes.filter(name__gte=data.name("alpha2"), name__lt=data.name("z"))
    assert suffixes(data, found) == {"alpha2", "beta1"}


# -- ordering, only, include, values -------------------------------------------------------------------


def _stamp(record: Any) -> float:
    return float(record.created_at.timestamp())


def test_order_by_several_keys_and_descending(data: Data, nodes: Any, log: RequestLog) -> None:
    assert [r.name for r in nodes.order_by("-name")] == [data.name(s) for s in sorted(SUFFIXES, reverse=True)]
    # newest first, ties (a Hub stamps whole seconds) broken by name: a total order, whatever the stamps
    wanted = sorted(data.nodes.values(), key=lambda n: (-_stamp(n), n.name))
    assert [r.id for r in nodes.order_by("-created_at", "name")] == [n.id for n in wanted]
    assert [s.params["sort"] for s in log] == ["-name", "-createdAt,name"]


def test_first_last_and_reverse_use_the_default_ordering(data: Data, nodes: Any, log: RequestLog) -> None:
    first, last = nodes.first(), nodes.last()
    reversed_ = list(nodes.reverse())

    # a node's default ordering is (created_at, name): whole-second stamps tie, names in one realm do not
    wanted = sorted(data.nodes.values(), key=lambda n: (_stamp(n), n.name))
    assert (first.id, last.id) == (wanted[0].id, wanted[-1].id)
    assert [r.id for r in reversed_] == [n.id for n in reversed(wanted)]
    assert [s.params["sort"] for s in log] == ["createdAt,name", "-createdAt,-name", "-createdAt,-name"]


def test_only_asks_for_those_columns(data: Data, nodes: Any, log: RequestLog) -> None:
    node = nodes.only("name").get(name=data.name("alpha1"))

    assert log.sent[0].params["fields"] == "id,name"
    assert node.id == data.nodes["alpha1"].id
    assert node.name == data.name("alpha1")
    assert node.model_fields_set == {"id", "name"}
    assert node.realm_id is None and node.created_at is None


def test_defer_leaves_columns_out(data: Data, nodes: Any, log: RequestLog) -> None:
    node = nodes.defer("public_key", "external_name").get(name=data.name("alpha2"))

    assert log.sent[0].params["fields"] == "-publicKey,-externalName"
    assert node.name == data.name("alpha2")
    assert "public_key" not in node.model_fields_set and "external_name" not in node.model_fields_set


def test_include_embeds_relations(data: Data, nodes: Any) -> None:
    node = nodes.include("registry").get(name=data.name("alpha1"))
    assert nodes.select_related("registry").get(id=node.id).registry == node.registry
    assert node.registry is not None
    assert node.registry.name == data.registry.name
    plain = nodes.get(name=data.name("alpha1"))
    assert "registry" not in plain.model_fields_set  # not asked for: not embedded ...
    assert plain.registry == node.registry  # ... but read by id on first access (issue 14)


def test_values_and_values_list(data: Data, nodes: Any) -> None:
    ordered = nodes.order_by("name")
    assert list(ordered.values("name", "hidden")) == [
        {"name": data.name(s), "hidden": s == "beta1"} for s in sorted(SUFFIXES)
    ]
    assert list(ordered.values_list("name", "hidden"))[2] == (data.name("beta1"), True)
    assert list(ordered.values_list("name", flat=True)) == [data.name(s) for s in sorted(SUFFIXES)]
    assert ordered.values_list("name", flat=True)[0] == data.name("alpha1")
    full = ordered.values()[0]
    assert full["id"] == data.nodes["alpha1"].id and "realm_id" in full

    with pytest.raises(TypeError, match="exactly one field"):
        nodes.values_list("name", "hidden", flat=True)
    with pytest.raises(FieldError, match="Did you mean 'name'"):
        nodes.values("nmae")


def test_none_is_empty_and_sends_nothing(nodes: Any, log: RequestLog) -> None:
    empty = nodes.none()
    assert list(empty) == []
    assert empty.count() == 0
    assert empty.exists() is False
    assert empty.first() is None
    assert list(empty.filter(name="x")) == []
    assert nodes.filter(name__in=[]).count() == 0
    assert len(log) == 0


# -- Django's rules ----------------------------------------------------------------------------------


def test_every_call_returns_a_new_queryset(data: Data, nodes: Any) -> None:
    filtered = nodes.filter(hidden=True)
    ordered = filtered.order_by("name")

    assert filtered is not nodes and ordered is not filtered
    assert suffixes(data, nodes) == ALL  # the original is unchanged
    assert suffixes(data, filtered) == {"beta1"}
    assert nodes.all() is not nodes


def test_filtering_or_ordering_after_a_slice_raises(nodes: Any) -> None:
    window = nodes[:2]
    for build in (
        lambda: window.filter(name="x"),
        lambda: window.exclude(name="x"),
        lambda: window.order_by("name"),
        lambda: window.only("name"),
        lambda: window.reverse(),
    ):
        with pytest.raises(TypeError, match="once a slice has been taken"):
            build()


def test_negative_and_wrong_indexes(nodes: Any, log: RequestLog) -> None:
    with pytest.raises(ValueError, match="Negative indexing"):
        nodes[-1]
    with pytest.raises(ValueError, match="Negative indexing"):
        nodes[-3:]
    with pytest.raises(TypeError):
        nodes["name"]
    assert len(log) == 0


def test_get_raises_the_models_exceptions(data: Data, nodes: Any) -> None:
    with pytest.raises(Node.DoesNotExist):
        nodes.get(name=data.name("nothing"))
    with pytest.raises(Node.DoesNotExist):
        Node.objects.using(data.hub).get(id=uuid.uuid4())
    with pytest.raises(Node.MultipleObjectsReturned, match="it returned 2"):
        nodes.get(name__contains="alpha")

    # each model has its own classes, under the library's common bases
    assert issubclass(Node.DoesNotExist, ObjectDoesNotExist)
    assert issubclass(Node.MultipleObjectsReturned, MultipleObjectsReturned)
    assert not issubclass(Node.DoesNotExist, Project.DoesNotExist)
    with pytest.raises(Project.DoesNotExist):
        Project.objects.using(data.hub).get(id=uuid.uuid4())


def test_in_bulk(data: Data, nodes: Any, log: RequestLog) -> None:
    wanted = [data.nodes["alpha1"].id, data.nodes["beta1"].id, uuid.uuid4()]
    found = nodes.in_bulk(wanted)
    # by id: the records as read now (alpha1's create answer also carried its registry, embedded)
    assert {ident: record.id for ident, record in found.items()} == {
        data.nodes["alpha1"].id: data.nodes["alpha1"].id,
        data.nodes["beta1"].id: data.nodes["beta1"].id,
    }
    assert found[data.nodes["beta1"].id] == data.nodes["beta1"]  # nothing else to tell them apart by
    assert len(log) == 1
    assert nodes.in_bulk([]) == {}
    assert len(log) == 1


# -- what the Hub cannot express ----------------------------------------------------------------------


def test_unknown_or_unfilterable_keys_raise_field_error_with_a_suggestion(
    nodes: Any, log: RequestLog
) -> None:
    with pytest.raises(FieldError, match="Did you mean 'name'"):
        list(nodes.filter(nmae="x"))
    with pytest.raises(FieldError, match="cannot be filtered by 'public_key'"):
        list(nodes.filter(public_key="x"))
    with pytest.raises(FieldError, match="no relation 'project'"):
        list(nodes.filter(project__name="x"))
    with pytest.raises(FieldError, match="cannot be sorted by 'public_key'"):
        list(nodes.order_by("public_key"))
    with pytest.raises(FieldError, match=r"no includable relation 'registy'.*Did you mean 'registry'"):
        list(nodes.include("registy"))
    with pytest.raises(FieldError, match=r"unknown lookup 'startwith'\. Did you mean 'startswith'"):
        list(nodes.filter(name__startwith="x"))
    assert len(log) == 0  # refused before anything was sent


def test_what_the_hub_cannot_say_raises_not_supported(data: Data, nodes: Any) -> None:
    with pytest.raises(NotSupportedError, match="one key only"):
        list(Realm.objects.using(data.hub).order_by("name", "created_at"))
    with pytest.raises(NotSupportedError, match="cannot be matched as text"):
        list(nodes.filter(name="null"))
    with pytest.raises(QueryValueError, match="isnull"):
        list(nodes.filter(name__contains=None))


# -- connections -------------------------------------------------------------------------------------


def test_using_a_hub_or_its_service_client(data: Data) -> None:
    name = data.name("beta1")
    assert Node.objects.using(data.hub).get(name=name) == data.nodes["beta1"]
    assert Node.objects.using(data.hub.core).get(name=name) == data.nodes["beta1"]
    assert data.hub.core.nodes.get(name=name) == data.nodes["beta1"]
    assert Realm.objects.using(data.hub.auth).get(id=data.realm.id) == data.realm


def test_a_wrong_service_client_is_a_configuration_error(data: Data) -> None:
    with pytest.raises(ConfigurationError, match="auth client cannot serve core"):
        list(Node.objects.using(data.hub.auth))
    with pytest.raises(ConfigurationError, match="core client cannot serve auth"):
        Realm.objects.using(data.hub.core).count()


@pytest.mark.usefixtures("no_default")
def test_without_a_default_hub_the_error_names_the_fix(data: Data) -> None:
    with pytest.raises(ConfigurationError, match=r"flame_hub\.configure"):
        list(Node.objects.all())
    with pytest.raises(ConfigurationError, match=r"flame_hub\.configure"):
        Node.objects.count()


@pytest.mark.usefixtures("no_default")
def test_configure_sets_the_default(data: Data, module_backend: HubBackend) -> None:
    flame_hub.configure(data.hub)
    assert Node.objects.filter(realm_id=data.realm.id).count() == len(SUFFIXES)

    configured = flame_hub.configure(
        module_backend.base_url,
        module_backend.admin_auth,
        transport=module_backend.transport,
    )
    try:
        assert configured is not data.hub
        assert Node.objects.get(name=data.name("beta1")).hidden is True
    finally:
        configured.close()

    with pytest.raises(ConfigurationError, match="takes a Hub alone"):
        flame_hub.configure(data.hub, "token")


@pytest.mark.usefixtures("no_default")
def test_records_remember_the_client_that_fetched_them(data: Data) -> None:
    node = data.hub.core.nodes.get(name=data.name("z-MiXed"))
    node.external_name = "remembered"
    node.save()  # no default Hub: the record's own client serves it
    node.refresh_from_db()
    assert node.external_name == "remembered"
    node.external_name = None
    node.save()
