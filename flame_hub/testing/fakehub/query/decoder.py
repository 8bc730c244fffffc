"""Decode a query (``filter``, ``sort``, ``page``, ``fields``, ``include``, ``codec``) against a resource
declaration into a :class:`QueryPlan` (:mod:`.engine` applies it to rows).

Decoding follows rapiq 2.2 with the Hub's settings (strict schemas, default *drop* policy):
unknown sort/fields/include keys and unknown bracket-filter keys disappear silently, while the
expression dialect answers 400 ``bad_request`` (``keyNotAllowed``/``keyPathInvalid``/
``syntaxInvalid``) and prototype-polluting keys answer 400 in every parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import HubError, issue, rejected
from ..schema import Resource
from .bracket import parse_bracket_value
from .conditions import Group, Node, fields_of
from .expression import SyntaxIssue, parse_expression

_FORBIDDEN_KEYS = frozenset({"__proto__", "constructor", "prototype"})
_PARAMETERS = ("filter", "fields", "page", "include", "sort")
_INTEGER = re.compile(r"^\d+$")
_ROOT_KEYS = ("$root", "__DEFAULT__", "")


@dataclass
class QueryPlan:
    """A decoded query: what to filter, order, page, select and include."""

    filter: Node | None = None
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (path, descending)
    limit: int = 50
    offset: int = 0
    #: Field tokens per path: ``""`` is the root, ``"realm"`` / ``"user.realm"`` relations.
    fields: dict[str, list[str]] = field(default_factory=dict)
    #: Included relation paths, parents before children (``["user", "user.realm"]``).
    includes: list[str] = field(default_factory=list)


def _key_issue(code: str, key: str, parameter: str, message: str | None = None) -> HubError:
    text = message or f"The key {key} is not permitted."
    return rejected([issue(code, [key], text, meta={"parameter": parameter, "key": key})])


def _guard_keys(value: Any, parameter: str, *, values: bool = False) -> None:
    """Refuse prototype-polluting *keys* (core-and-storage.md §2.1): object keys, the names in ``sort``,
    ``fields`` and ``include``, and the unquoted words of a filter expression. Filter *values* (a bracket
    filter's value, a quoted expression literal) are data and may be any word."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in _FORBIDDEN_KEYS:
                raise _key_issue("keyInvalid", key, parameter, f"The key {key} is not allowed.")
            _guard_keys(child, parameter, values=parameter == "filters")
    elif isinstance(value, list):
        for child in value:
            _guard_keys(child, parameter, values=values)
    elif isinstance(value, str) and not values:
        unquoted = _QUOTED.sub(" ", value) if parameter == "filters" else value
        for token in re.split(r"[,.()\s'+\-]+", unquoted):
            if token in _FORBIDDEN_KEYS:
                raise _key_issue("keyInvalid", token, parameter, f"The key {token} is not allowed.")


#: A quoted expression literal ('' is an escaped quote inside it).
_QUOTED = re.compile(r"'(?:[^']|'')*'")


def _tokens(value: Any) -> list[str]:
    """A comma list given as a string or as repeated keys."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_tokens(item))
        return out
    return []


class Declarations(Protocol):
    """Where the decoder finds the resources a relation path leads to (the hub's catalog)."""

    def resource(self, key: str) -> Resource | None:
        """The declaration registered as ``key``."""
        ...


class QueryDecoder:
    """Decodes the query of one request against one resource."""

    def __init__(self, resource: Resource, catalog: Declarations) -> None:
        self.resource = resource
        self.catalog = catalog

    # -- relation paths -------------------------------------------------------------------------------
    def target(self, path: str) -> Resource | None:
        """The resource at the end of relation path ``path`` (``"user.realm"``) or ``None``."""
        current: Resource | None = self.resource
        for name in path.split("."):
            if current is None:
                return None
            rel = current.relation(name)
            if rel is None:
                return None
            current = self.catalog.resource(rel.target)
        return current

    def _split_field(self, key: str, includes: list[str]) -> tuple[Resource, str] | None:
        """(resource, field) a possibly relation-qualified key names, or ``None`` if not reachable."""
        if "." not in key:
            return self.resource, key
        path, _, name = key.rpartition(".")
        if path not in includes:
            return None
        target = self.target(path)
        return (target, name) if target is not None else None

    # -- parameters -----------------------------------------------------------------------------------
    def includes(self, raw: Any) -> list[str]:
        out: list[str] = []
        for token in _tokens(raw):
            parts = token.split(".")
            for depth in range(1, len(parts) + 1):
                path = ".".join(parts[:depth])
                if self.target(path) is None:
                    break
                if path not in out:
                    out.append(path)
        return out

    def _filter_key_allowed(self, key: str, includes: list[str]) -> bool:
        found = self._split_field(key, includes)
        if found is None:
            return False
        target, name = found
        allowed = target.filters
        return allowed is not None and name in allowed

    def filter(self, raw: Any, codec: str | None, includes: list[str]) -> Node | None:
        use_expression = codec == "url-expression" or (codec is None and isinstance(raw, str) and raw != "")
        if use_expression:
            if not isinstance(raw, str) or raw == "":
                # Unsure: an expression-stamped request with a bracket filter; rapiq's behaviour is not
                # in the reference. FakeHub applies no filter.
                return None
            try:
                node = parse_expression(raw)
            except SyntaxIssue as exc:
                raise rejected(
                    [
                        issue(
                            "syntaxInvalid",
                            [],
                            f"The filter expression is invalid: {exc}.",
                            meta={"parameter": "filters"},
                        )
                    ]
                ) from None
            for key in fields_of(node):
                if self._filter_key_allowed(key, includes):
                    continue
                if "." in key and key.rpartition(".")[0] not in includes:
                    raise _key_issue("keyPathInvalid", key, "filters", f"The key path {key} is not valid.")
                raise _key_issue("keyNotAllowed", key, "filters")
            return node
        if not isinstance(raw, dict):
            return None
        conditions: list[Node] = []
        for key, value in _flatten(raw):
            if not self._filter_key_allowed(key, includes):
                continue  # the legacy dialect drops unknown keys silently
            parsed = parse_bracket_value(key, value)
            if parsed is not None:
                conditions.append(parsed)
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else Group("and", tuple(conditions))

    def sort(self, raw: Any, includes: list[str]) -> list[tuple[str, bool]]:
        keys: list[tuple[str, bool]] = []
        if isinstance(raw, dict):
            pairs = [(k, str(v).lower() == "desc") for k, v in raw.items() if isinstance(v, str)]
        else:
            pairs = [(t[1:], True) if t.startswith("-") else (t, False) for t in _tokens(raw)]
        for key, desc in pairs:
            found = self._split_field(key, includes)
            if found is None:
                continue
            target, name = found
            if target.sorts is not None and name in target.sorts:
                keys.append((key, desc))
        if len(keys) > 1 and not self.resource.multi_key_sort:
            # authup: sort keys must form a prefix of one declared index; with its schemas a multi-key
            # sort is dropped whole (auth.md §2.3). Unsure whether unknown keys count before the drop.
            return []
        if not keys:
            return [(k, d == "DESC") for k, d in self.resource.default_sort]
        return keys

    def page(self, raw: Any) -> tuple[int, int]:
        limit, offset = self.resource.max_limit, 0
        if isinstance(raw, dict):
            text = raw.get("limit")
            if isinstance(text, str) and _INTEGER.match(text.strip()):
                value = int(text)
                if 0 < value <= self.resource.max_limit:
                    limit = value
            text = raw.get("offset")
            if isinstance(text, str) and _INTEGER.match(text.strip()):
                offset = int(text)
        return limit, offset

    def fields(self, raw: Any, includes: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if isinstance(raw, dict):
            for key, value in raw.items():
                path = "" if key in _ROOT_KEYS else key
                if path == "" or path in includes:
                    out.setdefault(path, []).extend(_tokens(value))
        else:
            tokens = _tokens(raw)
            if tokens:
                out[""] = tokens
        return out

    def decode(self, query: dict[str, Any], *, record: bool = False) -> QueryPlan:
        for name in _PARAMETERS:
            if name in query:
                _guard_keys(query[name], "filters" if name == "filter" else name)
        codec = query.get("codec")
        if codec is not None and codec not in ("url-expression", "url-simple"):
            raise rejected([issue("codecUnresolvable", ["codec"], "The codec can not be resolved.")])
        plan = QueryPlan(limit=self.resource.max_limit)
        plan.includes = self.includes(query.get("include"))
        plan.fields = self.fields(query.get("fields"), plan.includes)
        if record:
            return plan
        plan.filter = self.filter(query.get("filter"), codec, plan.includes)
        plan.sort = self.sort(query.get("sort"), plan.includes)
        plan.limit, plan.offset = self.page(query.get("page"))
        return plan


def _flatten(raw: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``{"realm": {"name": "x"}}`` -> ``[("realm.name", "x")]``; repeated keys join as an IN list."""
    out: list[tuple[str, str]] = []
    for key, value in raw.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, path + "."))
        elif isinstance(value, list):
            out.append((path, ",".join(str(v) for v in value)))
        elif isinstance(value, str):
            out.append((path, value))
    return out
