"""Dirty tracking copies on first write: loading records remembers nothing per record, yet ``save()`` still
sends exactly the fields changed since loading (issue 13).

A record remembers a field's loaded value the first time the field is assigned; the few resources with
list or dict fields copy those values when loaded, since an in-place edit assigns nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from flame_hub import Hub
from flame_hub.auth import PasswordAuth
from flame_hub.engine.parsers import bind
from flame_hub.models import MasterImage, Node
from flame_hub.models.core import MasterImageCommandArgument
from flame_hub.schema.record import snapshot_of
from flame_hub.testing import FakeHub


class Recorder(httpx.BaseTransport):
    """FakeHub's transport, remembering the body of every write to /core/."""

    def __init__(self, fake: FakeHub) -> None:
        self.inner = fake.transport()
        self.writes: list[tuple[str, str, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.method != "GET" and "/core/" in request.url.path:
            self.writes.append((request.method, request.url.path, request.content))
        return self.inner.handle_request(request)

    def bodies(self) -> list[dict[str, Any]]:
        return [httpx.Response(200, content=body).json() for _m, _p, body in self.writes]


@pytest.fixture(scope="module")
def fake() -> FakeHub:
    hub = FakeHub(rate_limit=False)
    hub.bulk_create("core:nodes", [{"name": f"dirty-node-{i:02d}"} for i in range(60)])
    return hub


@pytest.fixture
def recorder(fake: FakeHub) -> Recorder:
    return Recorder(fake)


@pytest.fixture
def hub(fake: FakeHub, recorder: Recorder) -> Iterator[Hub]:
    with Hub(fake.base_url, PasswordAuth("admin", "start123"), transport=recorder) as client:
        yield client


def _node(hub: Hub, index: int) -> Node:
    return Node.objects.using(hub).get(name=f"dirty-node-{index:02d}")


def test_a_page_of_records_remembers_nothing_per_record_until_one_changes(hub: Hub) -> None:
    nodes = hub.core.get_nodes()
    assert len(nodes) == 50
    # the loaded state is the current state: nothing was copied per record
    assert all(getattr(node, "_flame_snapshot", None) is None for node in nodes)
    assert not any(node.is_dirty for node in nodes)

    loaded_name = nodes[3].name
    nodes[3].external_name = "first"
    nodes[3].external_name = "second"  # only the first assignment remembers the loaded value

    assert getattr(nodes[4], "_flame_snapshot", None) is None
    before = snapshot_of(nodes[3])
    assert before is not None and before["external_name"] is None and before["name"] == loaded_name
    assert nodes[3].is_dirty and not nodes[4].is_dirty


def test_save_sends_the_last_value_of_each_changed_field(hub: Hub, recorder: Recorder) -> None:
    node = _node(hub, 10)
    node.external_name = "one"
    node.external_name = "two"
    node.hidden = True

    node.save()

    assert recorder.bodies() == [{"externalName": "two", "hidden": True}]
    assert not node.is_dirty
    node.save()  # nothing changed since the Hub's answer was adopted: no request
    assert len(recorder.writes) == 1


def test_a_field_changed_back_is_not_a_change(hub: Hub, recorder: Recorder) -> None:
    node = _node(hub, 11)
    loaded = node.hidden
    node.hidden = not loaded
    assert node.is_dirty
    node.hidden = loaded

    assert not node.is_dirty
    node.save()
    assert recorder.writes == []


def test_changes_left_out_by_update_fields_stay_unsaved_and_go_with_the_next_save(
    hub: Hub, recorder: Recorder
) -> None:
    node = _node(hub, 12)
    node.hidden = True
    node.external_name = "later"

    node.save(update_fields=["hidden"])
    assert node.is_dirty  # the left-out change survives adopting the Hub's answer
    assert node.external_name == "later"
    node.save()

    assert recorder.bodies() == [{"hidden": True}, {"externalName": "later"}]
    assert not node.is_dirty


def test_refreshing_some_fields_keeps_the_other_unsaved_changes(hub: Hub, recorder: Recorder) -> None:
    node = _node(hub, 13)
    other = _node(hub, 13)
    other.hidden = True
    other.save()
    node.external_name = "mine"

    node.refresh_from_db(fields=["hidden"])

    assert node.hidden is True
    assert node.is_dirty
    node.save()
    assert recorder.bodies()[-1] == {"externalName": "mine"}


def test_a_record_built_by_hand_with_an_id_sends_what_was_set(hub: Hub, recorder: Recorder) -> None:
    loaded = _node(hub, 14)
    by_hand = Node(id=loaded.id, external_name="by-hand")
    by_hand.hidden = False

    by_hand.save(using=hub)

    assert recorder.bodies() == [{"externalName": "by-hand", "hidden": False}]


def test_in_place_edits_of_list_fields_are_seen_because_those_are_copied_when_loaded() -> None:
    image = MasterImage.model_validate(
        {"id": "6c1d9f57-8e1f-4a0c-9a55-1e1df0a1f7a2", "commandArguments": [{"value": "--one"}]}
    )
    bind([image], None)
    assert image.command_arguments is not None
    before = snapshot_of(image)
    assert before is not None and before["command_arguments"] is not image.command_arguments

    image.command_arguments.append(MasterImageCommandArgument(value="--two"))

    after = snapshot_of(image)
    assert after is not None and [a.value for a in after["command_arguments"]] == ["--one"]


def test_assigning_extra_attributes_leaves_tracking_alone(hub: Hub) -> None:
    node = _node(hub, 15)
    node.something_else = "kept"  # type: ignore[attr-defined]
    assert not node.is_dirty
    assert node.model_extra == {"something_else": "kept"}
