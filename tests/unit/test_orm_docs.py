"""The lookup tables of docs/orm.md are what the compiler sends, so the guide cannot drift from the code.

Each table row names a query (``Node.objects.filter(name__lt="m")``), the parameters it sends in the
bracket dialect (``—`` where that dialect cannot say it) and its condition in the expression dialect.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from flame_hub import models
from flame_hub.models.base import Resource
from flame_hub.query import Q, Query
from flame_hub.query.compiler import _expression_tree, compile_query
from flame_hub.query.lookups import LOOKUPS

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "orm.md"
ROW = re.compile(
    r"^\| (?P<lookup>[^|]+) \| `(?P<python>[^`]+)` \| (?P<bracket>[^|]+) \| `(?P<expression>[^`]+)` \|$"
)


def rows() -> list[dict[str, str]]:
    found = [m.groupdict() for m in map(ROW.match, GUIDE.read_text().splitlines()) if m]
    assert len(found) >= 20, "the lookup tables of docs/orm.md were not found"
    return found


def parse(python: str) -> tuple[type[Resource], Q]:
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


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["python"])
def test_each_row_is_what_the_compiler_sends(row: dict[str, str]) -> None:
    model, q = parse(row["python"])
    expression = _expression_tree(model, q, [])
    assert expression == row["expression"]
    bracket = row["bracket"].strip()
    if bracket == "—":  # the bracket dialect cannot say it: the expression is sent
        assert sent(model, q) == f"filter={expression}"
    else:
        assert sent(model, q) == bracket.strip("`")


def test_every_lookup_has_a_row() -> None:
    documented = {re.findall(r"`([a-z_]+)`", row["lookup"])[0] for row in rows() if "`" in row["lookup"]}
    assert set(LOOKUPS) <= documented
