"""Pagination: default 50, cap 50, meta.total/limit/offset (core-and-storage.md §2.2, auth.md §2.3,
observed.md)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance

COUNT = 56


@pytest.fixture
def many_projects(api):
    return [api.project(name=f"paged-{i:03d}")["id"] for i in range(COUNT)]


def test_default_page_is_50(api, many_projects):
    """core-and-storage.md §2.2: no page ⇒ limit=50, offset=0; meta.total counts every matching row."""
    body = api.get("/core/projects").json()
    assert len(body["data"]) == 50
    assert (body["meta"]["total"], body["meta"]["limit"], body["meta"]["offset"]) == (COUNT, 50, 0)


@pytest.mark.parametrize("limit", ["0", "51", "1000", "-1"])
def test_out_of_range_limits_are_clamped_or_defaulted_to_50(api, many_projects, limit):
    """observed.md: page[limit]=0, 51, 1000, -1 are clamped/defaulted to 50 without an error."""
    response = api.get("/core/projects", params={"page[limit]": limit})
    assert response.status_code == 200
    assert len(response.json()["data"]) == 50
    assert response.json()["meta"]["limit"] == 50


def test_limit_one_counts(api, many_projects):
    """observed.md: page[limit]=1 → meta {total: N, limit: 1, offset: 0} (how count() works)."""
    body = api.get("/core/projects", params={"page[limit]": "1"}).json()
    assert len(body["data"]) == 1
    assert (body["meta"]["total"], body["meta"]["limit"], body["meta"]["offset"]) == (COUNT, 1, 0)


def test_offset_skips_rows_and_is_echoed(api, many_projects):
    """core-and-storage.md §2.2: meta.limit/meta.offset echo what was applied; the last page is short."""
    body = api.get(
        "/core/projects", params={"page[limit]": "10", "page[offset]": "50", "sort": "name"}
    ).json()
    assert [row["name"] for row in body["data"]] == [f"paged-{i:03d}" for i in range(50, COUNT)]
    assert (body["meta"]["total"], body["meta"]["limit"], body["meta"]["offset"]) == (COUNT, 10, 50)


def test_offset_beyond_the_end_is_empty(api, many_projects):
    """core-and-storage.md §2.2: paging stops when offset >= total; such a page is empty, total unchanged."""
    body = api.get("/core/projects", params={"page[offset]": "100"}).json()
    assert body["data"] == []
    assert body["meta"]["total"] == COUNT


def test_negative_offset_is_dropped(api, many_projects):
    """core-and-storage.md §2.2: non-integer/negative values are silently dropped (offset falls back to 0)."""
    response = api.get("/core/projects", params={"page[offset]": "-1"})
    assert response.status_code == 200
    assert response.json()["meta"]["offset"] == 0


def test_paging_visits_every_row_once(api, many_projects):
    """core-and-storage.md §2.2: iterate offset += len(data) until offset >= total."""
    seen: list[str] = []
    offset = 0
    while True:
        body = api.get("/core/projects", params={"page[offset]": str(offset), "sort": "name"}).json()
        seen.extend(row["id"] for row in body["data"])
        offset += len(body["data"])
        if offset >= body["meta"]["total"] or not body["data"]:
            break
    assert sorted(seen) == sorted(many_projects)


def test_total_counts_filtered_rows_before_paging(api, many_projects):
    """auth.md §2.1 / core-and-storage.md §1.5: meta.total = rows matching the filter, before paging."""
    body = api.get("/core/projects", params={"filter[name]": "paged-00~", "page[limit]": "3"}).json()
    assert body["meta"]["total"] == 10
    assert len(body["data"]) == 3


def test_authup_page_cap(api):
    """auth.md §2.3: max limit 50 on every authup collection; a larger limit is clamped to 50."""
    for _ in range(3):
        api.realm()
    body = api.get("/auth/realms", params={"page[limit]": "1000"}).json()
    assert body["meta"]["limit"] == 50
    assert body["meta"]["total"] == 4
    body = api.get("/auth/realms", params={"page[limit]": "2", "page[offset]": "1"}).json()
    assert len(body["data"]) == 2
    assert (body["meta"]["total"], body["meta"]["limit"], body["meta"]["offset"]) == (4, 2, 1)


def test_authup_default_page_is_50(api):
    """auth.md §2.3: no limit ⇒ 50, offset 0."""
    body = api.get("/auth/permissions").json()
    assert body["meta"]["total"] > 50  # Appendix A alone lists more than 50 built-in permissions
    assert len(body["data"]) == 50
    assert (body["meta"]["limit"], body["meta"]["offset"]) == (50, 0)
