"""The server-side effects a resource declaration names: a :class:`Hooks` with one :class:`HookList`
per hook, each hook registered where it is written (a rules module: ``resources/auth_rules.py``,
``core_effects.py``, ``analysis_effects.py``)::

    ON_NODE = Hooks()

    @ON_NODE.after_create
    def node_after_create(ctx: RequestContext, row: Row) -> None:
        ...  # the node's authup client, its registry project

and the declaration says ``hooks=ON_NODE``. Hooks run in the order they were added, inside the hub
lock, with the request's :class:`~.context.RequestContext` ``ctx`` (``ctx.hub``, ``ctx.identity``):

* ``before_create(ctx, row)``: the complete row (defaults applied, id and timestamps set) before the
  unique/foreign-key checks and the insert; mutate it or raise ``HubError``.
* ``after_create(ctx, row)``: the stored row; create related rows here (a node's auth client).
* ``before_update(ctx, row, changes)``: ``row`` is a copy of the stored row, ``changes`` the validated
  body keys; mutate ``changes`` or raise.
* ``after_update(ctx, row)``, ``before_delete(ctx, row)``, ``after_delete(ctx, row)``.
* ``present(ctx, row, out)``: adjust one outgoing record (``out`` is the projected copy).
* ``authorize(ctx, op, row)``: replaces the declared permission check for every ``op`` (``row`` is
  ``None`` for list/create).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from .context import RequestContext

Row = dict[str, Any]

HookFn = Callable[[RequestContext, Row], None]
UpdateHookFn = Callable[[RequestContext, Row, Row], None]
PresentFn = Callable[[RequestContext, Row, Row], None]
AuthorizeFn = Callable[[RequestContext, str, "Row | None"], None]


F = TypeVar("F", bound=Callable[..., None])


class HookList(Generic[F]):
    """The functions of one hook, run in the order they were added. Called with a function, it adds
    that function and returns it, so it serves as a decorator (``@NODE.after_create``)."""

    __slots__ = ("_hooks",)

    def __init__(self, hooks: Iterable[F] = ()) -> None:
        self._hooks = tuple(hooks)

    def __call__(self, hook: F) -> F:
        self._hooks += (hook,)
        return hook

    def __iter__(self) -> Iterator[F]:
        return iter(self._hooks)

    def __bool__(self) -> bool:
        return bool(self._hooks)

    def __repr__(self) -> str:
        return f"HookList({', '.join(getattr(h, '__name__', repr(h)) for h in self._hooks)})"


class Hooks:
    """Server-side effects of a resource: one :class:`HookList` per hook.

    A hook is registered where it is written, when its module is imported -- with a decorator::

        NODE = Hooks()

        @NODE.after_create
        def provision_node_client(ctx: RequestContext, row: Row) -> None: ...

    or at construction (``Hooks(after_create=(fn,))``) -- and the declaration names the object
    (``hooks=NODE``). Never per hub: a declaration is a module-level constant shared by every FakeHub,
    and a hook reaches its hub through ``ctx.hub``.
    """

    def __init__(
        self,
        *,
        before_create: Iterable[HookFn] = (),
        after_create: Iterable[HookFn] = (),
        before_update: Iterable[UpdateHookFn] = (),
        after_update: Iterable[HookFn] = (),
        before_delete: Iterable[HookFn] = (),
        after_delete: Iterable[HookFn] = (),
        present: Iterable[PresentFn] = (),
        authorize: AuthorizeFn | None = None,
    ) -> None:
        self.before_create = HookList(before_create)
        self.after_create = HookList(after_create)
        self.before_update = HookList(before_update)
        self.after_update = HookList(after_update)
        self.before_delete = HookList(before_delete)
        self.after_delete = HookList(after_delete)
        self.present = HookList(present)
        #: Replaces the declared permission check (every function added must pass).
        self.authorize = HookList(() if authorize is None else (authorize,))

    def __repr__(self) -> str:
        kept = {name: hooks for name, hooks in vars(self).items() if hooks}
        return f"Hooks({', '.join(f'{name}={hooks!r}' for name, hooks in kept.items())})"
