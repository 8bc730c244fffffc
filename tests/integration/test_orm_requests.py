"""Request economy of the ORM, counted on the wire: each operation sends exactly the requests Django's would.

One data set serves the whole module: 120 nodes ``my-node-<run>-000`` … ``-119``, created once per
backend. Every query filters by that prefix, so the tests also hold on a shared Hub with other nodes in it.

A Hub stamps ``created_at`` in whole seconds, so many of these nodes share one: tests that check what
comes back in which order sort by ``name`` (unique here), and a node's default ordering breaks the
ties by name (``created_at``, ``name``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import flame_hub
from flame_hub import Hub
from flame_hub.connection import reset
from flame_hub.models import Node
from flame_hub.testing import HubBackend
from flame_hub.testing.factories import NodeFactory

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
    """Creates the module's 120 nodes; their names are ``<prefix>-000`` … ``<prefix>-119``."""
    name = f"my-node-{uuid.uuid4().hex[:8]}"
    nodes = []
    for i in range(TOTAL):
        nodes.append(NodeFactory(using=module_hub, name=f"{name}-{i:03d}"))
        if module_backend.fakehub is not None and i % 10 == 9:
            module_backend.fakehub.clock.advance(1)  # twelve distinct stamps, ten nodes tied on each
    yield name
    if module_backend.fakehub is None:  # a shared Hub: leave it as it was (a FakeHub is thrown away)
        for node in nodes:
            node.delete()


@pytest.fixture
def nodes(module_hub: Hub, prefix: str) -> Any:
    """The module's 120 nodes as a QuerySet ordered by name, a total order (nothing sent yet)."""
    return Node.objects.using(module_hub).filter(name__startswith=prefix).order_by("name")


@pytest.fixture
def unordered(module_hub: Hub, prefix: str) -> Any:
    """The module's 120 nodes without an ``order_by``: the default ordering (``created_at``, ``name``)."""
    return Node.objects.using(module_hub).filter(name__startswith=prefix)


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
    default_hub: Hub, prefix: str, log: RequestLog
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
    newer = {n.id for n in Node.objects.filter(name__startswith=prefix) if stamp(n) > stamp(found[-1])}
    assert newer <= {n.id for n in found}


def test_find_nodes_and_the_equivalent_queryset_send_the_same_request(
    module_hub: Hub, prefix: str, log: RequestLog
) -> None:
    found = module_hub.core.find_nodes(
        filter={"name": f"~{prefix}-1~"},
        sort={"by": "name", "order": "descending"},
        page={"limit": 10, "offset": 5},
        include=(),  # find_* includes every relation by default, as flame-hub-client 0.5.5; the ORM none
    )
    queryset = Node.objects.using(module_hub).filter(name__contains=f"{prefix}-1").order_by("-name")
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
    hub_manager = module_hub.core.nodes.filter(name=prefix)
    hub_manager.using(module_hub.core)

    assert len(log) == 0


def test_a_slice_is_one_request(nodes: Any, prefix: str, log: RequestLog) -> None:
    first_ten = list(nodes[:10])

    (sent,) = log.sent
    assert sent.params == {
        "page[limit]": "10",
        "page[offset]": "0",
        "filter[name]": f"{prefix}~",
        "sort": "name",
    }
    assert names(first_ten) == expected(prefix, range(10))


def test_iterating_120_records_is_three_requests_with_the_same_query(
    nodes: Any, prefix: str, log: RequestLog
) -> None:
    found = list(nodes)

    assert names(found) == expected(prefix, range(TOTAL))
    assert [s.params["page[offset]"] for s in log] == ["0", "50", "100"]
    # full pages of the cap; the last page may ask for just the rest (the total is known by then)
    assert [s.params["page[limit]"] for s in log][:2] == ["50", "50"]
    assert log.sent[2].params["page[limit]"] in ("50", "20")
    # no parameter is lost on later pages
    assert {(s.params["filter[name]"], s.params["sort"]) for s in log} == {(f"{prefix}~", "name")}


def test_a_slice_larger_than_a_page_spans_pages(nodes: Any, prefix: str, log: RequestLog) -> None:
    window = list(nodes[40:110])

    assert names(window) == expected(prefix, range(40, 110))
    assert [(s.params["page[limit]"], s.params["page[offset]"]) for s in log] == [("50", "40"), ("20", "90")]


def test_a_slice_of_a_slice_narrows_it(nodes: Any, prefix: str, log: RequestLog) -> None:
    assert names(nodes[10:100][5:8]) == expected(prefix, range(15, 18))
    (sent,) = log.sent
    assert (sent.params["page[limit]"], sent.params["page[offset]"]) == ("3", "15")


def test_count_is_one_request_for_one_record(nodes: Any, log: RequestLog) -> None:
    assert nodes.count() == TOTAL
    assert nodes[10:30].count() == 20
    assert nodes[100:].count() == 20

    assert len(log) == 3
    assert all(s.params["page[limit]"] == "1" for s in log)


def test_exists_is_one_request_for_one_record(nodes: Any, prefix: str, log: RequestLog) -> None:
    assert nodes.exists() is True
    assert nodes.filter(name=f"{prefix}-999").exists() is False

    assert len(log) == 2
    assert all(s.params["page[limit]"] == "1" for s in log)


def test_get_by_id_is_one_get_on_the_record_route(
    module_hub: Hub, nodes: Any, prefix: str, log: RequestLog
) -> None:
    ident = module_hub.core.find_nodes(filter={"name": f"{prefix}-042"})[0].id
    log.clear()

    node = Node.objects.using(module_hub).get(id=ident)

    (sent,) = log.sent
    assert (sent.method, sent.path, sent.query) == ("GET", f"/core/nodes/{ident}", "")
    assert node.name == f"{prefix}-042"


def test_get_by_other_fields_asks_for_two_records(nodes: Any, prefix: str, log: RequestLog) -> None:
    node = nodes.get(name=f"{prefix}-007")

    (sent,) = log.sent
    assert sent.params["page[limit]"] == "2"
    assert node.name == f"{prefix}-007"


def test_save_after_one_change_sends_only_that_field(module_hub: Hub, prefix: str) -> None:
    created = NodeFactory(using=module_hub, name=f"{prefix}-save")
    try:
        with RequestLog(module_hub) as log:
            node = Node.objects.using(module_hub).get(id=created.id)  # a loaded record
            node.hidden = True
            node.save()
            node.save()  # nothing changed any more: no request
            created.external_name = "ext-name"  # a created record
            created.save()

        _, first, second = log.sent
        assert (first.method, first.path, first.body) == ("POST", f"/core/nodes/{node.id}", {"hidden": True})
        assert (second.method, second.body) == ("POST", {"externalName": "ext-name"})
    finally:
        created.delete()


def test_one_login_serves_every_operation(module_backend: HubBackend, prefix: str) -> None:
    with open_hub(module_backend) as hub:
        hub.core.get_nodes(page={"limit": 1})  # logged in (the session's login, or a first one)
        with RequestLog(hub) as log:
            nodes = Node.objects.using(hub).filter(name__startswith=prefix)
            list(nodes[:10])
            list(nodes)
            nodes.all().count()
            nodes.all().exists()
            record = nodes.get(name=f"{prefix}-001")
            Node.objects.using(hub).get(id=record.id)
            record.hidden = record.hidden  # unchanged: no request
            record.save()

    assert log.token_requests == []
    assert len(log.api_requests) == 1 + 3 + 1 + 1 + 1 + 1


def test_in_bulk_asks_for_fifty_ids_per_request(nodes: Any, prefix: str, log: RequestLog) -> None:
    records = list(nodes[:60])
    log.clear()

    found = nodes.in_bulk([r.id for r in records])

    assert set(found) == {r.id for r in records}
    assert len(log) == 2


def test_values_list_asks_only_for_those_fields(nodes: Any, prefix: str, log: RequestLog) -> None:
    assert list(nodes.values_list("name", flat=True)[:3]) == expected(prefix, range(3))
    (sent,) = log.sent
    assert sent.params["fields"] == "id,name"


# -- the result cache and the evaluating operations ---------------------------------------------------


def test_a_full_evaluation_is_cached(nodes: Any, prefix: str, log: RequestLog) -> None:
    first = list(nodes)
    assert len(log) == 3
    log.clear()

    assert list(nodes) == first
    assert len(nodes) == TOTAL
    assert bool(nodes) is True
    assert nodes.count() == TOTAL
    assert nodes.exists() is True
    assert nodes[7].name == f"{prefix}-007"
    assert names(nodes[3:5]) == expected(prefix, [3, 4])
    assert len(log) == 0

    # a clone has a fresh cache
    list(nodes.all())
    assert len(log) == 3


def test_len_and_bool_evaluate_the_whole_query(nodes: Any, prefix: str, log: RequestLog) -> None:
    assert len(nodes) == TOTAL
    assert len(log) == 3
    assert bool(nodes.filter(name=f"{prefix}-999")) is False
    assert len(log) == 4


def test_an_int_index_is_one_request_for_one_record(nodes: Any, prefix: str, log: RequestLog) -> None:
    assert nodes[77].name == f"{prefix}-077"
    (sent,) = log.sent
    assert (sent.params["page[limit]"], sent.params["page[offset]"]) == ("1", "77")

    with pytest.raises(IndexError):
        nodes[TOTAL]


def test_a_step_evaluates_and_returns_a_list(nodes: Any, prefix: str, log: RequestLog) -> None:
    every_other = nodes[0:10:2]

    assert isinstance(every_other, list)
    assert names(every_other) == expected(prefix, [0, 2, 4, 6, 8])
    assert len(log) == 1


def test_iterator_streams_in_bounded_chunks_without_caching(nodes: Any, prefix: str, log: RequestLog) -> None:
    stream = nodes.iterator(chunk_size=20)
    assert len(log) == 0
    assert next(stream).name == f"{prefix}-000"
    assert len(log) == 1  # only the first chunk was read
    rest = list(stream)

    assert names(rest) == expected(prefix, range(1, TOTAL))
    assert [s.params["page[limit]"] for s in log] == ["20"] * 6

    log.clear()
    assert sum(1 for _ in nodes.iterator(chunk_size=50)) == TOTAL
    assert len(log) == 3  # nothing was cached by the first stream

    with pytest.raises(ValueError, match="chunk_size"):
        nodes.iterator(chunk_size=51)


def test_first_and_last_use_the_default_ordering(
    nodes: Any, unordered: Any, prefix: str, log: RequestLog
) -> None:
    # a node's default ordering is (created_at, name): whole-second stamps tie, these names do not
    wanted = sorted(nodes, key=lambda n: (stamp(n), n.name))
    log.clear()

    assert unordered.first().id == wanted[0].id
    assert unordered.last().id == wanted[-1].id
    assert unordered.order_by("-name").first().name == f"{prefix}-119"

    assert [(s.params["sort"], s.params["page[limit]"]) for s in log] == [
        ("createdAt,name", "1"),
        ("-createdAt,-name", "1"),
        ("-name", "1"),
    ]
    assert unordered.filter(name="nothing-like-this").first() is None


# -- notebooks and reprs ------------------------------------------------------------------------------


def test_repr_shows_twenty_rows_and_a_truncation_marker_from_one_request(
    nodes: Any, prefix: str, log: RequestLog
) -> None:
    text = repr(nodes)

    (sent,) = log.sent
    assert sent.params["page[limit]"] == "21"
    assert text.startswith("<QuerySet [<Node id=")
    assert text.endswith(", '...(remaining elements truncated)...']>")
    assert re.findall(r"name=([^\s>]+)>", text) == expected(prefix, range(20))


def test_repr_of_a_short_queryset_has_no_marker(nodes: Any, prefix: str) -> None:
    text = repr(nodes[:3])
    assert "truncated" not in text
    assert re.findall(r"name=([^\s>]+)>", text) == expected(prefix, range(3))
    assert repr(nodes.none()) == "<QuerySet []>"


def test_repr_html_shows_the_first_rows_and_n_of_total(nodes: Any, prefix: str, log: RequestLog) -> None:
    html = nodes._repr_html_()

    assert len(log) == 1
    assert "(20 of 120)" in html
    assert html.count("<tr>") == 21  # the header and twenty rows
    assert f"<td>{prefix}-019</td>" in html
    assert f"{prefix}-020" not in html
    assert "<th>name</th>" in html and "<th>created_at</th>" in html


def test_repr_html_of_a_cached_queryset_sends_nothing(nodes: Any, log: RequestLog) -> None:
    window = nodes[:5]
    list(window)
    log.clear()

    assert "(5 of 5)" in window._repr_html_()
    assert len(log) == 0


def test_repr_html_of_a_record(nodes: Any, prefix: str, log: RequestLog) -> None:
    node = nodes.get(name=f"{prefix}-003")
    log.clear()

    html = node._repr_html_()

    assert len(log) == 0
    assert html.startswith("<div><strong>Node</strong>")
    assert f"<tr><th>name</th><td>{prefix}-003</td></tr>" in html
    assert f"<tr><th>id</th><td>{node.id}</td></tr>" in html
