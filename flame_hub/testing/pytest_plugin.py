"""pytest fixtures for FakeHub (registered through the ``pytest11`` entry point).

* ``fakehub``: a fresh :class:`~flame_hub.testing.FakeHub` per test (in-process).
* ``fakehub_server``: a fresh FakeHub served on loopback; the handle has ``.url`` and ``.hub``.
* ``fakehub_hub``: a :class:`flame_hub.Hub` logged in as the admin of ``fakehub`` (in-process, no sockets).
* ``fakehub_async_hub``: the same as an :class:`flame_hub.AsyncHub` (use it inside your test's event loop).
* ``hub_backend``: a :class:`~flame_hub.testing.HubBackend` chosen by ``--hub-backend`` or
  ``FLAME_HUB_TEST_BACKEND``: ``fake`` (default), ``loopback``, ``url`` (``FLAME_HUB_TEST_URL``,
  ``FLAME_HUB_TEST_USERNAME``, ``FLAME_HUB_TEST_PASSWORD``) or ``docker`` (the pinned Hub v0.14.0
  images in testcontainers, one stack per session; skipped when no Docker engine answers).

This module is imported by every pytest session of anyone who installs the package, so it imports
nothing heavy at module level.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flame_hub import AsyncHub, Hub

    from .backend import HubBackend
    from .fakehub.app import FakeHub
    from .server import ServerHandle

BACKENDS = ("fake", "loopback", "url", "docker")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("flame-hub")
    group.addoption(
        "--hub-backend",
        choices=BACKENDS,
        default=None,
        help="Hub for `hub_backend` tests: fake (in-process FakeHub, default), loopback (FakeHub on a "
        "socket), url (FLAME_HUB_TEST_URL/_USERNAME/_PASSWORD), docker (Hub v0.14.0 in testcontainers). "
        "Also FLAME_HUB_TEST_BACKEND.",
    )


def selected_backend(config: pytest.Config) -> str:
    """The backend kind chosen by option or environment."""
    kind = (
        config.getoption("--hub-backend", default=None) or os.environ.get("FLAME_HUB_TEST_BACKEND") or "fake"
    )
    if kind not in BACKENDS:
        raise pytest.UsageError(f"unknown hub backend {kind!r}; choose one of {', '.join(BACKENDS)}")
    return str(kind)


@pytest.fixture
def fakehub() -> FakeHub:
    """A fresh in-process FakeHub."""
    from .fakehub.app import FakeHub

    return FakeHub()


@pytest.fixture
def fakehub_server(fakehub: FakeHub) -> Iterator[ServerHandle]:
    """A fresh FakeHub served on a loopback port (``.url``, ``.hub``)."""
    with fakehub.serve() as server:
        yield server


@pytest.fixture
def fakehub_hub(fakehub: FakeHub) -> Iterator[Hub]:
    """A ``flame_hub.Hub`` logged in as the admin of ``fakehub``, over the in-process transport."""
    from flame_hub import Hub
    from flame_hub.auth import PasswordAuth

    with Hub(
        fakehub.base_url,
        PasswordAuth(fakehub.admin_username, fakehub.admin_password),
        transport=fakehub.transport(),
    ) as hub:
        yield hub


@pytest.fixture
def fakehub_async_hub(fakehub: FakeHub) -> AsyncHub:
    """A ``flame_hub.AsyncHub`` logged in as the admin of ``fakehub`` (in-process; ``async with`` it, or
    ``await hub.aclose()``, inside the test's event loop)."""
    from flame_hub import AsyncHub
    from flame_hub.auth import PasswordAuth

    return AsyncHub(
        fakehub.base_url,
        PasswordAuth(fakehub.admin_username, fakehub.admin_password),
        transport=fakehub.async_transport(),
    )


@pytest.fixture(scope="session")
def _docker_hub_url() -> Iterator[str]:
    from .docker_backend import docker_unavailable_reason, running_hub

    reason = docker_unavailable_reason()
    if reason is not None:
        pytest.skip(f"--hub-backend docker: {reason}")
    with running_hub() as url:
        yield url


@contextmanager
def open_backend(kind: str, request: pytest.FixtureRequest) -> Iterator[HubBackend]:
    """The Hub of one backend kind, for a fixture of any scope (``hub_backend``, module-scoped ones)."""
    from .backend import HubBackend
    from .fakehub.app import FakeHub

    if kind == "fake":
        hub = FakeHub()
        yield HubBackend(
            "fake",
            hub.base_url,
            hub.admin_username,
            hub.admin_password,
            transport=hub.transport(),
            async_transport=hub.async_transport(),
            fakehub=hub,
        )
    elif kind == "loopback":
        hub = FakeHub()
        with hub.serve() as server:
            yield HubBackend("loopback", server.url, hub.admin_username, hub.admin_password, fakehub=hub)
    elif kind == "url":
        url = os.environ.get("FLAME_HUB_TEST_URL")
        if not url:
            pytest.fail("--hub-backend url needs FLAME_HUB_TEST_URL (and FLAME_HUB_TEST_USERNAME/_PASSWORD)")
        yield HubBackend(
            "url",
            url.rstrip("/"),
            os.environ.get("FLAME_HUB_TEST_USERNAME", "admin"),
            os.environ.get("FLAME_HUB_TEST_PASSWORD", "start123"),
        )
    else:
        url = request.getfixturevalue("_docker_hub_url")
        yield HubBackend("docker", url, "admin", "start123")


@pytest.fixture
def hub_backend(request: pytest.FixtureRequest) -> Iterator[HubBackend]:
    """The Hub under test, as selected by ``--hub-backend`` / ``FLAME_HUB_TEST_BACKEND``."""
    with open_backend(selected_backend(request.config), request) as backend:
        yield backend
