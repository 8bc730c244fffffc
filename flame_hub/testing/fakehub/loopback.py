"""FakeHub over real HTTP on loopback: the server behind ``hub.serve()`` and ``flame-hub serve``.

The stdlib ``ThreadingHTTPServer`` speaks HTTP/1.1 with keep-alive; the paths are the public Hub's
(``/auth/``, ``/core/``, ``/storage/``). Streamed bodies go out chunked. Injected connection drops
close the socket (before the answer, or after ``after_bytes`` body bytes).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, TypeVar

from .http import Request, Response
from .transport import Answering

H = TypeVar("H", bound=Answering)


@dataclass(frozen=True)
class ServerHandle(Generic[H]):
    """A running loopback server: where it listens and which hub it serves."""

    hub: H
    host: str
    port: int

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP server answering every request with ``hub.handle``."""

    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog: socketserver's default of 5 pending connections overflows when a hundred async
    # tasks connect at once on a busy machine, and the kernel then resets connections (seen as a
    # flaky "Connection reset by peer" in the concurrency tests). The kernel caps it at somaxconn.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], hub: Answering) -> None:
        self.hub = hub
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client goes away mid-answer (the stdlib prints a traceback)."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY every keep-alive answer would wait
    # ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines."""

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        hub = self.server.hub
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        forwarded = headers.get("x-forwarded-for")
        address = forwarded.split(",")[0].strip() if forwarded else self.client_address[0]
        request = Request(self.command, path, query, headers, self._read_body(), address)
        delay = hub.faults.delay_for(request)
        if delay > 0:
            time.sleep(delay)
        response, cut = hub.handle(request)
        if response.drop:
            self.close_connection = True
            return
        self._write(response, cut)

    def _write(self, response: Response, cut: int | None) -> None:
        self.send_response(response.status)
        streamed = not isinstance(response.body, (bytes, bytearray))
        for name, value in response.headers:
            self.send_header(name, value)
        if streamed:
            self.send_header("transfer-encoding", "chunked")
        else:
            self.send_header("content-length", str(len(response.body)))  # type: ignore[arg-type]
        if cut is not None:
            self.send_header("connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = 0
        for chunk in response.iter_body():
            if cut is not None and sent + len(chunk) >= cut:
                chunk = chunk[: max(0, cut - sent)]
                self._send_chunk(chunk, streamed)
                self.wfile.flush()
                self.close_connection = True
                return
            sent += len(chunk)
            self._send_chunk(chunk, streamed)
        if cut is not None:
            self.close_connection = True
            return
        if streamed:
            self.wfile.write(b"0\r\n\r\n")

    def _send_chunk(self, chunk: bytes, streamed: bool) -> None:
        if not chunk:
            return
        if streamed:
            self.wfile.write(f"{len(chunk):x}\r\n".encode("ascii") + chunk + b"\r\n")
        else:
            self.wfile.write(chunk)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


@contextmanager
def serve_hub(hub: H, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[ServerHandle[H]]:
    """Serve ``hub`` in a background thread until the block ends (then shut down cleanly)."""
    server = LoopbackServer((host, port), hub)
    bound_port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakehub-server", daemon=True
    )
    thread.start()
    try:
        yield ServerHandle(hub, host, int(bound_port))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
