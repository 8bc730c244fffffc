"""``sort=`` order: the key-function sort against a comparator written straight from the rules
(NULLs first ascending / last descending, numbers and booleans before text, text by code point,
ties in insertion order, each key with its own direction)."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from flame_hub.testing.fakehub.query.ordering import order

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False),
    st.sampled_from(["a", "A", "b", "B", "ab", "", "10", "9", "é", "Z"]),
)
columns = st.sampled_from([st.none() | st.text("aAbB", max_size=3), scalars, st.integers(0, 3)])


def _class(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, float(value))
    return (2, str(value))


def reference(rows: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """The order as a comparator over (key values..., insertion position)."""

    def compare(left: tuple[int, dict[str, Any]], right: tuple[int, dict[str, Any]]) -> int:
        for path, descending in keys:
            a, b = _class(left[1].get(path)), _class(right[1].get(path))
            if a != b:
                smaller = a < b
                return (1 if smaller else -1) if descending else (-1 if smaller else 1)
        return left[0] - right[0]

    return [row for _, row in sorted(enumerate(rows), key=functools.cmp_to_key(compare))]


@st.composite
def tables(draw: Any) -> tuple[list[dict[str, Any]], list[tuple[str, bool]]]:
    kinds = {name: draw(columns) for name in ("x", "y", "z")}
    rows = [
        {"id": i, **{name: draw(kind) for name, kind in kinds.items()}}
        for i in range(draw(st.integers(0, 40)))
    ]
    names = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True))
    keys = [(name, draw(st.booleans())) for name in names]
    return rows, keys


@given(tables())
def test_order_matches_the_rules(table: tuple[list[dict[str, Any]], list[tuple[str, bool]]]) -> None:
    rows, keys = table
    got = order(rows, keys, lambda row, path: row.get(path))
    assert [r["id"] for r in got] == [r["id"] for r in reference(rows, keys)]


def test_text_is_case_sensitive_and_nulls_lead_ascending_and_trail_descending() -> None:
    rows = [{"id": i, "n": v} for i, v in enumerate(["b", None, "B", "a", 2, None, "A", True])]
    asc = [r["n"] for r in order(rows, [("n", False)], lambda r, p: r.get(p))]
    desc = [r["n"] for r in order(rows, [("n", True)], lambda r, p: r.get(p))]
    assert asc == [None, None, True, 2, "A", "B", "a", "b"]
    assert desc == ["b", "a", "B", "A", 2, True, None, None]
