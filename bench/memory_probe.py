"""Run in a child process by ``bench_memory``: peak RSS before and after one bulk operation.

The peak (``VmHWM``) is read once the client is built and has sent one request (so imports, parsers
and the connection pool are already counted in "before"), then again after the operation; the growth
is what the operation itself cost. Prints one JSON line.

Usage:
    python memory_probe.py iterate URL USERNAME PASSWORD   # for node in qs.iterator()
    python memory_probe.py list URL USERNAME PASSWORD      # list(qs): every record held at once
    python memory_probe.py download URL USERNAME PASSWORD FILE_ID TARGET
"""

from __future__ import annotations

import json
import os
import sys
import time

from measure import vm_hwm_kib

from flame_hub import Hub
from flame_hub.auth import PasswordAuth
from flame_hub.models import Node


def main() -> None:
    mode, url, username, password, *rest = sys.argv[1:]
    with Hub(url, PasswordAuth(username, password)) as hub:
        nodes = Node.objects.using(hub)
        if mode == "download":
            file_id, target = rest
            hub.storage.get_bucket_file(file_id)
        else:
            nodes.first()
        before = vm_hwm_kib()
        started = time.perf_counter()
        result: dict[str, object] = {}
        if mode == "iterate":
            count = 0
            for _ in nodes.iterator():
                count += 1
            result["records"] = count
        elif mode == "list":
            result["records"] = len(list(nodes.all()))
        elif mode == "download":
            path = hub.storage.download_bucket_file(file_id, target)
            result["bytes"] = os.path.getsize(path)
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        result["seconds"] = time.perf_counter() - started
        result["before_kib"] = before
        result["after_kib"] = vm_hwm_kib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
