"""The existing client, ``flame-hub-client`` 0.5.5 from PyPI, in a virtualenv of its own.

It must live apart: it installs a package named ``flame_hub`` too, so it cannot share an environment
with ours. On first use ``bench/.venv-seed`` is created with ``python -m venv`` and the package is
installed with pip (pip resolves its dependencies, e.g. ``httpx2``); later runs reuse it. Scripts run
inside it are in ``bench/seed_side/``; they talk JSON on stdin/stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

from line_process import spawn

SEED_VERSION = "0.5.5"
SEED_REQUIREMENT = f"flame-hub-client=={SEED_VERSION}"
VENV_DIR = Path(__file__).with_name(".venv-seed")
SIDE_DIR = Path(__file__).with_name("seed_side")


class SeedUnavailable(RuntimeError):
    """The existing client could not be installed; the message says exactly why."""


def _python() -> Path:
    return VENV_DIR / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _installed_version(python: Path) -> str | None:
    probe = "import flame_hub, sys; sys.stdout.write(flame_hub.__version__)"
    result = subprocess.run(
        [str(python), "-I", "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def ensure() -> Path:
    """The seed environment's Python, creating the environment first if needed.

    Raises :class:`SeedUnavailable` with pip's own words when the package cannot be installed.
    """
    python = _python()
    if python.exists() and _installed_version(python) == SEED_VERSION:
        return python
    print(f"  creating {VENV_DIR} with {SEED_REQUIREMENT} (first run only) ...", flush=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV_DIR)
    except Exception as exc:  # venv raises several kinds; all mean the same here
        raise SeedUnavailable(f"python -m venv {VENV_DIR} failed: {type(exc).__name__}: {exc}") from exc
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", SEED_REQUIREMENT],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if install.returncode != 0:
        detail = (install.stderr or install.stdout).strip().splitlines()[-5:]
        raise SeedUnavailable(f"pip install {SEED_REQUIREMENT} failed: " + " / ".join(detail))
    version = _installed_version(python)
    if version != SEED_VERSION:
        raise SeedUnavailable(f"after pip install, the seed environment imports flame_hub {version!r}")
    return python


def run(script: str, *args: str, timeout: float = 300) -> dict[str, Any]:
    """Run ``seed_side/<script>`` in the seed environment and return the JSON it prints last."""
    python = ensure()
    # -I: isolated mode, so neither the working directory nor PYTHON* variables can put our flame_hub
    # on the path in place of the seed's.
    result = subprocess.run(
        [str(python), "-I", str(SIDE_DIR / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed in the seed environment:\n{result.stderr.strip()}")
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def start(script: str, *args: str) -> subprocess.Popen[str]:
    """Start ``seed_side/<script>`` in the seed environment with line-based pipes (for step-wise runs)."""
    return spawn(SIDE_DIR / script, *args, python=(str(ensure()), "-I"))
