"""The 0.5.5 session (tests/compat/scenario_055.py) runs without a failure, on FakeHub in CI and, with
``--hub-backend url``, on a real Hub: every resource's create, read, update and delete, every special
operation, includes, filters, sorts and the errors a 0.5.5 user meets."""

from __future__ import annotations

import importlib.util
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


def test_the_0_5_5_session_runs_without_a_failure(
    hub_url: str, module_backend: HubBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _scenario()
    admin = ["--username", module_backend.admin_username, "--password", module_backend.admin_password]
    status = scenario.main(["--url", hub_url, *admin])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "0 failed" in out and "FAILED" not in out
    calls = int(out.rsplit(": ", 1)[1].split(" calls")[0])
    assert calls >= 140, out
