"""What each service adds to every FakeHub: its resources, its special routes and its bootstrap rows.

A :class:`Part` per service, in :data:`PARTS` (auth first: core and storage rely on its realms,
clients and permissions). The declarations live in ``auth.py``, ``core.py`` and ``storage.py``; the
special routes next to their handlers (``auth_routes.py``, ``core_routes.py``, ``analysis_commands.py``, ``core_logs.py``,
``storage.py``, ``..token_routes``); a fresh service's rows in its ``seed`` function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import token_routes
from ..context import Hub
from ..router import Routes
from ..schema import Resource
from . import analysis_commands, auth, auth_bootstrap, auth_routes, core, core_logs, core_routes, storage


@dataclass(frozen=True)
class Part:
    """One service's share of a FakeHub."""

    resources: tuple[Resource, ...]
    routes: tuple[Routes, ...]
    #: Inserts the rows a fresh service starts with (``None``: it starts empty).
    seed: Callable[[Hub], None] | None = None


PARTS: tuple[Part, ...] = (
    Part(auth.RESOURCES, (auth_routes.ROUTES, token_routes.ROUTES), auth_bootstrap.bootstrap),
    Part(core.RESOURCES, (core_routes.ROUTES, analysis_commands.ROUTES, core_logs.ROUTES), core.seed),
    Part(storage.RESOURCES, (storage.ROUTES,)),
)
