"""Request economy of the ORM, counted on the wire: each operation sends exactly the requests Django's would.

One data set serves most of the module: 120 projects ``my-project-<run>-000`` … ``-119``, created once
per backend. Every query filters by that prefix, so the tests also hold on a shared Hub with other
projects in it. Projects, not nodes: a Hub provisions an authup client for every node (about seven
requests at authup, which allows 1,200 a minute per address), and 120 of them would exhaust that budget;
a project costs authup nothing. The design card's node query has a dozen nodes of its own.

A Hub stamps ``created_at`` in whole seconds, so many of these records share one: tests that check what
comes back in which order sort by ``name`` (unique here), and the default orderings break the ties
(a project's ``created_at``, ``id``; a node's ``created_at``, ``name``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import flame_hub
from flame_hub import Hub
from flame_hub.engine.resolver import reset
from flame_hub.models import Node, Project
from flame_hub.testing import HubBackend
from flame_hub.testing.factories import NodeFactory, ProjectFactory

from .request_log import RequestLog

TOTAL = 120


def open_hub(backend: HubBackend) -> Hub:
    return Hub(
        backend.base_url,
        backend.admin_auth,
        transport=backend.transport,
    )


@pytest.fixture(scope="module")
def module_hub(module_backend: HubBackend) -> Iterator[Hub]:
    with open_hub(module_backend) as hub:
        yield hub


@pytest.fixture(scope="module")
def prefix(module_hub: Hub, module_backend: HubBackend) -> Iterator[str]:
    """Creates the module's 120 projects; their names are ``<prefix>-000`` … ``<prefix>-119``."""
    name = f"my-project-{uuid.uuid4().hex[:8]}"
    projects = []
    for i in range(TOTAL):
        projects.append(ProjectFactory(using=module_hub, name=f"{name}-{i:03d}"))
        if module_backend.fakehub is not None and i % 10 == 9:
            module_backend.fakehub.clock.advance(1)  # twelve distinct stamps, ten projects tied on each
    yield name
    if module_backend.fakehub is None:  # a shared Hub: leave it as it was (a FakeHub is thrown away)
        for project in projects:
            project.delete()


@pytest.fixture(scope="module")
def my_nodes(module_hub: Hub, module_backend: HubBackend) -> Iterator[str]:
    """A dozen nodes ``my-node-<run>-00`` … ``-11`` for the design card's node query."""
    name = f"my-node-{uuid.uuid4().hex[:8]}"
    nodes = [NodeFactory(using=module_hub, name=f"{name}-{i:02d}") for i in range(12)]
    yield name
    if module_backend.fakehub is None:
        for node in nodes:
            node.delete()


@pytest.fixture
def projects(module_hub: Hub, prefix: str) -> Any:
    """The module's 120 projects as a QuerySet ordered by name, a total order (nothing sent yet)."""
    return Project.objects.using(module_hub).filter(name__startswith=prefix).order_by("name")


@pytest.fixture
def unordered(module_hub: Hub, prefix: str) -> Any:
    """The module's 120 projects without an ``order_by``: the default ordering (``created_at``, ``id``)."""
    return Project.objects.using(module_hub).filter(name__startswith=prefix)


def stamp(record: Any) -> float:
    return float(record.created_at.timestamp())


@pytest.fixture
def log(module_hub: Hub, prefix: str) -> Iterator[RequestLog]:
    with RequestLog(module_hub) as requests:
        yield requests


@pytest.fixture
def default_hub(module_hub: Hub) -> Iterator[Hub]:
    """``module_hub`` as the default of ``Model.objects`` (``flame_hub.configure``) for one test."""
    flame_hub.configure(module_hub)
    yield module_hub
    reset()


def names(records: Any) -> list[str]:
    return [r.name for r in records]


def expected(prefix: str, indexes: range | list[int]) -> list[str]:
    return [f"{prefix}-{i:03d}" for i in indexes]


# -- the design card ----------------------------------------------------------------------------------


def test_design_card_query_compiles_to_the_hubs_parameters(
    default_hub: Hub, my_nodes: str, log: RequestLog
) -> None:
    queryset = Node.objects.filter(name__like="my-node").order_by("-created_at")[:10]
    assert len(log) == 0

    found = list(queryset)

    (sent,) = log.sent
    assert (sent.method, sent.path) == ("GET", "/core/nodes")
    assert sent.query == "page[limit]=10&page[offset]=0&filter[name]=~my-node~&sort=-createdAt"
    # ten "my-node" nodes, newest first; every node of this module newer than the tenth is among them
    assert len(found) == 10 and all("my-node" in n.name.lower() for n in found)
    assert [stamp(n) for n in found] == sorted((stamp(n) for n in found), reverse=True)
    newer = {n.id for n in Node.objects.filter(name__startswith=my_nodes) if stamp(n) > stamp(found[-1])}
    assert newer <= {n.id for n in found}


def test_find_projects_and_the_equivalent_queryset_send_the_same_request(
    module_hub: Hub, prefix: str, log: RequestLog
) -> None:
    found = module_hub.core.find_projects(
        filter={"name": f"~{prefix}-1~"},
        sort={"by": "name", "order": "descending"},
        page={"limit": 10, "offset": 5},
        include=(),  # find_* includes every relation by default, as flame-hub-client 0.5.5; the ORM none
    )
    queryset = Project.objects.using(module_hub).filter(name__contains=f"{prefix}-1").order_by("-name")
    records = list(queryset[5:15])

    first, second = log.sent
    assert (first.method, first.path, first.query) == (second.method, second.path, second.query)
    assert first.params == {
        "page[limit]": "10",
        "page[offset]": "5",
        "filter[name]": f"~{prefix}-1~",
        "sort": "-name",
    }
    assert records == found
    assert names(records) == expected(prefix, range(114, 104, -1))


# -- laziness and single requests ---------------------------------------------------------------------


def test_building_a_queryset_sends_nothing(module_hub: Hub, prefix: str, log: RequestLog) -> None:
    queryset = (
        Node.objects.using(module_hub)
        .filter(name__startswith=prefix, hidden=False)
        .exclude(name__endswith="-007")
        .filter(flame_hub.Q(robot_id__isnull=True) | flame_hub.Q(hidden=True))
        .order_by("-created_at", "name")
        .only("name", "hidden")
        .include("registry")
    )
    queryset[10:20]
    queryset[3:].all()
    queryset.values("name")
    queryset.values_list("name", flat=True)
    queryset.none()
    Node.objects.all()  # even without any Hub configured
    hub_manager = module_hub.core.projects.filter(name=prefix)
    hub_manager.using(module_hub.core)

    assert len(log) == 0


def test_a_slice_is_one_request(projects: Any, prefix: str, log: RequestLog) -> None:
    first_ten = list(projects[:10])

    (sent,) = log.sent
    assert sent.params == {
        "page[limit]": "10",
        "page[offset]": "0",
        "filter[name]": f"{prefix}~",
        "sort": "name",
    }
    assert names(first_ten) == expected(prefix, range(10))


def test_iterating_120_records_is_three_requests_with_the_same_query(
    projects: Any, prefix: str, log: RequestLog
) -> None:
    found = list(projects)

    assert names(found) == expected(prefix, range(TOTAL))
    assert [s.params["page[offset]"] for s in log] == ["0", "50", "100"]
    # full pages of the cap; the last page may ask for just the rest (the total is known by then)
    assert [s.params["page[limit]"] for s in log][:2] == ["50", "50"]
    assert log.sent[2].params["page[limit]"] in ("50", "20")
    # no parameter is lost on later pages
    assert {(s.params["filter[name]"], s.params["sort"]) for s in log} == {(f"{prefix}~", "name")}


def test_a_slice_larger_than_a_page_spans_pages(projects: Any, prefix: str, log: RequestLog) -> None:
    window = list(projects[40:110])

    assert names(window) == expected(prefix, range(40, 110))
    assert [(s.params["page[limit]"], s.params["page[offset]"]) for s in log] == [("50", "40"), ("20", "90")]


def test_a_slice_of_a_slice_narrows_it(projects: Any, prefix: str, log: RequestLog) -> None:
    assert names(projects[10:100][5:8]) == expected(prefix, range(15, 18))
    (sent,) = log.sent
    assert (sent.params["page[limit]"], sent.params["page[offset]"]) == ("3", "15")


def test_count_is_one_request_for_one_record(projects: Any, log: RequestLog) -> None:
    assert projects.count() == TOTAL
    assert projects[10:30].count() == 20
    assert projects[100:].count() == 20

    assert len(log) == 3
    assert all(s.params["page[limit]"] == "1" for s in log)


def test_exists_is_one_request_for_one_record(projects: Any, prefix: str, log: RequestLog) -> None:
    assert projects.exists() is True
    assert projects.filter(name=f"{prefix}-999").exists() is False

    assert len(log) == 2
    assert all(s.params["page[limit]"] == "1" for s in log)


def test_get_by_id_is_one_get_on_the_record_route(
    module_hub: Hub, projects: Any, prefix: str, log: RequestLog
) -> None:
    ident = module_hub.core.find_projects(filter={"name": f"{prefix}-042"})[0].id
    log.clear()

    project = Project.objects.using(module_hub).get(id=ident)

    (sent,) = log.sent
    assert (sent.method, sent.path, sent.query) == ("GET", f"/core/projects/{ident}", "")
    assert project.name == f"{prefix}-042"


def test_get_by_other_fields_asks_for_two_records(projects: Any, prefix: str, log: RequestLog) -> None:
    project = projects.get(name=f"{prefix}-007")

    (sent,) = log.sent
    assert sent.params["page[limit]"] == "2"
    assert project.name == f"{prefix}-007"


def test_save_after_one_change_sends_only_that_field(module_hub: Hub, prefix: str) -> None:
    created = ProjectFactory(using=module_hub, name=f"{prefix}-save")
    try:
        with RequestLog(module_hub) as log:
            project = Project.objects.using(module_hub).get(id=created.id)  # a loaded record
            project.description = "described"
            project.save()
            project.save()  # nothing changed any more: no request
            created.display_name = "Shown"  # a created record
            created.save()

        _, first, second = log.sent
        assert (first.method, first.path, first.body) == (
            "POST",
            f"/core/projects/{project.id}",
            {"description": "described"},
        )
        assert (second.method, second.body) == ("POST", {"displayName": "Shown"})
    finally:
        created.delete()


def test_one_login_serves_every_operation(module_backend: HubBackend, prefix: str) -> None:
    with open_hub(module_backend) as hub:
        hub.core.get_projects(page={"limit": 1})  # logged in (the session's login, or a first one)
        with RequestLog(hub) as log:
            projects = Project.objects.using(hub).filter(name__startswith=prefix)
            list(projects[:10])
            list(projects)
            projects.all().count()
            projects.all().exists()
            record = projects.get(name=f"{prefix}-001")
            Project.objects.using(hub).get(id=record.id)
            record.description = record.description  # unchanged: no request
            record.save()

    assert log.token_requests == []
    assert len(log.api_requests) == 1 + 3 + 1 + 1 + 1 + 1


def test_in_bulk_asks_for_fifty_ids_per_request(projects: Any, prefix: str, log: RequestLog) -> None:
    records = list(projects[:60])
    log.clear()

    found = projects.in_bulk([r.id for r in records])

    assert set(found) == {r.id for r in records}
    assert len(log) == 2


def test_in_bulk_without_ids_reads_every_record_of_the_query(
    projects: Any, prefix: str, log: RequestLog
) -> None:
    found = projects.in_bulk()

    assert sorted(r.name for r in found.values()) == expected(prefix, range(TOTAL))
    assert all(key == record.id for key, record in found.items())
    assert len(log) == 3  # pages of 50


def test_values_list_asks_only_for_those_fields(projects: Any, prefix: str, log: RequestLog) -> None:
    assert list(projects.values_list("name", flat=True)[:3]) == expected(prefix, range(3))
    (sent,) = log.sent
    assert sent.params["fields"] == "id,name"


# -- the result cache and the evaluating operations ---------------------------------------------------


def test_a_full_evaluation_is_cached(projects: Any, prefix: str, log: RequestLog) -> None:
    first = list(projects)
    assert len(log) == 3
    log.clear()

    assert list(projects) == first
    assert len(projects) == TOTAL
    assert bool(projects) is True
    assert projects.count() == TOTAL
    assert projects.exists() is True
    assert projects[7].name == f"{prefix}-007"
    assert names(projects[3:5]) == expected(prefix, [3, 4])
    assert len(log) == 0

    # a clone has a fresh cache
    list(projects.all())
    assert len(log) == 3


def test_len_and_bool_evaluate_the_whole_query(projects: Any, prefix: str, log: RequestLog) -> None:
    assert len(projects) == TOTAL
    assert len(log) == 3
    assert bool(projects.filter(name=f"{prefix}-999")) is False
    assert len(log) == 4


def test_an_int_index_is_one_request_for_one_record(projects: Any, prefix: str, log: RequestLog) -> None:
    assert projects[77].name == f"{prefix}-077"
    (sent,) = log.sent
    assert (sent.params["page[limit]"], sent.params["page[offset]"]) == ("1", "77")

    with pytest.raises(IndexError):
        projects[TOTAL]


def test_a_step_evaluates_and_returns_a_list(projects: Any, prefix: str, log: RequestLog) -> None:
    every_other = projects[0:10:2]

    assert isinstance(every_other, list)
    assert names(every_other) == expected(prefix, [0, 2, 4, 6, 8])
    assert len(log) == 1


def test_iterator_streams_in_bounded_chunks_without_caching(
    projects: Any, prefix: str, log: RequestLog
) -> None:
    stream = projects.iterator(chunk_size=20)
    assert len(log) == 0
    assert next(stream).name == f"{prefix}-000"
    assert len(log) == 1  # only the first chunk was read
    rest = list(stream)

    assert names(rest) == expected(prefix, range(1, TOTAL))
    assert [s.params["page[limit]"] for s in log] == ["20"] * 6

    log.clear()
    assert sum(1 for _ in projects.iterator(chunk_size=50)) == TOTAL
    assert len(log) == 3  # nothing was cached by the first stream

    with pytest.raises(ValueError, match="chunk_size"):
        projects.iterator(chunk_size=51)


def test_first_and_last_use_the_default_ordering(
    projects: Any, unordered: Any, prefix: str, log: RequestLog
) -> None:
    # a project's default ordering is (created_at, id): whole-second stamps tie, ids do not (the Hub
    # orders uuids as their lower-case text)
    wanted = sorted(projects, key=lambda p: (stamp(p), str(p.id)))
    log.clear()

    assert unordered.first().id == wanted[0].id
    assert unordered.last().id == wanted[-1].id
    assert unordered.order_by("-name").first().name == f"{prefix}-119"

    assert [(s.params["sort"], s.params["page[limit]"]) for s in log] == [
        ("createdAt,id", "1"),
        ("-createdAt,-id", "1"),
        ("-name", "1"),
    ]
    assert unordered.filter(name="nothing-like-this").first() is None


# -- notebooks and reprs ------------------------------------------------------------------------------


def test_repr_shows_twenty_rows_and_a_truncation_marker_from_one_request(
    projects: Any, prefix: str, log: RequestLog
) -> None:
    text = repr(projects)

    (sent,) = log.sent
    assert sent.params["page[limit]"] == "21"
    assert text.startswith("<QuerySet [<Project id=")
    assert text.endswith(", '...(remaining elements truncated)...']>")
    assert re.findall(r"name=([^\s>]+)>", text) == expected(prefix, range(20))


def test_repr_of_a_short_queryset_has_no_marker(projects: Any, prefix: str) -> None:
    text = repr(projects[:3])
    assert "truncated" not in text
    assert re.findall(r"name=([^\s>]+)>", text) == expected(prefix, range(3))
    assert repr(projects.none()) == "<QuerySet []>"


def test_repr_html_shows_the_first_rows_and_n_of_total(projects: Any, prefix: str, log: RequestLog) -> None:
    html = projects._repr_html_()

    assert len(log) == 1
    assert "(20 of 120)" in html
    assert html.count("<tr>") == 21  # the header and twenty rows
    assert f"<td>{prefix}-019</td>" in html
    assert f"{prefix}-020" not in html
    assert "<th>name</th>" in html and "<th>created_at</th>" in html


def test_repr_html_of_a_cached_queryset_sends_nothing(projects: Any, log: RequestLog) -> None:
    window = projects[:5]
    list(window)
    log.clear()

    assert "(5 of 5)" in window._repr_html_()
    assert len(log) == 0


def test_repr_html_of_a_record(projects: Any, prefix: str, log: RequestLog) -> None:
    project = projects.get(name=f"{prefix}-003")
    log.clear()

    html = project._repr_html_()

    assert len(log) == 0
    assert html.startswith("<div><strong>Project</strong>")
    assert f"<tr><th>name</th><td>{prefix}-003</td></tr>" in html
    assert f"<tr><th>id</th><td>{project.id}</td></tr>" in html
