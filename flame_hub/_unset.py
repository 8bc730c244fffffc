"""``UNSET``: the default of optional update arguments, meaning "leave this field as it is".

``None`` cannot play that role: ``update_node(node, external_name=None)`` must send ``null`` to clear it.
"""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["UNSET", "Unset"]


class _UnsetType(enum.Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return False


#: The type of :data:`UNSET`, for annotations: ``hidden: bool | Unset = UNSET``.
Unset = Literal[_UnsetType.UNSET]

#: "Leave this field as it is": the default of optional update arguments, never sent.
UNSET: Final = _UnsetType.UNSET
