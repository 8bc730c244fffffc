"""``multipart/form-data`` request bodies (storage uploads, core-and-storage.md §4.3).

The part's ``filename`` is kept verbatim, including directories (``a/b/c.txt``), because the Hub
stores it as the file's ``path`` (Busboy ``preservePath``); the form field name is reported but
carries no meaning at the Hub.

The parser scans the body for boundaries with ``bytes.find`` and hands out each part's content as a
``memoryview`` into the request body: an upload of a gigabyte is neither copied nor split into lines
(the standard library's MIME parser does both), so benchmarks can push large files through FakeHub.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_PARAM = re.compile(r';\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass(frozen=True)
class Part:
    """One part of a multipart body; ``view`` is the content without a copy, ``data`` a copy."""

    field: str | None
    filename: str | None
    content_type: str
    view: memoryview

    @property
    def data(self) -> bytes:
        """The content as bytes (copies it; prefer :attr:`view` for large parts)."""
        return self.view.tobytes()

    @property
    def size(self) -> int:
        """The content length in bytes."""
        return self.view.nbytes


def is_multipart(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header announces ``multipart/form-data``."""
    return bool(content_type) and content_type.lower().startswith("multipart/form-data")  # type: ignore[union-attr]


def header_params(value: str) -> dict[str, str]:
    """The ``; key=value`` parameters of a header (quoted strings unescaped, ``key*`` RFC 5987 decoded)."""
    params: dict[str, str] = {}
    for key, raw in _PARAM.findall(value):
        key = key.lower()
        text = raw.strip()
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        if key.endswith("*"):
            charset, _, rest = text.partition("'")
            _, _, encoded = rest.partition("'")
            params[key[:-1]] = unquote(encoded, encoding=charset or "utf-8", errors="replace")
            continue
        params.setdefault(key, text)
    return params


def _part(head: bytes, view: memoryview) -> Part:
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", errors="replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    disposition = header_params(headers.get("content-disposition", ""))
    content_type = headers.get("content-type", "text/plain").split(";")[0].strip().lower()
    return Part(disposition.get("name"), disposition.get("filename"), content_type, view)


def _next_delimiter(body: bytes, marker: bytes, start: int) -> int:
    """Where the next real delimiter line starts: ``marker`` followed by ``--`` or (padding and) CRLF."""
    found = body.find(marker, start)
    while found >= 0:
        after = found + len(marker)
        if body.startswith(b"--", after) or body[after : body.find(b"\r\n", after)].strip(b" \t") == b"":
            return found
        found = body.find(marker, found + 1)
    return -1


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a ``multipart/form-data`` body (an unparsable body gives the parts found so far)."""
    boundary = header_params(content_type).get("boundary")
    if not boundary:
        return []
    delimiter = b"--" + boundary.encode("latin-1")
    view = memoryview(body)
    parts: list[Part] = []
    position = body.find(delimiter)
    while position >= 0:
        position += len(delimiter)
        if body.startswith(b"--", position):
            break  # the close delimiter
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            break
        start = line_end + 2
        if body.startswith(b"\r\n", start):
            head, content_start = b"", start + 2
        else:
            head_end = body.find(b"\r\n\r\n", start)
            if head_end < 0:
                break
            head, content_start = body[start:head_end], head_end + 4
        end = _next_delimiter(body, b"\r\n" + delimiter, content_start)
        if end < 0:
            break
        parts.append(_part(head, view[content_start:end]))
        position = end + 2
    return parts
