"""How a field of a Hub record is marked: what the Hub does with it on create and update, and more.

Fields are declared with ``Annotated[type, MARKER]`` (``name: Annotated[str | None, REQUIRED] = None``);
:func:`spec_of` reads the marker back. flame-hub-client 0.5.5's own markers (``IsOptionalField``,
``IsIncludable``) are read as their equivalents, so models written against 0.5.5 keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

__all__ = [
    "CREATE_ONLY",
    "INCLUDE",
    "LEGACY",
    "OPT_IN",
    "READ_ONLY",
    "REQUIRED",
    "REQUIRED_CREATE_ONLY",
    "SECRET",
    "FieldSpec",
    "IsIncludable",
    "IsOptionalField",
    "spec_of",
]


@dataclass(frozen=True)
class FieldSpec:
    """What the Hub does with a field: accepts it on create/update, requires it, hides it.

    Attributes:
        create: the Hub accepts the key on create.
        update: the Hub accepts the key on update (``POST /<path>/:id``).
        required: the key must be sent on create.
        secret: the value is a secret (never shown in a repr).
        opt_in: not in the default projection; only returned with ``fields=+name``.
        include: the field is an includable relation (``include=name``), not a column.
        legacy: flame-hub-client 0.5.5 declared the field but the Hub (v0.14) never sends it; the
            attribute exists (None) so that code written for 0.5.5 still reads it, and nothing else
            knows it: it is no column, include, filter or writable key.
    """

    create: bool = True
    update: bool = True
    required: bool = False
    secret: bool = False
    opt_in: bool = False
    include: bool = False
    legacy: bool = False


#: Server-owned: ignored when sent.
READ_ONLY = FieldSpec(create=False, update=False)
#: Accepted on create, never changed afterwards (``realm_id`` and foreign keys of junctions).
CREATE_ONLY = FieldSpec(update=False)
#: Required on create and updatable.
REQUIRED = FieldSpec(required=True)
#: Required on create, never changed afterwards.
REQUIRED_CREATE_ONLY = FieldSpec(required=True, update=False)
#: A writable secret that the Hub returns only on request (``fields=+secret``).
SECRET = FieldSpec(secret=True, opt_in=True)
#: A writable column outside the default projection (``fields=+email``).
OPT_IN = FieldSpec(opt_in=True)
#: An includable relation.
INCLUDE = FieldSpec(create=False, update=False, include=True)
#: A field only flame-hub-client 0.5.5 knew (see :attr:`FieldSpec.legacy`).
LEGACY = FieldSpec(create=False, update=False, legacy=True)


class IsOptionalField:
    """flame-hub-client 0.5.5's marker of an opt-in column (``Annotated[str | None, IsOptionalField]``).

    Read as :data:`OPT_IN`, so models written against 0.5.5's markers keep working.
    """


class IsIncludable:
    """flame-hub-client 0.5.5's marker of an includable relation; read as :data:`INCLUDE`."""


_MARKERS: dict[object, FieldSpec] = {IsOptionalField: OPT_IN, IsIncludable: INCLUDE}


def spec_of(annotation: Any, metadata: list[Any]) -> FieldSpec:
    """The field's marker, from its ``Annotated`` metadata (none: an ordinary writable field)."""
    items = list(metadata)
    if get_origin(annotation) is Annotated:
        items += get_args(annotation)[1:]
    for item in items:
        if isinstance(item, FieldSpec):
            return item
        if isinstance(item, type) and item in _MARKERS:
            return _MARKERS[item]
    return FieldSpec()
