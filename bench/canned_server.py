"""A loopback HTTP server that answers every request with bytes fixed in advance, from its own process.

Used by benchmark (e), which measures what a client spends on one list call beyond a raw
``httpx`` request of the same page. Why not FakeHub: FakeHub parses the query, checks the token,
filters, sorts and serialises on every request, which would put milliseconds of server work into
every figure and make the comparison depend on how busy the server process was. This server does no
work that depends on the request beyond reading it: ``POST …/token`` gets a canned token answer,
everything else the canned page. Every client therefore reads exactly the same bytes, and the server
costs the same (a few tens of µs) for every call, whichever client sent it.

It runs in a process of its own, so its CPU time is never counted as the client's (the benchmark
reads the client's CPU time with ``time.process_time``), and a thread per connection serves HTTP/1.1
keep-alive, so a client's pool reuses one connection as it would with a real Hub.

Run by :mod:`bench_overhead` (``python bench/canned_server.py PAGE_FILE``); prints one JSON line with
its URL, then serves until its stdin closes (or says ``quit``), printing its CPU seconds and the
requests it answered.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time

# A token answer with every key either client reads (0.5.5's RefreshToken model requires all five).
TOKEN = json.dumps(
    {
        "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJlLWJlbmNo",
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "bench-refresh-token",
        "refresh_token_expires_in": 7200,
        "scope": "global",
    }
).encode()


def _answer(body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.tokens = 0

    def add(self, token: bool) -> None:
        with self.lock:
            self.requests += 1
            self.tokens += token


def _serve_connection(conn: socket.socket, page: bytes, token: bytes, counter: Counter) -> None:
    """Answer requests on one keep-alive connection until the client closes it."""
    buffer = b""
    with conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            request_line, *header_lines = head.split(b"\r\n")
            length = 0
            for line in header_lines:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            while len(buffer) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            buffer = buffer[length:]
            method, target = request_line.split(b" ")[:2]
            is_token = method == b"POST" and target.split(b"?")[0].endswith(b"/token")
            counter.add(is_token)
            conn.sendall(token if is_token else page)


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        page = _answer(handle.read())
    token = _answer(TOKEN)
    counter = Counter()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # the listener was closed: stop
                return
            threading.Thread(target=_serve_connection, args=(conn, page, token, counter), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{port}"}), flush=True)
    cpu = time.process_time()
    for line in sys.stdin:
        if line.strip() == "stats":
            print(
                json.dumps(
                    {
                        "requests": counter.requests,
                        "token_requests": counter.tokens,
                        "cpu_seconds": time.process_time() - cpu,
                    }
                ),
                flush=True,
            )
        elif line.strip() == "quit":
            break
    listener.close()


if __name__ == "__main__":
    main()
