"""The existing client's public types: filter operators and the page/sort/filter parameters of ``find_*``."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from typing_extensions import TypedDict

__all__ = ["DEFAULT_PAGE_PARAMS", "FilterOperator", "FilterParams", "PageParams", "SortParams"]


class FilterOperator(str, Enum):
    """Operators of the Hub's bracket filter dialect, as the existing client names them.

    Used in ``find_*(filter={"name": (FilterOperator.like, "x")})``.
    """

    eq = "="
    neq = "!"
    like = "~"
    lt = "<"
    le = "<="
    gt = ">"
    ge = ">="


class PageParams(TypedDict, total=False):
    """``page={"limit": 10, "offset": 20}``; the Hub caps ``limit`` at 50."""

    limit: int
    offset: int


class SortParams(TypedDict, total=False):
    """``sort={"by": "created_at", "order": "descending"}`` (one key; a list of these gives several)."""

    by: str
    order: Literal["ascending", "descending"]


#: ``{"name": "x"}``, ``{"name": (FilterOperator.like, "x")}``, ``{"id": [a, b]}``, ``{"registry_id": None}``.
FilterParams = dict[str, Any]

DEFAULT_PAGE_PARAMS: PageParams = {"limit": 50, "offset": 0}
