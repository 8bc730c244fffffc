"""The query layer: lookups, the plain ``Query``, its compiler, and (on top) QuerySets and managers."""

from flame_hub.query.lookups import Condition
from flame_hub.query.query import FieldSelection, Q, Query

__all__ = ["Condition", "FieldSelection", "Q", "Query"]
