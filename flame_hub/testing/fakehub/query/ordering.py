"""``sort=``: rows in the order an SQL ``ORDER BY`` gives them, computed with key functions.

The order (GAPS.md, "Ordering"): ``NULL`` first ascending and last descending; booleans and numbers
by numeric value, before every other value; everything else by the code points of its text (SQLite
``BINARY``, case-sensitive); ties keep the table's insertion order, for ascending and descending keys
alike. Each value maps to a plain tuple (:func:`rank`) so that Python's sort compares in C; several
keys are applied as stable passes from the last key to the first, each ascending or descending on
its own, which is exactly the lexicographic order over the keys.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any

Row = dict[str, Any]


def rank(value: Any) -> tuple[int, Any]:
    """The sort key of one value: ``(0, 0)`` for NULL, ``(1, number)``, ``(2, text)``."""
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, float(value))
    return (2, str(value))


def sort_keys(values: list[Any]) -> list[Any]:
    """Keys ordering ``values`` as :func:`rank` does; cheaper ones where the column allows.

    A column of nothing but strings sorts by the strings themselves, one of nothing but numbers and
    booleans by their float values (what :func:`rank` compares within those classes); anything mixed,
    or with NULLs, by :func:`rank`.
    """
    if all(type(value) is str for value in values):
        return values
    if all(type(value) in _NUMERIC for value in values):
        return [float(value) for value in values]
    return [rank(value) for value in values]


_NUMERIC = frozenset({int, float, bool})


def order(
    rows: Iterable[Row], keys: list[tuple[str, bool]], value_of: Callable[[Row, str], Any]
) -> list[Row]:
    """``rows`` sorted by ``keys`` (``(path, descending)``, most significant first); ``value_of(row,
    path)`` reads a possibly relation-qualified value."""
    out = list(rows)
    for path, descending in reversed(keys):
        values = [value_of(row, path) for row in out] if "." in path else [row.get(path) for row in out]
        ranks = sort_keys(values)
        positions = sorted(range(len(out)), key=ranks.__getitem__, reverse=descending)
        out = [out[i] for i in positions]
    return out


def shuffle_ties(
    rows: list[Row], keys: list[tuple[str, bool]], value_of: Callable[[Row, str], Any], rng: random.Random
) -> list[Row]:
    """``rows`` (in sort order) with every run of rows that tie on all sort keys in a random order.

    SQL leaves the order among ties unspecified: Postgres and MySQL may return them differently for each
    ``LIMIT``/``OFFSET`` query, so a row can show up on two pages and another on none. This emulates that
    (``FakeHub(tie_order="shuffled")``); without sort keys every row ties with every other.
    """
    if not keys:
        everything = list(rows)
        rng.shuffle(everything)
        return everything
    out: list[Row] = []
    run: list[Row] = []
    last: tuple[Any, ...] | None = None
    for row in rows:
        key = tuple(rank(value_of(row, path)) for path, _ in keys)
        if key != last and run:
            rng.shuffle(run)
            out.extend(run)
            run = []
        last = key
        run.append(row)
    rng.shuffle(run)
    out.extend(run)
    return out
