"""Timestamp precision: whole seconds by default, as a real Hub v0.14.0 on sqlite stores them."""

from __future__ import annotations

import re

import pytest

from flame_hub.testing import FakeHub

WHOLE_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\Z")


def created_stamps(hub: FakeHub, count: int) -> list[str]:
    http = hub.client()
    token = http.post("/auth/token", json={"username": "admin", "password": "start123"}).json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    stamps = []
    for i in range(count):
        answer = http.post("/core/nodes", json={"name": f"stamp-{i}"}, headers=headers)
        assert answer.status_code == 201, answer.text
        stamps.append(answer.json()["data"]["createdAt"])
    return stamps


def test_default_is_whole_seconds_written_as_the_hub_writes_them() -> None:
    hub = FakeHub(seed=3)  # a standing clock at a fractional instant shows the truncation
    hub.clock.advance(0.789)
    stamps = created_stamps(hub, 3)
    assert all(WHOLE_SECOND.match(s) for s in stamps), stamps
    assert len(set(stamps)) == 1  # made within one second: they tie, as on the real Hub
    assert stamps[0] == "2026-01-01T00:00:00.000Z"


def test_milliseconds_on_request() -> None:
    hub = FakeHub(seed=3, timestamp_precision="milliseconds")
    hub.clock.advance(0.789)
    assert created_stamps(hub, 1) == ["2026-01-01T00:00:00.789Z"]


def test_an_unknown_precision_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="'seconds', 'milliseconds'"):
        FakeHub(timestamp_precision="micro")
