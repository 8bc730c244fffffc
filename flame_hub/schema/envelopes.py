"""The envelopes the Hub wraps records in, and their one-pass parsers.

Every Hub service answers a collection as ``{"data": [...], "meta": {"total", "limit", "offset"}}`` and
one record as ``{"data": {...}, "meta": {...}}``. A pydantic ``TypeAdapter`` over the whole envelope
validates the raw bytes in one pass, records and all; one is built per (shape, model) and kept, since
building one costs far more than a parse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from flame_hub.schema.record import RecordT

__all__ = [
    "MAX_PAGE_LIMIT",
    "ItemEnvelope",
    "ListEnvelope",
    "ListMeta",
    "Page",
    "SingleResourceMeta",
    "bare_adapter",
    "item_adapter",
    "list_adapter",
]

#: The Hub's page cap: no collection of core, storage or authup answers more than 50 records at once.
MAX_PAGE_LIMIT = 50


class ListMeta(BaseModel):
    """``meta`` of a collection: the total before paging and the page that was applied."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    total: int | None = None
    limit: int | None = None
    offset: int | None = None
    # ``schema`` would shadow BaseModel.schema(); the name is flame-hub-client 0.5.5's.
    response_schema: dict[str, Any] | None = Field(default=None, alias="schema")


class SingleResourceMeta(BaseModel):
    """``meta`` of a single record's envelope (``get_<x>(id, meta=True)``): the resource's schema."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    response_schema: dict[str, Any] | None = Field(default=None, alias="schema")


class ListEnvelope(BaseModel, Generic[RecordT]):
    """``{"data": [...], "meta": {...}}`` of a collection."""

    data: list[RecordT]
    meta: ListMeta = Field(default_factory=ListMeta)


class ItemEnvelope(BaseModel, Generic[RecordT]):
    """``{"data": {...}, "meta": {...}}`` of a single record (every Hub service envelopes records)."""

    data: RecordT
    meta: SingleResourceMeta = Field(default_factory=SingleResourceMeta)


@dataclass
class Page(Generic[RecordT]):
    """One page of a collection with its ``meta`` (``total`` is the count before paging)."""

    items: list[RecordT]
    total: int | None
    limit: int | None
    offset: int | None
    meta: ListMeta

    def __iter__(self) -> Iterator[RecordT]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


_ADAPTERS: dict[tuple[str, type[Any]], TypeAdapter[Any]] = {}

ModelT = TypeVar("ModelT", bound=BaseModel)


def _adapter(kind: str, model: type[Any], shape: Callable[[], Any]) -> TypeAdapter[Any]:
    """The parser of ``shape()``, built once per (kind, model): building one costs far more than a parse
    (and so does the generic ``ListEnvelope[model]`` itself, hence the factory)."""
    key = (kind, model)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        adapter = _ADAPTERS[key] = TypeAdapter(shape())
    return adapter


def list_adapter(model: type[RecordT]) -> TypeAdapter[ListEnvelope[RecordT]]:
    """The one-pass parser of a collection of ``model``."""
    return _adapter("list", model, lambda: ListEnvelope[model])  # type: ignore[valid-type]


def item_adapter(model: type[RecordT]) -> TypeAdapter[ItemEnvelope[RecordT]]:
    """The one-pass parser of one enveloped ``model`` record."""
    return _adapter("item", model, lambda: ItemEnvelope[model])  # type: ignore[valid-type]


def bare_adapter(model: type[ModelT]) -> TypeAdapter[ModelT]:
    """Parser of a record that comes without an envelope (credentials routes)."""
    return _adapter("bare", model, lambda: model)
