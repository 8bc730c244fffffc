"""(c) A standard script -- login, list, filter, count, get, update, delete -- in requests sent.

Three ways to write it, each against the same kind of FakeHub loopback server (120 nodes, no injected
latency), with the server counting HTTP requests and token requests after every step:

* the existing client ``flame-hub-client`` 0.5.5 (in its own environment, driven step by step);
* ours, with the seed-style methods (``hub.core.find_nodes``, ``get_node``, ``update_node`` …);
* ours, with the ORM (``Node.objects.using(hub)…``, ``node.save()``, ``node.delete()``).

"list" is the first page of 50 nodes, "filter" finds one node by name (a different one per client,
as each deletes its node), "count" is the number of nodes, and get/update/delete act on the node found.
Both clients fetch their token lazily, so the login shows up as a token request on the first step
that sends something.
"""

from __future__ import annotations

from typing import Any

import seed_env
from fakehub_process import FakeHubProcess
from line_process import LineProcess
from measure import table

from flame_hub import Hub
from flame_hub.auth import PasswordAuth
from flame_hub.models import Node

NODES = 120
STEPS = ("login", "list", "filter", "count", "get", "update", "delete")
NEW_NAME = "renamed-by-bench"


class SeedStyle:
    """Our client through the methods the existing client has."""

    def __init__(self, server: FakeHubProcess) -> None:
        self.server = server
        self.hub: Hub | None = None
        self.node: Any = None

    def step(self, step: str, *args: str) -> None:
        if step == "login":
            self.hub = Hub(self.server.url, PasswordAuth(self.server.username, self.server.password))
            return
        assert self.hub is not None
        core = self.hub.core
        if step == "list":
            assert len(core.find_nodes(page={"limit": 50, "offset": 0})) == 50
        elif step == "filter":
            (self.node,) = core.find_nodes(filter={"name": args[0]})
        elif step == "count":
            _, meta = core.find_nodes(page={"limit": 1}, meta=True)
            assert meta.total is not None and meta.total >= NODES - 3
        elif step == "get":
            self.node = core.get_node(self.node.id)
        elif step == "update":
            self.node = core.update_node(self.node.id, external_name=NEW_NAME)
            assert self.node.external_name == NEW_NAME
        elif step == "delete":
            core.delete_node(self.node.id)

    def close(self) -> None:
        if self.hub is not None:
            self.hub.close()


class Orm:
    """Our client through the ORM."""

    def __init__(self, server: FakeHubProcess) -> None:
        self.server = server
        self.hub: Hub | None = None
        self.node: Node | None = None

    def step(self, step: str, *args: str) -> None:
        if step == "login":
            self.hub = Hub(self.server.url, PasswordAuth(self.server.username, self.server.password))
            return
        nodes = Node.objects.using(self.hub)
        if step == "list":
            assert len(list(nodes.all()[:50])) == 50
        elif step == "filter":
            (self.node,) = list(nodes.filter(name=args[0]))
        elif step == "count":
            assert nodes.count() >= NODES - 3
        elif step == "get":
            assert self.node is not None
            self.node = nodes.get(id=self.node.id)
        elif step == "update":
            assert self.node is not None
            self.node.external_name = NEW_NAME
            self.node.save()
        elif step == "delete":
            assert self.node is not None
            self.node.delete()

    def close(self) -> None:
        if self.hub is not None:
            self.hub.close()


class Seed(LineProcess):
    """The existing client, driven step by step in its own environment."""

    def __init__(self, server: FakeHubProcess) -> None:
        process = seed_env.start(
            "script.py", f"{server.url}/core", f"{server.url}/auth", server.username, server.password
        )
        super().__init__(process, "the existing client")

    def step(self, step: str, *args: str) -> None:
        self.ask(" ".join((step, *args)))


CLIENTS: list[tuple[str, Any]] = [
    ("flame-hub-client 0.5.5", Seed),
    ("ours: seed-style methods", SeedStyle),
    ("ours: ORM", Orm),
]


def run(quick: bool, tmp: str) -> dict[str, Any]:
    results: dict[str, Any] = {"clients": []}
    with FakeHubProcess(NODES, tmp=tmp) as server:
        for index, (label, factory) in enumerate(CLIENTS, start=1):
            entry: dict[str, Any] = {"client": label, "steps": {}}
            try:
                runner = factory(server)
            except (seed_env.SeedUnavailable, RuntimeError) as exc:
                entry["skipped"] = str(exc)
                results["clients"].append(entry)
                continue
            try:
                for step in STEPS:
                    server.reset()
                    args = (f"bench-node-{index:05d}",) if step == "filter" else ()
                    runner.step(step, *args)
                    stats = server.stats()
                    entry["steps"][step] = (stats["requests"], stats["token_requests"])
            except Exception as exc:  # report the failing step and carry on with the next client
                entry["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                runner.close()
            results["clients"].append(entry)
    return results


def report(results: dict[str, Any]) -> str:
    headers = ["client", *STEPS, "total", "of which token"]
    rows = []
    for entry in results["clients"]:
        if "skipped" in entry:
            rows.append([entry["client"], *(["-"] * (len(STEPS) + 2))])
            continue
        steps = entry["steps"]
        cells = [
            f"{steps[s][0]}" + (f" ({steps[s][1]}t)" if steps[s][1] else "") if s in steps else "-"
            for s in STEPS
        ]
        total = sum(v[0] for v in steps.values())
        tokens = sum(v[1] for v in steps.values())
        rows.append([entry["client"], *cells, total, tokens])
    lines = [
        f"(c) the standard script: HTTP requests per step, counted by the server ({NODES} nodes); "
        "(Nt) = N of them token requests",
        table(headers, rows),
    ]
    for entry in results["clients"]:
        if "skipped" in entry:
            lines.append(f"{entry['client']} not run: {entry['skipped']}")
        if "error" in entry:
            lines.append(f"{entry['client']} FAILED: {entry['error']}")
    return "\n".join(lines)
