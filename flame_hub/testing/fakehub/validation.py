"""Body validation from field declarations (validup's behaviour as the reference describes it).

Only keys the declaration accepts for the operation survive (unknown, read-only and snake_case keys
are silently dropped); each surviving value is normalised, then checked for type, nullability,
length, pattern, choices and the field's own ``check``. All violations are collected and answered
together as 400 ``bad_request`` whose issues name the keys. Unsure: validup's exact issue ``code``
strings are not in the reference; FakeHub uses ``value_invalid`` (and ``value_required`` for a
missing required key) with a message that names the rule.
"""

from __future__ import annotations

import re
from typing import Any

from .clock import is_uuid
from .errors import issue, rejected
from .schema import Field, Resource

_TYPE_NAMES = {
    "string": "a string",
    "uuid": "a UUID",
    "bool": "a boolean",
    "int": "an integer",
    "number": "a number",
    "date": "a date string",
    "json": "a JSON value",
}


def _type_ok(spec: Field, value: Any) -> bool:
    kind = spec.type
    if kind in ("string", "date"):
        return isinstance(value, str)
    if kind == "uuid":
        return is_uuid(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


def check_value(spec: Field, value: Any) -> str | None:
    """Why ``value`` is not acceptable for ``spec`` (``None`` when it is)."""
    if value is None:
        return None if spec.nullable else f"The {spec.name} must not be null."
    if not _type_ok(spec, value):
        return f"The {spec.name} must be {_TYPE_NAMES[spec.type]}."
    if isinstance(value, str):
        if spec.min_length is not None and len(value) < spec.min_length:
            return f"The {spec.name} must be at least {spec.min_length} characters long."
        if spec.max_length is not None and len(value) > spec.max_length:
            return f"The {spec.name} must be at most {spec.max_length} characters long."
        if spec.pattern is not None and not re.match(spec.pattern, value):
            return f"The {spec.name} has an invalid format."
    if spec.choices is not None and value not in spec.choices:
        options = ", ".join(str(c) for c in spec.choices)
        return f"The {spec.name} must be one of: {options}."
    if spec.check is not None:
        return spec.check(value)
    return None


def validate_body(resource: Resource, body: dict[str, Any], op: str) -> dict[str, Any]:
    """The accepted, normalised keys of ``body`` for ``op`` (``"create"`` or ``"update"``)."""
    accepted: dict[str, Any] = {}
    issues: list[dict[str, Any]] = []
    for spec in resource.accepted(op):
        if spec.name not in body:
            if op == "create" and spec.required:
                issues.append(
                    issue(
                        "value_required",
                        [spec.name],
                        f"The {spec.name} is required.",
                    )
                )
            continue
        value = body[spec.name]
        if spec.normalize is not None:
            value = spec.normalize(value)
        problem = check_value(spec, value)
        if problem is not None:
            issues.append(issue("value_invalid", [spec.name], problem, received=_safe(spec, value)))
            continue
        accepted[spec.name] = value
    if issues:
        raise rejected(issues)
    return accepted


def _safe(spec: Field, value: Any) -> Any:
    """The ``received`` of an issue; never echo secrets (passwords, client secrets)."""
    if not spec.selected or not spec.selectable:
        return "***"
    return value
