"""``meta.schema``: rapiq's ``SchemaDescription`` of a resource (core-and-storage.md §1.6).

Collections carry ``name, strict, indexes, fields, filters, pagination, relations, sorts``; record
reads only ``name, strict, indexes, fields, relations``. ``None`` in a declaration ("not declared")
renders as ``null``, an empty tuple as ``[]``. Unsure: the inner shape of ``relations.schemas`` and
of ``filters.caseSensitive``/``indexed`` is not spelled out by the reference; FakeHub maps relation
names to the related schema names and leaves the other two ``null``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..schema import Resource


def describe(resource: Resource, lookup: Callable[[str], Resource | None], *, record: bool) -> dict[str, Any]:
    """The ``meta.schema`` object of ``resource`` for a collection (``record=False``) or record read."""
    schemas: dict[str, str] = {}
    for rel in resource.relations:
        target = lookup(rel.target)
        schemas[rel.name] = target.domain if target is not None else rel.target
    out: dict[str, Any] = {
        "name": resource.domain,
        "strict": True,
        "indexes": None,
        "fields": {
            "default": list(resource.default_fields) if resource.describe_default_fields else None,
            "allowed": list(resource.fields_allowed) if resource.fields_allowed is not None else None,
        },
    }
    if not record:
        out["filters"] = {
            "allowed": list(resource.filters) if resource.filters is not None else None,
            "caseSensitive": None,
            "indexed": None,
        }
        out["pagination"] = {"maxLimit": resource.max_limit}
    out["relations"] = {"allowed": [rel.name for rel in resource.relations], "schemas": schemas}
    if not record:
        out["sorts"] = {
            "allowed": list(resource.sorts) if resource.sorts is not None else None,
            "default": {key: direction for key, direction in resource.default_sort} or None,
            "indexed": None,
        }
    return out
