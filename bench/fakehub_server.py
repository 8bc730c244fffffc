"""The benchmarks' Hub: FakeHub served on loopback from its own process, counting what it is asked.

Why a process of its own: a real Hub does not share the client's interpreter. Served from a thread of
the benchmark process, FakeHub's request handling would compete with the client for one GIL and the
figures would measure both at once.

Run by :mod:`fakehub_process` (``python bench/fakehub_server.py --nodes 10000 …``). It seeds the nodes
straight into FakeHub's store (``FakeHub.seed_row``, no HTTP), serves, prints one JSON line with its
URL, then answers one JSON line per command read from stdin:

* ``stats``  -- requests seen since the last reset: total, token requests (``POST /auth/token``), per
  route (ids shown as ``:id``), the seconds spent inside FakeHub (the injected latency excluded) and
  the CPU seconds of the whole server process (HTTP parsing and writing included);
* ``reset``  -- zero the counters;
* ``quit``   -- stop serving and exit (FakeHub removes its spooled files).

FakeHub sorts and pages from orderings it keeps per state of the data, as a database answers
``ORDER BY … LIMIT … OFFSET …`` from an index; the report shows how long one sorted page takes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from typing import Any

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.http import Request, Response

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOKEN_ROUTE = "POST /auth/token"


class BenchHub(FakeHub):
    """A FakeHub that counts requests and knows when its data changed."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.counter_lock = threading.Lock()
        self.routes: Counter[str] = Counter()
        self.handling_seconds = 0.0
        self._cpu_at_reset = time.process_time()

    def handle(self, request: Request) -> tuple[Response, int | None]:
        started = time.perf_counter()
        route = f"{request.method.upper()} {_UUID.sub(':id', request.path)}"
        answer = super().handle(request)
        with self.counter_lock:
            self.routes[route] += 1
            self.handling_seconds += time.perf_counter() - started
        return answer

    def stats(self) -> dict[str, Any]:
        with self.counter_lock:
            total = sum(self.routes.values())
            return {
                "requests": total,
                "token_requests": self.routes.get(TOKEN_ROUTE, 0),
                "routes": dict(self.routes),
                "handling_seconds": self.handling_seconds,
                "cpu_seconds": time.process_time() - self._cpu_at_reset,
            }

    def reset(self) -> None:
        with self.counter_lock:
            self.routes.clear()
            self.handling_seconds = 0.0
            self._cpu_at_reset = time.process_time()


def sorted_page_seconds(hub: FakeHub) -> float:
    """How long FakeHub takes to answer one sorted page of nodes (in-process, best of three)."""
    with hub.client() as http:
        token = http.post(
            "/auth/token",
            json={"grant_type": "password", "username": hub.admin_username, "password": hub.admin_password},
        ).json()["access_token"]
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            http.get(
                "/core/nodes",
                params={"page[limit]": "50", "page[offset]": "50", "sort": "createdAt"},
                headers={"authorization": f"Bearer {token}"},
            ).raise_for_status()
            timings.append(time.perf_counter() - started)
    return min(timings)


def seed_nodes(hub: FakeHub, count: int, prefix: str = "bench-node") -> None:
    """``count`` nodes with realistic values, straight into the store (no HTTP, no hooks)."""
    realm = hub.master_realm_id
    for index in range(count):
        online = index % 3 == 0
        hub.seed_row(
            "core:nodes",
            {
                "name": f"{prefix}-{index:05d}",
                "type": "aggregator" if index % 10 == 0 else "default",
                "hidden": index % 7 == 0,
                "online": online,
                # a hex-encoded public key, as nodes register theirs (real keys are longer PEM texts)
                "publicKey": uuid.UUID(int=index * 7919 + 1).hex * 4 if online else None,
                "externalName": f"site{index:05d}" if index % 2 == 0 else None,
                "registryId": None,
                "registryProjectId": None,
                "clientId": str(uuid.UUID(int=index + 1)),
                "robotId": None,
                "realmId": realm,
            },
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per matching request")
    parser.add_argument("--latency-pattern", default="/core/nodes*")
    parser.add_argument("--tmp", default=None, help="directory for FakeHub's spooled files")
    args = parser.parse_args(argv)
    if args.tmp:
        tempfile.tempdir = args.tmp
    hub = BenchHub(rate_limit=False)
    started = time.perf_counter()
    seed_nodes(hub, args.nodes)
    seeded = time.perf_counter() - started
    sort_seconds = sorted_page_seconds(hub) if args.nodes else 0.0
    hub.reset()
    if args.latency > 0:
        hub.faults.add_latency(args.latency_pattern, args.latency)
    with hub.serve() as server:
        hub.base_url = server.url
        ready = {
            "url": server.url,
            "nodes": args.nodes,
            "seed_seconds": seeded,
            "sorted_page_seconds": sort_seconds,
            "username": hub.admin_username,
            "password": hub.admin_password,
        }
        print(json.dumps(ready), flush=True)
        for line in sys.stdin:
            command = line.split()
            if not command:
                continue
            if command[0] == "stats":
                print(json.dumps(hub.stats()), flush=True)
            elif command[0] == "reset":
                hub.reset()
                print(json.dumps({"ok": True}), flush=True)
            elif command[0] == "quit":
                break
            else:
                print(json.dumps({"error": f"unknown command {command[0]!r}"}), flush=True)


if __name__ == "__main__":
    main()
