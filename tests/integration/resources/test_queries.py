"""The ``find_*``/``get_*`` query arguments end to end ("queries done right", issue 4 item 4).

Each test creates records that a wrong translation would include or leave out, so a query that reached
the Hub in a misread form (or was silently dropped by it) fails the assertion.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pytest

from flame_hub import Hub
from flame_hub.auth import PasswordAuth
from flame_hub.engine.parsers import IncludeNotReturnedWarning
from flame_hub.exceptions import FieldError, ForbiddenError, NotSupportedError, UnauthorizedError
from flame_hub.models.auth import Permission
from flame_hub.models.core import Node, Project
from flame_hub.testing import HubBackend
from flame_hub.types import FilterOperator, only

from .support import RecordingTransport, Records, ids, login


def test_lists_none_and_booleans(hub: Hub, records: Records) -> None:
    plain, hidden, third = records.node(), records.node(hidden=True), records.node()
    names = [plain.name, hidden.name, third.name]
    by_name = {"by": "name"}
    assert ids(hub.core.find_nodes(filter={"name": [plain.name, hidden.name]}, sort=by_name)) == ids(
        [plain, hidden]
    )
    assert ids(hub.core.find_nodes(filter={"name": names, "hidden": True})) == [hidden.id]
    assert ids(hub.core.find_nodes(filter={"name": names, "hidden": False}, sort=by_name)) == ids(
        [plain, third]
    )
    assert ids(
        hub.core.find_nodes(filter={"name": (FilterOperator.neq, [plain.name, hidden.name]), "id": third.id})
    ) == [third.id]
    assert hub.core.find_nodes(filter={"id": []}) == []  # nothing can match: no request needed

    named = records.project(display_name="Has A Name")
    unnamed = records.project(display_name=None)
    projects = {"name": [named.name, unnamed.name]}
    assert ids(hub.core.find_projects(filter={**projects, "display_name": None})) == [unnamed.id]
    assert ids(hub.core.find_projects(filter={**projects, "display_name": (FilterOperator.neq, None)})) == [
        named.id
    ]


def test_values_the_bracket_dialect_would_misread(hub: Hub, records: Records) -> None:
    base = records.name("literal")
    tilde = records.node(name=f"~{base}")
    comma = records.node(name=f"{base},x")
    suffix = records.node(name=f"x{base}")
    bang = records.node(name=f"!{base}")

    # (operator, value) matches the value literally, whatever characters it has
    assert ids(hub.core.find_nodes(filter={"name": (FilterOperator.eq, f"~{base}")})) == [tilde.id]
    assert ids(hub.core.find_nodes(filter={"name": (FilterOperator.eq, f"{base},x")})) == [comma.id]
    assert ids(hub.core.find_nodes(filter={"name": ("=", f"!{base}")})) == [bang.id]
    assert ids(
        hub.core.find_nodes(filter={"name": (FilterOperator.neq, f"~{base}"), "id": [tilde.id, suffix.id]})
    ) == [suffix.id]
    # a plain string keeps the seed's meaning: a leading "~" is an operator (Hub >= 0.13: "ends with")
    ends_with = hub.core.find_nodes(filter={"name": f"~{base}"}, sort={"by": "name"})
    assert set(ids(ends_with)) == {tilde.id, suffix.id, bang.id}
    assert hub.core.find_nodes(filter={"name": (FilterOperator.like, base)}, sort={"by": "name"}) == ends_with
    assert hub.core.find_nodes(filter={"name": f"{base},x"}) == []  # and a comma separates a list


def test_dotted_relation_filters(hub: Hub, records: Records) -> None:
    project = records.project()
    wanted, unwanted = records.node(), records.node()
    membership = records.member(project, wanted)
    records.member(project, unwanted)
    found = hub.core.find_project_nodes(filter={"node.name": wanted.name}, include="node")
    assert (
        ids(found) == [membership.id]
        and isinstance(found[0].node, Node)
        and found[0].node.name == wanted.name
    )
    # the include is added for the filter when the caller asks for no includes
    narrowed = hub.core.find_project_nodes(
        filter={"project_id": project.id, "node__name": wanted.name}, include=()
    )
    # the project is not embedded (reading it would fetch it by id: issue 14's forward relations)
    assert ids(narrowed) == [membership.id] and narrowed[0].node is not None
    assert "node" in narrowed[0].model_fields_set and "project" not in narrowed[0].model_fields_set


def test_several_sort_keys(hub: Hub, records: Records) -> None:
    project = records.project()
    b = records.analysis(project, name=records.name("b"), display_name="Same Name")
    a = records.analysis(project, name=records.name("a"), display_name="Same Name")
    c = records.analysis(project, name=records.name("c"), display_name="Another Name")
    by_project = {"project_id": project.id}
    sort: Any = [{"by": "display_name"}, {"by": "name", "order": "descending"}]
    assert ids(hub.core.find_analyses(filter=by_project, sort=sort)) == ids([c, b, a])
    assert ids(hub.core.find_analyses(filter=by_project, sort=["-display_name", "name"])) == ids([a, b, c])
    with pytest.raises(NotSupportedError):  # authup drops a multi-key sort whole
        hub.auth.find_realms(sort=["name", "-created_at"])


def test_fields_replace_and_add(hub: Hub, records: Records) -> None:
    node = records.node(hidden=True, external_name=records.name("ext"))
    (narrow,) = hub.core.find_nodes(filter={"id": node.id}, fields=only("name"))
    assert narrow.id == node.id and narrow.name == node.name
    assert "hidden" not in narrow.model_fields_set and narrow.hidden is None
    assert "external_name" not in narrow.model_fields_set
    single = hub.core.get_node(node.id, fields=only("name", "hidden"))
    assert single is not None and single.hidden is True and "external_name" not in single.model_fields_set

    user = records.user()
    (added,) = hub.auth.find_users(filter={"id": user.id}, fields=["email"])
    assert added.email == f"{user.name}@example.org" and added.name == user.name and added.active is True


def test_include_returns_nested_models(hub: Hub, records: Records) -> None:
    project = records.project()
    membership = records.member(project, records.node())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (found,) = hub.core.find_project_nodes(filter={"project_id": project.id}, include=["node", "project"])
        (default,) = hub.core.find_project_nodes(filter={"project_id": project.id})
        (plain,) = hub.core.find_project_nodes(filter={"project_id": project.id}, include=())
    assert found.id == membership.id and isinstance(found.node, Node) and isinstance(found.project, Project)
    assert found.project.id == project.id and found.node.id == membership.node_id
    assert default == found  # as in flame-hub-client 0.5.5, every relation is included by default
    # include=() asks for none (reading one then reads it by id: issue 14's forward relations)
    assert not {"node", "project"} & plain.model_fields_set

    # a relation that is null comes back as null: no warning, the attribute is None
    lonely = records.node()
    if lonely.registry_id is None:  # (a Hub with a default registry links every new node)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            (unlinked,) = hub.core.find_nodes(
                filter={"id": lonely.id}, include=["registry", "registry_project"]
            )
            single = hub.core.get_node(lonely.id, include="registry")
        assert unlinked.registry is None and unlinked.registry_project is None
        assert single is not None and single.registry is None and "registry" in single.model_fields_set


def test_include_not_returned_warns(hub: Hub, backend: HubBackend, records: Records, cleanup: Any) -> None:
    # a user who may read their own permission bindings but not permissions: authup drops the include
    password = "reader-password-123"
    user = records.user(password=password)
    (readable,) = hub.auth.find_permissions(filter={"name": "user_permission_read", "realm_id": None})
    binding = hub.auth.create_user_permission(user, readable)
    cleanup(lambda: hub.auth.delete_user_permission(binding))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (as_admin,) = hub.auth.find_user_permissions(filter={"id": binding.id}, include="permission")
    assert isinstance(as_admin.permission, Permission) and as_admin.permission.name == "user_permission_read"

    as_reader = login(backend, PasswordAuth(str(user.name), password))
    with as_reader as as_user:
        with pytest.warns(IncludeNotReturnedWarning, match="permission"):
            (dropped,) = as_user.auth.find_user_permissions(filter={"id": binding.id}, include="permission")
        assert dropped.id == binding.id and "permission" not in dropped.model_fields_set
        # reading the relation asks for it by id, and the Hub refuses that the same way: an error that says
        # so, rather than a None that would say there is no permission
        with pytest.raises(ForbiddenError):
            dropped.permission  # noqa: B018


UNKNOWN_KEYS: list[tuple[str, dict[str, Any]]] = [
    ("filter typo", {"filter": {"nmae": "x"}}),
    ("filter not allowed", {"filter": {"public_key": "x"}}),
    ("relation filter not allowed", {"filter": {"registry.host": "x"}}),
    ("no such relation", {"filter": {"realm.name": "x"}}),
    ("sort", {"sort": {"by": "hidden"}}),
    ("second sort key", {"sort": ["name", "-colour"]}),
    ("include", {"include": "realm"}),
    ("fields", {"fields": ["colour"]}),
    ("only", {"fields": only("name", "colour")}),
]


@pytest.mark.parametrize("kwargs", [k for _, k in UNKNOWN_KEYS], ids=[i for i, _ in UNKNOWN_KEYS])
def test_unknown_keys_raise_before_any_request(
    recorded_hub: Hub, recorder: RecordingTransport, kwargs: dict[str, Any]
) -> None:
    recorded_hub.core.get_nodes(page={"limit": 1})  # logged in, so a token request cannot be what we count
    sent = len(recorder.requests)
    with pytest.raises(FieldError) as info:
        recorded_hub.core.find_nodes(**kwargs)
    assert len(recorder.requests) == sent
    if "nmae" in str(kwargs):
        assert "'name'" in str(info.value)  # did you mean


def test_unknown_keys_on_record_reads_raise_before_any_request(
    recorded_hub: Hub, recorder: RecordingTransport, records: Records
) -> None:
    node = records.node()
    sent = len(recorder.requests)
    with pytest.raises(FieldError):
        recorded_hub.core.get_node(node.id, include="realm")
    with pytest.raises(FieldError):
        recorded_hub.core.get_node(node.id, fields=["colour"])
    with pytest.raises(FieldError):
        recorded_hub.auth.get_user(node.id, fields=["colour"])
    assert len(recorder.requests) == sent


def test_per_request_auth(hub: Hub, backend: HubBackend, records: Records) -> None:
    node = records.node()
    # the session's admin token, as the hub sent it (a second login would cost authup's rate budget)
    bearers: list[str] = []

    def keep_bearer(request: httpx.Request) -> None:
        bearers.append(request.headers.get("authorization", ""))

    hub.core.http.event_hooks["request"].append(keep_bearer)
    hub.core.get_node(node.id)
    hub.core.http.event_hooks["request"].remove(keep_bearer)
    token = bearers[-1].removeprefix("Bearer ")
    assert token

    with login(backend, None) as anonymous:
        with pytest.raises(UnauthorizedError) as info:
            anonymous.core.get_nodes()
        assert info.value.status_code == 401
        fetched = anonymous.core.get_node(node.id, auth=token)  # a raw bearer string for one request
        assert fetched is not None and fetched.id == node.id
        assert ids(anonymous.core.find_nodes(filter={"id": node.id}, auth=token)) == [node.id]
        assert anonymous.auth.find_realms(filter={"name": "master"})  # realms are public at authup

    with pytest.raises(UnauthorizedError) as info:
        hub.core.get_node(node.id, auth=None)  # no Authorization header for this one request
    assert info.value.status_code == 401
    assert hub.core.get_node(node.id).id == node.id  # the client's own auth is untouched
    with login(backend, None) as anonymous:  # an auth flow for one request
        admin = backend.admin_auth
        assert anonymous.core.get_node(node.id, auth=admin).id == node.id
