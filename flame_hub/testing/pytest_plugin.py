"""pytest fixtures for FakeHub (registered through the ``pytest11`` entry point).

* ``fakehub``: a fresh :class:`~flame_hub.testing.FakeHub` per test (in-process).
* ``fakehub_server``: a fresh FakeHub served on loopback; the handle has ``.url`` and ``.hub``.
* ``fakehub_hub``: a :class:`flame_hub.Hub` logged in as the admin of ``fakehub`` (in-process, no sockets).
* ``fakehub_async_hub``: the same as an :class:`flame_hub.AsyncHub` (use it inside your test's event loop).
* ``hub_backend``: a :class:`~flame_hub.testing.HubBackend` chosen by ``--hub-backend`` or
  ``FLAME_HUB_TEST_BACKEND``: ``fake`` (default), ``loopback``, ``url`` (``FLAME_HUB_TEST_URL``,
  ``FLAME_HUB_TEST_USERNAME``, ``FLAME_HUB_TEST_PASSWORD``) or ``docker`` (the pinned Hub v0.14.0
  images in testcontainers, one stack per session; skipped when no Docker engine answers).

A real Hub (``url``, ``docker``) is one backend object per session: its ``admin_auth`` logs in once
and serves every test, and its transports count what the session asked of the Hub. The terminal
summary reports it (requests per service, token requests per identity, how close authup's rate limit
of 1,200 requests a minute per address came), because a suite that exhausts that budget fails with
429 answers, and with core's 500 "429" for what core could not ask authup.

This module is imported by every pytest session of anyone who installs the package, so it imports
nothing heavy at module level.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flame_hub import AsyncHub, Hub

    from .backend import HubBackend
    from .fakehub.app import FakeHub
    from .server import ServerHandle
    from .usage import HubUsage

BACKENDS = ("fake", "loopback", "url", "docker")
_USAGE = pytest.StashKey[list["HubUsage"]]()


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
def fakehub_server(fakehub: FakeHub) -> Iterator[ServerHandle[FakeHub]]:
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


@pytest.fixture(scope="session")
def _real_hub_backends(request: pytest.FixtureRequest) -> Iterator[dict[str, HubBackend]]:
    """One :class:`HubBackend` per real-Hub kind for the whole session (filled by :func:`open_backend`)."""
    backends: dict[str, HubBackend] = {}
    yield backends
    for backend in backends.values():
        from .usage import CountingTransport

        if isinstance(backend.transport, CountingTransport):
            backend.transport.shutdown()


def _real_hub(kind: str, url: str, username: str, password: str, config: pytest.Config) -> HubBackend:
    from .backend import HubBackend
    from .usage import AsyncCountingTransport, CountingTransport, HubUsage

    usage = HubUsage(url)
    config.stash.setdefault(_USAGE, []).append(usage)
    return HubBackend(
        kind,  # type: ignore[arg-type]
        url,
        username,
        password,
        transport=CountingTransport(usage),
        async_transport=AsyncCountingTransport(usage),
        usage=usage,
    )


@contextmanager
def open_backend(kind: str, request: pytest.FixtureRequest) -> Iterator[HubBackend]:
    """The Hub of one backend kind, for a fixture of any scope (``hub_backend``, module-scoped ones).

    A FakeHub is fresh each time; a real Hub is the same :class:`HubBackend` for the whole session.
    """
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
    else:
        backends: dict[str, HubBackend] = request.getfixturevalue("_real_hub_backends")
        if kind not in backends:
            if kind == "url":
                url = os.environ.get("FLAME_HUB_TEST_URL")
                if not url:
                    pytest.fail(
                        "--hub-backend url needs FLAME_HUB_TEST_URL (and FLAME_HUB_TEST_USERNAME/_PASSWORD)"
                    )
                username = os.environ.get("FLAME_HUB_TEST_USERNAME", "admin")
                password = os.environ.get("FLAME_HUB_TEST_PASSWORD", "start123")
            else:
                url, username, password = request.getfixturevalue("_docker_hub_url"), "admin", "start123"
            backends[kind] = _real_hub(kind, url.rstrip("/"), username, password, request.config)
        yield backends[kind]


@pytest.fixture
def hub_backend(request: pytest.FixtureRequest) -> Iterator[HubBackend]:
    """The Hub under test, as selected by ``--hub-backend`` / ``FLAME_HUB_TEST_BACKEND``."""
    with open_backend(selected_backend(request.config), request) as backend:
        yield backend


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Attribute a real Hub's authup requests to the test (setup and teardown included) that sent them."""
    usages = item.config.stash.get(_USAGE, [])
    for usage in usages:
        usage.test_id = item.nodeid
    yield
    for usage in item.config.stash.get(_USAGE, []):
        usage.test_id = None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """What the session asked of each real Hub (see the module docstring)."""
    for usage in config.stash.get(_USAGE, []):
        terminalreporter.write_sep("-", "flame-hub: requests to the Hub under test")
        for line in usage.summary():
            terminalreporter.write_line(line)
