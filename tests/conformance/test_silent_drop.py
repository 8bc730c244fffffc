"""Silent drop versus 400 (core-and-storage.md §2.1-§2.5, auth.md §2.3, observed.md)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance


@pytest.fixture
def nodes(api):
    return [api.node(name=name) for name in ("node-bravo", "node-alpha", "node-charlie")]


def test_unknown_bracket_key_widens_the_result(api, nodes):
    """core-and-storage.md §2.1 B / observed.md: an unknown bracket key is silently dropped → 200,
    wider result."""
    response = api.get("/core/nodes", params={"filter[realm_id]": "does-not-matter"})
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 3


def test_disallowed_bracket_key_widens_the_result(api, nodes):
    """core-and-storage.md §2.1 B: a real column outside the filter allow-list (publicKey) is dropped."""
    response = api.get("/core/nodes", params={"filter[publicKey]": "nothing-has-this"})
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 3


def test_unknown_bracket_key_is_dropped_but_known_keys_still_apply(api, nodes):
    """core-and-storage.md §2.1 B: only the unknown key disappears, the others keep filtering."""
    params = {"filter[bogus]": "x", "filter[name]": "node-alpha"}
    assert [row["name"] for row in api.list("/core/nodes", params=params)] == ["node-alpha"]


def test_unknown_expression_key_is_400(api, nodes):
    """core-and-storage.md §2.1 A: an unknown key in the expression dialect → 400 keyNotAllowed naming it."""
    response = api.get("/core/nodes", params={"filter": "eq(realm_id,'x')"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert [(i["code"], i["path"]) for i in body["issues"]] == [("keyNotAllowed", ["realm_id"])]


def test_unknown_expression_key_inside_a_compound_is_400(api, nodes):
    """core-and-storage.md §2.1 A: no silent drop anywhere in an expression."""
    response = api.get("/core/nodes", params={"filter": "and(eq(name,'node-alpha'),eq(nmae,'x'))"})
    assert response.status_code == 400
    assert response.json()["issues"][0]["code"] == "keyNotAllowed"


def test_authup_unknown_bracket_key_widens_the_result(api):
    """auth.md §2.3: unknown bracket filter keys are silently dropped at authup too."""
    api.realm()
    response = api.get("/auth/realms", params={"filter[nmae]": "master"})
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 2


def test_authup_snake_case_filter_is_dropped(api):
    """auth.md §5: old snake_case names (realm_id) are silently ignored → wider result."""
    other = api.realm()
    api.user(realmId=other["id"])
    everyone = api.get("/auth/users").json()["meta"]["total"]
    response = api.get("/auth/users", params={"filter[realm_id]": other["id"]})
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == everyone == 2


@pytest.mark.parametrize("key", ["__proto__", "constructor", "prototype"])
def test_prototype_polluting_bracket_key_is_400(api, key):
    """core-and-storage.md §2.1 B: prototype-polluting keys (__proto__, constructor, prototype) → 400."""
    response = api.get("/core/nodes", params={f"filter[{key}]": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("sort", ["-created_at", "bogus", "publicKey"])
def test_unknown_sort_key_is_dropped(api, nodes, sort):
    """core-and-storage.md §2.3 / observed.md: sort keys outside the allow-list are silently dropped
    (200, the same order as without a sort)."""
    unsorted = api.ids("/core/nodes")
    response = api.get("/core/nodes", params={"sort": sort})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["data"]] == unsorted


def test_unknown_sort_key_does_not_disturb_a_known_one(api, nodes):
    """core-and-storage.md §2.3: only the unknown key is dropped; the allowed key still sorts."""
    rows = api.list("/core/nodes", params={"sort": "bogus,-name"})
    assert [row["name"] for row in rows] == ["node-charlie", "node-bravo", "node-alpha"]


def test_unknown_include_is_ignored(api, nodes):
    """core-and-storage.md §2.5 / observed.md: an unknown include is ignored (200, no such key)."""
    response = api.get("/core/nodes", params={"include": "bogus"})
    assert response.status_code == 200
    assert all("bogus" not in row for row in response.json()["data"])


def test_unknown_field_is_dropped(api, nodes):
    """core-and-storage.md §2.4: unknown names in fields are silently dropped."""
    response = api.get("/core/nodes", params={"fields": "id,name,bogus"})
    assert response.status_code == 200
    for row in response.json()["data"]:
        assert "bogus" not in row
        assert {"id", "name"} <= set(row)


def test_unknown_query_parameters_are_ignored(api, nodes):
    """core-and-storage.md §2: keys other than filter/fields/page/include/sort/codec are ignored
    (auth.md §2.3: e.g. pagination[...] is not read)."""
    response = api.get("/core/nodes", params={"pagination[limit]": "1", "whatever": "x"})
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 3
    assert len(response.json()["data"]) == 3


def test_authup_unknown_include_and_sort_are_ignored(api):
    """auth.md §2.3: unknown sort keys and includes are silently dropped at authup."""
    response = api.get("/auth/users", params={"include": "bogus", "sort": "bogus"})
    assert response.status_code == 200
    assert all("bogus" not in row for row in response.json()["data"])
