"""What the build shows people: a progress display while files are parsed, and a short summary."""
from __future__ import annotations

import sys
from typing import Callable

__all__ = ["progress_display", "short_summary"]


def progress_display(*, min_files: int = 20, stream=None) -> Callable[[int, int, str], None]:
    """A progress display for parsing many files (nothing below *min_files* files).

    On a terminal, one line redrawn in place and erased at the end; elsewhere (logs, CI, a
    pipe), nothing: the build's summary lines say what was done.
    """
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False

    def show(done: int, total: int, path: str) -> None:
        if not tty or total < min_files:
            return
        width = 30
        filled = width * done // max(total, 1)
        line = f"\rparsing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path[-40:]:<40}"
        stream.write(line if done < total else "\r" + " " * len(line) + "\r")
        stream.flush()
    return show


def short_summary(result: dict) -> str:
    """The few lines the command prints after a build."""
    s = result["summary"]
    seconds = result.get("wall") or sum(result["seconds"].values())
    v = s.get("validation", {})
    skipped = [k for k, st in result["stages"].items() if st != "ok"]
    lines = [
        f"built {result['out']}/ from {len(s['files'])} files ({s['triples']} triples) in {seconds:.1f} s",
        f"  entities {s['entities']} ({len(s.get('entities_per_top_class', {}))} top classes, "
        f"{len(s['entities_per_class'])} fine types), relations {s['relations']} "
        f"({sum(1 for n in s['relations_per_property'].values() if n)} properties), observations {s['observations']}, "
        f"firsts {s['firsts']}, evidence {s['evidence']}",
        f"  validation OK: evidence, labels, {v.get('shapes', 0)} SHACL shapes, {len(v.get('rules', []))} data rules",
        "  outputs: " + " ".join(sorted(s.get("outputs", {})) + ["summary.json", "summary.txt"]),
    ]
    if skipped:
        lines.append("  skipped stages: " + ", ".join(skipped))
    return "\n".join(lines)
