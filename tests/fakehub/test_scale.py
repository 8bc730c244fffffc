"""Correctness at scale: thousands of rows seeded with ``bulk_create``, read back page by page.

Sorted orders are cached per state of a table (and of the tables a relation sort key reads); these
tests check the answers against a plain Python computation, across writes between requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub

COUNT = 5000
CHUNKS = 5


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[httpx.Client, dict[str, str], list[dict[str, Any]]]]:
    """A hub with COUNT nodes of mixed-case names, created in CHUNKS ticks of the clock."""
    hub = FakeHub(seed=5, rate_limit=False)
    records: list[dict[str, Any]] = []
    per_chunk = COUNT // CHUNKS
    for chunk in range(CHUNKS):
        bodies = [
            {
                "name": f"{'Node' if i % 3 == 0 else 'node'}-{(i * 7919) % COUNT:05d}",
                "hidden": i % 4 == 0,
            }
            for i in range(chunk * per_chunk, (chunk + 1) * per_chunk)
        ]
        records.extend(hub.bulk_create("core:nodes", bodies))
        hub.clock.advance(1)
    http = hub.client()
    headers = auth(login(http)["access_token"])
    yield http, headers, records
    http.close()


def fetch(http: httpx.Client, headers: dict[str, str], path: str, **params: Any) -> tuple[list[str], int]:
    response = http.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return [row["id"] for row in body["data"]], body["meta"]["total"]


def every_page(http: httpx.Client, headers: dict[str, str], path: str, **params: Any) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        page, total = fetch(http, headers, path, **params, **{"page[limit]": 50, "page[offset]": offset})
        ids.extend(page)
        offset += 50
        if offset >= total:
            return ids


def by(records: list[dict[str, Any]], *keys: str) -> list[str]:
    """Ids in the order ``sort=<keys>`` must give: stable, text by code point, ``-`` descending."""
    ordered = list(records)
    for key in reversed(keys):
        name = key.lstrip("-")
        ordered.sort(key=lambda r, name=name: r[name], reverse=key.startswith("-"))
    return [r["id"] for r in ordered]


def test_paging_sorted_returns_every_row_once_in_order(big: Any) -> None:
    http, headers, records = big
    ids = every_page(http, headers, "/core/nodes", sort="name")
    assert len(ids) == len(set(ids)) == COUNT
    assert ids == by(records, "name")
    assert every_page(http, headers, "/core/nodes", sort="-createdAt,name") == by(
        records, "-createdAt", "name"
    )


def test_unsorted_paging_is_insertion_order(big: Any) -> None:
    http, headers, records = big
    assert every_page(http, headers, "/core/nodes") == [r["id"] for r in records]


@pytest.mark.parametrize(
    ("params", "keep", "keys"),
    [
        ({"filter[hidden]": "true", "sort": "-name"}, lambda r: r["hidden"], ("-name",)),
        (
            {"filter[name]": "node-01~", "sort": "name"},
            lambda r: r["name"].lower().startswith("node-01"),
            ("name",),
        ),
        (
            {"filter": "or(eq(hidden,'true'),contains(name,'77'))", "sort": "createdAt,-name"},
            lambda r: r["hidden"] or "77" in r["name"],
            ("createdAt", "-name"),
        ),
        ({"filter[hidden]": "!true", "sort": "-updatedAt"}, lambda r: not r["hidden"], ("-updatedAt",)),
    ],
)
@pytest.mark.parametrize("offset", [0, 1234, 4990, 6000])
def test_filter_sort_and_page_agree_with_python(
    big: Any, params: dict[str, str], keep: Any, keys: Any, offset: int
) -> None:
    http, headers, records = big
    expected = by([r for r in records if keep(r)], *keys)
    page, total = fetch(http, headers, "/core/nodes", **params, **{"page[limit]": 50, "page[offset]": offset})
    assert total == len(expected)
    assert page == expected[offset : offset + 50]


@pytest.fixture
def small() -> tuple[FakeHub, httpx.Client, dict[str, str]]:
    hub = FakeHub(seed=9, rate_limit=False)
    http = hub.client()
    return hub, http, auth(login(http)["access_token"])


def test_writes_between_pages_are_seen(small: Any) -> None:
    hub, http, headers = small
    nodes = hub.bulk_create("core:nodes", ({"name": f"n-{i:03d}"} for i in range(300)))
    first, _ = fetch(http, headers, "/core/nodes", sort="name", **{"page[limit]": 3})
    assert first == [n["id"] for n in nodes[:3]]
    moved = nodes[150]["id"]
    assert http.post(f"/core/nodes/{moved}", json={"name": "a-first"}, headers=headers).status_code == 202
    first, _ = fetch(http, headers, "/core/nodes", sort="name", **{"page[limit]": 3})
    assert first == [moved, nodes[0]["id"], nodes[1]["id"]]
    assert http.delete(f"/core/nodes/{moved}", headers=headers).status_code == 202
    first, total = fetch(http, headers, "/core/nodes", sort="name", **{"page[limit]": 3})
    assert first == [n["id"] for n in nodes[:3]] and total == 299
    hub.bulk_create("core:nodes", [{"name": "0-newest"}])
    first, total = fetch(
        http, headers, "/core/nodes", sort="-name", **{"page[limit]": 1, "page[offset]": 299}
    )
    assert total == 300 and first == [hub.table("core:nodes").first(name="0-newest")["id"]]  # type: ignore[index]


def test_a_relation_sort_follows_changes_in_the_related_table(small: Any) -> None:
    hub, http, headers = small
    nodes = hub.bulk_create("core:nodes", ({"name": f"member-{i:02d}"} for i in range(40)))
    (project,) = hub.bulk_create("core:projects", [{"name": "sorted-members"}])
    hub.bulk_create(
        "core:project-nodes", ({"projectId": project["id"], "nodeId": n["id"]} for n in reversed(nodes))
    )
    params = {"include": "node", "sort": "node.name", "page[limit]": 50}

    def members() -> list[str]:
        response = http.get("/core/project-nodes", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [row["node"]["id"] for row in response.json()["data"]]

    assert members() == [n["id"] for n in nodes]
    renamed = nodes[20]["id"]
    assert (
        http.post(f"/core/nodes/{renamed}", json={"name": "aaa-member"}, headers=headers).status_code == 202
    )
    assert members() == [renamed] + [n["id"] for n in nodes if n["id"] != renamed]


def test_uniqueness_is_checked_against_every_row(big: Any) -> None:
    http, headers, records = big
    last = records[-1]
    clash = http.post("/core/nodes", json={"name": last["name"].swapcase()}, headers=headers)
    assert clash.status_code == 409
    rename = http.post(
        f"/core/nodes/{records[0]['id']}", json={"name": last["name"].upper()}, headers=headers
    )
    assert rename.status_code == 409


def test_filtered_pages_follow_writes_to_the_table_and_to_related_tables(small: Any) -> None:
    hub, http, headers = small
    nodes = hub.bulk_create("core:nodes", ({"name": f"f-{i:03d}", "hidden": i % 2 == 0} for i in range(200)))
    page, total = fetch(
        http, headers, "/core/nodes", sort="-name", **{"filter[hidden]": "true", "page[limit]": 2}
    )
    assert total == 100 and page == [nodes[198]["id"], nodes[196]["id"]]
    assert (
        http.post(f"/core/nodes/{nodes[199]['id']}", json={"hidden": True}, headers=headers).status_code
        == 202
    )
    page, total = fetch(
        http, headers, "/core/nodes", sort="-name", **{"filter[hidden]": "true", "page[limit]": 2}
    )
    assert total == 101 and page == [nodes[199]["id"], nodes[198]["id"]]

    (project,) = hub.bulk_create("core:projects", [{"name": "filtered-members"}])
    hub.bulk_create(
        "core:project-nodes", ({"projectId": project["id"], "nodeId": n["id"]} for n in nodes[:30])
    )
    params = {"include": "node", "filter[node.name]": "renamed~", "page[limit]": 50}
    assert fetch(http, headers, "/core/project-nodes", **params)[1] == 0
    assert (
        http.post(f"/core/nodes/{nodes[7]['id']}", json={"name": "renamed-7"}, headers=headers).status_code
        == 202
    )
    found = http.get("/core/project-nodes", params=params, headers=headers).json()["data"]
    assert [row["node"]["id"] for row in found] == [nodes[7]["id"]]
