"""(e) What a user pays per page: one 50-node ``find_nodes()`` end to end, beyond a raw HTTP request.

(a) times parsing alone; a user pays for the whole call -- building the request, the auth flow,
sending, reading, checking, parsing, and whatever the client does per record. This benchmark times
the whole call and subtracts a raw request of the same page made in the same process:

* **ours**: ``CoreClient.find_nodes()`` (``PasswordAuth``, token cached after the first call) minus
  ``httpx.Client.get`` + ``json.loads`` of the same page (keep-alive);
* **flame-hub-client 0.5.5**: its ``CoreClient.find_nodes()`` in its own environment minus
  ``httpx2.Client.get`` + ``json.loads`` in that interpreter (``seed_side/overhead.py``): each client
  is measured against the HTTP library it ships with, so the difference is the client's own work;
* **ours, async**: ``await AsyncCoreClient.find_nodes()`` minus ``await httpx.AsyncClient.get`` +
  ``json.loads`` on the same event loop (0.5.5 has no async client).

Both clients are timed in fresh worker processes that do nothing else (``overhead_worker.py`` in our
environment, ``seed_side/overhead.py`` in 0.5.5's), so neither inherits the state of the benchmark run.

Two servers:

* **over loopback**: ``canned_server.py`` in its own process answers every list request with the same
  bytes (a real FakeHub answer of 50 nodes, captured once) and the token request with a canned token;
  it costs the same few tens of µs for every call, whichever client sent it, and its CPU time is never
  the client's;
* **in-process transport**: the same calls through an httpx transport that hands back the same bytes
  (no socket, no server, no scheduling between processes): the client's own work alone. On a busy
  machine these figures are far steadier than the loopback ones.

Each client round is paired with the raw round of its process and server, run right before or after
it (alternately), and the pairs run in rotating order, so that load from elsewhere on the machine falls
on all of them alike. The overhead of a pair is client minus raw; the median over pairs is reported, in
wall time and in the client process's CPU time. The figure to compare is ours / 0.5.5 of the median
overheads (goal: at most 0.5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from pathlib import Path
from typing import Any

import seed_env
from bench_parse import node_page
from canned_server import TOKEN
from line_process import LineProcess, spawn
from measure import table

SERVER_SCRIPT = Path(__file__).with_name("canned_server.py")
WORKER_SCRIPT = Path(__file__).with_name("overhead_worker.py")
USERNAME, PASSWORD = "admin", "bench-password"

#: (name, label, the raw baseline it is paired with); in the order of the report's rows.
ALTERNATIVES: list[tuple[str, str, str | None]] = [
    ("raw", "raw: httpx.Client.get + json.loads", None),
    ("ours", "ours: CoreClient.find_nodes()", "raw"),
    ("seed_raw", "raw: httpx2.Client.get + json.loads (0.5.5's process)", None),
    ("seed", "flame-hub-client 0.5.5: CoreClient.find_nodes()", "seed_raw"),
    ("raw_async", "raw: await httpx.AsyncClient.get + json.loads", None),
    ("ours_async", "ours: await AsyncCoreClient.find_nodes()", "raw_async"),
    ("raw_inproc", "raw: httpx.Client.get + json.loads", None),
    ("ours_inproc", "ours: CoreClient.find_nodes()", "raw_inproc"),
    ("seed_raw_inproc", "raw: httpx2.Client.get + json.loads (0.5.5's process)", None),
    ("seed_inproc", "flame-hub-client 0.5.5: CoreClient.find_nodes()", "seed_raw_inproc"),
    ("raw_async_inproc", "raw: await httpx.AsyncClient.get + json.loads", None),
    ("ours_async_inproc", "ours: await AsyncCoreClient.find_nodes()", "raw_async_inproc"),
]
SEED_NAMES = {
    "seed": "seed",
    "seed_raw": "raw",
    "seed_inproc": "seed_inproc",
    "seed_raw_inproc": "raw_inproc",
}


class CannedServer(LineProcess):
    """``canned_server.py`` in a child process, serving ``page`` for every list request."""

    def __init__(self, page_file: str) -> None:
        super().__init__(spawn(SERVER_SCRIPT, page_file), "the canned server")
        self.url: str = self.read()["url"]

    def stats(self) -> dict[str, Any]:
        return self.ask("stats")


class Worker(LineProcess):
    """A timing worker in a fresh interpreter: ours (``overhead_worker.py``) or 0.5.5's (``seed_side``);
    it stops when its stdin closes. Each of its calls must read all ``records`` of the page: a call that
    parsed fewer would be timed doing less work than the others."""

    def __init__(self, process: subprocess.Popen[str], records: int) -> None:
        super().__init__(process, "a timing worker", farewell=None)
        self.about = self.read()
        wrong = {name: got for name, got in self.about["records"].items() if got != records}
        if wrong:
            self.close()
            raise RuntimeError(f"calls that did not read the page's {records} records: {wrong}")

    def round(self, name: str, number: int) -> tuple[float, float]:
        answer = self.ask(f"{name} {number}")
        return float(answer["wall"]), float(answer["cpu"])


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run(quick: bool, tmp: str) -> dict[str, Any]:
    """Interleaved pairs of rounds (a client, then the raw request of its process, or the other way
    round), the pairs in rotating order; the overhead of a pair is client minus raw."""
    number, repeat = (100, 5) if quick else (200, 21)
    page = node_page()
    records = len(json.loads(page)["data"])
    results: dict[str, Any] = {"page_bytes": len(page), "rounds": number, "repeat": repeat}
    page_file = os.path.join(tmp, "overhead-page.json")
    token_file = os.path.join(tmp, "overhead-token.json")
    Path(page_file).write_bytes(page)
    Path(token_file).write_bytes(TOKEN)
    arguments = (USERNAME, PASSWORD, page_file, token_file)
    server = CannedServer(page_file)
    workers: dict[str, Worker] = {}
    walls: dict[str, list[float]] = {name: [] for name, _, _ in ALTERNATIVES}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in ALTERNATIVES}
    try:
        workers["ours"] = Worker(spawn(WORKER_SCRIPT, server.url, *arguments), records)
        try:
            workers["seed"] = Worker(seed_env.start("overhead.py", server.url, *arguments), records)
            results["seed_about"] = workers["seed"].about
        except (seed_env.SeedUnavailable, RuntimeError) as exc:
            results["seed_error"] = str(exc)

        def one_round(name: str, count: int) -> tuple[float, float] | None:
            if name in SEED_NAMES:
                seed = workers.get("seed")
                return None if seed is None else seed.round(SEED_NAMES[name], count)
            return workers["ours"].round(name, count)

        for name, _, _ in ALTERNATIVES:  # warm-up: caches, connections, the token
            one_round(name, max(10, number // 10))
        results["load_before"] = os.getloadavg()
        pairs = [(name, baseline) for name, _, baseline in ALTERNATIVES if baseline is not None]
        for index in range(repeat):
            shift = index % len(pairs)
            for client, baseline in pairs[shift:] + pairs[:shift]:
                for name in (client, baseline) if index % 2 == 0 else (baseline, client):
                    timing = one_round(name, number)
                    if timing is not None:
                        walls[name].append(timing[0])
                        cpus[name].append(timing[1])
        results["load_after"] = os.getloadavg()
        results["server"] = server.stats()
    finally:
        for worker in workers.values():
            worker.close()
        server.close()
    for name, _, baseline in ALTERNATIVES:
        if not walls[name]:
            continue
        results[name] = {"wall": _summary(walls[name]), "cpu": _summary(cpus[name])}
        if baseline is not None and walls[baseline]:
            results[name]["overhead"] = {
                "wall": _summary([c - b for c, b in zip(walls[name], walls[baseline], strict=True)]),
                "cpu": _summary([c - b for c, b in zip(cpus[name], cpus[baseline], strict=True)]),
            }
    return results


def _us(value: float) -> str:
    return f"{value * 1e6:.0f}"


def _spread(summary: dict[str, float]) -> str:
    return f"{_us(summary['median'])} ({_us(summary['min'])}..{_us(summary['max'])})"


def _ratio(results: dict[str, Any], ours: str, seed: str, key: str, whole: bool = False) -> str:
    """ours / 0.5.5 of the median overheads, or with ``whole`` of the median whole calls."""
    if whole:
        mine, theirs = results.get(ours), results.get(seed)
    else:
        mine, theirs = results.get(ours, {}).get("overhead"), results.get(seed, {}).get("overhead")
    if not mine or not theirs or theirs[key]["median"] <= 0:
        return "n/a"
    return f"{mine[key]['median'] / theirs[key]['median']:.2f}"


def report(results: dict[str, Any]) -> str:
    headers = [
        "call",
        "wall µs/page",
        "client CPU µs/page",
        "wall over raw (min..max)",
        "CPU over raw (min..max)",
    ]
    sections = []
    for suffix, title in (
        ("", "over loopback (canned server)"),
        ("_inproc", "in-process transport (no server)"),
    ):
        rows = []
        for name, label, _ in ALTERNATIVES:
            if not name.endswith(suffix) or (not suffix and name.endswith("_inproc")) or name not in results:
                continue
            measured = results[name]
            overhead = measured.get("overhead")
            rows.append(
                [
                    label,
                    _us(measured["wall"]["median"]),
                    _us(measured["cpu"]["median"]),
                    _spread(overhead["wall"]) if overhead else "(baseline)",
                    _spread(overhead["cpu"]) if overhead else "(baseline)",
                ]
            )
        sections.append((title, suffix, rows))
    before, after = results.get("load_before", (0.0,)), results.get("load_after", (0.0,))
    lines = [
        f"(e) one page of 50 nodes end to end ({results['page_bytes']:,} bytes): µs per page, medians of "
        f"{results['repeat']} interleaved rounds of {results['rounds']} calls; 'over raw' is each round minus "
        f"the raw round of the same process run right before or after it (load {before[0]:.2f} before, "
        f"{after[0]:.2f} after)",
    ]
    for title, suffix, rows in sections:
        lines.append(title)
        lines.append(table(headers, rows))
        lines.append(
            f"ours / 0.5.5 per-page overhead = {_ratio(results, 'ours' + suffix, 'seed' + suffix, 'wall')} (wall), "
            f"{_ratio(results, 'ours' + suffix, 'seed' + suffix, 'cpu')} (CPU)   (goal: at most 0.5)"
        )
        # what a user pays: the whole call, each client with the HTTP library it ships with
        ours, seed = "ours" + suffix, "seed" + suffix
        lines.append(
            f"ours / 0.5.5 whole call = {_ratio(results, ours, seed, 'wall', whole=True)} (wall), "
            f"{_ratio(results, ours, seed, 'cpu', whole=True)} (CPU)"
        )
    if "seed_about" in results:
        about = results["seed_about"]
        lines.append(
            f"seed environment: flame-hub-client {about['version']}, {about['http']}, pydantic "
            f"{about['pydantic']}, Python {about['python']}"
        )
    else:
        lines.append(f"the existing client could not be measured: {results.get('seed_error')}")
    server = results.get("server", {})
    if server:
        lines.append(
            f"canned server: {server['requests']:,} requests ({server['token_requests']} token requests), "
            f"{server['cpu_seconds']:.1f} s CPU in its own process"
        )
    return "\n".join(lines)
