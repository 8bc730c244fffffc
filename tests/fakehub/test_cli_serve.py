"""``flame-hub serve`` exposes FakeHub's options: rate limit, timestamp precision, approvals, tie order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fakehub_helpers import served

from flame_hub import cli
from flame_hub.testing import server


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What ``flame-hub serve`` hands to ``serve_forever`` (nothing is served)."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(server, "serve_forever", lambda **kwargs: seen.update(kwargs))
    return seen


def test_defaults_are_the_hubs(handed_over: dict[str, Any]) -> None:
    assert cli.main(["serve", "--port", "0"]) == 0
    assert handed_over == {
        "host": "127.0.0.1",
        "port": 0,
        "token_lifetime": 900,
        "seed": None,
        "rate_limit": True,
        "timestamp_precision": "seconds",
        "skip_project_approval": False,
        "skip_analysis_approval": False,
        "tie_order": "stable",
    }


def test_every_option_reaches_fakehub(handed_over: dict[str, Any]) -> None:
    argv = [
        "serve", "--port", "0", "--no-rate-limit", "--timestamp-precision", "milliseconds",
        "--skip-project-approval", "--skip-analysis-approval", "--tie-order", "shuffled",
    ]  # fmt: skip
    assert cli.main(argv) == 0
    assert {k: handed_over[k] for k in ("rate_limit", "timestamp_precision", "tie_order")} == {
        "rate_limit": False,
        "timestamp_precision": "milliseconds",
        "tie_order": "shuffled",
    }
    assert handed_over["skip_project_approval"] is handed_over["skip_analysis_approval"] is True


def test_a_wrong_choice_is_refused_with_the_allowed_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--timestamp-precision", "minutes"])
    assert "choose from 'seconds', 'milliseconds'" in capsys.readouterr().err


def test_a_served_hub_honours_the_approval_flag() -> None:
    with served("--skip-project-approval") as (url, line), httpx.Client(base_url=url) as http:
        assert "skip_project_approval=True" in line, line
        token = http.post("/auth/token", json={"username": "admin", "password": "start123"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        image = http.get("/core/master-images", headers=headers).json()["data"][0]["id"]
        project = http.post(
            "/core/projects", json={"name": "cli-project", "masterImageId": image}, headers=headers
        )
        node = http.post("/core/nodes", json={"name": "cli-node"}, headers=headers)
        member = http.post(
            "/core/project-nodes",
            json={"projectId": project.json()["data"]["id"], "nodeId": node.json()["data"]["id"]},
            headers=headers,
        )
        assert member.json()["data"]["approvalStatus"] == "approved"
