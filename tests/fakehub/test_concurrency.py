"""The store stays consistent under concurrent requests (threaded loopback server, async transport)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
from fakehub_helpers import auth, login

from flame_hub.testing import FakeHub


def test_threaded_loopback_writes_are_serialised() -> None:
    hub = FakeHub()
    with hub.serve() as server:
        with httpx.Client(base_url=server.url) as http:
            headers = auth(login(http)["access_token"])

        def create(i: int) -> int:
            with httpx.Client(base_url=server.url) as client:
                # every worker races for the same name once, then creates its own
                clash = client.post("/auth/realms", json={"name": "shared-name"}, headers=headers).status_code
                own = client.post("/auth/realms", json={"name": f"realm-{i}"}, headers=headers).status_code
                assert own == 201
                return clash

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(create, range(16)))
        assert statuses.count(201) == 1 and statuses.count(409) == 15
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/auth/realms", headers=headers).json()["meta"]["total"] == 18


async def _gather(hub: FakeHub) -> list[int]:
    async with httpx.AsyncClient(transport=hub.async_transport(), base_url=hub.base_url) as client:
        token = (await client.post("/auth/token", json={"username": "admin", "password": "start123"})).json()
        headers = auth(token["access_token"])
        statuses: list[int] = []

        async def one(i: int) -> None:
            response = await client.post("/auth/roles", json={"name": f"role-{i}"}, headers=headers)
            statuses.append(response.status_code)

        async with anyio.create_task_group() as group:
            for i in range(20):
                group.start_soon(one, i)
        return statuses


def test_async_transport_concurrent_tasks() -> None:
    hub = FakeHub()
    assert anyio.run(_gather, hub) == [201] * 20
