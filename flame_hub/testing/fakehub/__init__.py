"""FakeHub's engine: declarations, one query engine, in-memory store, tokens, transports, faults."""

from __future__ import annotations

from .app import FakeHub
from .seeding import BulkCreateError

__all__ = ["BulkCreateError", "FakeHub"]
