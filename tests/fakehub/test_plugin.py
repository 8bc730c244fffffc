"""The pytest plugin's fixtures and backend selection."""

from __future__ import annotations

import pytest

from flame_hub.testing import FakeHub, HubBackend
from flame_hub.testing.docker_backend import docker_unavailable_reason
from flame_hub.testing.pytest_plugin import selected_backend
from flame_hub.testing.server import ServerHandle


def test_fakehub_fixture_is_fresh(fakehub: FakeHub) -> None:
    assert isinstance(fakehub, FakeHub)
    assert fakehub.client().get("/auth/realms").json()["meta"]["total"] == 1


def test_fakehub_server_fixture(fakehub_server: ServerHandle) -> None:
    import httpx

    assert httpx.get(fakehub_server.url + "/auth/realms").status_code == 200


def test_hub_backend_defaults_to_fake(hub_backend: HubBackend, request: pytest.FixtureRequest) -> None:
    if selected_backend(request.config) != "fake":
        pytest.skip("this test checks the default selection")
    assert (
        hub_backend.kind == "fake" and hub_backend.transport is not None and hub_backend.fakehub is not None
    )
    assert "start123" not in repr(hub_backend)
    with hub_backend.client() as client:
        assert (
            client.post(
                "/auth/token",
                json={"username": hub_backend.admin_username, "password": hub_backend.admin_password},
            ).status_code
            == 200
        )


def test_environment_selects_the_backend(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if request.config.getoption("--hub-backend"):
        pytest.skip("an explicit --hub-backend wins over the environment")
    monkeypatch.setenv("FLAME_HUB_TEST_BACKEND", "loopback")
    assert selected_backend(request.config) == "loopback"
    monkeypatch.setenv("FLAME_HUB_TEST_BACKEND", "bogus")
    with pytest.raises(pytest.UsageError):
        selected_backend(request.config)


def test_docker_reason_is_explicit() -> None:
    reason = docker_unavailable_reason()
    assert reason is None or "Docker" in reason or "docker" in reason
