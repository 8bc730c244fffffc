"""Error bodies of the two server families the Hub is made of.

The Hub core and storage (``packages/server-http-kit``) answer ``{statusCode, code, message, issues}``;
authup beta.62 answers ``{name, message, code, issues?, error?, ..., "@instanceof"}`` without a
``statusCode``. Both derive the HTTP status from ``code`` with *different* tables (auth.md §2.2,
core-and-storage.md §1.7), so a handler raises one :class:`HubError` and the service that answers
decides how it looks on the wire.
"""

from __future__ import annotations

from typing import Any, Literal

Service = Literal["auth", "core", "storage"]

#: authup ``packages/errors/src/status.ts`` (auth.md §2.2): every code not listed answers 400.
AUTH_STATUS: dict[str, int] = {
    "invalid_client": 401,
    "identity_unauthorized": 401,
    "unsupported_auth_header_type": 401,
    "bearer_token_malformed": 401,
    "permission_denied": 403,
    "permission_not_found": 403,
    "permission_evaluation_failed": 403,
    "entity_not_found": 404,
    "jwk_not_found": 404,
    "entity_conflict": 409,
    "login_attempt_throttled": 429,
    "mfa_attempt_throttled": 429,
    "internal_error": 500,
    "upstream_error": 502,
    "storage_insufficient": 507,
}

#: The Hub's ``packages/errors/src/status.ts`` (core-and-storage.md §1.7): anything else answers 400.
CORE_STATUS: dict[str, int] = {
    "identity_unauthorized": 401,
    "permission_denied": 403,
    "entity_not_found": 404,
    "entity_conflict": 409,
    "internal_error": 500,
    "storage_insufficient": 507,
}

#: authup's error class names per code, for the ``name`` key. Unsure: the reference names only
#: ``OAuth2GrantError``, ``JWTError`` and ``PermissionError``; the others are plausible class names.
_AUTH_NAMES: dict[str, str] = {
    "invalid_grant": "OAuth2GrantError",
    "invalid_request": "OAuth2Error",
    "unsupported_token_grant_type": "OAuth2Error",
    "unauthorized_client": "OAuth2Error",
    "invalid_client": "OAuth2Error",
    "invalid_token": "JWTError",
    "expired_token": "JWTError",
    "inactive_token": "JWTError",
    "permission_denied": "PermissionError",
    "permission_not_found": "PermissionError",
    "permission_evaluation_failed": "PermissionError",
    "entity_not_found": "NotFoundError",
    "entity_conflict": "ConflictError",
    "identity_unauthorized": "UnauthorizedError",
    "invalid_credentials": "AuthenticationError",
    "entity_inactive": "AuthenticationError",
    "internal_error": "InternalServerError",
}

INTERNAL_MESSAGE = "An internal server error occurred."


class HubError(Exception):
    """A failure a handler wants answered as an error body (rendered per service by :func:`error_body`).

    ``status`` overrides the code-derived status (e.g. an authup error whose code is not in the table but
    that authup answers differently). ``extra`` keys are merged into the top level of the body (authup's
    OAuth2 ``error`` field, ``hint``, ``kinds``...).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        issues: list[dict[str, Any]] | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.issues = issues
        self.status = status
        self.extra = dict(extra or {})
        self.name = name

    def status_for(self, service: Service) -> int:
        """The HTTP status the given service answers for this error."""
        if self.status is not None:
            return self.status
        table = AUTH_STATUS if service == "auth" else CORE_STATUS
        return table.get(self.code, 400)


def issue(code: str, path: list[str | int], message: str, **more: Any) -> dict[str, Any]:
    """One validup/rapiq issue item: ``{"type": "item", "code", "path", "message", ...}``."""
    item: dict[str, Any] = {"type": "item", "code": code, "path": path, "message": message}
    item.update(more)
    return item


def rejected(issues: list[dict[str, Any]]) -> HubError:
    """The 400 ``bad_request`` both families answer for validation and query-decode failures."""
    n = len(issues)
    return HubError(
        "bad_request", f"The input was rejected: {n} violation{'s' if n != 1 else ''}.", issues=issues
    )


def not_found(entity: str) -> HubError:
    """404 ``entity_not_found`` with the Hub's message ("The node was not found.")."""
    return HubError("entity_not_found", f"The {entity} was not found.")


def error_body(error: HubError, service: Service) -> dict[str, Any]:
    """The JSON body the given service answers for ``error``."""
    status = error.status_for(service)
    if service == "auth":
        name = error.name or _AUTH_NAMES.get(error.code) or "BadRequestError"
        body: dict[str, Any] = {
            "name": name,
            "message": INTERNAL_MESSAGE if status >= 500 else error.message,
            "code": error.code,
        }
        if error.issues is not None:
            body["issues"] = error.issues
        body.update(error.extra)
        # A marker chain authup adds to every error; clients ignore it.
        body["@instanceof"] = [name, "BaseError"]
        return body
    core_body: dict[str, Any] = {
        "statusCode": status,
        "code": error.code,
        # core does not mask 5xx messages (core-and-storage.md §1.7).
        "message": error.message,
        "issues": error.issues or [],
    }
    if status < 500:
        for key, value in error.extra.items():
            core_body.setdefault(key, value)
    return core_body
