"""Fixtures of the per-resource integration tests (on top of ``hub``, ``backend``, ``unique``, ``cleanup``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from flame_hub import Hub
from flame_hub.testing import HubBackend

from .support import RecordingTransport, Records, login


@pytest.fixture
def records(hub: Hub, unique: Callable[[str], str], cleanup: Callable[[Callable[[], Any]], None]) -> Records:
    """Creates uniquely named records as the admin and deletes them after the test."""
    return Records(hub, unique, cleanup)


@pytest.fixture
def recorder(backend: HubBackend) -> RecordingTransport:
    """A transport to the backend that records every request it sends (bodies read)."""
    inner = backend.transport if backend.transport is not None else httpx.HTTPTransport()
    return RecordingTransport(inner, read_bodies=True)


@pytest.fixture
def recorded_hub(backend: HubBackend, recorder: RecordingTransport) -> Iterator[Hub]:
    """The admin's ``Hub`` sending through ``recorder``."""
    admin = backend.admin_auth
    with login(backend, admin, transport=recorder) as client:
        yield client
