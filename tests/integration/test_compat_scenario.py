"""The 0.5.5 session (tests/compat/scenario_055.py) runs without a failure, on FakeHub in CI and, with
``--hub-backend url``, on a real Hub: every resource's create, read, update and delete, every special
operation, includes, filters, sorts and the errors a 0.5.5 user meets."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flame_hub.testing import HubBackend

SCENARIO = Path(__file__).resolve().parents[1] / "compat" / "scenario_055.py"


def _scenario() -> Any:
    spec = importlib.util.spec_from_file_location("scenario_055", SCENARIO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hub_url(backend: HubBackend) -> Iterator[str]:
    """A URL the scenario's plain clients reach (FakeHub served on loopback, or the Hub)."""
    if backend.kind == "fake":
        assert backend.fakehub is not None
        with backend.fakehub.serve() as server:
            yield server.url
    else:
        yield backend.base_url


def test_the_0_5_5_session_runs_without_a_failure(
    hub_url: str, backend: HubBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _scenario()
    status = scenario.main(
        ["--url", hub_url, "--username", backend.admin_username, "--password", backend.admin_password]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "0 failed" in out and "FAILED" not in out
    calls = int(out.rsplit(": ", 1)[1].split(" calls")[0])
    assert calls >= 140, out
