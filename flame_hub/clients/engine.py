"""The generic engine: every resource operation as an IO-free :class:`Call`.

A call says what to send and how to read the answer. The sync clients run it with ``httpx.Client``,
the async clients with ``httpx.AsyncClient``; the ORM layer and the seed-style ``find_*``/``create_*``
methods build their calls here. So request building and response parsing exist once, for every
resource, and nothing resource-specific is hand-written (the declarations in ``flame_hub.models`` drive
everything).

Responses are parsed in one pass: a pydantic ``TypeAdapter`` over the whole envelope validates the raw
bytes (``validate_json``), records and all.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import httpx

from flame_hub.clients.base import USE_CLIENT_AUTH, AuthArg, ServiceCore, lit, path_segment
from flame_hub.exceptions import (
    ConfigurationError,
    FieldError,
    InvalidIdError,
    NotSupportedError,
    QueryValueError,
)
from flame_hub.models.base import (
    ModelT,
    Page,
    Resource,
    ResourceT,
    SingleResourceMeta,
    bare_adapter,
    item_adapter,
    list_adapter,
    mark_loaded,
    schema_of,
)
from flame_hub.query.compiler import compile_fields, compile_includes, compile_query
from flame_hub.query.lookups import did_you_mean
from flame_hub.query.query import FieldSelection, Query

__all__ = [
    "Call",
    "IncludeNotReturnedWarning",
    "bare",
    "bare_or_none",
    "bind",
    "command_call",
    "create_call",
    "delete_call",
    "list_call",
    "list_calls",
    "record_id",
    "record_parser",
    "retrieve_call",
    "retrieve_with_meta_call",
    "update_call",
]

T = TypeVar("T")


class IncludeNotReturnedWarning(UserWarning):
    """A relation asked for with ``include=`` did not come back.

    The Hub drops an include silently when the caller may not read the related type; the relation
    attribute is then None although the record may have one.
    """


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request to send and the function that turns its response into the result."""

    method: str
    url: httpx.URL
    parse: Callable[[httpx.Response], T]
    params: Sequence[tuple[str, str]] | None = None
    json: Any = None
    files: Any = None
    expected: tuple[int, ...] = (200,)
    #: A 404 answer means "no such record" and parses to None (decided by the status, not the body).
    none_on_404: bool = False
    auth: AuthArg = USE_CLIENT_AUTH
    stream: bool = False


def bind(records: Sequence[Resource], client: object) -> None:
    """Remember the client that fetched the records (``save()``/``delete()`` go back through it)."""
    for record in records:
        mark_loaded(record, client)


def _check_operation(model: type[Resource], operation: str) -> None:
    if operation not in model.meta.operations:
        allowed = ", ".join(sorted(model.meta.operations))
        raise NotSupportedError(
            f"the Hub has no {operation} route for {model.__name__} (it supports: {allowed})"
        )


def record_id(model: type[Resource], value: object) -> str:
    """The path segment addressing one record: a UUID, or a name where the resource allows names."""
    segment = path_segment(value, what=f"{model.__name__} id")
    if model.meta.by_name:
        return segment
    try:
        return str(uuid.UUID(segment))
    except ValueError:
        raise InvalidIdError(
            f"{model.__name__} records are addressed by UUID only, got {segment!r} "
            f"(look it up by name with a filter instead)"
        ) from None


def _warn_missing_includes(
    model: type[Resource], records: Sequence[Resource], includes: Sequence[str]
) -> None:
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
            "includes the caller may not read; the attribute stays None",
            IncludeNotReturnedWarning,
            stacklevel=4,
        )


# -- reads --------------------------------------------------------------------------------------------


def list_call(
    core: ServiceCore,
    model: type[ResourceT],
    query: Query,
    *,
    limit: int | None,
    offset: int | None,
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
    warn_includes: bool = True,
) -> Call[Page[ResourceT]]:
    """``GET /<path>`` with the compiled query; raises ``EmptyResultSet`` when no request is needed.

    ``warn_includes=False`` reads includes the Hub dropped without an :class:`IncludeNotReturnedWarning`
    (for the facade's default includes, which the caller did not ask for).
    """
    if limit is None and offset is None:
        _check_operation(model, "list")
        params = compile_query(model, query)
        return Call(
            "GET",
            core.url(lit(model.meta.path)),
            _page_parser(model, params, client, warn_includes),
            params=params,
            auth=auth,
        )
    return list_calls(
        core, model, query, [(limit, offset)], auth=auth, client=client, warn_includes=warn_includes
    )[0]


def list_calls(
    core: ServiceCore,
    model: type[ResourceT],
    query: Query,
    windows: Sequence[tuple[int | None, int | None]],
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
    warn_includes: bool = True,
) -> list[Call[Page[ResourceT]]]:
    """One list call per ``(limit, offset)`` window, all from a single compilation of the query."""
    _check_operation(model, "list")
    params = compile_query(model, query)
    parse = _page_parser(model, params, client, warn_includes)
    url = core.url(lit(model.meta.path))
    calls: list[Call[Page[ResourceT]]] = []
    for limit, offset in windows:
        page = [
            (key, str(value))
            for key, value in (("page[limit]", limit), ("page[offset]", offset))
            if value is not None
        ]
        calls.append(Call("GET", url, parse, params=[*page, *params], auth=auth))
    return calls


def _page_parser(
    model: type[ResourceT], params: Sequence[tuple[str, str]], client: object, warn_includes: bool = True
) -> Callable[[httpx.Response], Page[ResourceT]]:
    includes = next((v.split(",") for k, v in params if k == "include"), []) if warn_includes else []
    adapter = list_adapter(model)

    def parse(response: httpx.Response) -> Page[ResourceT]:
        envelope = adapter.validate_json(response.content)
        bind(envelope.data, client)
        _warn_missing_includes(model, envelope.data, includes)
        meta = envelope.meta
        return Page(envelope.data, meta.total, meta.limit, meta.offset, meta)

    return parse


def retrieve_call(
    core: ServiceCore,
    model: type[ResourceT],
    ident: object,
    *,
    fields: FieldSelection | None = None,
    includes: Sequence[str] = (),
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
    warn_includes: bool = True,
) -> Call[ResourceT | None]:
    """``GET /<path>/<id>``; a 404 gives None."""
    call = retrieve_with_meta_call(
        core,
        model,
        ident,
        fields=fields,
        includes=includes,
        auth=auth,
        client=client,
        warn_includes=warn_includes,
    )
    with_meta = call.parse

    def parse(response: httpx.Response) -> ResourceT | None:
        found = with_meta(response)
        return None if found is None else found[0]

    return Call(call.method, call.url, parse, params=call.params, none_on_404=True, auth=auth)


def retrieve_with_meta_call(
    core: ServiceCore,
    model: type[ResourceT],
    ident: object,
    *,
    fields: FieldSelection | None = None,
    includes: Sequence[str] = (),
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
    warn_includes: bool = True,
) -> Call[tuple[ResourceT, SingleResourceMeta] | None]:
    """:func:`retrieve_call` answering the record and its envelope's ``meta`` (parsed in the same pass);
    None when there is no such record (as flame-hub-client 0.5.5 answers ``meta=True`` on a 404)."""
    _check_operation(model, "get")
    params: list[tuple[str, str]] = []
    wire_includes = compile_includes(model, includes)
    field_text = compile_fields(model, fields) if fields else ""
    if (wire_includes or field_text) and not model.meta.record_query:
        raise NotSupportedError(
            f"authup ignores fields and include when reading one {model.__name__}; use a filtered list instead"
        )
    segment = record_id(model, ident)
    if (wire_includes or field_text) and model.meta.service == "storage" and _is_name(segment):
        raise NotSupportedError(
            f"storage looks a {model.__name__} up by name only when no query parameters are sent; "
            "pass its id to use fields or include"
        )
    if wire_includes:
        params.append(("include", ",".join(wire_includes)))
    if field_text:
        params.append(("fields", field_text))
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> tuple[ResourceT, SingleResourceMeta] | None:
        if response.status_code == 404:
            return None
        envelope = adapter.validate_json(response.content)
        bind([envelope.data], client)
        if warn_includes:
            _warn_missing_includes(model, [envelope.data], wire_includes)
        return envelope.data, envelope.meta

    url = core.url(lit(model.meta.path), segment)
    return Call("GET", url, parse, params=params or None, none_on_404=True, auth=auth)


def _is_name(segment: str) -> bool:
    try:
        uuid.UUID(segment)
    except ValueError:
        return True
    return False


# -- writes -------------------------------------------------------------------------------------------


def _body(
    model: type[Resource], data: Mapping[str, Any], operation: Literal["create", "update"]
) -> dict[str, Any]:
    """Check the keys against the declaration and serialise the values to the wire form."""
    schema = schema_of(model)
    allowed = schema.writable(operation)
    for key in data:
        if key not in allowed:
            reason = "is read-only" if key in schema.fields else "is not a field"
            raise FieldError(
                f"{model.__name__}.{key} {reason} and cannot be sent on {operation}.{did_you_mean(key, allowed)} "
                f"Writable on {operation}: {', '.join(allowed)}"
            )
    if operation == "create":
        missing = [name for name in schema.required if data.get(name) is None]
        if missing:
            raise QueryValueError(f"{model.__name__} needs {', '.join(missing)} to be created")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Resource):
            value = getattr(value, "id", None)
            if value is None:
                raise QueryValueError(f"{model.__name__}.{key}: the record given has no id (was it saved?)")
        values[key] = value
    try:
        record = model.model_validate(values)
    except Exception as exc:  # pydantic's ValidationError, reworded with the model and keys
        raise QueryValueError(f"invalid value for {model.__name__}: {exc}") from exc
    # Every given top-level key was set, so it is sent (None as null); nested payloads send only what
    # was given for them (an unset MasterImageCommandArgument.position is left out, not sent as null).
    return record.wire_dump(include=set(values), exclude_unset=True)


def record_parser(model: type[ResourceT], client: object) -> Callable[[httpx.Response], ResourceT]:
    """Parser of one enveloped record (create, update and command answers), bound to ``client``."""
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> ResourceT:
        record = adapter.validate_json(response.content).data
        bind([record], client)
        return record

    return parse


def create_call(
    core: ServiceCore,
    model: type[ResourceT],
    data: Mapping[str, Any],
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
    expected: tuple[int, ...] = (201,),
) -> Call[ResourceT]:
    """``POST /<path>`` with the given fields (Python names); 201 with the created record."""
    _check_operation(model, "create")
    body = _body(model, data, "create")
    return Call(
        "POST",
        core.url(lit(model.meta.path)),
        record_parser(model, client),
        json=body,
        expected=expected,
        auth=auth,
    )


def update_call(
    core: ServiceCore,
    model: type[ResourceT],
    ident: object,
    data: Mapping[str, Any],
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
) -> Call[ResourceT]:
    """``POST /<path>/<id>`` with only the given fields (None sends null); 202 with the updated record."""
    _check_operation(model, "update")
    body = _body(model, data, "update")
    url = core.url(lit(model.meta.path), record_id(model, ident))
    return Call("POST", url, record_parser(model, client), json=body, expected=(202,), auth=auth)


def delete_call(
    core: ServiceCore,
    model: type[ResourceT],
    ident: object,
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
    client: object = None,
) -> Call[ResourceT | None]:
    """``DELETE /<path>/<id>``; 202 with the deleted record (None if the Hub sent no record)."""
    _check_operation(model, "delete")
    segment = path_segment(ident, what=f"{model.__name__} id")
    try:
        segment = str(uuid.UUID(segment))
    except ValueError:
        raise InvalidIdError(f"deleting a {model.__name__} needs its UUID, got {segment!r}") from None
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> ResourceT | None:
        if not response.content or response.content.strip() in (b"", b"null"):
            return None
        try:
            return adapter.validate_json(response.content).data
        except ValueError:
            return None

    return Call("DELETE", core.url(lit(model.meta.path), segment), parse, expected=(200, 202, 204), auth=auth)


def command_call(
    core: ServiceCore,
    url: httpx.URL,
    body: Mapping[str, Any],
    parse: Callable[[httpx.Response], T],
    *,
    expected: tuple[int, ...] = (202,),
    auth: AuthArg = USE_CLIENT_AUTH,
) -> Call[T]:
    """A command route (``POST …/command``) answering with ``parse``'s result."""
    if not body.get("command"):
        raise ConfigurationError("a command needs a non-empty 'command'")
    return Call("POST", url, parse, json=dict(body), expected=expected, auth=auth)


def enveloped(model: type[ResourceT], client: object = None) -> Callable[[httpx.Response], ResourceT | None]:
    """Parser of an optional enveloped record (``{data: … | null}``)."""
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> ResourceT | None:
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
