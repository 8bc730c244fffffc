"""(d) Memory: peak RSS growth while iterating 100,000 nodes and while downloading a 1 GiB file.

Each operation runs in a fresh child process (``memory_probe.py``) against a FakeHub loopback server
in another process, so neither the server's rows nor its stored file count. ``list(qs)`` is measured
beside ``iterator()`` to show what holding every record would cost. The 1 GiB file is written to a
temporary directory, uploaded from disk with ``upload_to_bucket`` (streamed, never read whole), and
downloaded with ``download_bucket_file`` to a path; all files are removed afterwards. ``--quick``
scales both down (20,000 nodes, 128 MiB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fakehub_process import FakeHubProcess
from measure import table

from flame_hub import Hub
from flame_hub.auth import PasswordAuth

PROBE = Path(__file__).with_name("memory_probe.py")
MIB = 1024 * 1024


def _probe(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(PROBE), *args], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"memory probe {args[0]} failed:\n{result.stderr.strip()}")
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def _write_file(path: Path, size: int) -> None:
    """``size`` bytes that do not compress (a 1 MiB random block repeated: farther apart than deflate looks)."""
    block = os.urandom(MIB)
    with path.open("wb") as handle:
        for _ in range(size // MIB):
            handle.write(block)


def run(quick: bool, tmp: str) -> dict[str, Any]:
    records = 20_000 if quick else 100_000
    file_size = (128 if quick else 1024) * MIB
    results: dict[str, Any] = {"records": records, "file_size": file_size, "quick": quick, "rows": []}
    with FakeHubProcess(records, tmp=tmp) as server:
        credentials = (server.url, server.username, server.password)
        for mode in ("iterate", "list"):
            results["rows"].append({"mode": mode, **_probe(mode, *credentials)})
        source = Path(tmp) / "bench-upload.bin"
        target = Path(tmp) / "bench-download.bin"
        try:
            _write_file(source, file_size)
            with Hub(server.url, PasswordAuth(server.username, server.password)) as hub:
                bucket = hub.storage.create_bucket("bench-memory")
                started = time.perf_counter()
                (stored,) = hub.storage.upload_to_bucket(bucket.id, source)
                results["upload_seconds"] = time.perf_counter() - started
            source.unlink()
            results["rows"].append(
                {"mode": "download", **_probe("download", *credentials, str(stored.id), str(target))}
            )
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
    return results


def report(results: dict[str, Any]) -> str:
    labels = {
        "iterate": f"for node in qs.iterator()  ({results['records']:,} nodes)",
        "list": f"list(qs), for comparison  ({results['records']:,} nodes)",
        "download": f"download_bucket_file to disk  ({results['file_size'] // MIB:,} MiB)",
    }
    rows = []
    for row in results["rows"]:
        growth = (row["after_kib"] - row["before_kib"]) / 1024
        rows.append(
            [
                labels[row["mode"]],
                f"{row['before_kib'] / 1024:.1f}",
                f"{row['after_kib'] / 1024:.1f}",
                f"{growth:.1f}",
                f"{row['seconds']:.1f}",
            ]
        )
    lines = [
        "(d) memory: peak RSS (VmHWM) of a fresh client process, MiB"
        + ("  [--quick: scaled down from 100,000 nodes and 1 GiB]" if results["quick"] else ""),
        table(["operation", "peak before", "peak after", "growth", "seconds"], rows),
    ]
    if "upload_seconds" in results:
        lines.append(f"(the file was uploaded from disk first, in {results['upload_seconds']:.1f} s)")
    return "\n".join(lines)
