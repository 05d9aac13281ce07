"""Benchmark the full build: wall time (median of N runs) and peak memory.

Each run is a fresh child process, ``python -m cppcc_kg.cli build --quiet``, into a
temporary folder (the repository's build/ is not touched); its wall time is
measured here and its peak resident memory is read from ``os.wait4``.

    python bench/bench_build.py [--runs 5] [--root .]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_once(root: Path, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one build in a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(root),
                             "--out", str(out), "--quiet"], cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"the build failed with exit code {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss: KiB on Linux


def steps(root: Path, out: Path) -> dict:
    """Seconds per step of one in-process build (load, validate, each stage)."""
    sys.path.insert(0, str(REPO))
    from cppcc_kg.build.pipeline import build
    result = build(root, out)
    return result["seconds"], result["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=REPO)
    args = parser.parse_args()
    walls, cpus, peaks = [], [], []
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.runs):
            wall, cpu, peak = run_once(args.root, Path(d) / f"run{i}")
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
            print(f"run {i + 1}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, peak RSS {peak:7.1f} MiB", flush=True)
        seconds, summary = steps(args.root, Path(d) / "steps")
    print(f"\nfull build of {len(summary['files'])} files, {summary['triples']} triples, "
          f"{summary['entities']} entities, {summary['evidence']} evidence annotations")
    print(f"wall time: median {statistics.median(walls):.2f} s over {args.runs} runs "
          f"(min {min(walls):.2f}, max {max(walls):.2f}); CPU time median {statistics.median(cpus):.2f} s; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"peak memory (max RSS of the build process): median {statistics.median(peaks):.1f} MiB, "
          f"max {max(peaks):.1f} MiB")
    print("one in-process run, seconds per step: " + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()))


if __name__ == "__main__":
    main()
