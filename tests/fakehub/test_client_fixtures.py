"""The plugin's configured-client fixtures: a Hub and an AsyncHub logged in to a fresh FakeHub."""

from __future__ import annotations

import asyncio

from flame_hub import AsyncHub, Hub
from flame_hub.testing import FakeHub


def test_fakehub_hub_is_logged_in_to_the_test_s_fakehub(fakehub: FakeHub, fakehub_hub: Hub) -> None:
    node = fakehub_hub.core.create_node("fixture-node")
    assert [n.id for n in fakehub_hub.core.find_nodes(filter={"name": "fixture-node"})] == [node.id]
    assert fakehub_hub.core.base_url.startswith(fakehub.base_url)


def test_each_test_gets_a_fresh_hub(fakehub_hub: Hub) -> None:
    assert fakehub_hub.core.find_nodes(filter={"name": "fixture-node"}) == []


def test_fakehub_async_hub(fakehub_async_hub: AsyncHub) -> None:
    async def main() -> list[str]:
        async with fakehub_async_hub as hub:
            return [realm.name or "" for realm in await hub.auth.find_realms(filter={"name": "master"})]

    assert asyncio.run(main()) == ["master"]
