"""FakeHub's own request/response values, independent of httpx and of ``http.server``.

Both transports (in-process and loopback) translate to and from these, so routing, faults and
handlers never know how the bytes travelled. A response body is either bytes or an iterator of
chunks (file streams, tarballs). A mid-stream drop (fault injection) is not part of the response:
``hub.handle`` returns it next to the response, as the number of body bytes after which the
transport cuts the connection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """One HTTP request as FakeHub sees it."""

    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    address: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """One HTTP response; ``body`` is bytes or an iterator of byte chunks."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    #: Fault injection: close the connection instead of answering.
    drop: bool = False

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        """A JSON response (compact separators, UTF-8, as Node's ``JSON.stringify`` writes it)."""
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        out = [("content-type", "application/json; charset=utf-8")]
        out.extend((headers or {}).items())
        return cls(status, out, data)

    @classmethod
    def text(cls, text: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        """A plain-text response."""
        out = [("content-type", "text/plain; charset=utf-8")]
        out.extend((headers or {}).items())
        return cls(status, out, text.encode("utf-8"))

    @classmethod
    def empty(cls, status: int = 202) -> Response:
        """A response without a body."""
        return cls(status, [], b"")

    @classmethod
    def stream(
        cls, chunks: Iterable[bytes], content_type: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A streamed binary response."""
        out = [("content-type", content_type)]
        out.extend((headers or {}).items())
        return cls(200, out, chunks)

    def header(self, name: str) -> str | None:
        """The first header of that (case-insensitive) name."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        """Replace (or add) a header."""
        lowered = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lowered]
        self.headers.append((name, value))

    def iter_body(self) -> Iterator[bytes]:
        """The body as chunks (one chunk for a bytes body)."""
        if isinstance(self.body, (bytes, bytearray)):
            if self.body:
                yield bytes(self.body)
            return
        yield from self.body
