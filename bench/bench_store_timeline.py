"""The timeline of the store on the build after an edit (issue 15): when the loader gets its first document,
when each batch is loaded, and which code of which thread reads ``Project.store`` first (waiting while it loads).

One in-process build of ``--root`` (a synthetic project of seed 0: the edit of ``bench_outputs.toggle_edit``),
with the loader's cache of the build before (``--prime`` builds once first). Times are seconds since the build
started. Each reader is shown once per place (its last frames in ``cppcc_kg``), with whether the store was still
loading then (``loading``: it waited there).

    python bench/bench_store_timeline.py --root /tmp/s1000 --prime
"""
from __future__ import annotations

import argparse
import threading
import time
import traceback
from pathlib import Path

from bench_outputs import toggle_edit
from bench_scale import machine_speed

from cppcc_kg.build.pipeline import build
from cppcc_kg.project.load import Project


def traced_build(root: Path, out: Path) -> tuple[dict, list]:
    """The result of a build of *root* and the first reads of the store ``(seconds, thread, state, frames)``."""
    reads, seen, start = [], set(), time.perf_counter()
    getter = Project.store.fget

    def store(self):
        frames = tuple(f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in traceback.extract_stack()[:-1]
                       if "cppcc_kg" in f.filename)[-4:]
        if frames not in seen:
            seen.add(frames)
            reads.append((time.perf_counter() - start, threading.current_thread().name,
                          "loading" if self.store_loading else "ready", frames))
        return getter(self)

    Project.store = property(store)
    try:
        result = build(root, out, cache=True)
    finally:
        Project.store = property(getter)
    return result, [(round(t, 3), *rest) for t, *rest in reads]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--out", type=Path, help="the output folder (default ROOT/build)")
    ap.add_argument("--prime", action="store_true", help="build once first (the cache of the current files)")
    args = ap.parse_args()
    out = args.out or args.root / "build"
    print(f"machine (s, fixed loop): {machine_speed():.3f}")
    if args.prime:
        build(args.root, out, cache=True)
    toggle_edit(args.root)
    result, reads = traced_build(args.root, out)
    load = result["load"]
    check = result["seconds"].get("check", 0.0)  # (the load starts after the check)
    timeline = load.get("store timeline", {})
    rows = [(check + (timeline.get("first add") or 0.0), "loader", "first document", ())]
    rows += [(round(check + a, 3), "loader", f"batch of {n} documents, {mib} MiB: {b - a:.2f} s", ())
             for a, b, n, mib in timeline.get("batches", [])]
    rows += [(round(check + load["store ready"], 3), "store", "ready", ())] if "store ready" in load else []
    print(f"wall {result['wall']:.2f} s; steps: " + ", ".join(f"{k} {v:.2f}" for k, v in result["seconds"].items()))
    print("load: " + ", ".join(f"{k} {v:.2f}" for k, v in load.get("seconds", {}).items()))
    for t, who, what, frames in sorted(rows + reads, key=lambda r: r[0]):
        print(f"{t:8.3f}  {who:<20} {what}" + "".join(f"\n{'':30}{f}" for f in frames))


if __name__ == "__main__":
    main()
