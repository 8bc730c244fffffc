"""The query engine and generic CRUD, through a resource declared only for this test."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.errors import HubError
from flame_hub.testing.fakehub.schema import (
    NAME,
    REALM_FK,
    Field,
    Hooks,
    Relation,
    Resource,
    id_field,
    timestamps,
)

EFFECTS: list[str] = []


def _refuse_locked(ctx: Any, row: dict[str, Any]) -> None:
    if row["name"] == "locked":
        raise HubError("bad_request", "locked widgets can not be deleted")


WIDGETS = Resource(
    service="core",
    path="widgets",
    domain="widget",
    fields=(
        id_field(),
        Field("name", required=True, create=True, update=True, normalize=NAME, min_length=3, max_length=20),
        Field("label", nullable=True, create=True, update=True),
        Field("size", type="int", default=0, create=True, update=True),
        Field("kind", default="a", create=True, choices=("a", "b")),
        Field("token", nullable=True, create=True, selected=False, echo_on_write=False),
        Field("realmId", type="uuid", create=True, references=REALM_FK),
        *timestamps(),
    ),
    unique=(("name",),),
    filters=("id", "name", "label", "size", "realmId"),
    sorts=("name", "size", "createdAt"),
    relations=(Relation("realm", "auth:realms", "realmId"),),
    realm_field="realmId",
    permissions={"create": ("node_create",)},
    hooks=Hooks(
        after_create=(lambda ctx, row: EFFECTS.append(row["name"]),),
        before_delete=(_refuse_locked,),
    ),
)


@pytest.fixture
def widgets(hub: FakeHub, http: httpx.Client, admin: dict[str, str]) -> Any:
    hub.declare(WIDGETS)
    for name, label, size in [
        ("alpha", "First", 3),
        ("beta", None, 1),
        ("gamma", "Third", 2),
        ("locked", "x", 9),
    ]:
        response = http.post(
            "/core/widgets", json={"name": name, "label": label, "size": size}, headers=admin
        )
        assert response.status_code == 201, response.text

    def get(params: Any = None, **kw: Any) -> httpx.Response:
        return http.get("/core/widgets", params=params, headers=admin, **kw)

    return get


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["data"]]


def test_create_defaults_realm_and_runs_hooks(hub: FakeHub, widgets: Any) -> None:
    row = widgets().json()["data"][0]
    assert row["realmId"] == hub.master_realm_id and row["kind"] == "a"
    assert "token" not in row
    assert "alpha" in EFFECTS


def test_bracket_unknown_keys_drop_and_expression_unknown_keys_400(widgets: Any) -> None:
    assert len(names(widgets({"filter[nope]": "x"}))) == 4
    response = widgets({"filter": "eq(nope,'x')"})
    assert response.status_code == 400
    assert response.json()["issues"][0]["code"] == "keyNotAllowed"


def test_relation_filter_needs_the_include(widgets: Any) -> None:
    assert len(names(widgets({"filter[realm.name]": "nope"}))) == 4  # dropped: relation not included
    assert names(widgets({"filter[realm.name]": "nope", "include": "realm"})) == []
    response = widgets({"filter": "eq(realm.name,'master')"})
    assert response.status_code == 400 and response.json()["issues"][0]["code"] == "keyPathInvalid"


def test_sort_page_and_meta(widgets: Any) -> None:
    assert names(widgets({"sort": "-size"})) == ["locked", "alpha", "gamma", "beta"]
    assert names(widgets({"sort": "bogus,size"})) == ["beta", "gamma", "alpha", "locked"]
    body = widgets({"sort": "name", "page[limit]": "2", "page[offset]": "1"}).json()
    assert [r["name"] for r in body["data"]] == ["beta", "gamma"]
    assert (body["meta"]["total"], body["meta"]["limit"], body["meta"]["offset"]) == (4, 2, 1)
    assert widgets({"page[limit]": "x", "page[offset]": "-1"}).json()["meta"]["limit"] == 50
    schema = body["meta"]["schema"]
    assert schema["name"] == "widget" and schema["pagination"] == {"maxLimit": 50}
    assert schema["relations"] == {"allowed": ["realm"], "schemas": {"realm": "realm"}}


def test_fields_replace_add_remove_and_relation_fields(widgets: Any) -> None:
    assert set(widgets({"fields": "name,size"}).json()["data"][0]) == {"name", "size"}
    assert "token" in widgets({"fields": "+token"}).json()["data"][0]
    assert "label" not in widgets({"fields": "-label"}).json()["data"][0]
    row = widgets({"include": "realm", "fields[realm]": "name"}).json()["data"][0]
    assert row["realm"] == {"name": "master"}


def test_prototype_keys_are_400(widgets: Any) -> None:
    assert widgets({"filter[__proto__]": "x"}).status_code == 400
    assert widgets({"sort": "constructor"}).status_code == 400


def test_writes(hub: FakeHub, http: httpx.Client, admin: dict[str, str], widgets: Any) -> None:
    row = widgets({"filter[name]": "beta"}).json()["data"][0]
    response = http.post(
        f"/core/widgets/{row['id']}", json={"label": "New", "kind": "b", "id": "x"}, headers=admin
    )
    assert response.status_code == 202
    data = response.json()
    assert data["meta"] == {} and data["data"]["label"] == "New" and data["data"]["kind"] == "a"
    dup = http.post("/core/widgets", json={"name": "ALPHA"}, headers=admin)
    assert dup.status_code == 409 and dup.json()["code"] == "entity_conflict"
    bad = http.post("/core/widgets", json={"name": "x", "kind": "c", "size": "1"}, headers=admin)
    assert bad.status_code == 400
    assert {tuple(i["path"]) for i in bad.json()["issues"]} == {("name",), ("kind",), ("size",)}
    fk = http.post("/core/widgets", json={"name": "delta", "realmId": "6f1d5a7e-0000-4000-8000-000000000000"},
                   headers=admin)  # fmt: skip
    assert fk.status_code == 400 and fk.json()["code"] == "entity_relation_invalid"
    gone = http.delete(f"/core/widgets/{row['id']}", headers=admin)
    assert gone.status_code == 202 and gone.json()["data"]["id"] == row["id"]
    assert http.get(f"/core/widgets/{row['id']}", headers=admin).status_code == 404
    locked = widgets({"filter[name]": "locked"}).json()["data"][0]
    assert http.delete(f"/core/widgets/{locked['id']}", headers=admin).status_code == 400


def test_patch_and_put_on_core_are_routup_404(
    http: httpx.Client, admin: dict[str, str], widgets: Any
) -> None:
    row = widgets().json()["data"][0]
    for method in ("PATCH", "PUT"):
        response = http.request(method, f"/core/widgets/{row['id']}", json={}, headers=admin)
        assert response.status_code == 404 and response.json() == {"status": 404, "message": "Not Found"}
