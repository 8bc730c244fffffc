"""Password storage that looks like authup's (a 60-character bcrypt string) without the cost.

authup stores user passwords bcrypt-hashed and echoes the hash in create/update responses
(observed.md). FakeHub produces strings of the same shape (``$2y$10$`` + 22 salt characters + 31 digest
characters) from a salted SHA-256, so tests see realistic values and verification stays fast; the
plaintext is never stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_TO_BCRYPT = str.maketrans(_STD, _BCRYPT)


def _digest(salt: str, password: str) -> str:
    raw = hashlib.sha256(f"{salt}:{password}".encode()).digest()
    return base64.b64encode(raw).decode("ascii").rstrip("=").translate(_TO_BCRYPT)[:31]


def hash_password(password: str, salt: str) -> str:
    """A bcrypt-shaped hash of ``password`` (``salt``: 22 characters of ``[./A-Za-z0-9]``)."""
    return f"$2y$10${salt}{_digest(salt, password)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password`."""
    if not stored or not stored.startswith("$2y$10$") or len(stored) != 60:
        return False
    salt = stored[7:29]
    return hmac.compare_digest(stored, hash_password(password, salt))


def looks_hashed(value: str) -> bool:
    """Whether a value already is a bcrypt-shaped string (authup stores such input as-is)."""
    return len(value) == 60 and value[:4] in ("$2a$", "$2b$", "$2y$")


SALT_ALPHABET = _BCRYPT
