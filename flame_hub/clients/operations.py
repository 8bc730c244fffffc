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
    retrieve_call,
    update_call,
)
from flame_hub.engine.client import USE_CLIENT_AUTH, ServiceClient
from flame_hub.query.compiler import EmptyResultSet
from flame_hub.schema.envelopes import ListMeta, Page
from flame_hub.schema.record import Record, schema_of

__all__ = ["Arg", "Create", "Delete", "Find", "Get", "GetAll", "Update", "reads"]


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

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        data, auth = self._data(arguments), arguments["auth"]
        if self.operation == "create":
            return create_call(
                client, self.model, data, auth=auth, expected=getattr(self, "expected", (201,))
            )
        return update_call(client, self.model, arguments[self.id_arg], data, auth=auth)


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

    def describe(self) -> str:
        return (
            f"Create a {self.model.__name__}. Arguments left at None are not sent (the Hub's default applies); "
            "the keyword-only ones set fields flame-hub-client 0.5.5 did not offer."
        )


class Update(_Write):
    """``update_<singular>(<singular>_id, …)``: POST only the given fields (None sends null)."""

    prefix = "update"
    operation = "update"

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
