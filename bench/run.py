"""Run flame-hub's benchmarks and print their figures, with the ratios measured in the same run.

    python bench/run.py            # everything (a few minutes on 2 cores)
    python bench/run.py --quick    # a short run: fewer repetitions, (b) and (d) scaled down
    python bench/run.py --only a,c --json results.json

(a) parsing a list page (parsing alone, not what a call costs), (b) bulk reads over 20 ms of
latency, (c) requests of a standard script, (d) memory while iterating and downloading, (e) what one
50-node list call costs end to end beyond a raw HTTP request, ours against flame-hub-client 0.5.5.
See bench/README.md for what each one measures. All traffic stays on 127.0.0.1; temporary files are
removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import timeit
import traceback
from pathlib import Path
from typing import Any

import bench_memory
import bench_overhead
import bench_paging
import bench_parse
import bench_script
import machine

BENCHMARKS = {
    "a": ("parsing", lambda quick, tmp: bench_parse.run(quick), bench_parse.report),
    "b": ("bulk reads", bench_paging.run, bench_paging.report),
    "c": ("standard script", bench_script.run, bench_script.report),
    "d": ("memory", bench_memory.run, bench_memory.report),
    "e": ("per-page overhead", bench_overhead.run, bench_overhead.report),
}


#: A fixed JSON document of about the size of a 50-node page, for :func:`_speed`.
_PROBE = json.dumps(
    [
        {"id": f"{i:08d}-0000-4000-8000-000000000000", "name": f"node-{i}", "hidden": False, "n": i}
        for i in range(250)
    ]
)


def _speed() -> float:
    """µs to json.loads a fixed ~20 KB document (best of 5 x 100): how fast the machine is right now.

    The load average misses what slows a shared VM down most (other guests on the host); this
    probe, taken at the start and the end of each benchmark, shows it: on the machine of
    bench/RESULTS.md it read ~80 us when quiet and up to ~150 us when the host was busy.
    """
    best = min(timeit.repeat(lambda: json.loads(_PROBE), number=100, repeat=5))
    return best / 100 * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="flame-hub benchmarks")
    parser.add_argument("--quick", action="store_true", help="a short run (scaled down; says so)")
    parser.add_argument("--only", default="a,b,c,d,e", help="comma-separated benchmarks to run (a,b,c,d,e)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = parser.parse_args(argv)
    chosen = [key.strip() for key in args.only.split(",") if key.strip()]
    unknown = [key for key in chosen if key not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    system = machine.describe()
    print("flame-hub benchmarks" + ("  (--quick)" if args.quick else ""))
    for key, value in system.items():
        print(f"  {key:10} {value}")
    print(flush=True)

    everything: dict[str, Any] = {"machine": system, "quick": args.quick, "results": {}}
    failed = False
    tmp = tempfile.mkdtemp(prefix="flame-hub-bench-")
    started = time.perf_counter()
    try:
        for key in chosen:
            title, run, report = BENCHMARKS[key]
            speed_before = _speed()
            began, load_before = time.perf_counter(), os.getloadavg()[0]
            try:
                results = run(args.quick, tmp)
            except Exception:
                failed = True
                print(f"({key}) {title} FAILED:\n{traceback.format_exc()}", flush=True)
                continue
            load_after, took, speed_after = os.getloadavg()[0], time.perf_counter() - began, _speed()
            results["load"] = [load_before, load_after]
            results["speed_probe_us"] = [speed_before, speed_after]
            everything["results"][key] = results
            print(report(results))
            print(
                f"[{title}: {took:.0f} s; load average {load_before:.2f} at the start, {load_after:.2f} at the "
                f"end; speed probe {speed_before:.0f} / {speed_after:.0f} us]\n",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(everything, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
