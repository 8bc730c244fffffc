"""A child process spoken to a line at a time: a command on its stdin, one JSON line back on its stdout.

The benchmarks' servers (``fakehub_server.py``, ``canned_server.py``) and their timing and scripted
clients (``overhead_worker.py``, ``seed_side/``) all talk this way, so the reading, the error for a child
that died before answering and the shutdown are written here once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def spawn(script: Path, *args: str, python: Sequence[str] = (sys.executable,)) -> subprocess.Popen[str]:
    """Start ``script`` under ``python`` (the interpreter and its flags) with line-buffered text pipes on
    its stdin and stdout."""
    return subprocess.Popen(
        [*python, str(script), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )


class LineProcess:
    """One child process and its line protocol.

    Args:
        process: the child, started with text pipes (:func:`spawn`, ``seed_env.start``).
        what: how errors name it ("the FakeHub server process").
        farewell: the line that asks it to stop, or None for a child that stops when its stdin closes.
    """

    def __init__(self, process: subprocess.Popen[str], what: str, farewell: str | None = "quit") -> None:
        self.process = process
        self.what = what
        self.farewell = farewell

    def read(self) -> dict[str, Any]:
        """Its next answer; RuntimeError if it ended instead."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait(timeout=10)
            raise RuntimeError(f"{self.what} ended (exit status {code}) before answering")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, command: str) -> dict[str, Any]:
        """Send one command line and read its answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        """Ask it to stop (the farewell, then its stdin closed); kill it if it has not within ten seconds."""
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                if self.farewell is not None:
                    self.process.stdin.write(self.farewell + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
