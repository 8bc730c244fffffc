"""docs/reliability.md states the guarantees: its defaults must be the code's, and every test it cites
as evidence must exist."""

from __future__ import annotations

import re
from pathlib import Path

from flame_hub import Retry
from flame_hub.config import DEFAULT_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")


def test_the_retry_defaults_are_the_codes() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| `?([^|`]+?)`?(?: s)? \|", DOC, flags=re.MULTILINE))
    default = Retry()
    assert int(rows["attempts"]) == default.attempts
    assert float(rows["backoff"]) == default.backoff
    assert float(rows["max_backoff"]) == default.max_backoff
    assert float(rows["jitter"]) == default.jitter
    assert float(rows["max_time"]) == default.max_time
    assert {int(s) for s in rows["statuses"].split(", ")} == default.statuses


def test_the_timeout_defaults_are_the_codes() -> None:
    assert DEFAULT_TIMEOUT.connect == 10.0 and DEFAULT_TIMEOUT.read == 30.0
    assert "**10 s to connect, 30 s for everything else**" in DOC


def test_every_cited_test_exists() -> None:
    cited = set(re.findall(r"`(test_\w+?)(?:\.py)?`", DOC))
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    files = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    missing = {name for name in cited if name not in files and f"def {name}(" not in sources}
    assert len(cited) > 20
    assert missing == set()
