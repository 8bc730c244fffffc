"""Runs inside bench/.venv-seed: the standard script, step by step, with flame-hub-client 0.5.5.

Reads one step name per line on stdin, carries it out, and answers one JSON line, so that the
benchmark can read the server's request counters between steps. Steps: ``login`` (builds the clients;
the existing client, like ours, fetches its token on the first request), ``list``, ``filter NAME``,
``count``, ``get``, ``update``, ``delete``, ``quit``.

Usage: python script.py CORE_URL AUTH_URL USERNAME PASSWORD
"""

from __future__ import annotations

import json
import sys

from flame_hub import CoreClient
from flame_hub.auth import PasswordAuth


def main() -> None:
    core_url, auth_url, username, password = sys.argv[1:5]
    core = None
    node = None
    for line in sys.stdin:
        step, *args = line.split()
        answer = {"step": step}
        if step == "login":
            core = CoreClient(base_url=core_url, auth=PasswordAuth(username, password, base_url=auth_url))
        elif step == "list":
            answer["records"] = len(core.find_nodes(page={"limit": 50, "offset": 0}))
        elif step == "filter":
            found = core.find_nodes(filter={"name": args[0]})
            node = found[0]
            answer["records"] = len(found)
        elif step == "count":
            _, meta = core.find_nodes(page={"limit": 1}, meta=True)
            answer["total"] = meta.total
        elif step == "get":
            node = core.get_node(node.id)
            answer["name"] = node.name
        elif step == "update":
            node = core.update_node(node.id, external_name="renamed-by-bench")
            answer["external_name"] = node.external_name
        elif step == "delete":
            core.delete_node(node.id)
        elif step == "quit":
            break
        print(json.dumps(answer), flush=True)
    if core is not None:
        core.close()


if __name__ == "__main__":
    main()
