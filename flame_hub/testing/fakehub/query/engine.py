"""Apply a decoded query (:class:`~.decoder.QueryPlan`) to a resource's rows: filter, sort, page and
the projection ``fields=`` asks for -- the one query engine behind every FakeHub collection.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..schema import Catalog, Resource, Row
from ..store import Table
from .conditions import Node, fields_of, predicate
from .decoder import QueryPlan
from .ordering import order, shuffle_ties


def related_row(catalog: Catalog, resource: Resource, name: str, row: Row) -> Row | None:
    """The row relation ``name`` of ``row`` points at."""
    rel = resource.relation(name)
    if rel is None:
        return None
    value = row.get(rel.local_key)
    if value is None:
        return None
    table = catalog.table(rel.target)
    if rel.remote_key == "id":
        return table.get(value)
    return table.first(**{rel.remote_key: value})


def _lookup(catalog: Catalog, resource: Resource, row: Row) -> Callable[[str], Any]:
    def lookup(path: str) -> Any:
        current_resource: Resource | None = resource
        current: Row | None = row
        *relations, name = path.split(".")
        for rel_name in relations:
            if current is None or current_resource is None:
                return None
            rel = current_resource.relation(rel_name)
            if rel is None:
                return None
            current = related_row(catalog, current_resource, rel_name, current)
            current_resource = catalog.resource(rel.target)
        return None if current is None else current.get(name)

    return lookup


def _value_of(catalog: Catalog, resource: Resource) -> Callable[[Row, str], Any]:
    def value_of(row: Row, path: str) -> Any:
        return _lookup(catalog, resource, row)(path)

    return value_of


def _related_versions(catalog: Catalog, resource: Resource, paths: list[str]) -> tuple[Any, ...]:
    """The versions of every other table the relation paths read (part of an order's memo key)."""
    out: list[tuple[str, int]] = []
    for path in paths:
        current: Resource | None = resource
        for rel_name in path.split(".")[:-1]:
            rel = current.relation(rel_name) if current is not None else None
            if rel is None:
                break
            out.append((rel.target, catalog.table(rel.target).version))
            current = catalog.resource(rel.target)
    return tuple(out)


def _matches(catalog: Catalog, resource: Resource, rows: list[Row], plan: QueryPlan) -> list[Row]:
    """Every row that passes the filter, in sort order (or in the given order when unsorted)."""
    value_of = _value_of(catalog, resource)
    base = order(rows, list(plan.sort), value_of) if plan.sort else rows
    if plan.filter is None:
        return base
    test = predicate(plan.filter, value_of)
    return [row for row in base if test(row)]


def _hashable(node: Node) -> bool:
    try:
        hash(node)
    except TypeError:
        return False
    return True


def select(
    catalog: Catalog,
    resource: Resource,
    rows: Table | list[Row],
    plan: QueryPlan,
    shuffle: random.Random | None = None,
) -> tuple[list[Row], int]:
    """Filter, sort and page ``rows``; returns (the page, the total before paging).

    With ``shuffle``, rows that tie on every sort key come in an order drawn anew for this request
    (:func:`~.ordering.shuffle_ties`), as a database may order them.

    Given the resource's :class:`~..store.Table` (what the list handler passes), the sorted order and
    the filtered matches are computed once per state of the table (and of the tables a relation path
    of the sort or filter reads) and kept in the table's memo, so paging through a large collection
    sorts and filters it once; each page is then a slice. The filter runs over the sorted order:
    filtering a stably sorted sequence keeps the order sorting the filtered rows would give.
    """
    if not isinstance(rows, Table):
        matched = _matches(catalog, resource, rows, plan)
    elif not plan.sort and plan.filter is None:
        matched = rows.memo(("rows",), rows.rows)
    else:
        table = rows
        sort_key = tuple(plan.sort)
        sort_paths = [path for path, _ in sort_key]
        ordered = table.memo(
            ("order", sort_key, _related_versions(catalog, resource, sort_paths)),
            lambda: _matches(catalog, resource, table.rows(), replace(plan, filter=None)),
        )
        matched = ordered
        if plan.filter is not None and not _hashable(plan.filter):
            matched = _matches(catalog, resource, ordered, replace(plan, sort=[]))
        elif plan.filter is not None:
            node = plan.filter
            versions = _related_versions(catalog, resource, sort_paths + fields_of(node))
            matched = table.memo(
                ("matches", sort_key, node, versions),
                lambda: _matches(catalog, resource, ordered, replace(plan, sort=[])),
            )
    if shuffle is not None:
        matched = shuffle_ties(matched, list(plan.sort), _value_of(catalog, resource), shuffle)
    total = len(matched)
    return matched[plan.offset : plan.offset + plan.limit], total


def resolve_fields(resource: Resource, tokens: list[str] | None) -> list[str]:
    """The projection ``fields=`` asks for: replace, ``+`` add, ``-`` remove; unknown names dropped."""
    default = list(resource.default_fields)
    if not tokens:
        return default
    allowed = set(resource.allowed_fields)
    plain = [t for t in tokens if t[:1] not in "+-" and t in allowed]
    chosen = plain if plain else default
    chosen = list(dict.fromkeys(chosen))
    for token in tokens:
        if token.startswith("+") and token[1:] in allowed and token[1:] not in chosen:
            chosen.append(token[1:])
        elif token.startswith("-") and token[1:] in chosen:
            chosen.remove(token[1:])
    order = {name: i for i, name in enumerate(resource.field_names)}
    return sorted(chosen, key=lambda name: order.get(name, len(order)))
