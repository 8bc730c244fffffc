"""The condition tree both filter dialects compile to, and its evaluation against one row.

Semantics follow rapiq's TypeORM adapter as the reference describes it (core-and-storage.md §2.1):
string equality, ``IN`` and the LIKE family are case-insensitive; LIKE values are literal; ``null``
means ``IS NULL``; negations are null-inclusive complements (``not(eq(f,'v'))`` also matches rows
where ``f`` is null), which is exactly Python's ``not`` over a two-valued comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Union

Row = dict[str, Any]
Op = Literal["eq", "lt", "lte", "gt", "gte", "in", "contains", "startsWith", "endsWith"]

_NUMERAL = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)$")


@dataclass(frozen=True)
class Value:
    """A filter value as sent (``raw``) and as rapiq coerces it (``coerced``)."""

    raw: str
    coerced: Any


def coerce(raw: str) -> Value:
    """rapiq's scalar coercion: ``'null'`` -> None, ``'true'``/``'false'`` -> bool, numerals -> numbers."""
    lowered = raw.strip().lower()
    if lowered == "null":
        return Value(raw, None)
    if lowered == "true":
        return Value(raw, True)
    if lowered == "false":
        return Value(raw, False)
    text = raw.strip()
    if _NUMERAL.match(text):
        number = float(text)
        return Value(raw, int(number) if number.is_integer() and "." not in text else number)
    return Value(raw, raw)


@dataclass(frozen=True)
class Condition:
    """``field op value``; ``field`` may be a relation path (``realm.name``)."""

    field: str
    op: Op
    value: Value | tuple[Value, ...]


@dataclass(frozen=True)
class Group:
    """``and(...)`` / ``or(...)``."""

    kind: Literal["and", "or"]
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Negation:
    """``not(...)``."""

    item: Node


Node = Union[Condition, Group, Negation]  # noqa: UP007 - a runtime alias on Python 3.10


def fields_of(node: Node) -> list[str]:
    """Every field path a tree mentions (for allow-list checks and relation includes)."""
    if isinstance(node, Condition):
        return [node.field]
    if isinstance(node, Negation):
        return fields_of(node.item)
    out: list[str] = []
    for item in node.items:
        out.extend(fields_of(item))
    return out


def _equals(actual: Any, value: Value) -> bool:
    wanted = value.coerced
    if wanted is None:
        return actual is None
    if actual is None:
        return False
    if isinstance(actual, bool):
        if isinstance(wanted, bool):
            return actual is wanted
        # SQL stores booleans as 0/1.
        return isinstance(wanted, (int, float)) and wanted in (0, 1) and int(actual) == wanted
    if isinstance(actual, str):
        if isinstance(wanted, bool):
            # Unsure: a coerced boolean compared with a text column; SQL would compare 1/0 with text.
            return False
        return actual.lower() == value.raw.lower()
    if isinstance(actual, (int, float)):
        if isinstance(wanted, bool):
            return actual == int(wanted)
        if isinstance(wanted, (int, float)):
            return actual == wanted
        return False
    return bool(actual == wanted)


def _order(actual: Any, value: Value, test: Callable[[Any, Any], bool]) -> bool:
    wanted = value.coerced
    if actual is None or wanted is None:
        return False
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return isinstance(actual, bool) and isinstance(wanted, bool) and test(actual, wanted)
    if isinstance(actual, (int, float)):
        return isinstance(wanted, (int, float)) and test(actual, wanted)
    if isinstance(actual, str):
        return test(actual, value.raw)
    return False


def _like(value: Value, how: str) -> Callable[[Any], bool]:
    """The LIKE family, case-insensitive, on the value's text (booleans as ``1``/``0``, as SQL)."""
    needle = value.raw.lower()
    if how == "contains":
        found: Callable[[str], bool] = lambda text: needle in text  # noqa: E731
    elif how == "startsWith":
        found = lambda text: text.startswith(needle)  # noqa: E731
    else:
        found = lambda text: text.endswith(needle)  # noqa: E731

    def test(actual: Any) -> bool:
        if actual is None or isinstance(actual, (dict, list)):
            return False
        return found(str(int(actual)) if isinstance(actual, bool) else str(actual).lower())

    return test


def test_of(condition: Condition) -> Callable[[Any], bool]:
    """Whether one value satisfies ``condition`` (its operator and value bound once)."""
    value = condition.value
    op = condition.op
    if op == "in":
        values = value if isinstance(value, tuple) else (value,)
        return lambda actual: any(_equals(actual, v) for v in values)
    assert isinstance(value, Value)
    one = value
    if op == "eq":
        return lambda actual: _equals(actual, one)
    if op in _ORDERINGS:
        compare = _ORDERINGS[op]
        return lambda actual: _order(actual, one, compare)
    return _like(one, op)


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def evaluate(node: Node, lookup: Callable[[str], Any]) -> bool:
    """Whether the row behind ``lookup(field_path)`` satisfies ``node``."""
    if isinstance(node, Group):
        if node.kind == "and":
            return all(evaluate(item, lookup) for item in node.items)
        return any(evaluate(item, lookup) for item in node.items)
    if isinstance(node, Negation):
        return not evaluate(node.item, lookup)
    return test_of(node)(lookup(node.field))


def predicate(node: Node, value_of: Callable[[Row, str], Any]) -> Callable[[Row], bool]:
    """``node`` compiled once into a test of whole rows (what :func:`evaluate` answers, without
    walking the tree for every row); ``value_of(row, path)`` reads relation-qualified paths."""
    if isinstance(node, Group):
        parts = tuple(predicate(item, value_of) for item in node.items)
        if node.kind == "and":
            return lambda row: all(part(row) for part in parts)
        return lambda row: any(part(row) for part in parts)
    if isinstance(node, Negation):
        inner = predicate(node.item, value_of)
        return lambda row: not inner(row)
    test = test_of(node)
    path = node.field
    if "." in path:
        return lambda row: test(value_of(row, path))
    return lambda row: test(row.get(path))
