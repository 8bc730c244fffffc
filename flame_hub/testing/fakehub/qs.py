"""Query-string parsing the way the Hub's ``qs.parse`` does it (core-and-storage.md §1.3).

``page[limit]=5`` nests into ``{"page": {"limit": "5"}}``, a repeated key becomes a list, ``a[]=x``
appends, ``+`` decodes to a space before percent-decoding (so a literal ``+`` must be sent as
``%2B``). Prototype-polluting keys are *kept* so that the query engine can refuse them with 400, as
the Hub does (qs itself would drop them; the Hub's decode guard answers 400 instead).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
#: qs's default nesting depth; deeper brackets stay part of the last key.
_MAX_DEPTH = 5


def _decode(text: str) -> str:
    return unquote(text.replace("+", " "), errors="replace")


def _split_key(key: str) -> list[str]:
    """``a[b][c]`` -> ``["a", "b", "c"]``; ``a[]`` -> ``["a", ""]``."""
    first = key.find("[")
    if first <= 0:
        return [key]
    parts = [key[:first]]
    rest = key[first:]
    pos = 0
    while len(parts) <= _MAX_DEPTH:
        match = _SEGMENT.match(rest, pos)
        if match is None:
            break
        parts.append(match.group(1))
        pos = match.end()
    if pos < len(rest):
        parts.append(rest[pos:])
    return parts


def _assign(target: dict[str, Any], path: list[str], value: str) -> None:
    head, tail = path[0], path[1:]
    if not tail:
        existing = target.get(head)
        if existing is None:
            target[head] = value
        elif isinstance(existing, list):
            existing.append(value)
        elif isinstance(existing, str):
            target[head] = [existing, value]
        # a dict already nested under this key wins over a bare value (qs merges similarly)
        return
    if tail == [""]:
        existing = target.get(head)
        if isinstance(existing, list):
            existing.append(value)
        elif isinstance(existing, str):
            target[head] = [existing, value]
        elif existing is None:
            target[head] = [value]
        return
    child = target.get(head)
    if not isinstance(child, dict):
        child = {} if child is None else {"": child}
        target[head] = child
    _assign(child, tail, value)


def parse_qs(query: str) -> dict[str, Any]:
    """Parse a raw (still percent-encoded) query string into nested dicts, lists and strings."""
    result: dict[str, Any] = {}
    if not query:
        return result
    for part in query.split("&"):
        if not part:
            continue
        raw_key, sep, raw_value = part.partition("=")
        key = _decode(raw_key)
        if not key:
            continue
        value = _decode(raw_value) if sep else ""
        _assign(result, _split_key(key), value)
    return result
