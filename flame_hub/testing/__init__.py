"""Test support: FakeHub, the in-memory emulator of the Hub's HTTP API, and its pytest fixtures.

``FakeHub`` is imported lazily so that the pytest plugin (loaded in every pytest session) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import HubBackend
    from .fakehub.app import FakeHub

__all__ = ["FakeHub", "HubBackend"]


def __getattr__(name: str) -> Any:
    if name == "FakeHub":
        from .fakehub.app import FakeHub

        return FakeHub
    if name == "HubBackend":
        from .backend import HubBackend

        return HubBackend
    raise AttributeError(name)
