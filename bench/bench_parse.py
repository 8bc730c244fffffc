"""(a) Parsing one 50-record node list page into models: ours, ``json.loads`` alone, the existing client.

Parsing alone: a user pays for the whole call (request, auth, sending, checking, per-record work),
which is what (e) measures; this figure is never the client's speed.

The page is a real FakeHub answer (``GET /core/nodes?page[limit]=50``, with its ``meta.schema``) over
50 nodes with realistic values. Ours is ``list_adapter(Node).validate_json(raw)``, the one-pass parse
the client runs on every list answer; the existing client 0.5.5 parses the same bytes in its own
environment with its own code path (see ``seed_side/parse_page.py``).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import seed_env
from fakehub_server import seed_nodes
from line_process import LineProcess
from measure import ratio, table

from flame_hub.models import Node
from flame_hub.schema.envelopes import list_adapter
from flame_hub.testing import FakeHub


def node_page() -> bytes:
    """The raw body of a FakeHub answer listing 50 nodes."""
    hub = FakeHub(rate_limit=False)
    seed_nodes(hub, 50)
    with hub.client() as http:
        token = http.post(
            "/auth/token",
            json={"grant_type": "password", "username": hub.admin_username, "password": hub.admin_password},
        ).json()["access_token"]
        response = http.get(
            "/core/nodes",
            params={"page[limit]": "50", "sort": "createdAt"},
            headers={"authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
        return response.content


def _round(function: Callable[[], Any], number: int) -> float:
    started = time.perf_counter()
    for _ in range(number):
        function()
    return (time.perf_counter() - started) / number


class SeedWorker(LineProcess):
    """The existing client's parser in its own environment, timed a round at a time (``seed_side``);
    it stops when its stdin closes."""

    def __init__(self, page_file: str) -> None:
        super().__init__(seed_env.start("parse_page.py", page_file), "the seed parser", farewell=None)
        self.about = self.read()

    def round(self, name: str, number: int) -> float:
        return float(self.ask(f"{name} {number}")["seconds"])


def run(quick: bool) -> dict[str, Any]:
    """Rounds of each parser, interleaved (ours, json.loads, the seed's, json.loads in the seed's
    interpreter), so that load from elsewhere on the machine falls on all of them alike."""
    raw = node_page()
    number, repeat = (100, 5) if quick else (300, 15)
    adapter = list_adapter(Node)
    parsed = adapter.validate_json(raw)
    assert len(parsed.data) == 50 and parsed.data[0].name == "bench-node-00000"
    rounds: dict[str, list[float]] = {"ours": [], "json_loads": [], "seed": [], "seed_json_loads": []}
    results: dict[str, Any] = {
        "page_bytes": len(raw),
        "records": len(parsed.data),
        "rounds": number,
        "repeat": repeat,
    }
    handle, path = tempfile.mkstemp(prefix="flame-hub-bench-page-", suffix=".json")
    worker: SeedWorker | None = None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
        try:
            worker = SeedWorker(path)
            results["seed_about"] = worker.about
        except (seed_env.SeedUnavailable, RuntimeError) as exc:
            results["seed_error"] = str(exc)
        _round(lambda: adapter.validate_json(raw), number)  # warm-up
        for _ in range(repeat):
            rounds["ours"].append(_round(lambda: adapter.validate_json(raw), number))
            rounds["json_loads"].append(_round(lambda: json.loads(raw), number))
            if worker is not None:
                rounds["seed"].append(worker.round("seed", number))
                rounds["seed_json_loads"].append(worker.round("json", number))
    finally:
        if worker is not None:
            worker.close()
        os.remove(path)
    for name, values in rounds.items():
        if values:
            results[name] = {"best": min(values), "median": statistics.median(values)}
    return results


def report(results: dict[str, Any]) -> str:
    ours = results["ours"]["best"]
    loads = results["json_loads"]["best"]
    seed = results.get("seed")
    about = results.get("seed_about", {})
    rows = [
        ["json.loads only (baseline)", f"{loads * 1e6:.0f}", f"{results['json_loads']['median'] * 1e6:.0f}"],
        [
            "ours: list_adapter(Node).validate_json",
            f"{ours * 1e6:.0f}",
            f"{results['ours']['median'] * 1e6:.0f}",
        ],
    ]
    if seed:
        rows.append(
            [
                f"flame-hub-client {about['version']}: ResourceList[Node](**json.loads)",
                f"{seed['best'] * 1e6:.0f}",
                f"{seed['median'] * 1e6:.0f}",
            ]
        )
        rows.append(
            [
                "json.loads only, in the seed environment",
                f"{results['seed_json_loads']['best'] * 1e6:.0f}",
                f"{results['seed_json_loads']['median'] * 1e6:.0f}",
            ]
        )
    lines = [
        f"(a) parsing alone, one page of {results['records']} nodes ({results['page_bytes']:,} bytes): µs per page; best and median of {results.get('repeat', 'several')} interleaved rounds of {results['rounds']} parses",
        "(parsing only -- not what a call costs; the whole call is (e))",
        table(["parser", "best", "median"], rows),
        f"ours / json.loads = {ratio(ours, loads)}   (goal: at most 2x)",
    ]
    if seed:
        lines.append(f"seed / ours = {ratio(seed['best'], ours)}   (goal: at least 2x)")
        lines.append(
            f"seed environment: Python {about['python']}, pydantic {about['pydantic']} "
            f"(parsed {about['records']} records)"
        )
    else:
        lines.append(f"the existing client could not be measured: {results.get('seed_error')}")
    return "\n".join(lines)
