"""The base of the Hub's non-resource payloads (credentials, log entries, command arguments).

Some bodies the Hub sends are not records of a collection: the flat credential objects of
``nodes/:id/client/credentials``, a telemetry log entry, an element of ``imageCommandArguments``. They
have no path, no query vocabulary and no create/update rules, so they are not :class:`Resource` s; but
they share the resources' wire conventions (camelCase on the wire, snake_case in Python, unknown keys
kept) and their rule that a secret never shows in a repr. Fields use the same markers as resources
(``SECRET``, ``READ_ONLY`` ...) so that a resource may reuse a payload's fields by inheriting from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from flame_hub._redact import MASK
from flame_hub.schema.fields import FieldSpec

__all__ = ["Payload"]


class Payload(BaseModel):
    """Base of a non-resource body: camelCase wire names, extra keys kept, secrets masked in the repr."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        protected_namespaces=(),
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        fields = type(self).model_fields
        for name, value in super().__repr_args__():
            info = fields.get(name) if name is not None else None
            secret = info is not None and any(isinstance(m, FieldSpec) and m.secret for m in info.metadata)
            yield name, (MASK if secret and value is not None else value)

    def wire_dump(self, *, include: set[str] | None = None, exclude_unset: bool = True) -> dict[str, Any]:
        """The payload in the Hub's wire form (camelCase keys, JSON values), like a resource's."""
        return self.model_dump(mode="json", by_alias=True, include=include, exclude_unset=exclude_unset)
