"""The quickstart as a runnable demo: ``flame-hub demo`` (the README's main job).

Without a URL it starts an in-process FakeHub, so it runs anywhere with no network; given a Hub URL
and credentials (arguments or ``FLAME_HUB_*`` variables) the same steps run against that Hub.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from flame_hub.auth import PasswordAuth
from flame_hub.exceptions import FlameHubError, HubAPIError
from flame_hub.hub import Hub

__all__ = ["run_demo"]


def _hub(url: str | None, username: str | None, password: str | None) -> tuple[Hub, str]:
    url = url or os.environ.get("FLAME_HUB_URL")
    if not url:
        from flame_hub.testing import FakeHub

        fake = FakeHub()
        auth = PasswordAuth(fake.admin_username, fake.admin_password)
        return Hub(fake.base_url, auth, transport=fake.transport()), "an in-process FakeHub"
    username = username or os.environ.get("FLAME_HUB_USERNAME") or "admin"
    password = password or os.environ.get("FLAME_HUB_PASSWORD")
    if not password:
        raise FlameHubError("a Hub URL was given but no password: pass --password or set FLAME_HUB_PASSWORD")
    return Hub(url, PasswordAuth(username, password)), url


def run_demo(
    url: str | None = None,
    username: str | None = None,
    password: str | None = None,
    *,
    out: TextIO | None = None,
) -> int:
    """Run the quickstart and print each step; returns the process exit code."""
    stream = out or sys.stdout

    def say(text: str) -> None:
        print(text, file=stream)

    try:
        hub, where = _hub(url, username, password)
    except FlameHubError as exc:
        say(f"error: {exc}")
        return 2
    say(f"flame-hub demo against {where}")
    try:
        with hub:
            _steps(hub, say)
    except HubAPIError as exc:
        say(f"the Hub refused a step: {exc}")
        return 1
    say("done")
    return 0


def _steps(hub: Hub, say: Callable[[str], None]) -> None:
    master = hub.auth.find_realms(filter={"name": "master"})
    say(f"1. logged in; find_realms(filter={{'name': 'master'}}) -> {[r.name for r in master]}")
    realm = master[0]

    suffix = uuid.uuid4().hex[:8]
    names = [f"demo-node-{suffix}-{i}" for i in range(3)]
    nodes = [hub.core.create_node(name=name, realm_id=realm) for name in names]
    say(f"2. created nodes {', '.join(n.name or '' for n in nodes)}")

    updated = hub.core.update_node(nodes[0], hidden=True)
    say(f"3. update_node(hidden=True) -> hidden={updated.hidden}")
    fetched = hub.core.get_node(nodes[0].id)
    say(
        f"4. get_node(id) -> {fetched.name if fetched else None}, hidden={fetched.hidden if fetched else None}"
    )

    found = hub.core.find_nodes(
        filter={"name": ("startswith", f"demo-node-{suffix}")},
        sort={"by": "name", "order": "descending"},
        page={"limit": 2},
        meta=True,
    )
    records, meta = found
    say(
        f"5. find_nodes(name starts with 'demo-node-{suffix}', sorted by name descending, limit 2) -> "
        f"{[n.name for n in records]} of {meta.total}"
    )

    # nodes made in one second tie on created_at (the Hub stamps whole seconds): the name breaks the tie,
    # so the newest comes first either way
    query = hub.core.nodes.filter(name__like=f"node-{suffix}").order_by("-created_at", "-name")[:10]
    say(
        f"6. ORM: nodes.filter(name__like='node-{suffix}').order_by('-created_at', '-name')[:10] -> {[n.name for n in query]}"
    )
    count = hub.core.nodes.filter(hidden=True, name__startswith="demo-node-").count()
    say(f"7. ORM: nodes.filter(hidden=True, name__startswith='demo-node-').count() -> {count}")

    for node in nodes:
        hub.core.delete_node(node)
    say(f"8. deleted the nodes; get_node(id) -> {hub.core.get_node(nodes[0].id)}")
