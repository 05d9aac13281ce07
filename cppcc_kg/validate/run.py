"""Validate a loaded project: every check, all problems at once.

Four checks, each returning a list of problems (:mod:`cppcc_kg.validate.report`):
the evidence (:mod:`~cppcc_kg.validate.evidence`), the labels
(:mod:`~cppcc_kg.validate.labels`), the SHACL shapes (:mod:`~cppcc_kg.validate.shapes`)
and the data rules ``rules/*.rq`` (:mod:`~cppcc_kg.validate.rules`).
"""
from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Callable

from cppcc_kg.project.files import graph_iri
from cppcc_kg.project.load import Project
from cppcc_kg.validate.evidence import cached_evidence_problems
from cppcc_kg.validate.labels import cached_label_problems
from cppcc_kg.validate.report import Where, sort_key
from cppcc_kg.validate.rule_cache import RuleCache
from cppcc_kg.validate.rules import kept_rules, read_rules, rule_problems, run_rules
from cppcc_kg.validate.shapes import (
    fast_shacl_problems,
    resolve_engine,
    shacl_problems,
    shapes_of,
)


def where_in(project: Project) -> Where:
    """``where(node, predicate=None)``: the files of *project* that hold the triple, or define the node."""
    def where(node, pred=None):
        return project.files_of(node, pred) if pred is not None else project.defined_in(node)
    return where


def graph_keys(project: Project) -> dict[str, str]:
    """Graph IRI -> the cache key of its file (:attr:`cppcc_kg.project.load.Project.keys`)."""
    return {str(graph_iri(rel)): key for rel, key in project.keys.items()}


class StoreWhenRead:
    """The store of *project*, read (waited for, when it is being loaded beside: :attr:`Project.store`) only when a
    check first uses it: it passes for the store (every attribute is the store's). ``first_read`` is the time
    (``time.perf_counter()``) the first use got the store, ``waited`` the seconds that use waited for it.

    >>> from cppcc_kg.rdf.store import store_of_quads
    >>> class P:
    ...     store = store_of_quads([])
    >>> lazy = StoreWhenRead(P())
    >>> lazy.first_read is None, len(lazy), lazy.first_read is not None
    (True, 0, True)
    """

    def __init__(self, project: Project):
        self._project = project
        self.first_read: float | None = None
        self.waited = 0.0

    def _store(self):
        if self.first_read is not None:
            return self._project.store
        t0 = time.perf_counter()
        store = self._project.store
        self.first_read = time.perf_counter()
        self.waited = self.first_read - t0
        return store

    def __getattr__(self, name: str):
        return getattr(self._store(), name)

    def __len__(self) -> int:
        return len(self._store())


#: the checks in the order of the report (:func:`validate` runs them in another)
CHECKS = ("evidence", "labels", "shacl", "rules")


def _checks(project: Project, store: StoreWhenRead, rules_dir: Path, shacl: bool, shacl_engine: str,
            graph_rules: bool, about: dict, ruled: dict):
    """``(engine, [(name, run)])``: the steps of :func:`validate` in the order they run, each a function of no
    argument returning problems. What needs no store comes first: the evidence (which reads the store only when
    an evidence triple changed), the rules' kept verdicts (:func:`~cppcc_kg.validate.rules.kept_rules`); then
    the labels, the shapes and the rules that run, which read it. A check may be in two steps (``rules``)."""
    view = project.view
    where = where_in(project)
    rules = read_rules(rules_dir, root=project.root, which="all" if graph_rules else "plain") \
        if rules_dir.is_dir() else None
    verdicts = RuleCache(project)
    kept: list[str] = []
    # the rules with GRAPH left for validate_graph_rules: their kept verdicts told here too, without the store
    later = (verdicts, read_rules(rules_dir, root=project.root, which="graph"), []) \
        if rules is not None and not graph_rules else None
    ruled["later"] = later

    def keep(reading_store: bool) -> list:
        asked = [r for r in rules if r[0] not in kept] + (later[1] if later is not None and not reading_store else [])
        found = kept_rules(verdicts, asked, reading_store=reading_store)  # (in one call: the views staged once)
        kept.extend(n for n in found if n in {r[0] for r in rules})
        if later is not None:
            later[2].extend(n for n in found if n in {r[0] for r in later[1]})
        return []

    keys = functools.cache(lambda: graph_keys(project))  # (made once: 4000 graph IRIs at scale 1000)

    checks = [
        ("evidence", lambda: cached_evidence_problems(store, project.sources, ntriples=project.graphs(),
                                                      keys=keys(), cache=project.cache, where=where)),
    ]
    if rules is not None:
        checks.append(("rules", lambda: keep(False)))
    checks.append(("labels", lambda: cached_label_problems(
        store, project.sources, keys=keys(), cache=project.cache, ntriples=project.graphs(),
        where=where, graph=view)))
    engine = ""
    if shacl:
        shapes = shapes_of(project)
        engine = resolve_engine(project, shacl_engine)
        if engine == "fast":
            checks.append(("shacl", lambda: fast_shacl_problems(
                store, shapes, project.graphs(), graph=view, where=where, keys=keys(),
                cache=project.cache, about=about)))
        else:
            checks.append(("shacl", lambda: shacl_problems(project.graph, shapes, where=where)))
    if rules is not None:
        checks.append(("rules", lambda: keep(True) + run_rules(store, rules, kept, verdicts, graph=view, where=where,
                                                              project=project, about=ruled)))
    return engine, checks


def validate(project: Project, *, rules_dir: Path | None = None, shacl: bool = True,
             shacl_engine: str = "auto", progress: Callable[[str], None] | None = None,
             graph_rules: bool = True) -> dict:
    """Run every check on *project*.

    Parameters
    ----------
    project : cppcc_kg.project.load.Project
    rules_dir : Path, optional
        Folder of the data rules (default ``ROOT/rules``; skipped if absent).
    shacl : bool
        Check the SHACL shapes.
    shacl_engine : {'auto', 'fast', 'pyshacl'}
        ``fast``: the shapes compiled to SPARQL on the project's store
        (:mod:`cppcc_kg.validate.shacl`); ``pyshacl``: pySHACL on the graph in memory (slow:
        seconds for one source, hours for a thousand); ``auto``: ``fast`` unless the
        shapes use a feature it does not implement, then ``pyshacl``. Both report
        the same problems (tests/validate/test_fastshacl.py).
    progress : callable, optional
        Called with the name of each check as it starts.
    graph_rules : bool
        Also run the data rules that use ``GRAPH``; with ``False`` they are left for
        :func:`validate_graph_rules` (they add triples to the store for their time, when
        several files hold the same triple, so the build runs them when nothing else reads it).

    Returns
    -------
    dict
        ``conforms`` (bool), ``problems`` (list of dicts, sorted), ``counts``
        (problems per check), ``seconds`` (time per check), ``rules`` (the
        names of the rule files run), ``shacl_engine`` (the engine used) and ``shacl_restricted`` (with the
        fast engine and a cache: ``focus``, the number of focus nodes checked again after a cached build,
        or ``reason``, why the shapes ran on the whole graph), ``rules_run`` and ``rules_kept`` (the rules
        run, and those not run as they returned no row on the same triples: :mod:`~cppcc_kg.validate.rule_cache`),
        ``store_read`` (``at``: the ``time.perf_counter()`` at which the checks first got the store, or ``None``;
        ``waited``: how long they waited for it: :class:`StoreWhenRead`), ``rules_later`` (with
        ``graph_rules=False``: the rules' verdicts, the rules with ``GRAPH`` and those of them kept, told without
        the store, for :func:`validate_graph_rules`; else ``None``).

    The checks that need no store run first (:func:`_checks`): a validation beside a store being loaded
    (:func:`cppcc_kg.project.load.load`, ``store_beside=True``) waits for it only where a check reads it.
    """
    rules_dir = Path(rules_dir) if rules_dir is not None else project.root / "rules"
    about: dict = {}
    ruled: dict = {}
    store = StoreWhenRead(project)
    engine, checks = _checks(project, store, rules_dir, shacl, shacl_engine, graph_rules, about, ruled)
    problems, seconds, counts = [], {}, {}
    for name, run in checks:
        if progress and name not in seconds:
            progress(name)
        t0 = time.perf_counter()
        found = run()
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
        counts[name] = counts.get(name, 0) + len(found)
        problems += found
    problems.sort(key=sort_key)
    rules = sorted(p.name for p in rules_dir.glob("*.rq")) if rules_dir.is_dir() else []
    order = [c for c in CHECKS if c in seconds]
    return {"conforms": not problems, "problems": problems, "counts": {c: counts[c] for c in order},
            "seconds": {c: seconds[c] for c in order}, "rules": rules, "shacl_engine": engine,
            "rules_dir": rules_dir, "shacl_restricted": about, "rules_run": ruled.get("run", []),
            "rules_kept": ruled.get("kept", []), "store_read": {"at": store.first_read, "waited": store.waited},
            "rules_later": ruled.get("later")}


def validate_graph_rules(project: Project, report: dict) -> dict:
    """Run the data rules that use ``GRAPH`` (left out by ``validate(..., graph_rules=False)``)
    and add their problems to *report*, which is returned."""
    rules_dir = report.get("rules_dir")
    if rules_dir is None or not Path(rules_dir).is_dir():
        return report
    t0 = time.perf_counter()
    ruled: dict = {}
    store = StoreWhenRead(project)  # (read only if a rule runs)
    if report.get("rules_later") is not None:  # the rules' kept verdicts told by validate without the store
        verdicts, rules, kept = report["rules_later"]
        kept = kept + kept_rules(verdicts, [r for r in rules if r[0] not in kept], reading_store=True)
        found = run_rules(store, rules, kept, verdicts, graph=project.view, where=where_in(project),
                          project=project, about=ruled)
    else:
        found = rule_problems(store, rules_dir, graph=project.view, where=where_in(project),
                              root=project.root, project=project, which="graph", about=ruled)
    report["rules_run"] = sorted(report.get("rules_run", []) + ruled["run"])
    report["rules_kept"] = sorted(report.get("rules_kept", []) + ruled["kept"])
    report["seconds"]["rules"] = report["seconds"].get("rules", 0.0) + time.perf_counter() - t0
    report["counts"]["rules"] = report["counts"].get("rules", 0) + len(found)
    problems = sorted(report["problems"] + found, key=sort_key)
    report["problems"], report["conforms"] = problems, not problems
    return report
