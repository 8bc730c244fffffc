"""Backend-agnostic integration fixtures.

By default every integration test runs twice: against an in-process FakeHub and against a FakeHub
served on loopback (a real socket). ``--hub-backend url`` (with FLAME_HUB_TEST_URL, _USERNAME,
_PASSWORD) or ``--hub-backend docker`` runs the same tests once against that Hub instead. Tests create
uniquely named records and delete them afterwards, so they can run against a shared Hub repeatedly.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from flame_hub import Hub
from flame_hub.exceptions import NotFoundError
from flame_hub.testing import HubBackend
from flame_hub.testing.pytest_plugin import open_backend, selected_backend

from .deployment import Deployment, of_fakehub, probe


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    kind = selected_backend(metafunc.config)
    kinds = ["fake", "loopback"] if kind == "fake" else [kind]
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", kinds, indirect=True)
    if "module_backend" in metafunc.fixturenames:
        metafunc.parametrize("module_backend", kinds, indirect=True, scope="module")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Iterator[HubBackend]:
    """The Hub under test (see the module docstring)."""
    with open_backend(request.param, request) as hub_backend:
        yield hub_backend


@pytest.fixture(scope="module")
def module_backend(request: pytest.FixtureRequest) -> Iterator[HubBackend]:
    """Like ``backend``, shared by the tests of one module (for data sets worth creating once)."""
    with open_backend(request.param, request) as hub_backend:
        yield hub_backend


@pytest.fixture(scope="module")
def hub_url(module_backend: HubBackend) -> Iterator[str]:
    """The Hub's URL (no trailing slash) for clients built from a URL alone, with no transport: an
    in-process FakeHub is served on loopback for them, for the module's tests."""
    if module_backend.kind == "fake":
        assert module_backend.fakehub is not None
        with module_backend.fakehub.serve() as server:
            yield server.url.rstrip("/")
    else:
        yield module_backend.base_url.rstrip("/")


@pytest.fixture
def hub(backend: HubBackend) -> Iterator[Hub]:
    """A ``Hub`` logged in as the backend's admin."""
    with Hub(
        backend.base_url,
        backend.admin_auth,
        transport=backend.transport,
    ) as client:
        yield client


@pytest.fixture(scope="session")
def _deployments() -> dict[str, Deployment]:
    return {}


@pytest.fixture
def deployment(backend: HubBackend, _deployments: dict[str, Deployment]) -> Deployment:
    """What this Hub does where deployments differ (approval flags, optional services): a FakeHub's
    options, or for a real Hub what one probe per session found (see ``deployment.py``)."""
    if backend.fakehub is not None:
        return of_fakehub(backend.fakehub.skip_project_approval, backend.fakehub.skip_analysis_approval)
    if backend.base_url not in _deployments:
        with Hub(backend.base_url, backend.admin_auth, transport=backend.transport) as hub:
            _deployments[backend.base_url] = probe(hub)
    return _deployments[backend.base_url]


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Names that do not collide with other runs on a shared Hub (lower case, Hub name rules)."""
    run = uuid.uuid4().hex[:8]
    return lambda prefix: f"{prefix}-{run}"


@pytest.fixture
def cleanup() -> Iterator[Callable[[Callable[[], Any]], None]]:
    """Register deletions to run after the test (newest first); records already gone are fine."""
    actions: list[Callable[[], Any]] = []
    yield actions.append
    for action in reversed(actions):
        with contextlib.suppress(NotFoundError):
            action()
