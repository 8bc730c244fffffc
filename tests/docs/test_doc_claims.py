"""What the docs state in prose and tables is what the code does.

Code blocks run (test_examples.py); these check the rest, on the same pages:

* the ORM guide's lookup tables are what the compiler sends, in both filter dialects;
* the guarantees page's retry and timeout defaults are the code's;
* every test a page cites as evidence (``[`test_x`]``, ``test_x.py``) exists;
* the README's set-up commands are there and its test command is what .ci/run runs; it is a front page
  (at most about 150 lines) that links to every page;
* FakeHub's gap list has one source, flame_hub/testing/GAPS.md, which the site publishes and the
  Testing page and the README link to.
"""

from __future__ import annotations

import ast
import importlib.util
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest

from flame_hub import Retry, models
from flame_hub.config import DEFAULT_TIMEOUT
from flame_hub.models import Resource
from flame_hub.query import Q, Query
from flame_hub.query.compiler import _expression_tree, compile_query
from flame_hub.query.lookups import LOOKUPS
from tests.docs.examples import ROOT, blocks, mkdocs_config, pages, shown_path

ORM_GUIDE = ROOT / "docs" / "orm.md"
GUARANTEES = ROOT / "docs" / "reliability.md"
README = ROOT / "README.md"
#: A Markdown link's target (images and reference-style links left out).
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


# -- the ORM guide's lookup tables ---------------------------------------------------------------------
ROW = re.compile(
    r"^\| (?P<lookup>[^|]+) \| `(?P<python>[^`]+)` \| (?P<bracket>[^|]+) \| `(?P<expression>[^`]+)` \|$"
)


def lookup_rows() -> list[dict[str, str]]:
    """Rows naming a query (``Node.objects.filter(name__lt="m")``), its bracket and expression forms."""
    found = [m.groupdict() for m in map(ROW.match, ORM_GUIDE.read_text(encoding="utf-8").splitlines()) if m]
    assert len(found) >= 20, "the lookup tables of docs/orm.md were not found"
    return found


def parse_query(python: str) -> tuple[type[Resource], Q]:
    """``Node.objects.filter(name="x")`` → ``(Node, Q(name="x"))``; ``exclude`` gives ``~Q(...)``."""
    call = ast.parse(python, mode="eval").body
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    method = call.func.attr
    manager = call.func.value
    assert isinstance(manager, ast.Attribute) and manager.attr == "objects"
    assert isinstance(manager.value, ast.Name)
    model = getattr(models, manager.value.id)
    lookups: dict[str, Any] = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    q = Q(**lookups)
    assert method in ("filter", "exclude")
    return model, (~q if method == "exclude" else q)


def sent(model: type[Resource], q: Q) -> str:
    return "&".join(f"{key}={value}" for key, value in compile_query(model, Query(where=q)))


@pytest.mark.parametrize("row", lookup_rows(), ids=lambda r: r["python"])
def test_each_lookup_row_is_what_the_compiler_sends(row: dict[str, str]) -> None:
    model, q = parse_query(row["python"])
    expression = _expression_tree(model, q, [])
    assert expression == row["expression"]
    bracket = row["bracket"].strip()
    if bracket == "—":  # the bracket dialect cannot say it: the expression is sent
        assert sent(model, q) == f"filter={expression}"
    else:
        assert sent(model, q) == bracket.strip("`")


def test_every_lookup_has_a_row() -> None:
    documented = {
        re.findall(r"`([a-z_]+)`", row["lookup"])[0] for row in lookup_rows() if "`" in row["lookup"]
    }
    assert set(LOOKUPS) <= documented


# -- the guarantees page's defaults -----------------------------------------------------------------------
def test_the_retry_defaults_are_the_codes() -> None:
    text = GUARANTEES.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| `?([^|`]+?)`?(?: s)? \|", text, flags=re.MULTILINE))
    default = Retry()
    assert int(rows["attempts"]) == default.attempts
    assert float(rows["backoff"]) == default.backoff
    assert float(rows["max_backoff"]) == default.max_backoff
    assert float(rows["jitter"]) == default.jitter
    assert float(rows["max_time"]) == default.max_time
    assert {int(s) for s in rows["statuses"].split(", ")} == default.statuses


def test_the_timeout_defaults_are_the_codes() -> None:
    claim = re.search(
        r"\*\*(\d+) s to connect, (\d+) s for everything else\*\*", GUARANTEES.read_text(encoding="utf-8")
    )
    assert claim is not None, "docs/reliability.md no longer states the default timeouts"
    assert (float(claim[1]), float(claim[2])) == (DEFAULT_TIMEOUT.connect, DEFAULT_TIMEOUT.read)


# -- cited evidence --------------------------------------------------------------------------------------
def test_every_test_a_page_cites_exists() -> None:
    assert GUARANTEES in pages()
    tests = list((ROOT / "tests").rglob("test_*.py"))
    sources = "\n".join(path.read_text(encoding="utf-8") for path in tests)
    files = {path.stem for path in tests}
    cited = {
        (str(page.relative_to(ROOT)), name)
        for page in pages()
        for name in re.findall(r"`(test_\w+?)(?:\.py)?`", page.read_text(encoding="utf-8"))
    }
    assert len({name for _, name in cited}) > 20  # docs/reliability.md alone cites more
    missing = sorted(
        (page, name) for page, name in cited if name not in files and f"def {name}(" not in sources
    )
    assert missing == []


# -- the ORM guide's list of relations ---------------------------------------------------------------------
def test_the_orm_guide_lists_every_relation_the_declarations_give() -> None:
    spec = importlib.util.spec_from_file_location(
        "sync_relation_accessors", ROOT / "tools" / "sync_relation_accessors.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    listed = [block.source.strip() for block in blocks(ORM_GUIDE) if block.language == "text"]
    assert tool.listing() in listed, "paste python tools/sync_relation_accessors.py --list into docs/orm.md"


# -- the README --------------------------------------------------------------------------------------------
def test_ci_runs_the_readme_test_command() -> None:
    commands = {block.source.strip() for block in blocks(README) if block.language == "bash"}
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest" in commands
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'" in ci
    assert ".venv/bin/python -m pytest" in ci


def test_the_readme_is_a_front_page() -> None:
    """At most about 150 lines: the two set-up commands, the quickstarts, and a link to every page."""
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    commands = {block.source.strip() for block in blocks(README) if block.language == "bash"}
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/flame-hub demo" in commands
    linked = {posixpath.normpath(target.split("#")[0]) for target in LINK.findall(text)}
    unlinked = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "docs").glob("*.md")
        if path.relative_to(ROOT).as_posix() not in linked
    )
    assert unlinked == [], "the README does not link to these pages of docs/"


# -- FakeHub's gaps ------------------------------------------------------------------------------------------
GAPS = ROOT / "flame_hub" / "testing" / "GAPS.md"


def links_to(page: Path, target: Path) -> bool:
    here = page.parent.relative_to(ROOT).as_posix()
    wanted = target.relative_to(ROOT).as_posix()
    return any(
        posixpath.normpath(posixpath.join(here, link.split("#")[0])) == wanted
        for link in LINK.findall(page.read_text(encoding="utf-8"))
    )


def test_fakehubs_gap_list_is_published_from_its_one_source() -> None:
    """GAPS.md, kept next to FakeHub's code, is the page the site shows: no copy to keep in sync."""
    config = mkdocs_config()
    site_path = config["extra"]["published"]["flame_hub/testing/GAPS.md"]
    assert site_path in str(config["nav"])
    assert links_to(ROOT / "docs" / "testing.md", GAPS), "docs/testing.md does not link to GAPS.md"
    assert links_to(README, GAPS), "the README does not link to GAPS.md"
    gaps = [line for line in GAPS.read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
    assert len(gaps) > 20
    copies = sorted(
        shown_path(page)
        for page in pages()
        if page != GAPS and any(gap in page.read_text(encoding="utf-8") for gap in gaps)
    )
    assert copies == [], "these pages copy FakeHub's gap list: link to flame_hub/testing/GAPS.md instead"
