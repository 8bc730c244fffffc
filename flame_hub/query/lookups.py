"""Lookups: ``field__lookup=value`` keywords and the conditions they stand for.

Names follow Django. The Hub compares strings case-insensitively, so ``exact`` is case-insensitive
there and the ``i``-variants (``iexact``, ``icontains`` …) are accepted as synonyms. ``like`` is
``contains`` (the Hub escapes ``%``/``_``, so there are no wildcards to give it another meaning).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flame_hub.exceptions import FieldError

__all__ = ["LOOKUPS", "Condition", "did_you_mean", "split_lookup"]

#: Canonical lookup names and their synonyms.
LOOKUPS: dict[str, str] = {
    "exact": "exact",
    "iexact": "exact",
    "ne": "ne",
    "contains": "contains",
    "icontains": "contains",
    "like": "contains",
    "startswith": "startswith",
    "istartswith": "startswith",
    "endswith": "endswith",
    "iendswith": "endswith",
    "in": "in",
    "lt": "lt",
    "lte": "lte",
    "gt": "gt",
    "gte": "gte",
    "isnull": "isnull",
}

#: Lookups whose value must be a string.
STRING_LOOKUPS = frozenset({"contains", "startswith", "endswith"})


@dataclass(frozen=True)
class Condition:
    """One condition: a field path (Python names, relation first), a canonical lookup and a value."""

    path: tuple[str, ...]
    lookup: str
    value: Any


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def split_lookup(key: str) -> tuple[tuple[str, ...], str]:
    """``"project__name__startswith"`` → ``(("project", "name"), "startswith")``.

    The last part is a lookup only when it names one; otherwise the lookup is ``exact``.
    """
    if not key or key.startswith("__") or key.endswith("__") or "___" in key:
        raise FieldError(
            f"{key!r} is not a field lookup; write field, field__lookup or relation__field__lookup"
        )
    parts = tuple(key.split("__"))
    if len(parts) > 1 and parts[-1] in LOOKUPS:
        return parts[:-1], LOOKUPS[parts[-1]]
    return parts, "exact"


def check_lookup(name: str) -> str:
    """The canonical name of a lookup, or a FieldError listing the lookups there are."""
    try:
        return LOOKUPS[name]
    except KeyError:
        raise FieldError(
            f"unknown lookup {name!r}.{did_you_mean(name, LOOKUPS)} Lookups: {', '.join(sorted(LOOKUPS))}"
        ) from None
