"""Helpers for FakeHub's engine unit tests (raw httpx against an in-process hub)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def served(*options: str) -> Iterator[tuple[str, str]]:
    """``flame-hub serve --port 0 <options>`` in a subprocess: ``(its URL, its start-up line)``; stopped
    with SIGTERM afterwards, which must end it cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "flame_hub", "serve", "--port", "0", *options],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        url = re.search(r"http://\S+:\d+", line)
        assert url is not None, line
        yield url.group(0), line
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
