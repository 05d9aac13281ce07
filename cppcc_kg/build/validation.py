"""Validation beside the output stages: it runs in a thread (its SPARQL runs in Oxigraph,
without the GIL) while the build writes the outputs; they are kept only if it passes."""
from __future__ import annotations

import threading
import time
from typing import Callable

from cppcc_kg.validate import raise_for_problems, validate

__all__ = ["BackgroundValidation"]


class BackgroundValidation:
    """:func:`cppcc_kg.validate.validate` of *project* in a thread, started at once.

    :meth:`report` waits for it, says its line once, and raises
    :class:`~cppcc_kg.errors.ValidationError` when the data breaks a rule.
    """

    def __init__(self, project, *, engine: str, graph_rules: bool, say: Callable[[str], None]):
        self.project, self.engine, self.graph_rules, self.say = project, engine, graph_rules, say
        self.seconds: float | None = None
        self._done: dict = {}
        self._reported = False
        self._thread = threading.Thread(target=self._run, name="cppcc-kg-validate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t = time.perf_counter()
        try:
            self._done["report"] = validate(self.project, shacl_engine=self.engine, graph_rules=self.graph_rules)
        except BaseException as exc:  # re-raised in the caller's thread
            self._done["error"] = exc
        self.seconds = time.perf_counter() - t

    def join(self) -> None:
        """Wait for the validation to end (it reads the project: let it end before cleaning up)."""
        self._thread.join()

    def report(self) -> dict:
        """The validation report, once the validation has ended; raises if the data is invalid."""
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
            later = "" if self.graph_rules else " (rules with GRAPH after the outputs)"
            verdict = "OK" if report["conforms"] else f"{len(report['problems'])} problem(s)"
            self.say(f"validate  {steps}{engine}{later}: {verdict}")
            raise_for_problems(report, self.project.view)
        return report
