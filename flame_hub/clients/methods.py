"""The read and delete methods every resource has, declared in one line per method.

``find_nodes = FindMethod(Node)`` on a client class gives ``client.find_nodes(filter=…, page=…, …)``
with the existing client's arguments, typed for the resource. The bodies exist once, here; a client
only says which resource each method serves. Each method builds an engine :class:`Call` and hands it
to the client's ``_execute`` (the sync clients send it with httpx.Client, the async ones await it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, overload

import httpx
from typing_extensions import Self

from flame_hub._unset import UNSET
from flame_hub.clients.base import USE_CLIENT_AUTH, AuthArg, ServiceCore
from flame_hub.clients.engine import (
    Call,
    create_call,
    delete_call,
    list_call,
    retrieve_call,
    retrieve_with_meta_call,
    update_call,
)
from flame_hub.clients.params import page_window, query_from_find
from flame_hub.models.base import ListMeta, Page, Resource, ResourceT
from flame_hub.query.compiler import EmptyResultSet
from flame_hub.query.query import FieldSelection

if TYPE_CHECKING:
    from flame_hub.query.manager import Manager

T = TypeVar("T")

__all__ = [
    "AsyncDelete",
    "AsyncFind",
    "AsyncGet",
    "ClientManager",
    "DeleteMethod",
    "Executor",
    "FindMethod",
    "GetAllMethod",
    "GetMethod",
    "ResourceFacade",
    "empty_call",
]


#: The existing client's query arguments (shared by the sync and async signatures).
FieldsArg = str | list[str] | tuple[str, ...] | FieldSelection | None
IncludeArg = str | list[str] | tuple[str, ...] | None
FilterArg = Mapping[str, Any] | None
PageArg = Mapping[str, Any] | None


class Executor(Protocol):
    """What the methods need from a client: URLs/auth (ServiceCore) and a way to run a call."""

    def _execute(self, call: Call[Any]) -> Any: ...


def empty_call(result: Any) -> Call[Any]:
    """A call that sends nothing and yields ``result`` (a query that can match nothing)."""
    return Call("", httpx.URL("about:blank"), lambda _response: result)


def _as_core(client: object) -> ServiceCore:
    if not isinstance(client, ServiceCore):  # pragma: no cover - a programming error in a client class
        raise TypeError(f"{type(client).__name__} is not a service client")
    return client


class _Method(Generic[ResourceT]):
    """Base descriptor: remembers the resource its methods serve."""

    def __init__(self, model: type[ResourceT]) -> None:
        self.model = model


# -- find_* and get_<plural> --------------------------------------------------------------------------


class BoundFind(Generic[ResourceT]):
    """``find_<plural>(filter=…, page=…, sort=…, fields=…, include=…, meta=…, auth=…)``."""

    def __init__(self, client: Executor, model: type[ResourceT]) -> None:
        self._client = client
        self._model = model

    @overload
    def __call__(
        self,
        *,
        filter: FilterArg = ...,
        page: PageArg = ...,
        sort: Any = ...,
        fields: FieldsArg = ...,
        include: IncludeArg = ...,
        meta: Literal[False] = ...,
        auth: AuthArg = ...,
    ) -> list[ResourceT]: ...

    @overload
    def __call__(
        self,
        *,
        filter: FilterArg = ...,
        page: PageArg = ...,
        sort: Any = ...,
        fields: FieldsArg = ...,
        include: IncludeArg = ...,
        meta: Literal[True],
        auth: AuthArg = ...,
    ) -> tuple[list[ResourceT], ListMeta]: ...

    def __call__(
        self,
        *,
        filter: FilterArg = None,
        page: PageArg = None,
        sort: Any = None,
        fields: FieldsArg = None,
        include: IncludeArg = None,
        meta: bool = False,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Any:
        limit, offset = page_window(page)
        query = query_from_find(self._model, filter=filter, sort=sort, fields=fields, include=include)
        try:
            call = list_call(
                _as_core(self._client),
                self._model,
                query,
                limit=limit,
                offset=offset,
                auth=auth,
                client=self._client,
            )
        except EmptyResultSet:
            empty_meta = ListMeta(total=0, limit=limit, offset=offset)
            return self._client._execute(empty_call(([], empty_meta) if meta else []))
        inner = call.parse

        def parse(response: httpx.Response) -> Any:
            page_: Page[ResourceT] = inner(response)
            return (page_.items, page_.meta) if meta else page_.items

        return self._client._execute(Call(call.method, call.url, parse, params=call.params, auth=call.auth))


class FindMethod(_Method[ResourceT]):
    """Declares ``find_<plural>``: one page of the records matching ``filter``, sorted and paged."""

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: Executor, owner: type) -> BoundFind[ResourceT]: ...
    def __get__(self, client: Executor | None, owner: type) -> Self | BoundFind[ResourceT]:
        return self if client is None else BoundFind(client, self.model)


class GetAllMethod(FindMethod[ResourceT]):
    """Declares ``get_<plural>``: the first page (50 records) with no filter, as the existing client has it.

    It accepts the same arguments as ``find_<plural>`` (the existing client forwarded them too).
    """


# -- get_<singular> -----------------------------------------------------------------------------------


class BoundGet(Generic[ResourceT]):
    """``get_<singular>(id, fields=…, include=…, meta=…, auth=…)``: the record, or None when it does not exist."""

    def __init__(self, client: Executor, model: type[ResourceT]) -> None:
        self._client = client
        self._model = model

    @overload
    def __call__(
        self,
        id: object,
        *,
        fields: FieldsArg = ...,
        include: IncludeArg = ...,
        meta: Literal[False] = ...,
        auth: AuthArg = ...,
    ) -> ResourceT | None: ...

    @overload
    def __call__(
        self,
        id: object,
        *,
        fields: FieldsArg = ...,
        include: IncludeArg = ...,
        meta: Literal[True],
        auth: AuthArg = ...,
    ) -> tuple[ResourceT | None, dict[str, Any]]: ...

    def __call__(
        self,
        id: object,
        *,
        fields: FieldsArg = None,
        include: IncludeArg = None,
        meta: bool = False,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Any:
        query = query_from_find(self._model, fields=fields, include=include)
        build = retrieve_with_meta_call if meta else retrieve_call
        call = build(
            _as_core(self._client),
            self._model,
            id,
            fields=query.fields or None,
            includes=query.includes,
            auth=auth,
            client=self._client,
        )
        return self._client._execute(call)


class GetMethod(_Method[ResourceT]):
    """Declares ``get_<singular>``: one record by id (a 404 gives None)."""

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: Executor, owner: type) -> BoundGet[ResourceT]: ...
    def __get__(self, client: Executor | None, owner: type) -> Self | BoundGet[ResourceT]:
        return self if client is None else BoundGet(client, self.model)


# -- delete_<singular> --------------------------------------------------------------------------------


class BoundDelete(Generic[ResourceT]):
    """``delete_<singular>(id, auth=…)``: delete the record; returns None as the existing client does."""

    def __init__(self, client: Executor, model: type[ResourceT]) -> None:
        self._client = client
        self._model = model

    def __call__(self, id: object, *, auth: AuthArg = USE_CLIENT_AUTH) -> Any:
        call = delete_call(_as_core(self._client), self._model, id, auth=auth, client=self._client)
        return self._client._execute(
            Call(call.method, call.url, lambda _r: None, expected=call.expected, auth=call.auth)
        )


class DeleteMethod(_Method[ResourceT]):
    """Declares ``delete_<singular>``."""

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: Executor, owner: type) -> BoundDelete[ResourceT]: ...
    def __get__(self, client: Executor | None, owner: type) -> Self | BoundDelete[ResourceT]:
        return self if client is None else BoundDelete(client, self.model)


# -- create / update facades ---------------------------------------------------------------------------


class ClientManager(Generic[ResourceT]):
    """Declares a manager on a service client: ``hub.core.nodes`` is a ``Manager[Node]`` bound to it."""

    def __init__(self, model: type[ResourceT]) -> None:
        self.model = model

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: object, owner: type) -> Manager[ResourceT]: ...
    def __get__(self, client: object | None, owner: type) -> Self | Manager[ResourceT]:
        from flame_hub.query.manager import Manager

        return self if client is None else Manager(self.model, client)


class ResourceFacade(ServiceCore):
    """What the hand-written ``create_*``/``update_*`` methods call: argument names → declared fields.

    A facade method only maps its (the existing client's) argument names to the resource's fields;
    checking, serialising, sending and parsing happen in the engine. ``_execute`` comes from the sync
    or the async base client (which must come first in the bases).
    """

    def _create(self, model: type[ResourceT], auth: AuthArg, /, **fields: Any) -> ResourceT:
        data = {key: value for key, value in fields.items() if value is not UNSET}
        return self._execute(create_call(self, model, data, auth=auth, client=self))

    def _update(self, model: type[ResourceT], ident: object, auth: AuthArg, /, **fields: Any) -> ResourceT:
        data = {key: value for key, value in fields.items() if value is not UNSET}
        return self._execute(update_call(self, model, ident, data, auth=auth, client=self))


# -- how the async clients' declared methods look to type checkers ------------------------------------
# At run time the async clients reuse the descriptors above (their ``_execute`` returns a coroutine);
# these protocols only give those methods their awaitable types in the generated ``aio.pyi``.


ResourceT_co = TypeVar("ResourceT_co", bound=Resource, covariant=True)


class AsyncFind(Protocol[ResourceT]):
    """``await client.find_<plural>(…)`` (and ``get_<plural>``)."""

    @overload
    async def __call__(self, *, filter: FilterArg = ..., page: PageArg = ..., sort: Any = ..., fields: FieldsArg = ..., include: IncludeArg = ..., meta: Literal[False] = ..., auth: AuthArg = ...) -> list[ResourceT]: ...  # fmt: skip
    @overload
    async def __call__(self, *, filter: FilterArg = ..., page: PageArg = ..., sort: Any = ..., fields: FieldsArg = ..., include: IncludeArg = ..., meta: Literal[True], auth: AuthArg = ...) -> tuple[list[ResourceT], ListMeta]: ...  # fmt: skip


class AsyncGet(Protocol[ResourceT_co]):
    """``await client.get_<singular>(id, …)``."""

    @overload
    async def __call__(self, id: object, *, fields: FieldsArg = ..., include: IncludeArg = ..., meta: Literal[False] = ..., auth: AuthArg = ...) -> ResourceT_co | None: ...  # fmt: skip
    @overload
    async def __call__(self, id: object, *, fields: FieldsArg = ..., include: IncludeArg = ..., meta: Literal[True], auth: AuthArg = ...) -> tuple[ResourceT_co | None, dict[str, Any]]: ...  # fmt: skip


class AsyncDelete(Protocol[ResourceT_co]):
    """``await client.delete_<singular>(id)``."""

    async def __call__(self, id: object, *, auth: AuthArg = ...) -> None: ...
