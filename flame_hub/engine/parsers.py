"""How an answer becomes records: the parsers the calls carry, and the records they bind to their client.

Every parser reads the raw bytes in one pass (a pydantic ``TypeAdapter`` over the whole envelope) and
remembers, on each record, the client that fetched it (so ``save()`` goes back through it).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import httpx

from flame_hub.engine.client import ServiceClient
from flame_hub.schema.envelopes import ModelT, Page, bare_adapter, item_adapter, list_adapter
from flame_hub.schema.record import Record, RecordT, mark_parsed, schema_of

__all__ = [
    "IncludeNotReturnedWarning",
    "bare",
    "bare_or_none",
    "bind",
    "enveloped",
    "page_parser",
    "record_parser",
    "warn_missing_includes",
]


class IncludeNotReturnedWarning(UserWarning):
    """A relation asked for with ``include=`` did not come back.

    The Hub drops an include silently when the caller may not read the related type. The relation is
    then not embedded: reading the attribute asks for it by id (a resource's forward relation), which
    the Hub refuses the same way, with an error saying so.
    """


def bind(records: Sequence[Record], client: ServiceClient | None) -> None:
    """Remember the client that fetched the records (``save()``/``delete()`` go back through it)."""
    mark_parsed(records, client)


def warn_missing_includes(model: type[Record], records: Sequence[Record], includes: Sequence[str]) -> None:
    """Warn (:class:`IncludeNotReturnedWarning`) when a relation asked for did not come back."""
    if not includes or not records:
        return
    schema = schema_of(model)
    wanted = [
        name for name, info in schema.includes.items() if info.wire in {i.split(".")[0] for i in includes}
    ]
    missing = [name for name in wanted if name not in records[0].model_fields_set]
    if missing:
        warnings.warn(
            f"the Hub did not return the included relation(s) {', '.join(missing)} of {model.__name__}: it drops "
            "includes the caller may not read; reading the attribute asks for it by id, which the Hub refuses too",
            IncludeNotReturnedWarning,
            stacklevel=4,
        )


def page_parser(
    model: type[RecordT], params: Sequence[tuple[str, str]], client: ServiceClient, warn_includes: bool = True
) -> Callable[[httpx.Response], Page[RecordT]]:
    """Parser of one page of a collection: its records (bound to ``client``) and its ``meta``."""
    includes = next((v.split(",") for k, v in params if k == "include"), []) if warn_includes else []
    adapter = list_adapter(model)

    def parse(response: httpx.Response) -> Page[RecordT]:
        envelope = adapter.validate_json(response.content)
        bind(envelope.data, client)
        warn_missing_includes(model, envelope.data, includes)
        meta = envelope.meta
        return Page(envelope.data, meta.total, meta.limit, meta.offset, meta)

    return parse


def record_parser(model: type[RecordT], client: ServiceClient | None) -> Callable[[httpx.Response], RecordT]:
    """Parser of one enveloped record (create, update and command answers), bound to ``client``."""
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> RecordT:
        record = adapter.validate_json(response.content).data
        bind([record], client)
        return record

    return parse


def enveloped(
    model: type[RecordT], client: ServiceClient | None = None
) -> Callable[[httpx.Response], RecordT | None]:
    """Parser of an optional enveloped record (``{data: … | null}``)."""
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> RecordT | None:
        try:
            payload = response.json()
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.get("data") is None:
            return None
        record = adapter.validate_python(payload).data
        bind([record], client)
        return record

    return parse


def bare(model: type[ModelT]) -> Callable[[httpx.Response], ModelT]:
    """Parser of a flat (not enveloped) JSON object, such as the credentials routes answer."""
    adapter = bare_adapter(model)

    def parse(response: httpx.Response) -> ModelT:
        return adapter.validate_json(response.content)

    return parse


def bare_or_none(model: type[ModelT]) -> Callable[[httpx.Response], ModelT | None]:
    """:func:`bare`, reading a 404 as None (for calls made with ``none_on_404=True``)."""
    parse = bare(model)
    return lambda response: None if response.status_code == 404 else parse(response)
