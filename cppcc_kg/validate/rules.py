"""The data rules: ``rules/*.rq``, SPARQL ``SELECT`` queries that must return no rows.

A rule runs on the project's store, whose default graph is the union of its named
graphs (one per file), so a rule can see which file a triple comes from (``GRAPH ?g``).
Its leading ``#`` lines say what is wrong, then what to do (:func:`read_rule`).
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from cppcc_kg.errors import InputError
from cppcc_kg.rdf.store import from_ox
from cppcc_kg.validate.report import Where, compactor, labels_of, nowhere, problem
from cppcc_kg.validate.rule_cache import RuleCache

_USES_GRAPH = re.compile(r"^[^#\n]*\bGRAPH\b", re.IGNORECASE | re.MULTILINE)
#: the IRIs, strings and escaped characters of prefixed names of a query, which may hold a ``#`` that does not
#: start a comment (``<...ontology#p>``, ``"#1"``, ``ex:a\#b``)
_IRIS_AND_STRINGS = re.compile(
    r"""<[^<>"{}|^`\\\s]*>|"{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\\#""")


def read_rule(path: Path) -> tuple[str, str, str]:
    """(description, hint, query) of a rule file: the leading ``#`` lines, then the query.

    The first comment line says what is wrong; the next ones say what to do.
    """
    text = Path(path).read_text(encoding="utf-8")
    head = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        head.append(line.lstrip("#").strip())
    head = [h for h in head if h]
    return (head[0] if head else Path(path).stem), " ".join(head[1:]), text


def uses_graph(query: str) -> bool:
    """Whether a rule's *query* uses ``GRAPH`` outside comments.

    >>> uses_graph("# GRAPH\\nSELECT ?focus WHERE { ?focus ?p ?o }"), uses_graph("SELECT * { GRAPH ?g { ?s ?p ?o } }")
    (False, True)
    >>> uses_graph("SELECT * { ?s a <http://e.org/o#C> . GRAPH ?g { ?s ?p ?o } }")  # a '#' in an IRI
    True
    """
    return bool(_USES_GRAPH.search(_IRIS_AND_STRINGS.sub(" ", query)))


def _solutions(store: ox.Store, query: str, name: str, project) -> tuple[list | ox.QuerySolutions, list[str]]:
    """The rows and variable names of the rule *name*; with the *project*, a rule that uses
    ``GRAPH`` runs with every file's graph complete."""
    try:
        if project is not None and uses_graph(query):
            with project.with_duplicates() as full:
                rows = full.query(query, use_default_graph_as_union=True)
                variables = [v.value for v in rows.variables] if isinstance(rows, ox.QuerySolutions) else []
                rows = list(rows) if isinstance(rows, ox.QuerySolutions) else rows
        else:
            rows = store.query(query, use_default_graph_as_union=True)
            variables = [v.value for v in rows.variables] if isinstance(rows, ox.QuerySolutions) else []
    except SyntaxError as exc:
        raise InputError(f"{name}:{exc.lineno or 1}:{exc.offset or 1}: {exc.msg}",
                         "fix the SPARQL of the rule.") from None
    if not isinstance(rows, (ox.QuerySolutions, list)):
        raise InputError(f"{name}: a rule must be a SELECT query (its rows are the violations)")
    return rows, variables


def read_rules(rules_dir: Path, *, root: Path | None = None, which: str = "all",
               only: str | None = None) -> list[tuple[str, str, str, str]]:
    """The rules ``(name, description, hint, query)`` of *rules_dir*, sorted by file name (:func:`rule_problems`
    says what *root*, *which* and *only* select)."""
    rules = []
    for path in sorted(Path(rules_dir).glob("*.rq")):
        if only is not None and path.name != only:
            continue
        name = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.name
        description, hint, query = read_rule(path)
        if which != "all" and (which == "graph") != uses_graph(query):
            continue
        rules.append((name, description, hint, query))
    return rules


def kept_rules(verdicts: RuleCache | None, rules: list[tuple], *, reading_store: bool | None = None) -> list[str]:
    """The names of the *rules* whose verdict *verdicts* keeps (they need not run: :meth:`RuleCache.clean`).
    With ``reading_store=False`` (``True``), only the rules whose verdict is told without reading the store
    (by reading it) are asked about (:meth:`RuleCache.needs_store`): a validation asks about the others once
    the store is there."""
    if verdicts is None:
        return []
    kept = [r[0] for r in rules if (reading_store is None or verdicts.needs_store(r[3]) == reading_store)
            and verdicts.clean(r[0], r[3])]
    for r in rules if reading_store is False else ():
        verdicts.prepare(r[3])  # (the views of the rules asked about later, kept with the others')
    verdicts.save_views()
    return kept


def rule_problems(store: ox.Store, rules_dir: Path, *, graph: Graph | None = None,
                  where: Where | None = None, root: Path | None = None, project=None,
                  which: str = "all", only: str | None = None, about: dict | None = None) -> list[dict]:
    """Run every ``*.rq`` of *rules_dir* on *store*; each row is a problem.

    A rule is a ``SELECT`` whose rows are the violations; it projects ``?focus``
    (the thing to fix) and may project more variables, shown in the message. The
    default graph is the union of all named graphs; ``GRAPH ?g`` gives the file.
    With the *project*, a rule that uses ``GRAPH`` runs with every file's graph
    complete (:meth:`cppcc_kg.project.load.Project.with_duplicates`); the others run on the
    store as loaded, where a triple that several files hold is stored once (a triple
    repeated in k files would otherwise make joins k-fold in each pattern).
    *which* is ``all``, ``plain`` (the rules without ``GRAPH``) or ``graph`` (those with it);
    *only*, the file name of one rule to run alone.

    With the *project* and its loader's cache, a rule that returned no row on the same triples of the
    properties it reads is not run again (:mod:`cppcc_kg.validate.rule_cache`); *about*, if given, gets
    ``run`` and ``kept``: the names of the rules run and of those whose verdict was kept.
    """
    rules = read_rules(rules_dir, root=root, which=which, only=only)
    verdicts = RuleCache(project) if project is not None else None
    return run_rules(store, rules, kept_rules(verdicts, rules), verdicts, graph=graph, where=where, project=project,
                     about=about)


def run_rules(store: ox.Store, rules: list[tuple], kept: list[str], verdicts: RuleCache | None, *,
              graph: Graph | None = None, where: Where | None = None, project=None,
              about: dict | None = None) -> list[dict]:
    """The problems of the *rules* (:func:`read_rules`) but those named in *kept*, run on *store* (as
    :func:`rule_problems` says); their verdicts recorded in *verdicts* (asked about with :func:`kept_rules`)."""
    where = where or nowhere
    compact = compactor(graph)
    rules = [r for r in rules if r[0] not in kept]
    solved = _all_solutions(store, rules, project)
    if about is not None:
        about.update(run=[r[0] for r in rules], kept=list(kept))
    out = []
    for (name, description, hint, _query), (rows, variables) in zip(rules, solved):
        if verdicts is not None:
            verdicts.keep(name, rows)
        found = []
        for row in rows:
            focus = from_ox(row["focus"]) if "focus" in variables else None
            details = []
            for v in variables:
                if v == "focus" or row[v] is None:
                    continue
                t = from_ox(row[v])
                details.append(f"{v}={compact(str(t)) if isinstance(t, URIRef) else str(t)}")
            message = description + (f" [{', '.join(details)}]" if details else "") + (f" {hint}" if hint else "")
            found.append(problem("rule", focus, message, rule=name,
                                 files=where(focus) if focus is not None else [],
                                 labels=labels_of(graph, focus)))
        out += sorted(found, key=lambda p: (p["focus"], p["message"]))
    return out


def _all_solutions(store: ox.Store, rules: list[tuple], project) -> list[tuple[list, list[str]]]:
    """The rows and variables of each rule of *rules* ``(name, description, hint, query)``, in order.

    Oxigraph releases the GIL while it evaluates a query: the rules that do not use ``GRAPH``
    run side by side; those that do run one after the other, after them (with the *project*,
    they add triples to the store for their time). The first rule (in order) that is not a
    valid ``SELECT`` raises its error, as when they run one by one.
    """
    def solve(name: str, query: str):
        try:
            rows, variables = _solutions(store, query, name, project)
            return list(rows), variables
        except InputError as exc:
            return exc, []

    alone = [project is not None and uses_graph(q) for _n, _d, _h, q in rules]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = [None if a else pool.submit(solve, name, q) for a, (name, _d, _h, q) in zip(alone, rules)]
        results = [f.result() if f is not None else None for f in futures]
    results = [solve(name, q) if r is None else r for r, (name, _d, _h, q) in zip(results, rules)]
    for rows, _variables in results:
        if isinstance(rows, InputError):
            raise rows
    return results
