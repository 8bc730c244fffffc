"""The seed-style methods (``find_nodes``, ``create_node`` …), derived from the resource declarations.

Every resource's methods come from one mechanism. A client lists them, one line per method::

    declare(
        CoreMethods,
        *reads(Node),  # get_nodes, find_nodes, get_node, delete_node
        Create(Node, "name", "realm_id", "registry_id", "external_name",
               Arg("node_type", "type", default="default"), Arg("hidden", default=False)),
        Update(Node, "external_name", "hidden", Arg("node_type", "type"), "realm_id", "registry_id", "public_key"),
    )

What a line says is what flame-hub-client 0.5.5's method takes (tests/compat/surface-0.5.5.json):
its positional arguments in order, where an argument's name differs from the field it sets, and
defaults that do not follow from the declaration. Everything else is derived from the resource's
declaration (flame_hub.models):

* the method names (``find_<plural>``, ``get_<singular>`` …) and the id argument (``<singular>_id``);
* defaults: on create, a field the Hub requires is a required argument and the others default to
  None ("not given": left out of the body, unless ``Arg(..., null=True)`` says 0.5.5 sent null on
  purpose); on update, every argument defaults to ``UNSET`` ("leave as it is"; None sends null);
* the fields the Hub accepts that 0.5.5 did not name become keyword-only arguments (``UNSET``);
* the argument types (for the generated stubs) and every check (the engine refuses a value for a
  field the Hub would ignore, with a named error);
* ``get_*`` / ``find_*`` / ``get_<singular>`` include every relation the resource can include, as
  0.5.5 did: ``include=[...]`` narrows that, ``include=()`` asks for none.

Each declared method becomes a real function with that signature (``inspect.signature`` shows it and
keyword calls use 0.5.5's names). Through an async client the same declaration gives an ``async def``,
so ``inspect.iscoroutinefunction`` tells the twins apart; :func:`special` does the same for the few
hand-written methods (special routes with logic of their own). Type checkers read the signatures from
stubs generated from these declarations by ``tools/gen_async_stub.py`` (``signatures.pyi`` for the sync
clients, ``aio.pyi`` for the async ones); a test fails while they are stale.

This module is the mechanism (an :class:`Operation` becomes a sync and an async function, ``declare``
installs them); the operations themselves (``Find``, ``Get``, ``Create`` …) are in
:mod:`flame_hub.clients.operations`.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, Union, overload

from typing_extensions import Self

from flame_hub.engine.calls import Call
from flame_hub.engine.client import ServiceClient
from flame_hub.orm.manager import Manager
from flame_hub.query.query import FieldSelection
from flame_hub.schema.payload import Payload
from flame_hub.schema.record import Record, RecordT, schema_of

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "KEYWORD",
    "POSITIONAL",
    "REQUIRED",
    "ClientManager",
    "FieldsArg",
    "FilterArg",
    "IncludeArg",
    "Operation",
    "PageArg",
    "ResourceFacade",
    "SortArg",
    "declare",
    "default_includes",
    "special",
]


#: ``fields=``: names to add (``"email"``, ``"+email"``), to leave out (``"-public_key"``), or ``only(...)``.
FieldsArg = str | Sequence[str] | FieldSelection | None
#: ``include=``: relation names; None includes every relation, ``()`` none.
IncludeArg = str | Sequence[str] | None
#: ``filter=``: field name → value, ``(operator, value)`` or a list (see the query table of
#: docs/service-clients.md).
FilterArg = Mapping[str, Any] | None
#: ``page=``: ``{"limit": …, "offset": …}`` (defaults 50 and 0).
PageArg = Mapping[str, Any] | None
#: ``sort=``: ``{"by": name, "order": "ascending" | "descending"}``, ``"-name"``, or a list of them.
SortArg = Mapping[str, Any] | str | Sequence[Mapping[str, Any] | str] | None

#: A keyword-only parameter of a declared method (the arguments 0.5.5 did not have).
KEYWORD = inspect.Parameter.KEYWORD_ONLY
#: A positional-or-keyword parameter (0.5.5's positional arguments).
POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD
#: No default: the argument is required.
REQUIRED = inspect.Parameter.empty

#: Where the names the generated stubs use come from (model classes are found by their module).
STUB_IMPORTS: dict[str, str] = {
    "Any": "typing",
    "Literal": "typing",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "AuthArg": "flame_hub.engine.client",
    "FieldsArg": "flame_hub.clients.methods",
    "FilterArg": "flame_hub.clients.methods",
    "IncludeArg": "flame_hub.clients.methods",
    "PageArg": "flame_hub.clients.methods",
    "SortArg": "flame_hub.clients.methods",
    "IdLike": "flame_hub.schema.record",
    "ListMeta": "flame_hub.schema.envelopes",
    "SingleResourceMeta": "flame_hub.schema.envelopes",
    "Unset": "flame_hub._unset",
}


def default_includes(model: type[Record]) -> tuple[str, ...]:
    """What the seed-style readers include when ``include=`` is left out: every relation, as 0.5.5 did."""
    return tuple(schema_of(model).includes)


# -- how a declared method becomes a sync and an async function ---------------------------------------


def _binder(
    parameters: Sequence[inspect.Parameter],
) -> Callable[[tuple[Any, ...], dict[str, Any]], dict[str, Any] | None]:
    """Binds the arguments of a plain call (every required argument given once, no unknown keyword) to
    every parameter, defaults applied, as ``inspect.Signature.bind`` + ``apply_defaults`` would, in a
    fraction of its time (it runs for every call of a seed-style method); None for any other call."""
    empty = inspect.Parameter.empty
    if any(p.kind not in (POSITIONAL, KEYWORD) for p in parameters):
        return lambda args, kwargs: None
    positional = tuple(p.name for p in parameters if p.kind is POSITIONAL)
    names = frozenset(p.name for p in parameters)
    defaults = {p.name: p.default for p in parameters if p.default is not empty}
    count = len(parameters)

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
        if len(args) > len(positional) or not kwargs.keys() <= names:
            return None
        arguments = dict(defaults)
        if args:
            given = positional[: len(args)]
            if not kwargs.keys().isdisjoint(given):
                return None  # an argument given twice
            arguments.update(zip(given, args, strict=True))
        arguments.update(kwargs)
        return arguments if len(arguments) == count else None  # else a required argument is missing

    return bind


def _twins(
    name: str, sync: Callable[..., Any], signature: inspect.Signature, doc: str | None
) -> tuple[Any, Any]:
    """The sync function and its ``async def`` twin (which awaits what the async client's ``_run`` gives)."""

    async def asynchronous(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        return await sync(self, *args, **kwargs)

    for function in (sync, asynchronous):
        function.__name__ = name
        function.__qualname__ = name
        function.__doc__ = doc
        function.__signature__ = signature  # type: ignore[union-attr]
    return sync, asynchronous


class _TwinDescriptor:
    """Gives the sync function to sync clients and the ``async def`` twin to async ones."""

    _sync: Any
    _async: Any

    def __set_name__(self, owner: type, name: str) -> None:
        for function in (self._sync, self._async):
            function.__qualname__ = f"{owner.__qualname__}.{name}"
            function.__module__ = owner.__module__

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        cls = owner if owner is not None else type(instance)
        function = self._async if getattr(cls, "is_async", False) else self._sync
        return function if instance is None else types.MethodType(function, instance)


class _Special(_TwinDescriptor):
    def __init__(self, function: Callable[..., Any]) -> None:
        self._sync = function

        @functools.wraps(function)
        async def asynchronous(self: Any, /, *args: Any, **kwargs: Any) -> Any:
            return await function(self, *args, **kwargs)

        self._async = asynchronous


if TYPE_CHECKING:

    def special(function: F) -> F:
        """A hand-written method shared by the sync and async clients (see the runtime definition)."""
        return function

else:

    def special(function):
        """Mark a hand-written client method: sync clients run it, async clients get an ``async def`` twin.

        The method builds its call and returns ``self._run(call)``; through an async client that
        is a coroutine, which the twin awaits. Use it only where a method has logic of its own (a
        special route, a check no declaration can state); everything else is declared.
        """
        return _Special(function)


class Operation(_TwinDescriptor):
    """A declared method of one resource (base of :class:`Find`, :class:`Create` …)."""

    #: The method name is ``<prefix>_<plural>`` or ``<prefix>_<singular>``.
    prefix: ClassVar[str]
    plural: ClassVar[bool] = False

    def __init__(self, model: type[Record]) -> None:
        self.model = model
        meta = model.meta
        self.name = f"{self.prefix}_{meta.plural if self.plural else meta.singular}"
        self.id_arg = f"{meta.singular}_id"
        #: Where the names in this method's stub types come from (filled as they are written).
        self.imports: dict[str, str] = {**STUB_IMPORTS, model.__name__: model.__module__}

    # what a subclass provides

    def parameters(self) -> list[inspect.Parameter]:
        """The parameters after ``self`` (annotations are stub texts)."""
        raise NotImplementedError

    def call(self, client: ServiceClient, arguments: dict[str, Any]) -> Call[Any]:
        """The call for one invocation (``arguments``: every parameter, defaults applied)."""
        raise NotImplementedError

    def variants(self) -> list[tuple[dict[str, str], str]]:
        """The typed forms for the stubs: (annotation overrides, return annotation) per ``@overload``."""
        raise NotImplementedError

    def describe(self) -> str:
        """The method's docstring."""
        raise NotImplementedError

    # the functions

    def build(self) -> None:
        """Make the sync function and its ``async def`` twin (``declare`` calls it once)."""
        parameters = self.parameters()
        signature = inspect.Signature([inspect.Parameter("self", POSITIONAL), *parameters])
        operation, name = self, self.name
        bind = _binder(parameters)

        def method(client: Any, /, *args: Any, **kwargs: Any) -> Any:
            arguments = bind(args, kwargs)
            if arguments is None:  # not a plain call: let inspect bind it, or say what is wrong
                try:
                    bound = signature.bind(client, *args, **kwargs)
                except TypeError as exc:
                    raise TypeError(f"{name}() {exc}") from None
                bound.apply_defaults()
                arguments = dict(bound.arguments)
                del arguments["self"]
            return client._run(operation.call(client, arguments))

        self._sync, self._async = _twins(name, method, signature, self.describe())

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.name:
            raise TypeError(f"{type(self).__name__}({self.model.__name__}) is named {self.name}, not {name}")
        super().__set_name__(owner, name)

    # for the stub generator

    def stub(self, asynchronous: bool) -> list[str]:
        """This method's lines in a ``.pyi`` (one ``@overload`` per variant)."""
        variants = self.variants()
        lines: list[str] = []
        prefix = "async def" if asynchronous else "def"
        for overrides, returns in variants:
            params = _render_parameters(self.parameters(), overrides)
            if len(variants) > 1:
                lines.append("    @overload")
            lines.append(f"    {prefix} {self.name}(self, {params}) -> {returns}:  # fmt: skip")
            lines.append(f'        """{self.describe()}"""')
        return lines

    def stub_imports(self) -> dict[str, str]:
        """Where each name in :meth:`stub` comes from."""
        self.parameters()  # writes the argument types, noting their imports
        return self.imports

    def _type_text(self, field: str | None) -> str:
        if field is None:
            return "Any"
        return _render(self.model.model_fields[field].annotation, self.imports)


def _render_parameters(parameters: list[inspect.Parameter], overrides: Mapping[str, str]) -> str:
    out: list[str] = []
    star = False
    for parameter in parameters:
        if parameter.kind is KEYWORD and not star:
            out.append("*")
            star = True
        text = overrides.get(parameter.name)
        if text is None:
            text = f"{parameter.name}: {parameter.annotation}"
            if parameter.default is not REQUIRED:
                text += " = ..."
        out.append(text)
    return ", ".join(out)


def declare(cls: type, *operations: Operation) -> None:
    """Install declared methods on a client class (outside its body: type checkers read the stubs).

    Every resource they name also gets its manager, named after its plural: ``hub.core.nodes`` is a
    ``Manager[Node]`` bound to the client, so ``hub.core.nodes.filter(…)`` queries through it.
    """
    for operation in operations:
        if operation.name in cls.__dict__:
            raise TypeError(f"{cls.__name__}.{operation.name} is declared twice")
        operation.build()
        setattr(cls, operation.name, operation)
        operation.__set_name__(cls, operation.name)
    declared = dict(getattr(cls, "_declared", {}))
    declared.update((operation.name, operation) for operation in operations)
    cls._declared = declared  # type: ignore[attr-defined]
    for model in dict.fromkeys(operation.model for operation in operations):
        if model.meta.plural not in cls.__dict__:
            setattr(cls, model.meta.plural, ClientManager(model))


# -- argument types for the stubs, derived from the field declarations -----------------------------------


def _render(annotation: Any, imports: dict[str, str]) -> str:
    """A field's type as stub text (None dropped, UUIDs as ``IdLike``), noting the names it needs."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if str in members:  # ``Literal[...] | str``: any string goes
            members = [a for a in members if typing.get_origin(a) is not Literal]
        return " | ".join(dict.fromkeys(_render(a, imports) for a in members))
    if origin is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Payload):  # parsed from dicts as well
            imports[item.__name__] = item.__module__
            return f"Sequence[{item.__name__} | Mapping[str, Any]]"
        return f"list[{_render(item, imports)}]"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"dict[{_render(key, imports)}, {_render(value, imports)}]"
    if origin is Literal:
        return f"Literal[{', '.join(repr(a) for a in typing.get_args(annotation))}]"
    if annotation is uuid.UUID:
        return "IdLike"
    if isinstance(annotation, type):
        if annotation.__module__ != "builtins":
            imports[annotation.__name__] = annotation.__module__
        return annotation.__name__
    raise TypeError(f"cannot write the type {annotation!r} into a stub")


# -- managers and the facade base ---------------------------------------------------------------------


class ClientManager(Generic[RecordT]):
    """Declares a manager on a service client: ``hub.core.nodes`` is a ``Manager[Node]`` bound to it."""

    def __init__(self, model: type[RecordT]) -> None:
        self.model = model

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: object, owner: type) -> Manager[RecordT]: ...
    def __get__(self, client: object | None, owner: type) -> Self | Manager[RecordT]:
        return self if client is None else Manager(self.model, client)


class ResourceFacade(ServiceClient):
    """Base of the clients' method classes: the declared methods run their calls with ``_run``, which the
    sync or the async base client provides (it must come first in the bases)."""
