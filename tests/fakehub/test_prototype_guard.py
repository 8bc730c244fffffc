"""Prototype-polluting keys are refused in every parameter; the same words as filter values are data."""

from __future__ import annotations

import httpx
import pytest

from flame_hub.testing import FakeHub


@pytest.fixture
def client() -> httpx.Client:
    hub = FakeHub()
    http = httpx.Client(transport=hub.transport(), base_url=hub.base_url)
    token = http.post(
        "/auth/token", json={"grant_type": "password", "username": "admin", "password": "start123"}
    )
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return http


@pytest.mark.parametrize(
    "params",
    [
        {"filter[__proto__]": "x"},
        {"filter": "eq(constructor,'x')"},
        {"sort": "prototype"},
        {"fields": "__proto__"},
    ],
)
def test_prototype_keys_are_refused(client: httpx.Client, params: dict[str, str]) -> None:
    answer = client.get("/core/nodes", params=params)
    assert answer.status_code == 400
    assert answer.json()["issues"][0]["code"] == "keyInvalid"


@pytest.mark.parametrize(
    "params",
    [
        {"filter[name]": "prototype"},
        {"filter": "eq(name,'constructor')"},
        {"filter": "in(name,'a','__proto__')"},
    ],
)
def test_the_same_words_as_filter_values_are_data(client: httpx.Client, params: dict[str, str]) -> None:
    client.post("/core/nodes", json={"name": "prototype"}).raise_for_status()
    answer = client.get("/core/nodes", params=params)
    assert answer.status_code == 200
    expected = ["prototype"] if "prototype" in str(params) and "filter[name]" in params else []
    assert [n["name"] for n in answer.json()["data"]] == expected
