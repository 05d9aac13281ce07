"""Validation beside the output stages: it runs in a thread (its SPARQL runs in Oxigraph,
without the GIL) while the build writes the outputs; they are kept only if it passes.

The data rules that use ``GRAPH`` add triples to the store for their time when several files hold
the same triple (:meth:`cppcc_kg.project.load.Project.with_duplicates`), which a stage reading the
store at that moment would see. With ``graph_rules="later"`` the thread runs them once the caller says
that nothing reads the store any more (:meth:`BackgroundValidation.store_free`: before the last
stages, which write the graph files from the N-Triples), or when it asks for the report.

A clean build validates in a process of its own instead, with its own GIL (``process=True``:
:mod:`cppcc_kg.build.validation_process`); the interface is the same.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from cppcc_kg.build.validation_process import ValidationProcess
from cppcc_kg.validate import raise_for_problems, validate, validate_graph_rules

__all__ = ["BackgroundValidation"]


class BackgroundValidation:
    """:func:`cppcc_kg.validate.validate` of *project* in a thread, started at once.

    *graph_rules*: ``True``, every rule; ``False``, the rules with ``GRAPH`` are left to the caller
    (:func:`cppcc_kg.validate.validate_graph_rules`); ``"later"``, the thread runs them once
    :meth:`store_free` is called (or :meth:`report`), unless the other checks found a problem.
    :meth:`report` waits for it, says its line once, and raises
    :class:`~cppcc_kg.errors.ValidationError` when the data breaks a rule.

    *process*: validate in a child forked now (:class:`~cppcc_kg.build.validation_process.ValidationProcess`,
    only where :func:`~cppcc_kg.build.validation_process.may_fork` says so; in the thread if the fork fails): the
    same checks and problems. The thread here waits for the child's report, then runs the rules with ``GRAPH`` of
    ``"later"`` as above, on this process's store; :meth:`join` kills the child.
    """

    def __init__(self, project, *, engine: str, graph_rules: bool | str, say: Callable[[str], None],
                 process: bool = False):
        self.project, self.engine, self.graph_rules, self.say = project, engine, graph_rules, say
        self.seconds: float | None = None
        #: the seconds of the validation from its first read of the store to its end (waiting for :meth:`store_free`
        #: left out): what it does once the store is there (``None`` before it ends, or if it never read it)
        self.after_store: float | None = None
        self._done: dict = {}
        self._reported = False
        self._free = threading.Event()
        self._cancelled = False
        if getattr(project, "cache", None) is not None and project.cache.enabled:
            # the digests of the files' properties, made once here: the rules' verdicts (in the thread) and
            # the entity graph's solutions (in the stages) read them, and neither should make them beside the other
            project.predicate_digest(())
        self._process = _forked(project, engine, graph_rules) if process else None
        self._thread = threading.Thread(target=self._run, name="cppcc-kg-validate", daemon=True)
        try:
            self._thread.start()
        except BaseException:  # (no thread: the child is not left behind)
            if self._process is not None:
                self._process.abandon()
            raise

    def _run(self) -> None:
        t = time.perf_counter()
        waited = 0.0
        try:
            if self._process is None:
                report = validate(self.project, shacl_engine=self.engine, graph_rules=self.graph_rules is True)
            else:
                report, _ = self._process.wait()  # (the child's clock is this one: CLOCK_MONOTONIC)
            if self.graph_rules == "later" and report["conforms"]:
                t0 = time.perf_counter()
                self._free.wait()
                waited = time.perf_counter() - t0
                if not self._cancelled:
                    validate_graph_rules(self.project, report)
            at = report["store_read"]["at"]
            self.after_store = None if at is None else time.perf_counter() - at - waited
            report["after_store"] = self.after_store
            self._done["report"] = report
        except BaseException as exc:  # re-raised in the caller's thread
            self._done["error"] = exc
        self.seconds = time.perf_counter() - t - waited

    def store_free(self) -> None:
        """Nothing of the caller reads the store from now on: the rules with ``GRAPH`` may run."""
        self._free.set()

    def join(self) -> None:
        """Wait for the validation to end (it reads the project: let it end before cleaning up); the rules
        with ``GRAPH`` not started yet are not run."""
        self._cancelled = True
        self._free.set()
        if self._process is not None:
            self._process.stop()
        self._thread.join()

    def report(self) -> dict:
        """The validation report, once the validation has ended; raises if the data is invalid."""
        self._free.set()  # the caller waits here: it reads nothing meanwhile
        self._thread.join()
        if "error" in self._done:
            raise self._done["error"]
        report = self._done["report"]
        if not self._reported:
            self._reported = True
            steps = ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items())
            engine = f" (SHACL: {report['shacl_engine']}" if report.get("shacl_engine") else ""
            if engine and "focus" in report.get("shacl_restricted", {}):
                engine += f", {report['shacl_restricted']['focus']} node(s) checked again"
            engine += ")" if engine else ""
            if report.get("rules_kept"):
                engine += f" (rules: {len(report['rules_kept'])} unchanged, {len(report.get('rules_run', []))} run)"
            later = {False: " (rules with GRAPH after the outputs)",
                     "later": " (rules with GRAPH beside the graph files)"}.get(self.graph_rules, "")
            verdict = "OK" if report["conforms"] else f"{len(report['problems'])} problem(s)"
            self.say(f"validate  {steps}{engine}{later}: {verdict}")
            raise_for_problems(report, self.project.view)
        return report


def _forked(project, engine: str, graph_rules: bool | str) -> ValidationProcess | None:
    """The validation of *project* in a child forked now; None when the system refuses the fork (a limit on the
    processes, the memory): the validation then runs in the thread, as where forking is not allowed."""
    try:
        return ValidationProcess(project, engine=engine, graph_rules=graph_rules)
    except OSError:
        return None
