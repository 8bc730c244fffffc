"""The in-process async transport answers like the sync one (issue 3 deliverable 6; auth.md §2.1)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

pytestmark = pytest.mark.conformance


def test_async_transport_round_trip(hub):
    """auth.md §1.2/§2.1 and core-and-storage.md §1.5 over httpx.AsyncClient: token, create 201, list 200."""

    async def scenario() -> tuple[int, dict]:
        async with httpx.AsyncClient(transport=hub.async_transport(), base_url=hub.base_url) as client:
            token = await client.post(
                "/auth/token", json={"grant_type": "password", "username": "admin", "password": "start123"}
            )
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            created = await client.post("/core/nodes", json={"name": "async-node"}, headers=headers)
            listed = await client.get("/core/nodes", headers=headers)
            return created.status_code, listed.json()

    status, body = asyncio.run(scenario())
    assert status == 201
    assert [row["name"] for row in body["data"]] == ["async-node"]
    assert body["meta"]["total"] == 1
