"""Fixtures for FakeHub's engine unit tests."""

from __future__ import annotations

import httpx
import pytest
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub(seed=1)


@pytest.fixture
def http(hub: FakeHub) -> httpx.Client:
    return hub.client()


@pytest.fixture
def admin(http: httpx.Client) -> dict[str, str]:
    return auth(login(http)["access_token"])
