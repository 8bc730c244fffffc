"""The legacy rapiq bracket dialect: ``filter[name]=~node~&filter[hidden]=false``.

One condition per key, AND-ed (core-and-storage.md §2.1 B). Commas split first (``a,b`` IN,
``!a,b`` NOT IN with ``!`` only on the first element); otherwise a leading ``!`` negates, then
``<=`` ``<`` ``>=`` ``>`` compare (a ``!`` before them is discarded), ``~v~`` contains, ``v~`` starts
with, ``~v`` ends with (HEAD semantics; v0.8.5 read ``~v`` as starts-with). No escaping exists. A
value that is empty after its operator is dropped. Which keys survive is the engine's job.
"""

from __future__ import annotations

from .conditions import Condition, Negation, Node, Value, coerce


def parse_bracket_value(key: str, value: str) -> Node | None:
    """The condition of one ``filter[key]=value`` pair, or ``None`` when rapiq drops it."""
    if "," in value:
        negate = value.startswith("!")
        parts = (value[1:] if negate else value).split(",")
        values = tuple(coerce(part) for part in parts if part != "")
        if not values:
            return None
        node: Node = Condition(key, "in", values)
        return Negation(node) if negate else node
    negate = value.startswith("!")
    text = value[1:] if negate else value
    for prefix, op in (("<=", "lte"), (">=", "gte"), ("<", "lt"), (">", "gt")):
        if text.startswith(prefix):
            rest = text[len(prefix) :]
            return Condition(key, op, coerce(rest)) if rest else None  # type: ignore[arg-type]
    if len(text) >= 2 and text.startswith("~") and text.endswith("~"):
        node = Condition(key, "contains", Value(text[1:-1], text[1:-1]))
        inner = text[1:-1]
    elif text.startswith("~"):
        inner = text[1:]
        node = Condition(key, "endsWith", Value(inner, inner))
    elif text.endswith("~"):
        inner = text[:-1]
        node = Condition(key, "startsWith", Value(inner, inner))
    else:
        inner = text
        node = Condition(key, "eq", coerce(text))
    if inner == "":
        return None
    return Negation(node) if negate else node
