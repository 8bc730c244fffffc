"""The store's bookkeeping: stored rows report their changes, hash indexes answer like scans, memos
are forgotten on every change."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from flame_hub.testing.fakehub.index import folded
from flame_hub.testing.fakehub.store import INDEX_THRESHOLD, StoredRow, Table

VALUES: list[Any] = [None, 0, 1, 1.0, True, False, "a", "A", "b", [1], {"k": 1}, 2.5]


def scan(table: Table, normalize: Any = None, **equals: Any) -> list[str]:
    """What an index must answer: a plain scan in insertion order."""
    norm = normalize or (lambda v: v)
    return [row["id"] for row in table.rows() if all(norm(row.get(k)) == norm(v) for k, v in equals.items())]


def filled(count: int = INDEX_THRESHOLD * 3) -> Table:
    table = Table("test:rows")
    for i in range(count):
        table.insert({"id": f"r{i}", "a": VALUES[i % len(VALUES)], "b": VALUES[(i * 5) % len(VALUES)]})
    return table


def test_insert_returns_the_stored_row_which_is_a_plain_dict_when_copied() -> None:
    table = Table("test:rows")
    given = {"id": "x", "a": [1]}
    stored = table.insert(given)
    assert isinstance(stored, StoredRow) and stored == given and stored is not given
    assert table.get("x") is stored
    for copied in (
        dict(stored),
        {**stored},
        copy.copy(stored),
        copy.deepcopy(stored),
        pickle.loads(pickle.dumps(stored)),
    ):
        assert type(copied) is dict and copied == given
    assert copy.deepcopy(stored)["a"] is not stored["a"]
    assert json.loads(json.dumps(stored)) == given


@pytest.mark.parametrize("probe", [*VALUES[:-2], [1]])
def test_where_and_first_answer_like_a_scan(probe: Any) -> None:
    table = filled()
    assert [r["id"] for r in table.where(a=probe)] == scan(table, a=probe)
    assert [r["id"] for r in table.where(a=probe, b=VALUES[2])] == scan(table, a=probe, b=VALUES[2])
    first = table.first(a=probe)
    assert (first["id"] if first else None) == (scan(table, a=probe) or [None])[0]
    assert [r["id"] for r in table.matching(folded, a=probe)] == scan(table, folded, a=probe)


def test_indexes_follow_every_kind_of_change_to_a_stored_row() -> None:
    table = filled()
    table.where(a="a")  # build the index before changing rows
    table.matching(folded, a="a")
    rows = table.rows()
    rows[0]["a"] = "a"
    rows[1].update(a="A")
    rows[2].update({"a": "a"}, b=1)
    rows[3] |= {"a": "a"}
    rows[4].pop("a")
    del rows[5]["a"]
    rows[6].setdefault("c", 1)
    rows[7].clear()
    rows[7].update(id="r7", a="a")
    table.update("r8", {"a": "a"})
    table.delete("r9")
    table.insert({"id": "r9", "a": "a"})  # re-inserted: last in insertion order
    for probe in ("a", "A", None, 1, True):
        assert [r["id"] for r in table.where(a=probe)] == scan(table, a=probe)
        assert [r["id"] for r in table.matching(folded, a=probe)] == scan(table, folded, a=probe)


def test_a_deleted_row_no_longer_touches_its_table() -> None:
    table = filled()
    row = table.get("r0")
    assert row is not None
    table.delete("r0")
    version = table.version
    row["a"] = "zzz"
    assert table.version == version
    assert table.where(a="zzz") == []


def test_memo_is_kept_until_the_table_changes() -> None:
    table = filled()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert table.memo("k", compute) == 1
    assert table.memo("k", compute) == 1
    row = table.get("r1")
    assert row is not None
    row["b"] = "changed"  # a change made by a hook, not through the table
    assert table.memo("k", compute) == 2
    table.insert({"id": "new"})
    assert table.memo("k", compute) == 3
    table.delete("new")
    assert table.memo("k", compute) == 4
    assert len(calls) == 4
