"""HubAPIError: parsing any error body, classes by meaning, the message format, secrets masked."""

from __future__ import annotations

import pickle

import httpx
import pytest

from flame_hub.exceptions import (
    BadRequestError,
    ConflictError,
    ErrorResponse,
    ForbiddenError,
    HubAPIError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnauthorizedError,
    parse_error_body,
    raise_for_response,
)

REQUEST = httpx.Request("GET", "http://hub.test/core/nodes")


def error_for(status: int, **kw: object) -> HubAPIError:
    response = httpx.Response(status, request=REQUEST, **kw)  # type: ignore[arg-type]
    with pytest.raises(HubAPIError) as info:
        raise_for_response(response)
    return info.value


def test_core_error_body_is_parsed_and_formatted() -> None:
    body = {
        "statusCode": 400,
        "code": "bad_request",
        "message": "The input was rejected: 1 violation.",
        "issues": [{"type": "item", "code": "keyNotAllowed", "path": ["name"], "message": "bad"}],
    }
    error = error_for(400, json=body)
    assert isinstance(error, BadRequestError)
    assert isinstance(error, httpx.HTTPError)
    assert error.status_code == 400
    assert error.code == "bad_request"
    assert error.issues[0]["path"] == ["name"]
    assert error.error_response is not None and error.error_response.status_code == 400
    assert (
        str(error)
        == "received status code 400 (bad_request): The input was rejected: 1 violation. [path: name]"
    )
    assert error.request is REQUEST
    assert error.response is not None and error.response.status_code == 400


def test_authup_error_body_without_status_takes_it_from_http() -> None:
    error = error_for(404, json={"name": "NotFoundError", "code": "entity_not_found", "message": "not found"})
    assert isinstance(error, NotFoundError)
    assert error.error_response is not None
    assert error.error_response.status_code == 404
    assert error.error_response.name == "NotFoundError"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"content": b"Too many requests, please try again later."},
            "Too many requests, please try again later.",
        ),
        ({"json": ["a", "list"]}, '["a", "list"]'),
        ({"content": b""}, None),
        ({"json": "just a string"}, "just a string"),
        ({"json": {"status": 404, "message": "Not Found"}}, "Not Found"),
        ({"json": {"code": 12, "message": None, "issues": "oops"}}, None),
        ({"content": b"\xff\xfe binary"}, None),
    ],
    ids=["text", "list", "empty", "json-string", "status-key", "odd-types", "binary"],
)
def test_odd_bodies_never_crash(kw: dict[str, object], message: str | None) -> None:
    error = error_for(404, **kw)
    assert error.status_code == 404
    assert isinstance(error.error_response, ErrorResponse)
    if message is not None:
        assert error.message == message
    assert str(error).startswith("received status code 404")


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (400, {"code": "bad_request", "message": "x"}, BadRequestError),
        (401, {"code": "identity_unauthorized", "message": "x"}, UnauthorizedError),
        (400, {"code": "expired_token", "message": "x"}, UnauthorizedError),
        (403, {"code": "permission_evaluation_failed", "message": "x"}, ForbiddenError),
        (
            400,
            {
                "code": "bad_request",
                "message": "x",
                "issues": [{"code": "permission_not_found", "path": ["node_create"]}],
            },
            ForbiddenError,
        ),
        (404, {"code": "entity_not_found", "message": "x"}, NotFoundError),
        (409, {"code": "entity_conflict", "message": "x"}, ConflictError),
        (429, {"message": "slow down"}, RateLimitError),
        (500, {"code": "internal_error", "message": "x"}, ServerError),
        (500, {"code": "internal_error", "message": "Property token is invalid"}, UnauthorizedError),
        (502, {}, ServerError),
        (418, {}, HubAPIError),
    ],
)
def test_subclass_is_chosen_by_meaning(status: int, body: dict[str, object], cls: type[HubAPIError]) -> None:
    assert type(error_for(status, json=body)) is cls


def test_retry_after_is_read_from_the_header() -> None:
    error = error_for(429, content=b"Too many", headers={"retry-after": "60"})
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 60.0


def test_blank_message_says_so() -> None:
    assert str(error_for(400, json={"code": "bad_request", "message": ""})) == (
        "received status code 400 (bad_request): no error message present"
    )


def test_issue_codes_include_nested_issues() -> None:
    body = {"code": "bad_request", "issues": [{"code": "a", "issues": [{"code": "b"}]}, {"code": "c"}]}
    assert error_for(400, json=body).issue_codes == {"a", "b", "c"}


def test_nested_issue_paths_are_listed() -> None:
    body = {
        "code": "bad_request",
        "message": "rejected",
        "issues": [{"type": "group", "path": [], "issues": [{"path": ["realm", "id"]}, {"path": ["name"]}]}],
    }
    error = error_for(400, json=body)
    assert str(error).endswith("[path: realm.id; path: name]")


def test_echoed_secrets_are_masked() -> None:
    body = {
        "code": "bad_request",
        "message": "rejected",
        "password": "$2a$10$hashhashhash",
        "issues": [{"path": ["password"], "received": "hunter2-plain", "code": "x"}],
        "data": {"secret": "s3cr3t-value"},
    }
    error = error_for(400, json=body)
    shown = repr(error.error_response) + str(error) + repr(error)
    for secret in ("hashhashhash", "hunter2-plain", "s3cr3t-value"):
        assert secret not in shown


def test_error_survives_pickling() -> None:
    error = error_for(404, json={"code": "entity_not_found", "message": "The node was not found."})
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is NotFoundError
    assert str(clone) == str(error)
    assert clone.code == "entity_not_found"


def test_parse_error_body_fills_status() -> None:
    assert parse_error_body(503, b"").status_code == 503
