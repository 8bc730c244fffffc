"""The plain data of a query: conditions (``Q`` trees), ordering, slice, field selection, includes.

Nothing here knows about HTTP; the compiler turns a :class:`Query` into the Hub's parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from flame_hub.exceptions import NotSupportedError
from flame_hub.query.lookups import Condition, split_lookup

__all__ = ["FieldSelection", "Q", "Query"]


class Q:
    """A condition tree, as in Django: ``Q(name__like="x") | ~Q(hidden=True)``.

    Keyword arguments of one ``Q`` are AND-ed (in sorted key order, so equal queries compile equally).
    """

    AND: Literal["AND"] = "AND"
    OR: Literal["OR"] = "OR"

    __slots__ = ("children", "connector", "negated")

    def __init__(
        self,
        *args: Q | Condition,
        _connector: Literal["AND", "OR"] = "AND",
        _negated: bool = False,
        **lookups: Any,
    ) -> None:
        children: list[Q | Condition] = list(args)
        for key in sorted(lookups):
            path, lookup = split_lookup(key)
            children.append(Condition(path, lookup, lookups[key]))
        self.children: tuple[Q | Condition, ...] = tuple(children)
        self.connector: Literal["AND", "OR"] = _connector
        self.negated = _negated

    def _combine(self, other: object, connector: Literal["AND", "OR"]) -> Q:
        if not isinstance(other, Q):
            raise TypeError(f"can only combine Q with Q, not {type(other).__name__}")
        if not other.children:
            return self
        if not self.children:
            return other
        return Q(self, other, _connector=connector)

    def __and__(self, other: object) -> Q:
        return self._combine(other, "AND")

    def __or__(self, other: object) -> Q:
        return self._combine(other, "OR")

    def __invert__(self) -> Q:
        return Q(*self.children, _connector=self.connector, _negated=not self.negated)

    def __bool__(self) -> bool:
        return bool(self.children)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Q) and (self.children, self.connector, self.negated) == (
            other.children,
            other.connector,
            other.negated,
        )

    def __hash__(self) -> int:
        return hash((self.children, self.connector, self.negated))

    def __repr__(self) -> str:
        inner = f" {self.connector} ".join(repr(c) for c in self.children)
        return f"{'NOT ' if self.negated else ''}({inner})"

    def conditions(self) -> Iterator[Condition]:
        """Every condition in the tree (for key validation)."""
        for child in self.children:
            if isinstance(child, Q):
                yield from child.conditions()
            else:
                yield child


@dataclass(frozen=True)
class FieldSelection:
    """Which columns to ask for: the default projection, or exactly ``only``; plus ``add``/``remove``."""

    only: tuple[str, ...] | None = None
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.only is not None or bool(self.add) or bool(self.remove)


@dataclass(frozen=True)
class Query:
    """Everything a QuerySet or a ``find_*`` call asks for, as plain data."""

    where: Q = field(default_factory=Q)
    ordering: tuple[str, ...] = ()
    low: int = 0
    high: int | None = None
    fields: FieldSelection = field(default_factory=FieldSelection)
    includes: tuple[str, ...] = ()
    #: ``none()``: the result is empty without asking the Hub.
    empty: bool = False

    def filter(self, q: Q) -> Query:
        """This query narrowed by ``q`` (AND-ed with what it has): a new query, as queries are immutable."""
        return replace(self, where=self.where & q if self.where else q)

    def sliced(self, low: int, high: int | None) -> Query:
        """Apply a slice relative to the current one (as Django's ``set_limits``)."""
        if low < 0 or (high is not None and high < 0):
            raise NotSupportedError("negative indexing is not supported (the Hub pages forwards only)")
        new_low = self.low + low
        new_high = self.low + high if high is not None else self.high
        if self.high is not None and new_high is not None:
            new_high = min(new_high, self.high)
        if new_high is not None and new_high < new_low:
            new_high = new_low
        return replace(self, low=new_low, high=new_high)

    @property
    def is_sliced(self) -> bool:
        """Whether a slice was taken: Django's rule then forbids filtering or ordering further."""
        return self.low != 0 or self.high is not None
