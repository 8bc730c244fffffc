"""Masking of secrets before anything reaches a repr, a log line or an exception.

Passwords, client secrets, registry account secrets and tokens travel through this library in request
bodies, response bodies (authup echoes a user's password hash; a client's create response carries its
secret) and headers. Everything that is shown to a person passes through here first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

_SECRET_KEY = re.compile(
    r"(pass(word)?|secret|token|authorization|api[-_]?key|private[-_]?key|otp|credential)", re.IGNORECASE
)
_BEARER = re.compile(r"(bearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")


def is_secret_key(key: object) -> bool:
    """Whether a field or header name holds a secret (``password``, ``accountSecret``, ``access_token`` …)."""
    return isinstance(key, str) and bool(_SECRET_KEY.search(key))


def redact_value(value: Any) -> Any:
    """Mask every secret-named entry of a JSON-like value, recursively (returns a copy)."""
    if isinstance(value, Mapping):
        return redact_mapping(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_mapping(data: Mapping[Any, Any]) -> dict[Any, Any]:
    """Copy a mapping with the values of secret-named keys masked.

    A validation issue whose ``path`` ends in a secret key has its ``received`` value masked too, so a
    rejected password is not echoed back through an error.
    """
    out: dict[Any, Any] = {}
    path = data.get("path")
    secret_path = isinstance(path, list) and bool(path) and is_secret_key(path[-1])
    for key, value in data.items():
        secret_value = (
            is_secret_key(key) and value is not None and not isinstance(value, (bool, Mapping, list))
        )
        if secret_value or (secret_path and key in ("received", "value", "input")):
            out[key] = MASK
        else:
            out[key] = redact_value(value)
    return out


def redact_text(text: str) -> str:
    """Mask bearer tokens and JWT-shaped strings inside free text."""
    return _JWT.sub(MASK, _BEARER.sub(lambda m: m.group(1) + MASK, text))
