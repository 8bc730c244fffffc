"""Deterministic mode: the same seed and the same requests give the same bytes."""

from __future__ import annotations

from flame_hub.testing import FakeHub


def session(seed: int) -> list[bytes]:
    hub = FakeHub(seed=seed)
    http = hub.client()
    token = http.post("/auth/token", json={"username": "admin", "password": "start123"}).json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    out = [token.encode()]
    out.append(http.post("/auth/realms", json={"name": "det-realm"}, headers=headers).content)
    out.append(
        http.post(
            "/auth/clients", json={"name": "det-client", "authMethod": "secret"}, headers=headers
        ).content
    )
    out.append(http.get("/auth/users", headers=headers).content)
    out.append(hub.dump().encode())
    return out


def test_same_seed_same_bytes() -> None:
    assert session(7) == session(7)


def test_different_seed_different_ids() -> None:
    assert session(7)[1] != session(8)[1]


def test_manual_clock_stands_still_until_advanced() -> None:
    hub = FakeHub(seed=1)
    before = hub.clock.now()
    assert hub.clock.now() == before
    hub.clock.advance(30)
    assert hub.clock.now() == before + 30
    assert hub.clock.iso() == "2026-01-01T00:00:30.000Z"


def test_real_clock_can_be_advanced() -> None:
    hub = FakeHub()
    before = hub.clock.now()
    hub.clock.advance(3600)
    assert hub.clock.now() - before >= 3600
