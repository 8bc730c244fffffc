"""Compact JWTs signed with HMAC-SHA256 from the standard library.

authup signs per realm with asymmetric keys; clients never need to verify signatures (auth.md §1.6),
so FakeHub signs with one secret per hub. The tokens are real JWTs: three base64url segments whose
payload carries authup's snake_case claims.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


class TokenInvalid(Exception):
    """The string is not a JWT this hub signed."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict[str, Any], key: bytes, kid: str) -> str:
    """Sign ``claims`` into a compact JWT."""
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    head = _b64(json.dumps(header, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key, f"{head}.{body}".encode("ascii"), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def decode(token: str, key: bytes) -> dict[str, Any]:
    """Verify and decode a compact JWT (raises :class:`TokenInvalid`)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenInvalid("not a JWT")
    head, body, signature = parts
    try:
        expected = hmac.new(key, f"{head}.{body}".encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            raise TokenInvalid("bad signature")
        claims = json.loads(_unb64(body))
    except (ValueError, UnicodeError) as exc:
        raise TokenInvalid("malformed") from exc
    if not isinstance(claims, dict):
        raise TokenInvalid("malformed")
    return claims
