"""The query language, pure data and no IO: lookups, ``Q``, ``Query``, and the compiler (``Query`` + schema → Hub parameters)."""

from flame_hub.query.lookups import Condition
from flame_hub.query.query import FieldSelection, Q, Query

__all__ = ["Condition", "FieldSelection", "Q", "Query"]
