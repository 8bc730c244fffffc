"""Sorting (core-and-storage.md §2.3, auth.md §2.3)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance


@pytest.fixture
def projects(api):
    for name, display in (("s-b", "Same"), ("s-d", "Other"), ("s-a", "Same"), ("s-c", "Other")):
        api.project(name=name, displayName=display)

    def names(sort: str) -> list[str]:
        return [row["name"] for row in api.list("/core/projects", params={"sort": sort})]

    return names


def test_sort_ascending(projects):
    """core-and-storage.md §2.3: sort=name orders ascending."""
    assert projects("name") == ["s-a", "s-b", "s-c", "s-d"]


def test_sort_descending_with_minus(projects):
    """core-and-storage.md §2.3: `-` = DESC."""
    assert projects("-name") == ["s-d", "s-c", "s-b", "s-a"]


def test_sort_by_several_keys(projects):
    """core-and-storage.md §2.3: comma = multiple keys in order (core honours multi-key sorts)."""
    assert projects("displayName,-name") == ["s-d", "s-c", "s-b", "s-a"]
    assert projects("-displayName,name") == ["s-a", "s-b", "s-c", "s-d"]


@pytest.mark.fakehub_options(seed=11)
def test_analyses_default_to_updated_at_descending(api, hub):
    """core-and-storage.md §2.3/§3.4: analyses sort by default on updatedAt DESC."""
    project = api.project()
    created = []
    for _ in range(3):
        created.append(api.analysis(project["id"])["id"])
        hub.clock.advance(5)
    first, second, third = created
    assert api.ids("/core/analyses") == [third, second, first]

    hub.clock.advance(5)
    assert api.post(f"/core/analyses/{first}", json={"displayName": "Touched"}).status_code == 202
    assert api.ids("/core/analyses") == [first, third, second]


@pytest.mark.fakehub_options(seed=12)
def test_explicit_sort_replaces_the_default(api, hub):
    """core-and-storage.md §2.3: the default applies only when no sort is requested."""
    project = api.project()
    created = []
    for _ in range(3):
        created.append(api.analysis(project["id"])["id"])
        hub.clock.advance(5)
    assert api.ids("/core/analyses", params={"sort": "createdAt"}) == created


@pytest.mark.parametrize("sort", ["name", "-name", "-id", "-virtualPath"])
def test_master_image_groups_drop_every_sort(api, sort):
    """core-and-storage.md §2.3/§3.14: master-image-groups declare no sorts ⇒ every sort is dropped."""
    default = api.ids("/core/master-image-groups")
    assert len(default) >= 2, "FakeHub seeds master-image groups (issue 3, deliverable 2)"
    response = api.get("/core/master-image-groups", params={"sort": sort})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["data"]] == default


@pytest.mark.parametrize("sort", ["name", "-name", "-virtualPath"])
def test_master_images_sort_only_by_path(api, sort):
    """core-and-storage.md §3.13: master-images allow sort only on `path`; other keys are dropped."""
    default = api.ids("/core/master-images")
    assert len(default) >= 2, "FakeHub seeds master images (issue 3, deliverable 2)"
    assert api.ids("/core/master-images", params={"sort": sort}) == default


@pytest.fixture
def realms(api):
    for name in ("r-c", "r-a", "r-b"):
        api.realm(name=name)

    def names(sort: str | None) -> list[str]:
        params = {"sort": sort} if sort is not None else None
        return [row["name"] for row in api.list("/auth/realms", params=params)]

    return names


def test_authup_single_key_sort(realms):
    """auth.md §2.3: sort=name / sort=-name."""
    assert realms("name") == ["master", "r-a", "r-b", "r-c"]
    assert realms("-name") == ["r-c", "r-b", "r-a", "master"]


def test_authup_drops_a_multi_key_sort_whole(realms):
    """auth.md §2.3: a multi-key sort (e.g. sort=name,-createdAt) is dropped whole (no error)."""
    assert realms("name,-createdAt") == realms(None)


def test_authup_drops_a_sort_outside_the_allow_list(api):
    """auth.md §3.7: clients sort only on id, createdAt, updatedAt (no name) → sort=name is dropped."""
    for name in ("c-z", "c-a", "c-m"):
        api.client(name=name)
    unsorted = api.ids("/auth/clients")
    assert api.ids("/auth/clients", params={"sort": "name"}) == unsorted
    assert api.ids("/auth/clients", params={"sort": "-name"}) == unsorted
