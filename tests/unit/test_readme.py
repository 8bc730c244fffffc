"""The README carries FakeHub's current gap list and its set-up commands match .ci/run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> object:
    spec = importlib.util.spec_from_file_location("sync_readme_gaps", ROOT / "tools" / "sync_readme_gaps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_lists_every_fakehub_gap() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _tool().synced(readme) == readme, "run: python tools/sync_readme_gaps.py"  # type: ignore[attr-defined]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest" in readme
    )
    assert "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'" in ci
    assert ".venv/bin/python -m pytest" in ci
