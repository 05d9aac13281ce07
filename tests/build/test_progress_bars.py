"""The build's progress bars (cppcc_kg.build.progress): on a terminal only, for steps over a second,
one bar per running step (the validation runs in a thread beside the stages)."""
from __future__ import annotations

import io
import threading

from cppcc_kg.build.pipeline import build
from cppcc_kg.build.progress import BuildProgress, progress_display, step


class Terminal(io.StringIO):
    """A fake terminal: what rich writes to it is kept."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_not_a_terminal_shows_nothing_and_starts_no_thread():
    log = io.StringIO()
    display = progress_display(stream=log, min_seconds=0.0)
    threads = threading.active_count()
    with step(display, "entities"):
        display(5, 100, "graph/a.ttl")
        display.tick()
    display.echo("load      9 files")
    display.close()
    assert log.getvalue() == "load      9 files\n" and display.shown == [] and threading.active_count() == threads


def test_a_step_gets_a_bar_after_a_second_and_loses_it_when_it_ends():
    term, clock = Terminal(), Clock()
    display = BuildProgress(term, clock=clock, interval=None)
    with step(display, "metrics"):
        clock.now += 0.5
        display.tick()
        assert display.shown == [] and term.getvalue() == ""  # under a second: nothing
        clock.now += 1.0
        display.tick()
        assert display.shown == ["metrics"] and "metrics" in term.getvalue()
    display.close()
    assert display.shown == ["metrics"]


def test_a_short_step_shows_nothing():
    term, clock = Terminal(), Clock()
    display = BuildProgress(term, clock=clock, interval=None)
    with step(display, "graph"):
        clock.now += 0.9
        display.tick()
    clock.now += 5
    display.tick()
    display.close()
    assert display.shown == [] and term.getvalue() == ""


def test_the_load_step_counts_files_and_a_step_in_a_thread_ends_with_it():
    term, clock = Terminal(), Clock()
    display = BuildProgress(term, clock=clock, interval=None, min_files=5)
    finished = threading.Event()
    with step(display, "load"):
        display(7, 10, "graph/a.ttl")
        clock.now += 2
        display.tick()
        assert "7/10" in term.getvalue()
    with step(display, "validate", until=finished.is_set):
        clock.now += 2
        display.tick()
        assert display.shown == ["load", "validate"]
        finished.set()  # the thread ended: the bar goes before the step's block ends
        display.tick()
        assert display._steps["validate"].task is None
    display.close()


class Jumping:
    """A clock that moves two seconds each time it is read: every step lasts over a second."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 2.0
        return self.now


def test_a_build_on_a_terminal_draws_bars_and_says_its_lines_above_them(make_project, tmp_path):
    term = Terminal()
    display = BuildProgress(term, clock=Jumping(), interval=None)
    try:
        result = build(make_project(), tmp_path / "out", echo=display.echo, progress=display)
    finally:
        display.close()
    assert result["up_to_date"] is False
    assert {"load", "validate", "entities", "graph", "summary"} <= set(display.shown)
    text = term.getvalue()
    assert "load      " in text and "validate  " in text and "entities  done" in text


def test_a_plain_callable_is_still_a_progress_callback(make_project, tmp_path):
    seen = []
    build(make_project(), tmp_path / "out", progress=lambda done, total, path: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
