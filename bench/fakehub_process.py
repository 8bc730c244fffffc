"""Start, query and stop the benchmarks' FakeHub server process (:mod:`fakehub_server`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

SERVER_SCRIPT = Path(__file__).with_name("fakehub_server.py")


class FakeHubProcess:
    """A FakeHub loopback server in a child process; a context manager.

    Args:
        nodes: how many nodes to seed.
        latency: seconds of injected latency for every request matching ``latency_pattern``.
        tmp: the directory FakeHub spools large files to (the caller removes it).
    """

    def __init__(
        self,
        nodes: int = 0,
        latency: float = 0.0,
        *,
        latency_pattern: str = "/core/nodes*",
        tmp: str | None = None,
    ) -> None:
        command = [
            sys.executable,
            str(SERVER_SCRIPT),
            "--nodes",
            str(nodes),
            "--latency",
            str(latency),
            "--latency-pattern",
            latency_pattern,
        ]
        if tmp:
            command += ["--tmp", tmp]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.info: dict[str, Any] = self._read()
        self.url: str = self.info["url"]
        self.username: str = self.info["username"]
        self.password: str = self.info["password"]

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait(timeout=10)
            raise RuntimeError(f"the FakeHub server process ended (exit status {code}) before answering")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _ask(self, command: str) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._read()

    def stats(self) -> dict[str, Any]:
        """Requests since the last reset: ``requests``, ``token_requests``, ``routes``, ``handling_seconds``,
        ``cpu_seconds``."""
        return self._ask("stats")

    def reset(self) -> None:
        """Zero the request counters."""
        self._ask("reset")

    def close(self) -> None:
        """Ask the server to stop; kill it if it does not within ten seconds."""
        if self._process.poll() is None:
            try:
                assert self._process.stdin is not None
                self._process.stdin.write("quit\n")
                self._process.stdin.close()
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> FakeHubProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
