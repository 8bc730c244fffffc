"""Runs inside bench/.venv-seed: time flame-hub-client 0.5.5 parsing one node list page.

Its list methods (``CoreClient.find_nodes`` -> ``BaseClient._find_all_resources``) parse an answer
with ``ResourceList[resource_type](**r.json())``, and httpx2's ``Response.json()`` is ``json.loads``
of the body; this worker times exactly that on the bytes the benchmark hands it, and ``json.loads``
alone in the same interpreter.

It stays alive so that the benchmark can interleave its rounds with rounds of ours (a busy machine
then disturbs both alike): first it prints one JSON line describing itself, then for every line
``seed N`` or ``json N`` on stdin it answers ``{"seconds": <per call>}``.

Usage: python parse_page.py PAGE_FILE
"""

from __future__ import annotations

import json
import platform
import sys
import time
from importlib import metadata

from flame_hub._base_client import ResourceList

from flame_hub.models import Node


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        raw = handle.read()
    parsed = ResourceList[Node](**json.loads(raw))
    functions = {
        "seed": lambda: ResourceList[Node](**json.loads(raw)),
        "json": lambda: json.loads(raw),
    }
    about = {
        "version": metadata.version("flame-hub-client"),
        "python": platform.python_version(),
        "pydantic": metadata.version("pydantic"),
        "records": len(parsed.data),
    }
    print(json.dumps(about), flush=True)
    for line in sys.stdin:
        name, number = line.split()
        function, count = functions[name], int(number)
        started = time.perf_counter()
        for _ in range(count):
            function()
        print(json.dumps({"seconds": (time.perf_counter() - started) / count}), flush=True)


if __name__ == "__main__":
    main()
