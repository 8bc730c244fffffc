"""Start, query and stop the benchmarks' FakeHub server process (:mod:`fakehub_server`)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

from line_process import LineProcess, spawn

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
        args = ["--nodes", str(nodes), "--latency", str(latency), "--latency-pattern", latency_pattern]
        if tmp:
            args += ["--tmp", tmp]
        self._child = LineProcess(spawn(SERVER_SCRIPT, *args), "the FakeHub server process")
        self.info: dict[str, Any] = self._child.read()
        self.url: str = self.info["url"]
        self.username: str = self.info["username"]
        self.password: str = self.info["password"]

    def stats(self) -> dict[str, Any]:
        """Requests since the last reset: ``requests``, ``token_requests``, ``routes``, ``handling_seconds``,
        ``cpu_seconds``."""
        return self._child.ask("stats")

    def reset(self) -> None:
        """Zero the request counters."""
        self._child.ask("reset")

    def close(self) -> None:
        """Ask the server to stop; kill it if it does not within ten seconds."""
        self._child.close()

    def __enter__(self) -> FakeHubProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
