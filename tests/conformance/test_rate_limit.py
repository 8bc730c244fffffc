"""Rate limiting (observed.md; auth.md §2.2; core-and-storage.md §1.7)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance

AUTHUP_BUDGET = 1200


def first_refusal(api, limit=AUTHUP_BUDGET + 5):
    """Send anonymous GET /auth/ until the first 429; return (request number, response)."""
    for number in range(1, limit + 1):
        response = api.get("/auth/", token=None)
        if response.status_code == 429:
            return number, response
        assert response.status_code == 200
    return None, None


def test_core_responses_carry_rate_limit_headers(api):
    """observed.md: every route answers ratelimit-limit: 6000 (users),
    ratelimit-remaining, ratelimit-reset."""
    response = api.get("/core/nodes")
    assert response.headers["ratelimit-limit"] == "6000"
    assert int(response.headers["ratelimit-remaining"]) <= 6000
    assert int(response.headers["ratelimit-reset"]) <= 60


def test_remaining_counts_down(api):
    """observed.md: ratelimit-remaining decreases with each request in the window."""
    first = int(api.get("/core/nodes").headers["ratelimit-remaining"])
    second = int(api.get("/core/nodes").headers["ratelimit-remaining"])
    assert second == first - 1


def test_authup_responses_carry_rate_limit_headers(api):
    """observed.md: rate-limit headers on every route, authup included."""
    response = api.get("/auth/", token=None)
    for header in ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"):
        assert header in response.headers


def test_authup_refuses_the_request_after_1200_per_minute(api):
    """observed.md / auth.md §2.2: 1,200 requests within a minute from one address to authup → 429,
    text/plain "Too many requests, please try again later.", ratelimit-limit 1200, ratelimit-remaining 0,
    retry-after 60."""
    number, response = first_refusal(api)
    assert number is not None, "no 429 within the budget"
    assert number in (AUTHUP_BUDGET, AUTHUP_BUDGET + 1)
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Too many requests, please try again later."
    assert response.headers["ratelimit-limit"] == "1200"
    assert response.headers["ratelimit-remaining"] == "0"
    assert response.headers["retry-after"] == "60"


def test_token_requests_count_against_authup(api):
    """observed.md: authup counts per address before authentication, so every token request counts."""
    for _ in range(AUTHUP_BUDGET + 1):
        response = api.token(grant_type="unknown-grant")
        if response.status_code == 429:
            break
    assert response.status_code == 429


@pytest.mark.fakehub_options(seed=31)
def test_window_is_sixty_seconds(api, hub):
    """auth.md §2.2: a 60 s window; after it the budget is back."""
    number, _ = first_refusal(api)
    assert number is not None
    hub.clock.advance(61)
    assert api.get("/auth/", token=None).status_code == 200
