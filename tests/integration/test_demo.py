"""``flame-hub demo``, the README's main job: in-process by default, and against a Hub given by URL."""

from __future__ import annotations

import io

import pytest

from flame_hub.cli import main
from flame_hub.demo import run_demo
from flame_hub.testing import FakeHub


def test_the_demo_runs_against_an_in_process_fakehub() -> None:
    out = io.StringIO()
    assert run_demo(out=out) == 0
    text = out.getvalue()
    assert "in-process FakeHub" in text
    assert "hidden=True" in text
    assert "ORM:" in text and text.rstrip().endswith("done")
    (ordered,) = [line for line in text.splitlines() if line.startswith("6. ")]
    names = ordered.rpartition("-> ")[2]
    assert names.index("-2'") < names.index("-1'") < names.index("-0'")  # newest first, ties or not


def test_the_demo_runs_against_a_hub_by_url() -> None:
    fake = FakeHub()
    out = io.StringIO()
    with fake.serve() as server:
        assert run_demo(url=server.url, username="admin", password="start123", out=out) == 0
    assert f"against {server.url}" in out.getvalue()


def test_the_demo_without_a_password_for_a_url_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAME_HUB_PASSWORD", raising=False)
    out = io.StringIO()
    assert run_demo(url="http://127.0.0.1:9/", out=out) == 2
    assert "FLAME_HUB_PASSWORD" in out.getvalue()


def test_the_command_line_entry_point_runs_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "done" in capsys.readouterr().out
