"""The code blocks of the documentation, found and run: the conventions of docs/writing-docs.md.

Pages are the Markdown files under docs/ and the repository files the site publishes (mkdocs.yml's
``extra.published``, the README among them). In a page:

* a ``python`` block runs, top to bottom with the page's other blocks, in one namespace, in a fresh
  temporary directory, against a fresh FakeHub that answers for ``https://hub.example/`` and
  ``http://localhost:3000/`` (so examples are written with the URLs a reader would use);
* before every block, ``url``, ``auth`` and ``hub`` are bound to that URL, a ``PasswordAuth`` for
  ``admin``/``start123`` and an open ``Hub``, whatever an earlier block did with those names;
* top-level ``await`` works (as in a notebook cell);
* ``python {.pytest}`` is a test module: it runs with pytest (its own FakeHub fixtures included);
* a ``<!-- test-setup`` … ``-->`` comment holds Python that runs there, in the page's namespace, but is
  not shown: data an example needs, or a file it reads;
* other blocks are shown, not run, and must say what they are: ``bash``/``sh`` (checked with
  ``bash -n``), ``console``, ``text`` (output), ``json``/``toml``/``yaml`` (parsed). A block with no
  language, an unknown language or an unknown flag fails the page.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

if sys.version_info >= (3, 11):
    from tomllib import loads as toml_loads
else:  # Python 3.10: TOML blocks are checked where tomllib exists

    def toml_loads(source: str) -> object:
        return None


ROOT = Path(__file__).resolve().parents[2]
MKDOCS = ROOT / "mkdocs.yml"

#: The URLs examples are written with; each reaches the page's FakeHub.
HUB_URL = "https://hub.example/"
ROUTED = ("all://hub.example", "all://localhost:3000")
RUN = "python"
FLAGS = {"pytest"}
SHOWN: dict[str, Callable[[str], object] | None] = {
    "bash": lambda source: _bash_syntax(source),
    "sh": lambda source: _bash_syntax(source),
    "console": None,
    "text": None,
    "json": json.loads,
    "toml": toml_loads,
    "yaml": yaml.safe_load,
}


@dataclass(frozen=True)
class Block:
    """A fenced code block (or a hidden ``test-setup`` comment) of a page."""

    page: Path
    line: int
    language: str
    flags: frozenset[str]
    source: str
    hidden: bool = False

    @property
    def where(self) -> str:
        return f"{shown_path(self.page)}:{self.line}"


def shown_path(page: Path) -> str:
    """The page's path as messages show it: relative to the repository when it is inside."""
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


class DocError(AssertionError):
    """A block that cannot run, or ran and failed; the message names the page and line."""


def mkdocs_config() -> dict[str, Any]:
    """mkdocs.yml, read without executing its tags (``!!python/name:`` stays a string)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return dict(yaml.load(MKDOCS.read_text(encoding="utf-8"), Loader=Loader))


def pages() -> list[Path]:
    """Every page of the site: docs/**/*.md and the published repository files."""
    config = mkdocs_config()
    docs = ROOT / config.get("docs_dir", "docs")
    found = sorted(docs.rglob("*.md"))
    found += [ROOT / source for source in config.get("extra", {}).get("published", {})]
    return found


FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
SETUP = re.compile(r"^[ \t]*<!--[ \t]*test-setup[ \t]*$")


def parse_info(info: str) -> tuple[str, frozenset[str]]:
    """``python {.pytest}`` → ``("python", {"pytest"})``; ``title="x"``-style options are ignored."""
    language, _, rest = info.strip().partition(" ")
    attributes = re.search(r"\{([^}]*)\}", rest)
    flags = re.findall(r"(?<![\w-])\.([\w-]+)", attributes.group(1)) if attributes else []
    if language.startswith("{"):  # ```{.python .pytest}
        classes = re.findall(r"\.([\w-]+)", info)
        language, flags = (classes[0], classes[1:]) if classes else ("", [])
    return language, frozenset(flags)


def blocks(page: Path) -> list[Block]:
    """The page's fenced code blocks and test-setup comments, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if SETUP.match(lines[i]):
            end = next((j for j in range(i + 1, len(lines)) if "-->" in lines[j]), None)
            if end is None:
                raise DocError(f"{shown_path(page)}:{i + 1}: a test-setup comment is never closed with -->")
            source = textwrap.dedent("\n".join(lines[i + 1 : end]))
            found.append(Block(page, i + 1, RUN, frozenset(), source, hidden=True))
            i = end + 1
            continue
        if opening is None:
            i += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise DocError(f"{shown_path(page)}:{i + 1}: a code block is never closed")
        body = [
            line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[i + 1 : end]
        ]
        language, flags = parse_info(opening.group("info"))
        found.append(Block(page, i + 1, language, flags, "\n".join(body) + "\n"))
        i = end + 1
    return found


def rendered_code_blocks(page: Path) -> int:
    """How many code blocks the site's Markdown renderer makes of the page (indented ones included)."""
    import markdown

    names: list[str] = []
    configs: dict[str, Any] = {}
    for item in mkdocs_config().get("markdown_extensions", []):
        if isinstance(item, dict):
            ((name, options),) = item.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(item)
    html = markdown.Markdown(extensions=names, extension_configs=configs).convert(
        page.read_text(encoding="utf-8")
    )
    return html.count("<pre")


def check_marked(block: Block) -> None:
    """Fail on a block the runner cannot run and that does not say what it is."""
    if block.language == RUN:
        unknown = block.flags - FLAGS
        if unknown:
            raise DocError(
                f"{block.where}: unknown flag(s) {sorted(unknown)}; python blocks know {sorted(FLAGS)}"
            )
        return
    if not block.language:
        raise DocError(
            f"{block.where}: a code block without a language. Write ```python for an example (it runs), or "
            f"one of {', '.join(sorted(SHOWN))} for a block that is shown only (see docs/writing-docs.md)"
        )
    if block.language not in SHOWN:
        raise DocError(
            f"{block.where}: unknown language {block.language!r}: python blocks run, "
            f"{', '.join(sorted(SHOWN))} are shown only (see docs/writing-docs.md)"
        )
    if block.flags:
        raise DocError(
            f"{block.where}: flags {sorted(block.flags)} on a {block.language} block, which never runs"
        )


def check_shown(block: Block) -> None:
    """Parse a shown-only block whose language has a parser (json, toml, yaml, bash syntax)."""
    parse = SHOWN[block.language]
    if parse is None:
        return
    try:
        parse(block.source)
    except Exception as exc:
        raise DocError(f"{block.where}: this {block.language} block does not parse: {exc}") from exc


def _bash_syntax(source: str) -> None:
    done = subprocess.run(["bash", "-n"], input=source, capture_output=True, text=True, check=False)
    if done.returncode:
        raise ValueError(done.stderr.strip())


@contextmanager
def routed_to(fake: Any) -> Iterator[None]:
    """Every httpx client made meanwhile sends requests for the example URLs to ``fake`` (in-process)."""
    originals = httpx.Client.__init__, httpx.AsyncClient.__init__

    def client_init(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        kwargs["mounts"] = {**dict.fromkeys(ROUTED, fake.transport()), **(kwargs.get("mounts") or {})}
        originals[0](self, *args, **kwargs)

    def async_client_init(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        kwargs["mounts"] = {**dict.fromkeys(ROUTED, fake.async_transport()), **(kwargs.get("mounts") or {})}
        originals[1](self, *args, **kwargs)

    httpx.Client.__init__ = client_init  # type: ignore[method-assign]
    httpx.AsyncClient.__init__ = async_client_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        httpx.Client.__init__, httpx.AsyncClient.__init__ = originals  # type: ignore[method-assign]


def run_python(block: Block, namespace: dict[str, Any]) -> None:
    """Run one block in the page's namespace; top-level ``await`` runs it on an event loop."""
    try:
        code = compile(block.source, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as exc:
        raise DocError(f"{block.where}: the example is not valid Python: {exc}") from exc
    try:
        result = eval(code, namespace)  # the documentation's own example
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    except Exception as exc:
        raise DocError(
            f"{block.where}: the example raised {type(exc).__name__}: {exc}\n\n{textwrap.indent(block.source, '    ')}"
        ) from exc


#: Plugins of the project's own test run that examples do not use: 2 s less start-up per pytest block.
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:xdist")


def run_pytest(block: Block, directory: Path) -> None:
    """Run a ``{.pytest}`` block as a test module, in a pytest of its own."""
    module = directory / f"test_example_{block.line}.py"
    module.write_text(block.source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *QUIET_PLUGINS, "--rootdir", str(directory), str(module)],
        capture_output=True,
        text=True,
        cwd=directory,
        check=False,
        timeout=300,
    )
    if done.returncode:
        raise DocError(
            f"{block.where}: the example's tests failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )


def run_page(page: Path, directory: Path) -> int:
    """Run every block of a page; returns how many ran. Raises :class:`DocError` on the first failure."""
    from flame_hub import Hub
    from flame_hub.auth import PasswordAuth
    from flame_hub.engine import resolver
    from flame_hub.testing import FakeHub

    found = blocks(page)
    for block in found:
        check_marked(block)
    shown = sum(1 for block in found if not block.hidden)
    rendered = rendered_code_blocks(page)
    if rendered != shown:
        raise DocError(
            f"{shown_path(page)}: the site renders {rendered} code blocks but {shown} fenced ones were "
            "found: an indented code block (fence it with a language), or a fence the runner cannot read"
        )
    fake = FakeHub(base_url=HUB_URL)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    environment = dict(os.environ)
    here = Path.cwd()
    ran = 0
    os.chdir(directory)
    try:
        with routed_to(fake), Hub(HUB_URL, PasswordAuth("admin", "start123")) as hub:
            for block in found:
                if block.language != RUN:
                    check_shown(block)
                    continue
                if "pytest" in block.flags:
                    run_pytest(block, directory)
                else:
                    namespace.update(url=HUB_URL, auth=PasswordAuth("admin", "start123"), hub=hub)
                    run_python(block, namespace)
                ran += 1
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(environment)
        resolver.reset()
    return ran
