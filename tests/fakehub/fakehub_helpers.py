"""Helpers for FakeHub's engine unit tests (raw httpx against an in-process hub)."""

from __future__ import annotations

from typing import Any

import httpx


def login(http: httpx.Client, **body: Any) -> dict[str, Any]:
    """The token response of a password grant (admin by default)."""
    payload = {"grant_type": "password", "username": "admin", "password": "start123", **body}
    response = http.post("/auth/token", json=payload)
    assert response.status_code == 200, response.text
    return dict(response.json())


def auth(token: str) -> dict[str, str]:
    """A Bearer header."""
    return {"Authorization": f"Bearer {token}"}
