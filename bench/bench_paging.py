"""(b) Reading every node from a FakeHub loopback server with 20 ms of latency per request.

Readers, each timed from its first request (the login included) to its last record:

* **sequential, raw httpx** -- one page after another (``page[limit]=50``, ``offset += 50``), the way a
  user of the existing client must page. It parses with our parser and sends our sort, so only the
  paging strategy differs from ours.
* **sequential, flame-hub-client 0.5.5** -- the same loop written with the existing client's
  ``find_nodes``, run in its own environment.
* **ours**: ``list(Node.objects.using(hub).all())``, ``list(….iterator())``, ``[n async for n in
  ….aiterator()]`` (AsyncHub, httpx's transport, and with ``AiohttpTransport`` where the ``aiohttp``
  extra is installed), and ``iterator(concurrency=1)`` -- our own client paging sequentially.

Requests are counted by the server. Every reader must return the same records in the same order as
the sequential baseline. Beside the wall time: the CPU seconds the reader's process spent (where a
concurrent reader's time goes once the latency overlaps) and those of the server process.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import seed_env
from fakehub_process import FakeHubProcess
from measure import ratio, table

from flame_hub import AsyncHub, Hub
from flame_hub.auth import PasswordAuth
from flame_hub.models import Node
from flame_hub.orm.queryset import QuerySet
from flame_hub.schema.envelopes import list_adapter

LATENCY = 0.02
PAGE = 50
#: Whether the client under test has ``iterator(concurrency=…)`` (concurrent paging) yet.
HAS_CONCURRENCY = "concurrency" in inspect.signature(QuerySet.iterator).parameters

Reader = Callable[[FakeHubProcess], list[str]]


def sequential_httpx(server: FakeHubProcess) -> list[str]:
    adapter = list_adapter(Node)
    ids: list[str] = []
    with httpx.Client(base_url=server.url) as http:
        token = http.post(
            "/auth/token",
            json={"grant_type": "password", "username": server.username, "password": server.password},
        ).json()["access_token"]
        headers = {"authorization": f"Bearer {token}"}
        offset = 0
        while True:
            params = {"page[limit]": str(PAGE), "page[offset]": str(offset), "sort": "createdAt"}
            response = http.get("/core/nodes", params=params, headers=headers)
            response.raise_for_status()
            page = adapter.validate_json(response.content)
            ids.extend(str(node.id) for node in page.data)
            offset += PAGE
            if len(page.data) < PAGE or (page.meta.total is not None and offset >= page.meta.total):
                return ids


def _hub(server: FakeHubProcess) -> Hub:
    return Hub(server.url, PasswordAuth(server.username, server.password))


def ours_list(server: FakeHubProcess) -> list[str]:
    with _hub(server) as hub:
        return [str(node.id) for node in list(Node.objects.using(hub).all())]


def ours_iterator(server: FakeHubProcess) -> list[str]:
    with _hub(server) as hub:
        return [str(node.id) for node in Node.objects.using(hub).iterator()]


def ours_sequential(server: FakeHubProcess) -> list[str]:
    with _hub(server) as hub:
        return [str(node.id) for node in Node.objects.using(hub).iterator(concurrency=1)]  # type: ignore[call-arg]


def ours_wide(server: FakeHubProcess) -> list[str]:
    with _hub(server) as hub:
        return [str(node.id) for node in Node.objects.using(hub).iterator(concurrency=16)]  # type: ignore[call-arg]


def ours_async(server: FakeHubProcess, **options: Any) -> list[str]:
    async def read() -> list[str]:
        async with AsyncHub(server.url, PasswordAuth(server.username, server.password), **options) as hub:
            return [str(node.id) async for node in Node.objects.using(hub).aiterator()]

    return asyncio.run(read())


def ours_async_aiohttp(server: FakeHubProcess) -> list[str]:
    from flame_hub.transports.aiohttp import AiohttpTransport

    return ours_async(server, transport=AiohttpTransport())


try:  # the optional transport, where its extra is installed (the dev install has it)
    import aiohttp  # noqa: F401

    HAS_AIOHTTP = True
except ImportError:
    HAS_AIOHTTP = False


READERS: list[tuple[str, Reader | None]] = [
    ("sequential: raw httpx loop", sequential_httpx),
    ("sequential: flame-hub-client 0.5.5 find_nodes loop", None),  # runs in the seed environment
    ("ours: list(Node.objects.using(hub).all())", ours_list),
    ("ours: list(qs.iterator())", ours_iterator),
    ("ours: [n async for n in qs.aiterator()]", ours_async),
    ("ours: aiterator() over AiohttpTransport", ours_async_aiohttp if HAS_AIOHTTP else None),
    ("ours: qs.iterator(concurrency=1)", ours_sequential if HAS_CONCURRENCY else None),
    ("ours: qs.iterator(concurrency=16)", ours_wide if HAS_CONCURRENCY else None),
]


def _measure(
    server: FakeHubProcess, name: str, reader: Reader | None, expected: list[str] | None, times: int
) -> dict[str, Any]:
    """Run one reader ``times`` times; wall and CPU times are medians (and the best wall time)."""
    load = os.getloadavg()[0]
    samples = [_measure_once(server, name, reader, expected) for _ in range(times)]
    if "skipped" in samples[0]:
        return samples[0]
    walls = [sample["seconds"] for sample in samples]
    row = dict(samples[-1])
    row["runs"] = times
    row["seconds"] = statistics.median(walls)
    row["best"] = min(walls)
    row["walls"] = walls
    row["load"] = load
    row["in_order"] = all(sample["in_order"] for sample in samples)
    row["requests"] = max(sample["requests"] for sample in samples)
    for key in ("client_cpu", "server_cpu"):
        if key in row:
            row[key] = statistics.median(sample[key] for sample in samples)
    return row


def _measure_once(
    server: FakeHubProcess, name: str, reader: Reader | None, expected: list[str] | None
) -> dict[str, Any]:
    server.reset()
    row: dict[str, Any] = {"reader": name}
    try:
        if reader is not None:
            started, cpu = time.perf_counter(), time.process_time()
            ids = reader(server)
            row["seconds"] = time.perf_counter() - started
            row["client_cpu"] = time.process_time() - cpu
            row["records"] = len(ids)
            row["in_order"] = expected is None or ids == expected
            row["ids"] = ids
        elif "0.5.5" in name:
            answer = seed_env.run(
                "paging.py", f"{server.url}/core", f"{server.url}/auth", server.username, server.password
            )
            row["seconds"] = answer["seconds"]
            row["records"] = answer["records"]
            row["in_order"] = expected is None or (
                answer["records"] == len(expected)
                and answer["first"] == expected[0]
                and answer["last"] == expected[-1]
            )
        elif "Aiohttp" in name:
            row["skipped"] = "aiohttp is not installed (pip install 'flame-hub-client[aiohttp]')"
            return row
        else:
            row["skipped"] = "iterator() has no concurrency argument in this version"
            return row
    except (seed_env.SeedUnavailable, RuntimeError) as exc:
        row["skipped"] = str(exc)
        return row
    stats = server.stats()
    row["requests"] = stats["requests"]
    row["token_requests"] = stats["token_requests"]
    row["server_cpu"] = stats["cpu_seconds"]
    return row


def run(quick: bool, tmp: str) -> dict[str, Any]:
    nodes = 2_000 if quick else 10_000
    results: dict[str, Any] = {"nodes": nodes, "latency": LATENCY, "has_concurrency": HAS_CONCURRENCY}
    with FakeHubProcess(nodes, LATENCY, tmp=tmp) as server:
        results["sorted_page_seconds"] = server.info["sorted_page_seconds"]
        sequential_httpx(server)  # untimed: FakeHub's ordering is computed once, connections are warm
        rows: list[dict[str, Any]] = []
        expected: list[str] | None = None
        for name, reader in READERS:
            sequential = name.startswith("sequential") or "concurrency=1)" in name
            times = 1 if quick else (2 if sequential else 3)
            row = _measure(server, name, reader, expected, times)
            if expected is None and "ids" in row:
                expected = row["ids"]
            row.pop("ids", None)
            rows.append(row)
        results["rows"] = rows
    return results


def report(results: dict[str, Any]) -> str:
    rows = results["rows"]
    baseline = next((r.get("seconds") for r in rows if r["reader"].startswith("sequential: raw")), None)
    cells = []
    for row in rows:
        if "skipped" in row:
            cells.append([row["reader"], *(["-"] * 8), f"not run: {row['skipped']}", ""])
            continue
        client_cpu = f"{row['client_cpu']:.2f}" if "client_cpu" in row else "(other process)"
        walls = row.get("walls", [row["seconds"]])
        cells.append(
            [
                row["reader"],
                " ".join(f"{wall:.2f}" for wall in walls),
                f"{row['seconds']:.2f}",
                row["requests"],
                row["token_requests"],
                client_cpu,
                f"{row['server_cpu']:.2f}",
                ratio(baseline, row["seconds"]),
                ratio(baseline, max(walls)),
                "yes" if row["in_order"] else "NO",
                f"{row['load']:.2f}" if "load" in row else "",
            ]
        )
    headers = [
        "reader",
        "wall s, each run",
        "median",
        "requests",
        "token req.",
        "client CPU s",
        "server CPU s",
        "sequential/this",
        "sequential/slowest run",
        "same records, same order",
        "load",
    ]
    lines = [
        f"(b) reading all {results['nodes']:,} nodes, {results['latency'] * 1000:.0f} ms latency per "
        f"/core/nodes request, pages of {PAGE}; FakeHub in its own process",
        f"FakeHub's own time for one sorted page of {results['nodes']:,} nodes, in-process: "
        f"{results['sorted_page_seconds'] * 1000:.1f} ms",
        table(headers, cells),
        "goal: ours at least 10x faster than sequential paging (the raw httpx loop), sync and async; "
        "ratios from the median wall times",
    ]
    if not results["has_concurrency"]:
        lines.append("note: this version of iterator() has no concurrency argument")
    return "\n".join(lines)
