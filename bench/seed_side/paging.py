"""Runs inside bench/.venv-seed: read every node with flame-hub-client 0.5.5, one page after another.

The existing client has no iteration: a caller pages with ``find_nodes(page={"limit": 50, "offset":
n})`` until a short page, as this script does (sorted by ``created_at`` for stable pages, as ours
pages). Prints one JSON line: wall seconds, records, and the first and last id (to check the order).

Usage: python paging.py CORE_URL AUTH_URL USERNAME PASSWORD
"""

from __future__ import annotations

import json
import sys
import time

from flame_hub import CoreClient
from flame_hub.auth import PasswordAuth


def main() -> None:
    core_url, auth_url, username, password = sys.argv[1:5]
    started = time.perf_counter()
    core = CoreClient(base_url=core_url, auth=PasswordAuth(username, password, base_url=auth_url))
    ids = []
    offset = 0
    while True:
        page = core.find_nodes(page={"limit": 50, "offset": offset}, sort={"by": "created_at"})
        ids.extend(str(node.id) for node in page)
        offset += 50
        if len(page) < 50:
            break
    seconds = time.perf_counter() - started
    core.close()
    print(json.dumps({"seconds": seconds, "records": len(ids), "first": ids[0], "last": ids[-1]}))


if __name__ == "__main__":
    main()
