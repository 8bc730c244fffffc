"""``sort=``: rows in the order an SQL ``ORDER BY`` gives them, computed with key functions.

The order (GAPS.md, "Ordering"): ``NULL`` first ascending and last descending; booleans and numbers
by numeric value, before every other value; everything else by the code points of its text (SQLite
``BINARY``, case-sensitive); ties keep the table's insertion order, for ascending and descending keys
alike. Each value maps to a plain tuple (:func:`rank`) so that Python's sort compares in C; several
keys are applied as stable passes from the last key to the first, each ascending or descending on
its own, which is exactly the lexicographic order over the keys.
"""

from __future__ import annotations

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


def order(
    rows: Iterable[Row], keys: list[tuple[str, bool]], value_of: Callable[[Row, str], Any]
) -> list[Row]:
    """``rows`` sorted by ``keys`` (``(path, descending)``, most significant first); ``value_of(row,
    path)`` reads a possibly relation-qualified value."""
    out = list(rows)
    for path, descending in reversed(keys):
        if "." in path:
            out.sort(key=lambda row, path=path: rank(value_of(row, path)), reverse=descending)  # type: ignore[misc]
        else:
            out.sort(key=lambda row, name=path: rank(row.get(name)), reverse=descending)  # type: ignore[misc]
    return out
