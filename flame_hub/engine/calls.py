"""Every resource operation as a :class:`Call`: a request as plain data, and how to read its answer.

A call says what to send, how to read the answer and which client sends it; the driver runs it
(``run(call)``, or a plan yields it). The ORM's plans and the seed-style ``find_*``/``create_*``
methods build their calls here. So request building and response parsing exist once, for every
resource, and nothing resource-specific is hand-written (the declarations in ``flame_hub.models`` drive
everything).

Responses are parsed in one pass: a pydantic ``TypeAdapter`` over the whole envelope validates the raw
bytes (``validate_json``), records and all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import httpx
import pydantic

from flame_hub._driver import Plan
from flame_hub._redact import redact_text
from flame_hub.engine.client import USE_CLIENT_AUTH, AuthArg, RequestOptions, ServiceClient
from flame_hub.engine.http import lit, path_segment
from flame_hub.engine.parsers import bind, page_parser, record_parser, warn_missing_includes
from flame_hub.exceptions import (
    ConfigurationError,
    FieldError,
    InvalidIdError,
    NotSupportedError,
    QueryValueError,
    UnexpectedResponseError,
)
from flame_hub.query.compiler import compile_fields, compile_includes, compile_query
from flame_hub.query.lookups import did_you_mean
from flame_hub.query.query import FieldSelection, Query
from flame_hub.schema.envelopes import Page, SingleResourceMeta, item_adapter
from flame_hub.schema.record import Record, RecordT, schema_of

__all__ = [
    "Call",
    "command_call",
    "create_call",
    "delete_call",
    "empty_call",
    "list_call",
    "list_calls",
    "record_id",
    "retrieve_call",
    "update_call",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request to send and the function that turns its response into the result."""

    method: str
    #: Where to send it: an :class:`~flame_hub.engine.http.Address` (built with its params in one
    #: ``httpx.URL`` when sent), or any ``httpx.URL``.
    url: httpx.URL | str
    parse: Callable[[httpx.Response], T]
    params: Sequence[tuple[str, str]] | None = None
    json: Any = None
    files: Any = None
    expected: tuple[int, ...] = (200,)
    #: A 404 answer means "no such record" and parses to None (decided by the status, not the body).
    none_on_404: bool = False
    auth: AuthArg = USE_CLIENT_AUTH
    stream: bool = False
    #: Who sends it (None: nothing needs sending, the parse gives the result at once).
    client: ServiceClient | None = None

    def plan(self) -> Plan[T]:
        """The plan that sends this call and parses its answer (the driver runs it when a plan yields it).

        A success answer whose body does not match the resource (drift, a proxy's HTML page) raises
        :class:`~flame_hub.exceptions.UnexpectedResponseError` naming the request, never a bare pydantic
        or JSON error.
        """
        if self.client is None:
            return _answer(self.parse(None))  # type: ignore[arg-type]
        return self._sent(self.client)

    def _sent(self, client: ServiceClient) -> Plan[T]:
        expected = (*self.expected, 404) if self.none_on_404 else self.expected
        options: RequestOptions = {
            "params": self.params,
            "json": self.json,
            "files": self.files,
            "auth": self.auth,
            "expected": expected,
            "stream": self.stream,
        }
        response = yield from client._request_plan(self.method, self.url, options)
        try:
            return self.parse(response)
        except (pydantic.ValidationError, ValueError) as exc:
            target = f"{self.method} {redact_text(str(self.url))}"
            detail = (
                exc.errors(include_input=False)[:3] if isinstance(exc, pydantic.ValidationError) else str(exc)
            )
            raise UnexpectedResponseError(
                f"{target} answered {response.status_code} with a body flame-hub cannot read: {detail}"
            ) from exc


def _answer(result: T) -> Plan[T]:
    """A plan that sends nothing and returns ``result``."""
    return result
    yield  # pragma: no cover - makes this a generator


def empty_call(result: Any) -> Call[Any]:
    """A call that sends nothing and yields ``result`` (a query that can match nothing)."""
    return Call("", httpx.URL("about:blank"), lambda _response: result)


def _check_operation(model: type[Record], operation: str) -> None:
    if operation not in model.meta.operations:
        allowed = ", ".join(sorted(model.meta.operations))
        raise NotSupportedError(
            f"the Hub has no {operation} route for {model.__name__} (it supports: {allowed})"
        )


def record_id(model: type[Record], value: object) -> str:
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


# -- reads --------------------------------------------------------------------------------------------


def list_call(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    *,
    limit: int | None,
    offset: int | None,
    auth: AuthArg = USE_CLIENT_AUTH,
    warn_includes: bool = True,
) -> Call[Page[RecordT]]:
    """``GET /<path>`` with the compiled query; raises ``EmptyResultSet`` when no request is needed.

    ``warn_includes=False`` reads includes the Hub dropped without an :class:`IncludeNotReturnedWarning`
    (for the facade's default includes, which the caller did not ask for).
    """
    return list_calls(client, model, query, [(limit, offset)], auth=auth, warn_includes=warn_includes)[0]


def list_calls(
    client: ServiceClient,
    model: type[RecordT],
    query: Query,
    windows: Sequence[tuple[int | None, int | None]],
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
    warn_includes: bool = True,
) -> list[Call[Page[RecordT]]]:
    """One list call per ``(limit, offset)`` window, all from a single compilation of the query."""
    _check_operation(model, "list")
    params = compile_query(model, query)
    parse = page_parser(model, params, client, warn_includes)
    url = client._address(lit(model.meta.path))
    calls: list[Call[Page[RecordT]]] = []
    for limit, offset in windows:
        page = [
            (key, str(value))
            for key, value in (("page[limit]", limit), ("page[offset]", offset))
            if value is not None
        ]
        calls.append(Call("GET", url, parse, params=[*page, *params], auth=auth, client=client))
    return calls


def retrieve_call(
    client: ServiceClient,
    model: type[RecordT],
    ident: object,
    *,
    fields: FieldSelection | None = None,
    includes: Sequence[str] = (),
    auth: AuthArg = USE_CLIENT_AUTH,
    warn_includes: bool = True,
    with_meta: bool = False,
) -> Call[Any]:
    """``GET /<path>/<id>``: the record, or with ``with_meta`` the record and its envelope's ``meta``
    (parsed in the same pass); None when there is no such record (a 404, as flame-hub-client 0.5.5 has it)."""
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

    def parse(response: httpx.Response) -> RecordT | tuple[RecordT, SingleResourceMeta] | None:
        if response.status_code == 404:
            return None
        envelope = adapter.validate_json(response.content)
        bind([envelope.data], client)
        if warn_includes:
            warn_missing_includes(model, [envelope.data], wire_includes)
        return (envelope.data, envelope.meta) if with_meta else envelope.data

    url = client._address(lit(model.meta.path), segment)
    return Call("GET", url, parse, params=params or None, none_on_404=True, auth=auth, client=client)


def _is_name(segment: str) -> bool:
    try:
        uuid.UUID(segment)
    except ValueError:
        return True
    return False


# -- writes -------------------------------------------------------------------------------------------


def _body(
    model: type[Record], data: Mapping[str, Any], operation: Literal["create", "update"]
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
        if isinstance(value, Record):
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


def create_call(
    client: ServiceClient,
    model: type[RecordT],
    data: Mapping[str, Any],
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
    expected: tuple[int, ...] = (201,),
) -> Call[RecordT]:
    """``POST /<path>`` with the given fields (Python names); 201 with the created record."""
    _check_operation(model, "create")
    body = _body(model, data, "create")
    return Call(
        "POST",
        client._address(lit(model.meta.path)),
        record_parser(model, client),
        json=body,
        expected=expected,
        auth=auth,
        client=client,
    )


def update_call(
    client: ServiceClient,
    model: type[RecordT],
    ident: object,
    data: Mapping[str, Any],
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
) -> Call[RecordT]:
    """``POST /<path>/<id>`` with only the given fields (None sends null); 202 with the updated record."""
    _check_operation(model, "update")
    body = _body(model, data, "update")
    url = client._address(lit(model.meta.path), record_id(model, ident))
    return Call(
        "POST", url, record_parser(model, client), json=body, expected=(202,), auth=auth, client=client
    )


def delete_call(
    client: ServiceClient,
    model: type[RecordT],
    ident: object,
    *,
    auth: AuthArg = USE_CLIENT_AUTH,
) -> Call[RecordT | None]:
    """``DELETE /<path>/<id>``; 202 with the deleted record (None if the Hub sent no record)."""
    _check_operation(model, "delete")
    segment = path_segment(ident, what=f"{model.__name__} id")
    try:
        segment = str(uuid.UUID(segment))
    except ValueError:
        raise InvalidIdError(f"deleting a {model.__name__} needs its UUID, got {segment!r}") from None
    adapter = item_adapter(model)

    def parse(response: httpx.Response) -> RecordT | None:
        if not response.content or response.content.strip() in (b"", b"null"):
            return None
        try:
            return adapter.validate_json(response.content).data
        except ValueError:
            return None

    url = client._address(lit(model.meta.path), segment)
    return Call("DELETE", url, parse, expected=(200, 202, 204), auth=auth, client=client)


def command_call(
    client: ServiceClient,
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
    return Call("POST", url, parse, json=dict(body), expected=expected, auth=auth, client=client)
