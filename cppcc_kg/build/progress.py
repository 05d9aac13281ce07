"""What the build shows people: a progress bar per step on a terminal, and a short summary.

:func:`progress_display` gives the ``progress`` argument of :func:`cppcc_kg.build.pipeline.build`:
called as ``progress(done, total, path)`` while files are parsed, and the pipeline runs each of its
steps in ``progress.step(name)`` (:func:`step`). On a terminal, a step that has run for more than
a second gets a bar (rich), removed when it ends; the steps may overlap (validation runs in a
thread beside the output stages), each has its own bar. Elsewhere (logs, CI, a pipe, the tests)
it shows nothing and starts no thread: the build's summary lines say what was done.

>>> import io
>>> display = progress_display(stream=io.StringIO())   # not a terminal: quiet
>>> with step(display, "entities"):
...     display(1, 100, "graph/a.ttl")
>>> display.stream.getvalue(), display.shown
('', [])
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

__all__ = ["BuildProgress", "progress_display", "short_summary", "step", "up_to_date_line"]


@dataclass
class _Step:
    started: float
    until: Callable[[], bool] | None = None
    done: int = 0
    total: int | None = None
    task: object = None


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class BuildProgress:
    """Progress bars of the build's steps on the terminal *stream* (default: stderr).

    Parameters
    ----------
    stream : file, optional
        Where to draw; nothing is drawn unless ``stream.isatty()``.
    min_seconds : float
        A step gets a bar once it has run this long (shorter steps show nothing).
    min_files : int
        The file count of the load step is shown from this many files.
    clock : callable
        Seconds (monotonic); the tests pass their own.
    interval : float or None
        Seconds between redraws, by a daemon thread started with the first step; None: no
        thread, the caller calls :meth:`tick`.
    """

    def __init__(self, stream=None, *, min_seconds: float = 1.0, min_files: int = 20,
                 clock: Callable[[], float] = time.monotonic, interval: float | None = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = _is_tty(self.stream)
        self.min_seconds, self.min_files, self.clock, self.interval = min_seconds, min_files, clock, interval
        #: the names of the steps that got a bar, in order (for the tests)
        self.shown: list[str] = []
        self._steps: dict[str, _Step] = {}
        self._lock = threading.RLock()
        self._bars = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def __call__(self, done: int, total: int, path: str) -> None:
        """Files parsed: *done* of *total* (the count of the running ``load`` step)."""
        if not self.tty or total < self.min_files:
            return
        with self._lock:
            st = self._steps.get("load")
            if st is not None:
                st.done, st.total = done, total

    def begin(self, name: str, until: Callable[[], bool] | None = None) -> None:
        """The step *name* starts (it ends at :meth:`end`, or when *until()* is true)."""
        if not self.tty:
            return
        with self._lock:
            self._steps[name] = _Step(self.clock(), until)
            if self._thread is None and self.interval is not None:
                self._thread = threading.Thread(target=self._run, name="cppcc-kg-progress", daemon=True)
                self._thread.start()
            self.tick()  # at each step's start too, not only every *interval*

    def end(self, name: str) -> None:
        """The step *name* ended: its bar goes."""
        with self._lock:
            st = self._steps.pop(name, None)
            if st is not None and st.task is not None:
                self._bars.remove_task(st.task)
                self._bars.refresh()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self) -> None:
        """Draw: a bar for each step running for more than ``min_seconds`` (its own thread calls this)."""
        with self._lock:
            now = self.clock()
            for name, st in self._steps.items():
                if st.until is not None and st.until():  # it ended in its thread: no bar
                    if st.task is not None:
                        self._bars.remove_task(st.task)
                        st.task = None
                    continue
                if st.task is None and now - st.started >= self.min_seconds:
                    st.task = self._open().add_task(name, total=st.total)
                    self.shown.append(name)
                if st.task is not None:
                    self._bars.update(st.task, completed=st.done, total=st.total)
            if self._bars is not None:
                self._bars.refresh()

    def _open(self):
        if self._bars is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bars = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(file=self.stream), transient=True,
                                  auto_refresh=False, redirect_stdout=False, redirect_stderr=False)
            self._bars.start()
        return self._bars

    def echo(self, message: str) -> None:
        """Print a line above the bars (or on the stream when there are none)."""
        with self._lock:
            if self._bars is not None:
                self._bars.console.print(message, markup=False, highlight=False, soft_wrap=True)
                return
        self.stream.write(message + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Stop drawing and erase the bars (idempotent)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            self._steps.clear()
            if self._bars is not None:
                self._bars.stop()
                self._bars = None


@contextlib.contextmanager
def step(progress, name: str, *, until: Callable[[], bool] | None = None):
    """Run the block as the step *name* of *progress* (nothing if it has no ``begin``: a plain callable).

    *until* says when the step has ended if it runs elsewhere (in a thread): its bar goes then.
    """
    begin = getattr(progress, "begin", None)
    if begin is None:
        yield
        return
    begin(name, until)
    try:
        yield
    finally:
        progress.end(name)


def progress_display(*, min_files: int = 20, stream=None, min_seconds: float = 1.0) -> BuildProgress:
    """The progress display of ``cppcc-kg build`` (see the module docstring); call its ``close()``."""
    return BuildProgress(stream, min_seconds=min_seconds, min_files=min_files)


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
    if result.get("reason"):
        lines.append(f"  built because: {result['reason']}")
    return "\n".join(lines)


def up_to_date_line(result: dict) -> str:
    """The one line of a build with nothing to do.

    >>> up_to_date_line({"out": "build", "outputs": 12, "wall": 0.2})
    'up to date: build/ (12 files, nothing changed; checked in 0.2 s)'
    """
    return f"up to date: {result['out']}/ ({result['outputs']} files, nothing changed; checked in {result['wall']:.1f} s)"
