"""Write the reverse and many-to-many accessors of the resource classes down, for type checkers.

The accessors (``project.analysis_set``, ``project.node_set`` …) are derived from the relations
(:mod:`flame_hub.orm.graph`) and put on the classes when they are created; a type checker cannot see
that. This script writes one line per accessor at the end of each resource class, from the same
derivation::

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    analysis_set: ClassVar[Reverse[Analysis]]
    node_set: ClassVar[ManyToMany[Node, ProjectNode]]

An accessor whose records are declared in a module that imports this one (authup's ``Realm`` gets
``node_set`` from core's ``Node``) is typed with ``Any``: naming the class would need an import
circle, which the package has none of.

``python tools/sync_relation_accessors.py`` rewrites the files; ``--check`` only says whether they are
current (tests/unit/test_relations.py runs it); ``--list`` prints every forward, reverse and
many-to-many accessor the declarations produce.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flame_hub.orm import graph  # noqa: E402

MODULES = ("flame_hub.models.auth", "flame_hub.models.storage", "flame_hub.models.core")
MARKER = (
    "    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)"
)
KINDS = ("ClassVar[Reverse[", "ClassVar[ManyToMany[")


def _resources(module: ModuleType) -> list[type]:
    from flame_hub.models.base import Resource

    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Resource)
        and value.__module__ == module.__name__
        and "meta" in vars(value)
    ]


def _name_in(module: ModuleType, cls: type) -> str:
    """How ``module`` can name ``cls`` without a new import: its name, or ``Any``."""
    return cls.__name__ if getattr(module, cls.__name__, None) is cls else "Any"


def expected_lines(module: ModuleType, cls: type) -> list[str]:
    """The accessor lines of one class (empty when it has none)."""
    lines = []
    for name, reverse in graph._REVERSE.get(cls, {}).items():
        lines.append(f"    {name}: ClassVar[Reverse[{_name_in(module, reverse.child)}]]")
    for name, many in graph._MANY.get(cls, {}).items():
        far, through = _name_in(module, many.target), _name_in(module, many.through)
        lines.append(f"    {name}: ClassVar[ManyToMany[{far}, {through}]]")
    return lines


def rewritten(module_name: str) -> tuple[Path, str, str]:
    """The module's file, its text, and its text with current accessor lines."""
    module = importlib.import_module(module_name)
    path = Path(module.__file__ or "")
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    tree = ast.parse(text)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    edits: list[tuple[int, int, list[str]]] = []  # (first line index, end index exclusive, new lines)
    for cls in _resources(module):
        node = classes[cls.__name__]
        old = [
            statement
            for statement in node.body
            if isinstance(statement, ast.AnnAssign) and ast.unparse(statement.annotation).startswith(KINDS)
        ]
        new = expected_lines(module, cls)
        block = ["", MARKER, *new] if new else []
        if old:
            first = old[0].lineno - 1
            while first > 0 and lines[first - 1].strip() in ("", MARKER.strip()):
                first -= 1
            end = old[-1].end_lineno or old[-1].lineno
            edits.append((first, end, block))
        else:
            end = node.end_lineno or node.lineno
            edits.append((end, end, block))
    for first, end, block in sorted(edits, reverse=True):
        lines[first:end] = block
    return path, text, "\n".join(lines)


def listing() -> str:
    """Every accessor the declarations produce, one line each (for reports and the docs)."""
    from flame_hub.models.base import Resource

    out = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for cls in sorted(_resources(module), key=lambda c: c.__name__):
            assert issubclass(cls, Resource)
            for name, forward in graph.forward_relations(cls).items():
                how = "embedded with select_related, else by id" if forward.includable else "by id"
                out.append(
                    f"forward  {cls.__name__}.{name} -> {forward.target.__name__} ({forward.fk}; {how})"
                )
            for name, reverse in graph._REVERSE.get(cls, {}).items():
                out.append(f"reverse  {cls.__name__}.{name} -> {reverse.child.__name__} (by {reverse.fk})")
            for name, many in graph._MANY.get(cls, {}).items():
                out.append(
                    f"m2m      {cls.__name__}.{name} -> {many.target.__name__} "
                    f"(through {many.through.__name__}: {many.source.fk}, {many.far.fk})"
                )
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if "--list" in argv:
        print(listing())
        return 0
    stale = []
    for module_name in MODULES:
        path, text, new = rewritten(module_name)
        if new != text:
            stale.append(path)
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if "--check" in argv:
        for path in stale:
            print(
                f"{path.relative_to(ROOT)}: the accessor declarations are out of date; run {Path(__file__).name}"
            )
        return 1 if stale else 0
    if stale:
        subprocess.run([sys.executable, "-m", "ruff", "format", *map(str, stale)], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
