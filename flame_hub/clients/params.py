"""The existing client's ``find_*`` arguments (``filter``, ``page``, ``sort``, ``fields``, ``include``) as a Query.

Compatibility rules kept on purpose:

* a plain string value keeps the existing client's meaning: a leading operator is an operator
  (``{"name": "~x"}`` is the same as ``(FilterOperator.like, "x")``, ``"a,b"`` is a list). The Hub
  (≥ 0.13) reads ``~x`` as *ends with*, ``x~`` as *starts with* and ``~x~`` as *contains*;
* an ``(operator, value)`` tuple matches the value literally: a comma or an operator character inside
  it is sent safely (through the expression dialect when needed);
* lists mean IN, ``None`` means IS NULL, booleans are ``true``/``false`` (the existing client sent
  Python reprs there);
* ``page`` defaults to ``{"limit": 50, "offset": 0}`` and is always sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flame_hub.exceptions import QueryValueError
from flame_hub.query.lookups import LOOKUPS, Condition, check_lookup, split_lookup
from flame_hub.query.query import FieldSelection, Q, Query
from flame_hub.schema.envelopes import MAX_PAGE_LIMIT
from flame_hub.schema.record import Record
from flame_hub.types import FilterOperator

__all__ = ["page_window", "parse_bracket_value", "query_from_find"]

_OPERATORS: dict[str, str] = {
    "": "exact",
    "=": "exact",
    "!": "ne",
    "~": "endswith",  # the existing client's "like" sends "~v", which Hub >= 0.13 reads as "ends with"
    "<": "lt",
    "<=": "lte",
    ">": "gt",
    ">=": "gte",
}


def parse_bracket_value(text: str) -> tuple[str, Any, bool]:
    """Read a value in the Hub's bracket syntax as the Hub (v0.14) does: ``(lookup, value, negated)``."""
    negated = text.startswith("!")
    rest = text[1:] if negated else text
    if rest == "null":
        return "isnull", True, negated
    if "," in rest:
        return "in", rest.split(","), negated
    for prefix, lookup in (("<=", "lte"), (">=", "gte"), ("<", "lt"), (">", "gt")):
        if rest.startswith(prefix):
            return lookup, rest[len(prefix) :], False  # the Hub discards a "!" before comparisons
    if len(rest) > 2 and rest.startswith("~") and rest.endswith("~"):
        return "contains", rest[1:-1], negated
    if len(rest) > 1 and rest.endswith("~"):
        return "startswith", rest[:-1], negated
    if len(rest) > 1 and rest.startswith("~"):
        return "endswith", rest[1:], negated
    return "exact", rest, negated


def _operator(op: object) -> str:
    if isinstance(op, FilterOperator):
        return _OPERATORS[op.value]
    if isinstance(op, str):
        if op in _OPERATORS:
            return _OPERATORS[op]
        if op in LOOKUPS:
            return check_lookup(op)
    allowed = [*(repr(o.value) for o in FilterOperator), *sorted(set(LOOKUPS))]
    raise QueryValueError(
        f"unknown filter operator {op!r}; use a FilterOperator, one of {', '.join(allowed)}"
    )


def _is_operator_pair(value: object) -> bool:
    if not isinstance(value, tuple) or len(value) != 2:
        return False
    op = value[0]
    return isinstance(op, FilterOperator) or (isinstance(op, str) and (op in _OPERATORS or op in LOOKUPS))


def _condition(key: str, value: Any) -> Q:
    path, lookup = split_lookup(key.replace(".", "__"))
    negated = False
    if lookup == "exact":
        if _is_operator_pair(value):
            lookup, value = _operator(value[0]), value[1]
            if lookup == "ne" and isinstance(value, (list, set)):
                lookup, negated = "in", True
            elif lookup == "ne" and value is None:
                lookup, value = "isnull", False
        elif isinstance(value, (list, tuple, set, frozenset)):
            lookup, value = "in", list(value)
        elif value is None:
            lookup, value = "isnull", True
        elif isinstance(value, str):
            lookup, value, negated = parse_bracket_value(value)
    condition = Q(Condition(path, lookup, value))
    return ~condition if negated else condition


def _ordering(sort: Any) -> tuple[str, ...]:
    if sort is None:
        return ()
    items = sort if isinstance(sort, (list, tuple)) else [sort]
    ordering: list[str] = []
    for item in items:
        if isinstance(item, str):
            ordering.append(item)
        elif isinstance(item, Mapping):
            by = item.get("by")
            order = item.get("order", "ascending")
            if not isinstance(by, str) or not by:
                raise QueryValueError(f"sort needs a field name under 'by', got {item!r}")
            if order not in ("ascending", "descending"):
                raise QueryValueError(f"sort order must be 'ascending' or 'descending', got {order!r}")
            ordering.append(("-" if order == "descending" else "") + by)
        else:
            raise QueryValueError(
                f"sort takes {{'by': name, 'order': …}}, a name or a list of them; got {item!r}"
            )
    return tuple(ordering)


def _fields(fields: Any) -> FieldSelection:
    if fields is None:
        return FieldSelection()
    if isinstance(fields, FieldSelection):
        return fields
    names = [fields] if isinstance(fields, str) else list(fields)
    add: list[str] = []
    remove: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name.strip("+-"):
            raise QueryValueError(f"fields takes field names ('+name' adds, '-name' removes), got {name!r}")
        (remove if name.startswith("-") else add).append(name.lstrip("+-"))
    return FieldSelection(add=tuple(add), remove=tuple(remove))


def _includes(include: Any) -> tuple[str, ...]:
    if include is None:
        return ()
    names = [include] if isinstance(include, str) else list(include)
    for name in names:
        if not isinstance(name, str) or not name:
            raise QueryValueError(f"include takes relation names, got {name!r}")
    return tuple(names)


def query_from_find(
    model: type[Record],
    *,
    filter: Mapping[str, Any] | None = None,
    sort: Any = None,
    fields: Any = None,
    include: Any = None,
) -> Query:
    """Translate ``find_*`` arguments into a :class:`Query` (keys are checked when it is compiled)."""
    if filter is not None and not isinstance(filter, Mapping):
        raise QueryValueError(f"filter takes a dict of field → value, got {type(filter).__name__}")
    where = Q()
    for key, value in (filter or {}).items():
        if not isinstance(key, str):
            raise QueryValueError(f"filter keys are field names, got {key!r}")
        where = where & _condition(key, value)
    return Query(where=where, ordering=_ordering(sort), fields=_fields(fields), includes=_includes(include))


def page_window(page: Mapping[str, Any] | None) -> tuple[int, int]:
    """``(limit, offset)`` of a ``page`` argument; the defaults are 50 and 0, and 50 is the cap."""
    page = dict(page or {})
    unknown = set(page) - {"limit", "offset"}
    if unknown:
        raise QueryValueError(f"page takes 'limit' and 'offset', not {', '.join(sorted(unknown))}")
    limit, offset = page.get("limit", MAX_PAGE_LIMIT), page.get("offset", 0)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise QueryValueError(
            f"page limit must be an integer from 1 to {MAX_PAGE_LIMIT} (the Hub silently caps larger pages), "
            f"got {limit!r}; to read more, iterate over Model.objects or page with offset"
        )
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise QueryValueError(f"page offset must be a non-negative integer, got {offset!r}")
    return limit, offset
