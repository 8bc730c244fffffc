"""The operations a resource declaration can give a client: ``find_<plural>``, ``get_<singular>`` …

Each is an :class:`~flame_hub.clients.methods.Operation`: its signature (0.5.5's argument names, defaults
derived from the resource declaration; see :mod:`flame_hub.clients.methods`) and the engine call one
invocation makes. :func:`reads` gives a resource's read and delete methods at once.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import httpx

from flame_hub._unset import UNSET
from flame_hub.clients.methods import KEYWORD, POSITIONAL, REQUIRED, Operation, default_includes
from flame_hub.clients.params import page_window, query_from_find
from flame_hub.engine.calls import (
    Call,
    create_call,
    delete_call,
    empty_call,
    list_call,
    record_id,
    retrieve_call,
    update_call,
)
from flame_hub.engine.client import USE_CLIENT_AUTH, ServiceClient
from flame_hub.engine.http import lit
from flame_hub.engine.parsers import bare, bare_or_none
from flame_hub.exceptions import NotSupportedError
from flame_hub.models.core import ClientCredentials
from flame_hub.query.compiler import EmptyResultSet
from flame_hub.schema.envelopes import ListMeta, Page
from flame_hub.schema.payload import Payload
from flame_hub.schema.record import Record, schema_of

__all__ = [
    "Arg",
    "Create",
    "Credentials",
    "Delete",
    "Find",
    "Get",
    "GetAll",
    "RotateCredentials",
    "Update",
    "reads",
]


class _Same:
    def __repr__(self) -> str:
        return "<same as the argument>"


_SAME: Any = _Same()
_DERIVED: Any = object()


class Arg:
    """One argument of a declared create/update method, where it is not simply a field of the same name.

    Args:
        name: the argument's name (flame-hub-client 0.5.5's).
        field: the field it sets, when the name differs (``Arg("node_type", "type")``); None for an
            argument that sets no field (only a ``check`` reads it).
        default: the default, when it does not follow from the declaration (see the module docstring).
        null: on create, None is sent as null instead of leaving the field out (where null means
            something, such as a global permission).
        annotation: the argument's type for the stubs, for an argument that sets no field.
    """

    def __init__(
        self,
        name: str,
        field: str | None = _SAME,
        *,
        default: Any = _DERIVED,
        null: bool = False,
        annotation: str | None = None,
    ) -> None:
        self.name = name
        self.field = name if field is _SAME else field
        self.default = default
        self.null = null
        self.annotation = annotation


_QUERY = (
    ("fields", "FieldsArg", None),
    ("include", "IncludeArg", None),
    ("meta", "bool", False),
    ("auth", "AuthArg", USE_CLIENT_AUTH),
)


def _keywords(*spec: tuple[str, str, Any]) -> list[inspect.Parameter]:
    return [inspect.Parameter(name, KEYWORD, default=default, annotation=ann) for name, ann, default in spec]


def _meta_variants(plain: str, with_meta: str) -> list[tuple[dict[str, str], str]]:
    """The two ``@overload`` forms of a read that takes ``meta``, so a caller's type follows the literal.

    ``meta=False`` answers ``plain``; ``meta=True`` answers ``with_meta`` (the records with the envelope's meta).
    """
    return [
        ({"meta": "meta: Literal[False] = ..."}, plain),
        ({"meta": "meta: Literal[True]"}, with_meta),
    ]


class Find(Operation):
    """``find_<plural>(filter=…, page=…, sort=…, fields=…, include=…, meta=…, auth=…)``: one page."""

    prefix = "find"
    plural = True

    def describe(self) -> str:
        return (
            f"One page (50 by default) of the {self.model.__name__} records matching ``filter``, sorted and "
            "paged as asked, with every includable relation unless ``include=`` narrows it."
        )

    def parameters(self) -> list[inspect.Parameter]:
        return _keywords(
            ("filter", "FilterArg", None),
            ("page", "PageArg", None),
            ("sort", "SortArg", None),
            *_QUERY,
        )

    def variants(self) -> list[tuple[dict[str, str], str]]:
        model = self.model.__name__
        return _meta_variants(f"list[{model}]", f"tuple[list[{model}], ListMeta]")

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        model, meta = self.model, bool(arguments["meta"])
        explicit = arguments["include"] is not None
        limit, offset = page_window(arguments["page"])
        query = query_from_find(
            model,
            filter=arguments["filter"],
            sort=arguments["sort"],
            fields=arguments["fields"],
            include=arguments["include"] if explicit else default_includes(model),
        )
        try:
            call = list_call(
                client,
                model,
                query,
                limit=limit,
                offset=offset,
                auth=arguments["auth"],
                warn_includes=explicit,
            )
        except EmptyResultSet:
            empty_meta = ListMeta(total=0, limit=limit, offset=offset)
            return empty_call(([], empty_meta) if meta else [])
        inner = call.parse

        def parse(response: httpx.Response) -> Any:
            page: Page[Record] = inner(response)
            return (page.items, page.meta) if meta else page.items

        return dataclasses.replace(call, parse=parse)


class GetAll(Find):
    """``get_<plural>(…)``: the first page (50 records), as 0.5.5 has it; it takes ``find``'s arguments too."""

    prefix = "get"

    def describe(self) -> str:
        return (
            f"The first page (50) of {self.model.__name__} records, with every includable relation; it takes "
            f"the arguments of ``find_{self.model.meta.plural}`` too."
        )


class Get(Operation):
    """``get_<singular>(<singular>_id, fields=…, include=…, meta=…, auth=…)``: the record, None on 404."""

    prefix = "get"

    def describe(self) -> str:
        return (
            f"One {self.model.__name__} by id (or name where the Hub allows it); None when it does not exist."
        )

    def parameters(self) -> list[inspect.Parameter]:
        return [inspect.Parameter(self.id_arg, POSITIONAL, annotation="IdLike"), *_keywords(*_QUERY)]

    def variants(self) -> list[tuple[dict[str, str], str]]:
        model = self.model.__name__
        return _meta_variants(f"{model} | None", f"tuple[{model}, SingleResourceMeta] | None")

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        model, include = self.model, arguments["include"]
        explicit = include is not None
        if not explicit:
            # authup ignores include on the record routes of most resources; 0.5.5 sent it anyway
            include = default_includes(model) if model.meta.record_query else ()
        query = query_from_find(model, fields=arguments["fields"], include=include)
        return retrieve_call(
            client,
            model,
            arguments[self.id_arg],
            fields=query.fields or None,
            includes=query.includes,
            auth=arguments["auth"],
            warn_includes=explicit,
            with_meta=arguments["meta"],
        )


class Delete(Operation):
    """``delete_<singular>(<singular>_id, auth=…)``: returns None, as 0.5.5 does."""

    prefix = "delete"

    def describe(self) -> str:
        return f"Delete one {self.model.__name__} by id."

    def parameters(self) -> list[inspect.Parameter]:
        return [
            inspect.Parameter(self.id_arg, POSITIONAL, annotation="IdLike"),
            *_keywords(("auth", "AuthArg", USE_CLIENT_AUTH)),
        ]

    def variants(self) -> list[tuple[dict[str, str], str]]:
        return [({}, "None")]

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        call = delete_call(client, self.model, arguments[self.id_arg], auth=arguments["auth"])
        return dataclasses.replace(call, parse=lambda _r: None)


class _Write(Operation):
    """What create and update share: arguments mapped to fields, and the fields 0.5.5 did not name."""

    operation: ClassVar[Literal["create", "update"]]

    def __init__(
        self,
        model: type[Record],
        *args: str | Arg,
        check: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(model)
        self.args = [arg if isinstance(arg, Arg) else Arg(arg) for arg in args]
        self.check = check
        writable = schema_of(model).writable(self.operation)
        named = {arg.field for arg in self.args}
        self.additions = [name for name in writable if name not in named]

    def _default(self, arg: Arg) -> Any:
        if arg.default is not _DERIVED:
            return arg.default
        if self.operation == "update":
            return UNSET
        if arg.field is not None and arg.field in schema_of(self.model).required:
            return REQUIRED
        return None

    def parameters(self) -> list[inspect.Parameter]:
        leading = (
            [inspect.Parameter(self.id_arg, POSITIONAL, annotation="IdLike")]
            if self.operation == "update"
            else []
        )
        named = []
        for arg in self.args:
            default = self._default(arg)
            annotation = arg.annotation or self._type_text(arg.field)
            if default is UNSET:
                annotation += " | Unset | None"
            elif default is None and "None" not in annotation.split(" | "):
                annotation += " | None"
            named.append(inspect.Parameter(arg.name, POSITIONAL, default=default, annotation=annotation))
        extra = [
            inspect.Parameter(
                name, KEYWORD, default=UNSET, annotation=f"{self._type_text(name)} | Unset | None"
            )
            for name in self.additions
        ]
        return [*leading, *named, *extra, *_keywords(("auth", "AuthArg", USE_CLIENT_AUTH))]

    def variants(self) -> list[tuple[dict[str, str], str]]:
        return [({}, self.model.__name__)]

    def _data(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        if self.check is not None:
            self.check(arguments)
        data: dict[str, Any] = {}
        for arg in self.args:
            value = arguments[arg.name]
            if arg.field is None or value is UNSET:
                continue
            if value is None and self.operation == "create" and not arg.null:
                continue  # "not given": the Hub's default applies
            data[arg.field] = value
        for name in self.additions:
            if arguments[name] is not UNSET:
                data[name] = arguments[name]
        return data


class Create(_Write):
    """``create_<singular>(…)``: POST the given fields; answers the created record."""

    prefix = "create"
    operation = "create"

    def __init__(
        self,
        model: type[Record],
        *args: str | Arg,
        check: Callable[[Mapping[str, Any]], None] | None = None,
        expected: tuple[int, ...] = (201,),
    ) -> None:
        super().__init__(model, *args, check=check)
        self.expected = expected

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        data = self._data(arguments)
        return create_call(client, self.model, data, auth=arguments["auth"], expected=self.expected)

    def describe(self) -> str:
        return (
            f"Create a {self.model.__name__}. Arguments left at None are not sent (the Hub's default applies); "
            "the keyword-only ones set fields flame-hub-client 0.5.5 did not offer."
        )


class Update(_Write):
    """``update_<singular>(<singular>_id, …)``: POST only the given fields (None sends null)."""

    prefix = "update"
    operation = "update"

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        data = self._data(arguments)
        return update_call(client, self.model, arguments[self.id_arg], data, auth=arguments["auth"])

    def describe(self) -> str:
        return (
            f"Change only the given fields of a {self.model.__name__} (None clears one); answers the updated "
            "record. A field the Hub does not let change raises FieldError instead of being dropped."
        )


def reads(model: type[Record]) -> list[Operation]:
    """``get_<plural>``, ``find_<plural>``, ``get_<singular>`` and ``delete_<singular>``, as far as the
    resource has the routes."""
    operations = model.meta.operations
    found: list[Operation] = []
    if "list" in operations:
        found += [GetAll(model), Find(model)]
    if "get" in operations:
        found.append(Get(model))
    if "delete" in operations:
        found.append(Delete(model))
    return found


# -- the credentials routes of nodes and analyses: bare objects below a record ---------------------


def _credentials_url(client: ServiceClient, model: type[Record], ident: object, tail: str) -> httpx.URL:
    return client.url(lit(model.meta.path), record_id(model, ident), lit(tail))


class Credentials(Operation):
    """``get_<singular>_<route>(<singular>_id, *, fields=…, meta=…, auth=…)``: a record's credentials route.

    The route (``client/credentials``, ``registry/credentials``) answers a bare object (no envelope, no
    meta, no field selection), or 404 where there is no record: None.
    """

    prefix = "get"

    def __init__(self, model: type[Record], route: str, answer: type[Payload], doc: str) -> None:
        super().__init__(model)
        self.route, self.answer, self.doc = route, answer, doc
        self.name = f"{self.name}_{route.replace('/', '_')}"
        self.imports[answer.__name__] = answer.__module__

    def describe(self) -> str:
        return self.doc

    def parameters(self) -> list[inspect.Parameter]:
        return [
            inspect.Parameter(self.id_arg, POSITIONAL, annotation="IdLike"),
            *_keywords(
                ("fields", "FieldsArg", None), ("meta", "bool", False), ("auth", "AuthArg", USE_CLIENT_AUTH)
            ),
        ]

    def variants(self) -> list[tuple[dict[str, str], str]]:
        return [({}, f"{self.answer.__name__} | None")]

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        if arguments["meta"] or arguments["fields"] is not None:
            raise NotSupportedError(
                f"the Hub's {self.model.meta.path}/:id/{self.route} route answers a bare object: it has no "
                "meta and no field selection (leave meta and fields out)"
            )
        url = _credentials_url(client, self.model, arguments[self.id_arg], self.route)
        parse = bare_or_none(self.answer)
        return Call("GET", url, parse, none_on_404=True, auth=arguments["auth"], client=client)


class RotateCredentials(Operation):
    """``update_<singular>_client_credentials(<singular>_id, secret, name, display_name, *, auth=…)``.

    Rotates the secret of the record's authup client (to ``secret``, or a random one) and renames it;
    the answer is the client's credentials, a bare object.
    """

    prefix = "update"

    def __init__(self, model: type[Record], doc: str) -> None:
        super().__init__(model)
        self.doc = doc
        self.name = f"{self.name}_client_credentials"
        self.imports["ClientCredentials"] = ClientCredentials.__module__

    def describe(self) -> str:
        return self.doc

    def parameters(self) -> list[inspect.Parameter]:
        return [
            inspect.Parameter(self.id_arg, POSITIONAL, annotation="IdLike"),
            inspect.Parameter("secret", POSITIONAL, default=UNSET, annotation="str | Unset | None"),
            inspect.Parameter("name", POSITIONAL, default=UNSET, annotation="str | Unset"),
            inspect.Parameter("display_name", POSITIONAL, default=UNSET, annotation="str | Unset"),
            *_keywords(("auth", "AuthArg", USE_CLIENT_AUTH)),
        ]

    def variants(self) -> list[tuple[dict[str, str], str]]:
        return [({}, "ClientCredentials")]

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        # secret=None is sent as null, as 0.5.5 did: the Hub then makes a random secret (as when it is left out)
        given = {
            "secret": arguments["secret"],
            "name": arguments["name"],
            "displayName": arguments["display_name"],
        }
        body = {key: value for key, value in given.items() if value is not UNSET}
        url = _credentials_url(client, self.model, arguments[self.id_arg], "client/credentials")
        return Call("POST", url, bare(ClientCredentials), json=body, auth=arguments["auth"], client=client)
