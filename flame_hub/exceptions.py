"""One exception hierarchy for everything the library raises on purpose.

``HubAPIError`` is what the Hub answered with: it subclasses :class:`httpx.HTTPError` (as the existing
client documents) and carries the parsed error body, the status code, the request and the response.
Its subclasses are chosen by *meaning* rather than by status alone, because the Hub reports the same
meaning with different statuses (a missing permission is 403 at authup but 400 at core; a rejected
token is 400 at authup and may be 500 at core).

Every other error the library raises derives from :class:`FlameHubError`, so
``except flame_hub.FlameHubError`` catches all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from flame_hub._redact import redact_mapping

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BulkOperationError",
    "ConfigurationError",
    "ConflictError",
    "ErrorResponse",
    "FieldError",
    "FlameHubError",
    "ForbiddenError",
    "HubAPIError",
    "HubConnectionError",
    "HubTimeoutError",
    "InvalidIdError",
    "MultipleObjectsReturned",
    "NotFoundError",
    "NotSupportedError",
    "ObjectDoesNotExist",
    "OutcomeUnknownError",
    "OutcomeUnknownTimeoutError",
    "QueryValueError",
    "RateLimitError",
    "RelationNotLoadedError",
    "ServerError",
    "UnauthorizedError",
    "UnexpectedResponseError",
]

#: Error codes with which authup (and core, relaying authup) rejects a bearer token.
TOKEN_REJECTION_CODES = frozenset({"invalid_token", "expired_token", "inactive_token"})

#: Issue and error codes that mean "you lack a permission". Core relays authup's permission errors
#: as 400 ``bad_request`` with these codes in ``issues`` (observed on Hub v0.14.0).
PERMISSION_CODES = frozenset({"permission_denied", "permission_not_found", "permission_evaluation_failed"})

_MAX_MESSAGE_CHARS = 500


class FlameHubError(Exception):
    """Base class of every error raised by flame-hub on purpose."""


class ConfigurationError(FlameHubError, ValueError):
    """The client was set up in a way that cannot work (a missing URL, conflicting options, …)."""


class InvalidIdError(FlameHubError, ValueError):
    """An id or name would not address a single record if placed into a URL path."""


class FieldError(FlameHubError, ValueError):
    """A filter, sort, fields or include key names no field the resource allows for that purpose."""


class QueryValueError(FlameHubError, ValueError):
    """A filter value does not fit its field (a non-UUID for an id, a string for a boolean …)."""


class NotSupportedError(FlameHubError, NotImplementedError):
    """The Hub cannot express the requested operation; sending it would silently do something else."""


class ObjectDoesNotExist(FlameHubError, LookupError):
    """A lookup that must find exactly one record found none (base of ``Model.DoesNotExist``)."""


class MultipleObjectsReturned(FlameHubError, LookupError):
    """A lookup that must find exactly one record found several."""


class RelationNotLoadedError(FlameHubError, RuntimeError):
    """A related record was read that is not loaded, and reading it here would need a hidden request.

    Raised by a record read through an async client (it never sends a request on attribute access) and
    by a record read without the foreign key the relation needs (``only()``/``defer()``). The message
    names the ways to load it: ``select_related()``/``prefetch_related()`` on the query, or
    ``fetch_related()``/``await afetch_related()`` on the record.
    """


class BulkOperationError(FlameHubError):
    """A bulk operation (``update()``, ``delete()``, ``bulk_create()``, ``add()`` …) failed for some records.

    The Hub has no transactions, so a bulk operation is one request per record and is not atomic: what
    succeeded stays done. Nothing that failed was retried by the bulk operation.

    Attributes:
        operation: what was done (``"update"``, ``"delete"``, ``"create"``, ``"add"``, ``"remove"``).
        model: the name of the resource class.
        succeeded: the records (or ids) it was done for.
        failed: ``(record or id, exception)`` for each one it failed for, with the Hub's reason.
    """

    #: How many succeeded and failed items the message lists (all are in ``succeeded``/``failed``).
    SHOWN = 50

    def __init__(
        self, operation: str, model: str, succeeded: list[Any], failed: list[tuple[Any, BaseException]]
    ) -> None:
        self.operation = operation
        self.model = model
        self.succeeded = succeeded
        self.failed = failed
        lines = [
            f"{operation} of {model} records failed for {len(failed)} and succeeded for {len(succeeded)}; "
            "it is not atomic (the Hub has no transactions), so what succeeded stays done, and nothing was "
            "retried"
        ]
        lines.append("failed:")
        lines += [f"  {_label(item)}: {type(exc).__name__}: {exc}" for item, exc in failed[: self.SHOWN]]
        if len(failed) > self.SHOWN:
            lines.append(f"  ... and {len(failed) - self.SHOWN} more (see .failed)")
        lines.append("succeeded:" + ("" if succeeded else " none"))
        lines += [f"  {_label(item)}" for item in succeeded[: self.SHOWN]]
        if len(succeeded) > self.SHOWN:
            lines.append(f"  ... and {len(succeeded) - self.SHOWN} more (see .succeeded)")
        super().__init__("\n".join(lines))


def _label(item: object) -> str:
    """A record by its repr (secrets masked), an id as itself."""
    return repr(item) if isinstance(item, BaseModel) else str(item)


class HubConnectionError(FlameHubError, httpx.TransportError):
    """The Hub could not be reached, or the connection broke before an answer arrived."""


class HubTimeoutError(HubConnectionError, httpx.TimeoutException):
    """The Hub did not answer within the configured timeout."""


class OutcomeUnknownError(HubConnectionError):
    """A create, update or command was sent but its answer was lost: it may or may not have happened.

    It is not repeated automatically (the Hub has no idempotency keys); look the record up before
    sending it again.
    """


class OutcomeUnknownTimeoutError(OutcomeUnknownError, HubTimeoutError):
    """A create, update or command timed out after it was sent: it may or may not have happened."""


class UnexpectedResponseError(FlameHubError, ValueError):
    """The Hub answered with a success status but a body this library cannot read (drift, a proxy page …)."""


class ErrorResponse(BaseModel):
    """The error body the Hub or authup sent, parsed leniently.

    Core sends ``{statusCode, code, message, issues}``; authup sends ``{name, code, message, issues?,
    error?, hint?}``; a proxy may send plain text. Every field is optional so that any body parses;
    unknown keys are kept (``extra="allow"``). Values under secret-looking keys are replaced by
    ``"***"`` so an echoed password never reaches a log through this model.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    status_code: int | None = Field(
        default=None, validation_alias=AliasChoices("statusCode", "status_code", "status")
    )
    code: str | None = None
    message: str | None = None
    name: str | None = None
    error: str | None = None
    issues: list[Any] = Field(default_factory=list)


def _issue_paths(issues: Iterable[Any]) -> list[str]:
    """Flatten the issue tree into dotted key paths (``["name"]`` → ``"name"``)."""
    paths: list[str] = []
    for issue in issues:
        if not isinstance(issue, Mapping):
            continue
        path = issue.get("path")
        if isinstance(path, list) and path:
            paths.append(".".join(str(part) for part in path))
        nested = issue.get("issues")
        if isinstance(nested, list):
            paths.extend(_issue_paths(nested))
    return paths


def _issue_codes(issues: Iterable[Any]) -> set[str]:
    codes: set[str] = set()
    for issue in issues:
        if not isinstance(issue, Mapping):
            continue
        if isinstance(issue.get("code"), str):
            codes.add(issue["code"])
        nested = issue.get("issues")
        if isinstance(nested, list):
            codes |= _issue_codes(nested)
    return codes


def parse_error_body(status_code: int, content: bytes) -> ErrorResponse:
    """Parse any error body into an :class:`ErrorResponse`; never raises.

    A JSON object is read field by field; anything else (a list, a string, text, nothing) becomes the
    message, cut to a readable length.
    """
    body: Any
    try:
        body = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        body = content.decode("utf-8", errors="replace").strip() or None
    if isinstance(body, Mapping):
        data = redact_mapping(body)
        for key in ("code", "message", "name", "error"):
            if key in data and data[key] is not None and not isinstance(data[key], str):
                data[key] = str(data[key])
        if not isinstance(data.get("issues", []), list):
            data["issues"] = [data["issues"]]
        if data.get("issues") is None:
            data["issues"] = []
        for key in ("statusCode", "status_code", "status"):
            if key in data and not isinstance(data[key], int):
                data.pop(key)
        try:
            response = ErrorResponse.model_validate(data)
        except Exception:  # an extra key pydantic refuses (e.g. a non-str key) must not escape
            response = ErrorResponse(message=str(data.get("message") or "")[:_MAX_MESSAGE_CHARS] or None)
    elif body is None:
        response = ErrorResponse()
    else:
        text = body if isinstance(body, str) else json.dumps(body)
        response = ErrorResponse(message=text[:_MAX_MESSAGE_CHARS])
    if response.status_code is None:
        response.status_code = status_code
    return response


class HubAPIError(FlameHubError, httpx.HTTPError):
    """The Hub answered with an error status.

    Attributes:
        status_code: the HTTP status of the response.
        code: the Hub's machine-readable error code (``entity_not_found``, ``bad_request`` …), or None.
        message: the Hub's human-readable message, or None.
        issues: validation issues (each names the offending key in ``path``).
        error_response: the whole parsed body (:class:`ErrorResponse`).
        request, response: the httpx objects of the exchange.
    """

    def __init__(
        self,
        message: str | None = None,
        request: httpx.Request | None = None,
        error: ErrorResponse | None = None,
        *,
        error_response: ErrorResponse | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        # ``(message, request, error)`` is flame-hub-client 0.5.5's signature (code that raises it in its
        # own fakes keeps working); ``error_response=`` names the same thing.
        error_response = error_response if error_response is not None else error
        self.response = response
        status = response.status_code if response is not None else None
        if error_response is None and response is not None:
            error_response = parse_error_body(response.status_code, _safe_content(response))
        self.error_response = error_response
        self.status_code: int | None = (
            status if status is not None else getattr(error_response, "status_code", None)
        )
        self.code: str | None = error_response.code if error_response else None
        self.message: str | None = error_response.message if error_response else None
        self.issues: list[Any] = list(error_response.issues) if error_response else []
        super().__init__(message or self._describe())
        if request is None and response is not None:
            try:
                request = response.request
            except RuntimeError:
                request = None
        if request is not None:
            self.request = request

    def _describe(self) -> str:
        text = f"received status code {self.status_code}"
        if self.code:
            text += f" ({self.code})"
        message = (self.message or "").strip()
        text += f": {message}" if message else ": no error message present"
        paths = _issue_paths(self.issues)
        if paths:
            text += " [" + "; ".join(f"path: {p}" for p in paths) + "]"
        return text

    @property
    def issue_codes(self) -> set[str]:
        """Every issue code in the (possibly nested) issue tree."""
        return _issue_codes(self.issues)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (type(self), str(self), self.error_response))


def _rebuild_error(cls: type[HubAPIError], message: str, error_response: ErrorResponse | None) -> HubAPIError:
    return cls(message, error_response=error_response)


def _safe_content(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


class BadRequestError(HubAPIError):
    """The Hub rejected the input (400): validation issues, an unknown related id, a broken rule."""


class UnauthorizedError(HubAPIError):
    """No usable identity: the token is missing, invalid, expired or revoked."""


class AuthenticationError(UnauthorizedError):
    """The token endpoint refused the credentials (wrong password, unknown client, bad grant)."""


class ForbiddenError(HubAPIError):
    """The identity lacks a permission (403 at authup; 400 with permission issues at core)."""


class NotFoundError(HubAPIError):
    """The record or route does not exist (404)."""


class ConflictError(HubAPIError):
    """A unique rule was violated (409), e.g. a name already taken in the realm."""


class RateLimitError(HubAPIError):
    """Too many requests (429). ``retry_after`` holds the server's advice in seconds, if any."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait as the ``Retry-After`` header says, or None."""
        if self.response is None:
            return None
        value = self.response.headers.get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


class ServerError(HubAPIError):
    """The Hub failed (5xx)."""


def is_token_rejection(status_code: int, error: ErrorResponse) -> bool:
    """Whether a response means "this bearer token is no good" (so one re-authentication may help).

    authup answers 400 with a token code; a missing identity is 401; core relays a bad token as
    500 with a JWT/token message (observed on Hub v0.14.0: "Property token is invalid").
    """
    if status_code == 401:
        return True
    if error.code in TOKEN_REJECTION_CODES:
        return True
    if status_code == 500:
        message = (error.message or "").lower()
        return "jwt" in message or "token" in message
    return False


def error_class_for(status_code: int, error: ErrorResponse) -> type[HubAPIError]:
    """Pick the exception class that says what the error *means*."""
    codes = _issue_codes(error.issues) | ({error.code} if error.code else set())
    if status_code == 403 or codes & PERMISSION_CODES:
        return ForbiddenError
    if is_token_rejection(status_code, error):
        return UnauthorizedError
    by_status: dict[int, type[HubAPIError]] = {
        400: BadRequestError,
        404: NotFoundError,
        409: ConflictError,
        422: BadRequestError,
        429: RateLimitError,
    }
    if status_code in by_status:
        return by_status[status_code]
    if status_code >= 500:
        return ServerError
    return HubAPIError


def raise_for_response(response: httpx.Response, *, cls: type[HubAPIError] | None = None) -> None:
    """Raise the fitting :class:`HubAPIError` for an error response (the body must have been read)."""
    error = parse_error_body(response.status_code, _safe_content(response))
    error_cls = cls or error_class_for(response.status_code, error)
    raise error_cls(error_response=error, response=response)
