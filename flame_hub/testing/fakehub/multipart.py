"""``multipart/form-data`` request bodies (storage uploads, core-and-storage.md §4.3).

Parsed with the standard library's MIME parser. The part's ``filename`` is kept verbatim, including
directories (``a/b/c.txt``), because the Hub stores it as the file's ``path`` (Busboy
``preservePath``); the form field name is reported but carries no meaning at the Hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP


@dataclass(frozen=True)
class Part:
    """One part of a multipart body."""

    field: str | None
    filename: str | None
    content_type: str
    data: bytes


def is_multipart(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header announces ``multipart/form-data``."""
    return bool(content_type) and content_type.lower().startswith("multipart/form-data")  # type: ignore[union-attr]


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a ``multipart/form-data`` body (an unparsable body gives no parts)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message: Message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return []
    parts: list[Part] = []
    for item in message.iter_parts():  # type: ignore[attr-defined]
        payload = item.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        disposition = item.get("content-disposition")
        field = filename = None
        if disposition is not None:
            params = dict(disposition.params)
            field = params.get("name")
            filename = params.get("filename")
        parts.append(Part(field, filename, item.get_content_type(), data))
    return parts
