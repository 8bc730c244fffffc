"""Every code block of the documentation runs, or says what it is when it is not Python.

The conventions are in tests/docs/examples.py and docs/writing-docs.md. Each page runs as one test, its
blocks in order, against a FakeHub of its own; the tests below the first check that the runner refuses
what it cannot run instead of passing over it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.examples import ROOT, DocError, blocks, pages, run_page


@pytest.mark.parametrize("page", pages(), ids=lambda page: str(page.relative_to(ROOT)))
def test_every_block_of_the_page_runs(page: Path, tmp_path: Path) -> None:
    python_blocks = [block for block in blocks(page) if block.language == "python"]
    assert run_page(page, tmp_path) == len(python_blocks)


def page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp_path: Path, text: str) -> int:
    work = tmp_path / "work"
    work.mkdir()
    return run_page(page(tmp_path, text), work)


FENCE = "```"


def test_the_readme_and_every_page_of_docs_are_pages() -> None:
    found = {str(path.relative_to(ROOT)) for path in pages()}
    assert "README.md" in found
    assert {str(path.relative_to(ROOT)) for path in (ROOT / "docs").rglob("*.md")} <= found


def test_blocks_share_a_namespace_and_see_the_givens_and_hidden_setup(tmp_path: Path) -> None:
    text = f"""
<!-- test-setup
hub.core.create_node(name="site-a")
-->

{FENCE}python
names = [node.name for node in hub.core.find_nodes()]
{FENCE}

{FENCE}python
assert names == ["site-a"] and url == "https://hub.example/"
from flame_hub import AsyncHub

async with AsyncHub(url, auth) as async_hub:
    assert await async_hub.core.nodes.filter(name="site-a").acount() == 1
{FENCE}
"""
    assert run(tmp_path, text) == 3


def test_a_failing_example_names_its_page_and_line(tmp_path: Path) -> None:
    text = f"Text\n\n{FENCE}python\nhub.core.get_node('not-an-id').name\n{FENCE}\n"
    with pytest.raises(DocError, match=r"page\.md:3: the example raised"):
        run(tmp_path, text)


@pytest.mark.parametrize(
    ("block", "complaint"),
    [
        (f"{FENCE}\nprint(1)\n{FENCE}\n", "a code block without a language"),
        (f"{FENCE}py\nprint(1)\n{FENCE}\n", "unknown language 'py'"),
        (f"{FENCE}python {{.skip}}\nprint(1)\n{FENCE}\n", r"unknown flag\(s\) \['skip'\]"),
        (f"{FENCE}json\n{{'a': 1}}\n{FENCE}\n", "this json block does not parse"),
        (f"{FENCE}bash\nif then fi (\n{FENCE}\n", "this bash block does not parse"),
        ("Text\n\n    indented = True\n", "the site renders 1 code blocks but 0 fenced ones"),
        (f"{FENCE}python\nprint(1)\n", "a code block is never closed"),
    ],
)
def test_a_block_the_runner_cannot_run_fails_the_page(tmp_path: Path, block: str, complaint: str) -> None:
    with pytest.raises(DocError, match=complaint):
        run(tmp_path, block)


def test_shown_blocks_are_not_run(tmp_path: Path) -> None:
    text = f"{FENCE}text\nraise SystemExit\n{FENCE}\n\n{FENCE}console\n$ rm -rf /\n{FENCE}\n"
    assert run(tmp_path, text) == 0


def test_a_pytest_block_runs_as_a_test_module(tmp_path: Path) -> None:
    failing = f"{FENCE}python {{.pytest}}\ndef test_x(fakehub_hub):\n    assert fakehub_hub.core.find_nodes()\n{FENCE}\n"
    with pytest.raises(DocError, match="the example's tests failed"):
        run(tmp_path, failing)
