"""Small measuring tools: repeated timing, wall clocks, peak memory, and a plain-text table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def per_call(function: Callable[[], Any], *, number: int, repeat: int) -> dict[str, float]:
    """Seconds per call of ``function``: best and median of ``repeat`` rounds of ``number`` calls.

    The best round is the figure least disturbed by the rest of the machine; the median shows the
    spread. One untimed call first, so that caches are built.
    """
    function()
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            function()
        rounds.append((time.perf_counter() - started) / number)
    return {"best": min(rounds), "median": statistics.median(rounds)}


def vm_hwm_kib() -> int:
    """The process's peak resident set size so far, in KiB (``VmHWM``; ``ru_maxrss`` where there is no /proc)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def ratio(numerator: float | None, denominator: float | None) -> str:
    """``numerator / denominator`` as ``"4.2x"`` (``"n/a"`` when either is missing)."""
    if not numerator or not denominator:
        return "n/a"
    return f"{numerator / denominator:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A left-aligned plain-text table (also valid Markdown)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
