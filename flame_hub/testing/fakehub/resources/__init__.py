"""Resource modules: each declares one service's resources, special routes and bootstrap rows.

A module listed in :data:`MODULES` exports ``install(hub)``; :func:`install_all` runs them in order
for every new FakeHub (auth first: core and storage rely on its realms, clients and permissions).
A module that is not there yet is skipped, so services can land one at a time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import FakeHub

MODULES: tuple[str, ...] = ("auth", "core", "storage")


def install_all(hub: FakeHub) -> None:
    """Install every available resource module into ``hub``."""
    for name in MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        module.install(hub)
