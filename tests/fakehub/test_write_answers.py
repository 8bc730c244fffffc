"""What core's write answers carry besides the record (observed on Hub v0.14.0).

The Hub loads the records a body names by foreign key to validate them and serializes them with the
saved entity, so a create answer embeds them; a read does not (without ``include``). A registry's
write answers echo its ``accountSecret``, which reads leave out.
"""

from __future__ import annotations

from typing import Any

import pytest
from core_helpers import Core, name


@pytest.fixture
def core(http: Any, admin: dict[str, str]) -> Core:
    return Core(http, admin)


def embedded(record: dict[str, Any]) -> set[str]:
    return {key for key, value in record.items() if isinstance(value, dict)}


def test_create_answers_embed_what_the_body_named(core: Core) -> None:
    registry = core.create("/core/registries", {"name": name("reg"), "host": "embed.example.org"})
    assert embedded(core.node()) == set()  # no foreign key in the body (realmId is authup's)
    node = core.node(registryId=registry["id"])
    assert embedded(node) == {"registry"} and node["registry"]["id"] == registry["id"]
    assert "registry" not in core.get(f"/core/nodes/{node['id']}")  # a read embeds nothing

    project = core.project()
    assert embedded(project) == {"masterImage"}
    membership = core.member(project, node)
    assert embedded(membership) == {"project", "node"}
    assert (membership["project"]["id"], membership["node"]["id"]) == (project["id"], node["id"])

    analysis = core.analysis(project)
    assert embedded(analysis) == {"project"}  # the image comes from the project, not the body
    images = core.rows("/core/master-images")
    with_image = core.analysis(project, masterImageId=images[1]["id"])
    assert embedded(with_image) == {"project", "masterImage"}


def test_update_answers_embed_only_an_analysis_image(core: Core) -> None:
    images = [image["id"] for image in core.rows("/core/master-images")]
    project = core.project()
    analysis = core.analysis(project)
    moved = core.http.post(
        f"/core/analyses/{analysis['id']}", json={"masterImageId": images[1]}, headers=core.headers
    ).json()["data"]
    assert embedded(moved) == {"masterImage"}
    kept = core.http.post(
        f"/core/projects/{project['id']}", json={"masterImageId": images[1]}, headers=core.headers
    ).json()["data"]
    assert embedded(kept) == set()


def test_analysis_nodes_embed_on_create_but_not_when_already_there(core: Core) -> None:
    project, node = core.project(), core.node(type="aggregator")
    core.member(project, node)
    analysis = core.analysis(project)  # the approved aggregator joins at once
    body = {"analysisId": analysis["id"], "nodeId": node["id"]}
    again = core.http.post("/core/analysis-nodes", json=body, headers=core.headers)
    assert again.status_code == 201 and embedded(again.json()["data"]) == set()
    other = core.node()
    core.member(project, other)
    created = core.create("/core/analysis-nodes", {"analysisId": analysis["id"], "nodeId": other["id"]})
    assert embedded(created) == {"analysis", "node"}


def test_registry_write_answers_echo_the_secret(core: Core) -> None:
    registry = core.create(
        "/core/registries", {"name": name("reg"), "host": "echo.example.org", "accountSecret": "first-1"}
    )
    assert registry["accountSecret"] == "first-1"
    updated = core.http.post(
        f"/core/registries/{registry['id']}", json={"accountSecret": "second-2"}, headers=core.headers
    )
    assert updated.status_code == 202 and updated.json()["data"]["accountSecret"] == "second-2"
    assert "accountSecret" not in core.get(f"/core/registries/{registry['id']}")
