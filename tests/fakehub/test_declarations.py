"""The declaration vocabulary: a collection declared through ``Collections``, hooks registered with
decorators where they are written, special routes declared next to their handlers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.context import RequestContext
from flame_hub.testing.fakehub.errors import HubError
from flame_hub.testing.fakehub.hooks import Hooks
from flame_hub.testing.fakehub.http import Response
from flame_hub.testing.fakehub.router import Routes
from flame_hub.testing.fakehub.schema import Collections, Field, entity_name

RAN: list[str] = []
ON_GADGET = Hooks(before_create=(lambda ctx, row: RAN.append("given at construction"),))


@ON_GADGET.before_create
def _second(ctx: RequestContext, row: dict[str, Any]) -> None:
    RAN.append("registered by decorator")


@ON_GADGET.authorize
def _only_named_ones(ctx: RequestContext, op: str, row: dict[str, Any] | None) -> None:
    if op == "delete" and row is not None and row["name"] == "kept":
        raise HubError("permission_denied", "This gadget stays.")


GADGETS = Collections("core", realm_field="realmId").entity(
    "gadget-boxes",
    Field.editable("name", required=True, min_length=3),
    Field.secret("code", lambda ctx, row: ctx.has_permission("realm_create"), create=True),
    Field.uuid("realmId"),
    filters=("id", "name"),
    sorts=("name",),
    hooks=ON_GADGET,
)

ROUTES = Routes("core")


@ROUTES.get("/gadget-boxes/:id/label")
def gadget_label(ctx: RequestContext) -> Response:
    row = ctx.crud(GADGETS.key).find(ctx, ctx.params["id"], "get")
    return Response.json({"label": row["name"].upper()})


@pytest.fixture
def gadgets(hub: FakeHub) -> FakeHub:
    RAN.clear()
    hub.declare(GADGETS)
    hub.router.include(ROUTES)
    return hub


@pytest.mark.parametrize(
    ("path", "entity"),
    [
        ("nodes", "node"),
        ("registry-projects", "registryProject"),
        ("registries", "registry"),
        ("gadget-boxes", "gadgetBox"),
    ],
)
def test_the_entity_a_path_names(path: str, entity: str) -> None:
    assert entity_name(path) == entity


def test_a_collection_gets_an_id_and_timestamps_around_its_fields(gadgets: FakeHub) -> None:
    assert GADGETS.field_names == ("id", "name", "code", "realmId", "createdAt", "updatedAt")
    assert (GADGETS.domain, GADGETS.label, GADGETS.realm_field) == ("gadgetBox", "gadget box", "realmId")


def test_hooks_run_in_the_order_they_were_registered(
    gadgets: FakeHub, http: httpx.Client, admin: dict[str, str]
) -> None:
    created = http.post("/core/gadget-boxes", json={"name": "first", "code": "s3cret"}, headers=admin)
    assert created.status_code == 201, created.text
    assert RAN == ["given at construction", "registered by decorator"]
    assert created.json()["data"]["realmId"] == gadgets.master_realm_id
    listed = http.get("/core/gadget-boxes", headers=admin).json()
    assert "code" not in listed["data"][0] and listed["meta"]["schema"]["name"] == "gadgetBox"
    shown = http.get("/core/gadget-boxes", params={"fields": "+code"}, headers=admin).json()
    assert shown["data"][0]["code"] == "s3cret"


def test_an_authorize_hook_replaces_the_declared_check(
    gadgets: FakeHub, http: httpx.Client, admin: dict[str, str]
) -> None:
    kept = http.post("/core/gadget-boxes", json={"name": "kept"}, headers=admin).json()["data"]
    gone = http.post("/core/gadget-boxes", json={"name": "gone"}, headers=admin).json()["data"]
    refused = http.delete(f"/core/gadget-boxes/{kept['id']}", headers=admin)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert http.delete(f"/core/gadget-boxes/{gone['id']}", headers=admin).status_code == 202


def test_a_route_declared_by_decorator_wins_over_the_generic_ones(
    gadgets: FakeHub, http: httpx.Client, admin: dict[str, str]
) -> None:
    box = http.post("/core/gadget-boxes", json={"name": "labelled"}, headers=admin).json()["data"]
    assert http.get(f"/core/gadget-boxes/{box['id']}/label", headers=admin).json() == {"label": "LABELLED"}
    missing = http.get("/core/gadget-boxes/00000000-0000-4000-8000-000000000000/label", headers=admin)
    assert missing.status_code == 404 and missing.json()["message"] == "The gadget box was not found."
