"""Compile a :class:`~flame_hub.query.query.Query` against a resource declaration into Hub parameters.

Why it checks so much before sending: the Hub *silently drops* unknown bracket filter keys, sort keys,
fields and includes and answers with a wider or differently ordered result. So every key is checked
against the declaration and an unknown one raises :class:`FieldError` with a did-you-mean; whatever the
Hub cannot express raises :class:`NotSupportedError`.

Dialects: a plain AND of conditions whose values the bracket dialect reads correctly compiles to
``filter[key]=value`` (what the existing client sends); anything else — OR, NOT of several conditions,
two conditions on one key, or a value with a comma, a leading ``! < > ~``, a trailing ``~`` or nothing
at all — compiles to the expression dialect (``filter=and(eq(name,'a,b'),…)``), where values are
quoted and ``'`` is doubled. Both dialects match strings case-insensitively.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from flame_hub.exceptions import FieldError, NotSupportedError, QueryValueError
from flame_hub.query.lookups import STRING_LOOKUPS, Condition, check_lookup, did_you_mean
from flame_hub.query.query import FieldSelection, Q, Query
from flame_hub.schema.record import Record, schema_of

__all__ = [
    "EmptyResultSet",
    "compile_fields",
    "compile_filter",
    "compile_includes",
    "compile_query",
    "compile_sort",
    "resolve_field",
]

Params = list[tuple[str, str]]

_OPERATOR_START = ("!", "<", ">", "~")
#: Strings both dialects coerce to another type (after trimming and lower-casing), so a string column can
#: never be matched with them.
_COERCED_WORDS = frozenset({"null", "true", "false"})


class EmptyResultSet(Exception):
    """The conditions can match nothing (``id__in=[]``): no request needs to be sent."""


# -- field resolution ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedField:
    """A field path resolved against the declarations: its wire path, type and the includes it needs."""

    wire: str
    kind: str
    label: str
    includes: tuple[str, ...]


def _names(model: type[Record], purpose: str) -> tuple[str, ...]:
    meta = model.meta
    if purpose == "filter":
        return meta.filters
    if purpose == "sort":
        return meta.sorts
    return schema_of(model).columns


def _lookup_name(model: type[Record], name: str) -> str:
    """Accept the Python name or the wire (camelCase) name of a field."""
    schema = schema_of(model)
    if name in schema.fields:
        return name
    return schema.wire_to_name.get(name, name)


def resolve_field(
    model: type[Record], path: Sequence[str], purpose: Literal["filter", "sort", "fields"]
) -> ResolvedField:
    """Resolve ``("project", "name")`` for filtering, sorting or field selection, or raise FieldError."""
    wire_parts: list[str] = []
    includes: list[str] = []
    current = model
    for index, raw in enumerate(path):
        name = _lookup_name(current, raw)
        schema = schema_of(current)
        last = index == len(path) - 1
        if not last:
            relation = schema.includes.get(name)
            if relation is None or relation.related is None:
                if purpose == "filter" and name in schema.fields and index == len(path) - 2:
                    check_lookup(path[-1])  # ``name__startwith``: a misspelt lookup, not a relation
                choices = tuple(schema.includes)
                raise FieldError(
                    f"{current.__name__} has no relation {raw!r} to {purpose} through."
                    f"{did_you_mean(raw, choices)} Relations: {', '.join(choices) or 'none'}"
                )
            wire_parts.append(relation.wire)
            includes.append(".".join(wire_parts))
            current = relation.related
            continue
        allowed = _names(current, purpose)
        if name not in allowed:
            what = {"filter": "filtered", "sort": "sorted", "fields": "selected"}[purpose]
            label = ".".join([*path[:-1], raw]) if len(path) > 1 else raw
            raise FieldError(
                f"{current.__name__} cannot be {what} by {label!r}: the Hub would silently ignore it."
                f"{did_you_mean(raw, allowed)} Allowed: {', '.join(allowed) or 'none'}"
            )
        wire_parts.append(schema.fields[name].wire)
        kind = _kind(schema.fields[name].annotation)
        return ResolvedField(".".join(wire_parts), kind, "__".join(path), tuple(includes))
    raise FieldError("an empty field path")


def _kind(annotation: Any) -> str:
    """Reduce a field annotation to the value kind the compiler formats for."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _kind(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        kinds = {_kind(arg) for arg in get_args(annotation) if arg is not type(None)}
        for preferred in ("uuid", "bool", "datetime", "number"):
            if kinds == {preferred}:
                return preferred
        return "str" if "str" in kinds else (kinds.pop() if len(kinds) == 1 else "any")
    if origin is Literal:
        return "str"
    if annotation is uuid.UUID:
        return "uuid"
    if annotation is bool:
        return "bool"
    if annotation in (dt.datetime, dt.date):
        return "datetime"
    if annotation in (int, float):
        return "number"
    if annotation is str:
        return "str"
    return "any"


# -- values -------------------------------------------------------------------------------------------


def _format(field: ResolvedField, value: Any) -> str:
    """The wire text of one value for the field's kind (``None`` is handled by the lookups)."""
    kind = field.kind
    if isinstance(value, Record):
        value = getattr(value, "id", None)
        if value is None:
            raise QueryValueError(f"{field.label}: the record given as a value has no id (was it saved?)")
    if isinstance(value, enum.Enum):
        value = value.value
    if kind == "uuid":
        try:
            return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            raise QueryValueError(f"{field.label} expects a UUID or a record, got {value!r}") from None
    if kind == "bool" or isinstance(value, bool):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower()
        raise QueryValueError(f"{field.label} expects True or False, got {value!r}")
    if kind == "datetime" or isinstance(value, (dt.datetime, dt.date)):
        if isinstance(value, dt.datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
            text: str = moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")
            return text.replace("+00:00", "Z")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return value
        raise QueryValueError(f"{field.label} expects a datetime, got {value!r}")
    if kind == "number":
        if isinstance(value, (int, float)):
            return repr(value) if isinstance(value, float) else str(value)
        raise QueryValueError(f"{field.label} expects a number, got {value!r}")
    if isinstance(value, (str, int, float, uuid.UUID)):
        text = str(value)
        word = text.strip().lower()  # rapiq trims before it coerces (parameter/filters/utils/value.ts)
        if kind == "str" and word in _COERCED_WORDS:
            raise NotSupportedError(
                f"{field.label}: the Hub reads the string {text!r} as {word} in every filter dialect, "
                "so it cannot be matched as text"
            )
        return text
    raise QueryValueError(f"{field.label}: cannot filter by a value of type {type(value).__name__}")


def _bracket_safe(text: str) -> bool:
    return bool(text) and "," not in text and not text.startswith(_OPERATOR_START) and not text.endswith("~")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- one condition ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    field: ResolvedField
    lookup: str
    values: tuple[str | None, ...]  # None stands for null


def _compile_condition(model: type[Record], condition: Condition) -> _Compiled:
    field = resolve_field(model, condition.path, "filter")
    lookup, value = condition.lookup, condition.value
    if lookup == "isnull":
        if not isinstance(value, bool):
            raise QueryValueError(f"{field.label}__isnull expects True or False, got {value!r}")
        return _Compiled(field, "isnull", (None,) if value else ())
    if lookup == "in":
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise QueryValueError(f"{field.label}__in expects a list of values, got {value!r}")
        items = tuple(None if v is None else _format(field, v) for v in value)
        if not items:
            raise EmptyResultSet
        return _Compiled(field, "in", items)
    if value is None:
        if lookup in ("exact", "ne"):
            return _Compiled(field, "isnull" if lookup == "exact" else "notnull", (None,))
        raise QueryValueError(f"{field.label}__{lookup} cannot compare with None; use {field.label}__isnull")
    if lookup in STRING_LOOKUPS and not isinstance(value, str):
        raise QueryValueError(f"{field.label}__{lookup} expects a string, got {value!r}")
    text = _format(field, value)
    if lookup in STRING_LOOKUPS and not text:
        raise QueryValueError(
            f"{field.label}__{lookup} with an empty string matches everything; leave it out"
        )
    return _Compiled(field, lookup, (text,))


_BRACKET_TEMPLATES = {
    "exact": "{}",
    "contains": "~{}~",
    "startswith": "{}~",
    "endswith": "~{}",
    "lt": "<{}",
    "lte": "<={}",
    "gt": ">{}",
    "gte": ">={}",
}
_NEGATABLE_IN_BRACKETS = frozenset({"exact", "contains", "startswith", "endswith", "in"})


def _bracket(item: _Compiled, negated: bool) -> str | None:
    """The bracket-dialect value of a condition, or None when that dialect would misread it."""
    lookup = item.lookup
    if lookup == "ne":
        lookup, negated = "exact", not negated
    if lookup == "notnull":
        lookup, negated = "isnull", not negated
    if lookup == "isnull":
        if not item.values:  # isnull=False
            return "null" if negated else "!null"
        return "!null" if negated else "null"
    if any(v is None or not _bracket_safe(v) for v in item.values):
        return None
    if negated and lookup not in _NEGATABLE_IN_BRACKETS:
        return None  # the Hub discards a "!" before < <= > >=
    if lookup == "in":
        text = ",".join(v for v in item.values if v is not None)  # one element: plain equality, same meaning
    else:
        text = _BRACKET_TEMPLATES[lookup].format(item.values[0])
    return ("!" + text) if negated else text


def _expression(item: _Compiled) -> str:
    wire = item.field.wire
    lookup = item.lookup
    if lookup == "isnull":
        return f"eq({wire},'null')" if item.values else f"not(eq({wire},'null'))"
    if lookup == "notnull":
        return f"not(eq({wire},'null'))"
    if lookup == "in":
        return f"in({wire},{','.join(_quote(v) if v is not None else _quote('null') for v in item.values)})"
    value = _quote(item.values[0] or "")
    function = {
        "exact": "eq",
        "ne": "eq",
        "contains": "contains",
        "startswith": "startsWith",
        "endswith": "endsWith",
        "lt": "lt",
        "lte": "lte",
        "gt": "gt",
        "gte": "gte",
    }[lookup]
    text = f"{function}({wire},{value})"
    return f"not({text})" if lookup == "ne" else text


# -- the filter ---------------------------------------------------------------------------------------


def _flat_and(q: Q) -> list[tuple[Condition, bool]] | None:
    """The conditions of a pure AND tree (each possibly negated alone), or None if it has OR / NOT-AND."""
    out: list[tuple[Condition, bool]] = []
    if q.connector == "OR" and len(q.children) > 1:
        return None
    if q.negated:
        if len(q.children) != 1:
            return None
        child = q.children[0]
        if isinstance(child, Condition):
            return [(child, True)]
        inner = _flat_and(child)
        if inner is None or len(inner) != 1:
            return None
        return [(inner[0][0], not inner[0][1])]
    for child in q.children:
        if isinstance(child, Condition):
            out.append((child, False))
        else:
            inner = _flat_and(child)
            if inner is None:
                return None
            out.extend(inner)
    return out


def _expression_tree(model: type[Record], q: Q, includes: list[str]) -> str:
    parts: list[str] = []
    for child in q.children:
        if isinstance(child, Q):
            parts.append(_expression_tree(model, child, includes))
        else:
            item = _compile_condition(model, child)
            includes.extend(item.field.includes)
            parts.append(_expression(item))
    text = parts[0] if len(parts) == 1 else f"{'and' if q.connector == 'AND' else 'or'}({','.join(parts)})"
    return f"not({text})" if q.negated else text


def compile_filter(model: type[Record], where: Q) -> tuple[Params, tuple[str, ...]]:
    """The filter parameters of a condition tree and the includes its relation paths need.

    Raises :class:`EmptyResultSet` when nothing can match (an ``in`` with no values AND-ed in).
    """
    if not where:
        return [], ()
    flat = _flat_and(where)
    if flat is not None:
        compiled = [(_compile_condition(model, c), negated) for c, negated in flat]
        keys = [item.field.wire for item, _ in compiled]
        if len(set(keys)) == len(keys):
            bracket = [(item, _bracket(item, negated)) for item, negated in compiled]
            if all(text is not None for _, text in bracket):
                includes = tuple(i for item, _ in compiled for i in item.field.includes)
                return [(f"filter[{item.field.wire}]", str(text)) for item, text in bracket], includes
    includes_needed: list[str] = []
    try:
        text = _expression_tree(model, where, includes_needed)
    except EmptyResultSet:
        if flat is not None:  # an empty IN AND-ed in: nothing matches
            raise
        # inside OR/NOT an empty IN is a constant; keep it simple and refuse rather than guess
        raise NotSupportedError("an empty __in list inside OR or NOT cannot be sent to the Hub") from None
    return [("filter", text)], tuple(includes_needed)


# -- sort, fields, include --------------------------------------------------------------------------


def compile_sort(model: type[Record], ordering: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """``("-created_at", "name")`` → ``"-createdAt,name"`` and the includes relation sorts need."""
    if not ordering:
        return "", ()
    if len(ordering) > 1 and not model.meta.multi_sort:
        raise NotSupportedError(
            f"{model.__name__} can be sorted by one key only: authup drops a sort of several keys whole "
            f"(asked for {', '.join(ordering)})"
        )
    keys: list[str] = []
    includes: list[str] = []
    for item in ordering:
        if not isinstance(item, str) or item in ("", "-", "?") or item.startswith("?"):
            raise FieldError(f"cannot order by {item!r}: give a field name, '-' in front for descending")
        descending = item.startswith("-")
        name = item.lstrip("-+")
        field = resolve_field(model, tuple(name.replace(".", "__").split("__")), "sort")
        includes.extend(field.includes)
        keys.append(("-" if descending else "") + field.wire)
    return ",".join(keys), tuple(includes)


def compile_fields(model: type[Record], selection: FieldSelection) -> str:
    """The ``fields`` parameter: ``id,name`` (exactly these), or ``+email,-publicKey`` (adjust the default)."""
    if not selection:
        return ""

    def wire(names: Iterable[str]) -> list[str]:
        return [resolve_field(model, (name,), "fields").wire for name in names]

    if selection.only is not None:
        names = list(dict.fromkeys([*selection.only, *selection.add]))
        if "id" in schema_of(model).fields and "id" not in names:
            names.insert(0, "id")  # records without their id could not be saved, deleted or compared
        removed = set(selection.remove)
        return ",".join(wire(n for n in names if n not in removed))
    return ",".join([*("+" + w for w in wire(selection.add)), *("-" + w for w in wire(selection.remove))])


def compile_includes(model: type[Record], includes: Iterable[str]) -> tuple[str, ...]:
    """Relation names (``"registry"``, ``"user__realm"``) → wire include paths (``registry``, ``user.realm``)."""
    out: list[str] = []
    for name in includes:
        current = model
        wire_parts: list[str] = []
        for part in name.replace(".", "__").split("__"):
            schema = schema_of(current)
            relation = schema.includes.get(_lookup_name(current, part))
            if relation is None or relation.related is None:
                choices = tuple(schema.includes)
                raise FieldError(
                    f"{current.__name__} has no includable relation {part!r}: the Hub would silently ignore it."
                    f"{did_you_mean(part, choices)} Includable: {', '.join(choices) or 'none'}"
                )
            wire_parts.append(relation.wire)
            current = relation.related
        out.append(".".join(wire_parts))
    return tuple(out)


def _merge_includes(*groups: Iterable[str]) -> str:
    return ",".join(dict.fromkeys(i for group in groups for i in group))


def compile_query(
    model: type[Record], query: Query, *, limit: int | None = None, offset: int | None = None
) -> Params:
    """All parameters of a list request, in a fixed order: page, filter, sort, include, fields.

    Raises :class:`EmptyResultSet` when no request is needed.
    """
    if query.empty:
        raise EmptyResultSet
    params: Params = []
    if limit is not None:
        params.append(("page[limit]", str(limit)))
    if offset is not None:
        params.append(("page[offset]", str(offset)))
    filter_params, filter_includes = compile_filter(model, query.where)
    params.extend(filter_params)
    sort, sort_includes = compile_sort(model, query.ordering)
    if sort:
        params.append(("sort", sort))
    include = _merge_includes(compile_includes(model, query.includes), filter_includes, sort_includes)
    if include:
        params.append(("include", include))
    fields = compile_fields(model, query.fields)
    if fields:
        params.append(("fields", fields))
    return params
