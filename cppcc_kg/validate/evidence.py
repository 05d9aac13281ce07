"""The evidence check: every quote is the text of its source at its offsets.

For every evidence target, the quote (``oa:exact`` of its ``oa:TextQuoteSelector``)
equals ``text[start:end]`` of the source, by its ``oa:TextPositionSelector`` (code
points, end exclusive). The check reads the project's Oxigraph store with two SPARQL
queries, so it stays fast on millions of triples (a slower reference on an rdflib graph,
``tests/oracles/validate_checks.py``, is tested to give the same problems).

>>> from rdflib import Graph, URIRef
>>> from cppcc_kg.rdf.store import store_of_quads
>>> g = Graph().parse(format="turtle", data='''
... @prefix oa: <http://www.w3.org/ns/oa#> .
... <http://e.org/a> oa:hasTarget <http://e.org/t> .
... <http://e.org/t> oa:hasSource <http://e.org/src> ;
...     oa:hasSelector <http://e.org/p>, <http://e.org/q> .
... <http://e.org/p> a oa:TextPositionSelector ; oa:start 1 ; oa:end 3 .
... <http://e.org/q> a oa:TextQuoteSelector ; oa:exact "乙丁" .''')
>>> store = store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in g)
>>> [p["message"] for p in evidence_problems(store, {"http://e.org/src": "甲乙丙"})]
["the quote is '乙丁' but text[1:3] of http://e.org/src is '乙丙'"]
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import RDF

from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.results import csv_values
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.file_cache import entry_name, get_json, put_json
from cppcc_kg.validate.labels import texts_digest
from cppcc_kg.validate.report import Where, node, nowhere, problem
from cppcc_kg.validate.shacl_incremental import changed_triples

RULE = "quote == text[start:end]"

EVIDENCE_QUERY = f"""SELECT ?t ?src ?pos ?start ?end ?quote ?exact (BOUND(?exact) AS ?has) WHERE {{
        ?t <{OA}hasSource> ?src ; <{OA}hasSelector> ?pos, ?quote .
        ?pos <{RDF.type}> <{OA}TextPositionSelector> .
        ?quote <{RDF.type}> <{OA}TextQuoteSelector> .
        OPTIONAL {{ ?pos <{OA}start> ?start }} OPTIONAL {{ ?pos <{OA}end> ?end }}
        OPTIONAL {{ ?quote <{OA}exact> ?exact }} }}"""

#: the properties of the triple patterns of :data:`EVIDENCE_QUERY`: its solutions are those of the triples of
#: these properties alone
EVIDENCE_PROPERTIES = frozenset(str(p) for p in (OA.hasSource, OA.hasSelector, RDF.type, OA.start, OA.end, OA.exact))


def as_int(value) -> int | None:
    """*value* as an integer, or ``None`` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _least(values_: list) -> int | None:
    ints = [i for v in values_ if (i := as_int(v)) is not None]
    return min(ints) if ints else None


def _rows(store: ox.Store, query: str) -> dict[str, list]:
    """Target -> its rows of *query* (:data:`EVIDENCE_QUERY`, or it restricted to some targets): the tuples of
    :func:`~cppcc_kg.rdf.store.values`, the target first (read in one piece: eight variables a row)."""
    targets: dict[str, list] = {}
    get = targets.get
    for row in csv_values(store, query):
        rows = get(row[0])
        if rows is None:
            targets[row[0]] = [row]
        else:
            rows.append(row)
    return targets


def evidence_problems(store: ox.Store, texts: dict, *, where: Where | None = None) -> list[dict]:
    """Check every quote of *store* (the union of its named graphs) against its source text.

    Parameters
    ----------
    store : pyoxigraph.Store
    texts : dict
        Source IRI (str or URIRef) -> its text (str) or a
        :class:`cppcc_kg.project.sources.SourceText`.
    where : callable, optional
        ``where(node, predicate)`` -> files that hold the triple, for messages.

    One query joins each target with its source and its two selectors; a target with
    a missing or extra part is left to the SHACL shapes.
    """
    return _judge(store, _rows(store, EVIDENCE_QUERY), texts, where or nowhere)


def _judge(store: ox.Store, targets: dict[str, list], texts: dict, where: Where) -> list[dict]:
    """The problems of the targets *targets* (:func:`_rows`); each target's verdict reads its rows alone."""
    by_iri = {str(k): v for k, v in texts.items()}

    def focus_of(target: str):
        found = [a for (a,) in values(store, f"SELECT DISTINCT ?a WHERE {{ ?a <{OA}hasTarget> <{target}> }}")] \
            if not target.startswith("_:") else []
        return node(min(found) if found else target)

    out = []
    for target in sorted(targets):
        rows = targets[target]
        # (one row: the usual target, with one source, one selector of each kind and one value of each)
        if len(rows) != 1 and (len({r[1] for r in rows}) != 1 or len({r[2] for r in rows}) != 1
                               or len({r[5] for r in rows}) != 1):
            continue  # the SHACL shapes report the extra parts
        _, source, pos, start, end, quote, exact, has = rows[0]
        src = by_iri.get(source)
        if src is None:
            out.append(problem("evidence", focus_of(target),
                               f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule=RULE, files=where(node(target), OA.hasSource)))
            continue
        text = src if isinstance(src, str) else src.text
        if len(rows) == 1:
            start, end = as_int(start), as_int(end)
            exacts = [exact] if has == "true" else []
        else:
            start, end = _least([r[3] for r in rows]), _least([r[4] for r in rows])
            exacts = sorted({r[6] for r in rows if r[7] == "true"})
        if start is None or end is None:
            continue  # SHACL: oa:start and oa:end are integers
        if not 0 <= start < end <= len(text):
            name = source if isinstance(src, str) else src.path
            out.append(problem("evidence", focus_of(target),
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule=RULE, files=where(node(pos), OA.start)))
            continue
        actual = text[start:end]
        for exact in exacts:
            if exact != actual:
                name = source if isinstance(src, str) else src.path
                out.append(problem(
                    "evidence", focus_of(target),
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule=RULE, files=where(node(quote), OA.exact)))
    return out


#: above this many targets to re-check after a cached build, the whole check is run
MAX_TARGETS = 20_000

#: the cache entry of the record: named by the code of :mod:`cppcc_kg.validate` (another code reads none)
STATE = entry_name("evidence-state")


def cached_evidence_problems(store: ox.Store, texts: dict, *, ntriples: dict, keys: dict, cache,
                             where: Where | None = None) -> list[dict]:
    """:func:`evidence_problems`, re-checking after a cached build only the targets whose triples changed.

    A build whose evidence check found no problem records, in the loader's *cache*, the cache key of
    each file (*keys*: graph IRI -> key) and the digest of the source texts. The next build takes the
    lines of the changed files' N-Triples (*ntriples*: graph IRI -> N-Triples) that are in one version
    and not the other (:func:`cppcc_kg.validate.shacl_incremental.changed_lines`, parsed by :func:`~cppcc_kg.validate.shacl_incremental.changed_triples`). A target's verdict reads
    the triples whose subject is the target, its position selector or its quote selector (the rows of
    :data:`EVIDENCE_QUERY`) and the text of its source; a target none of whose triples changed, against the
    same texts, has the verdict it had: no problem. So the targets to check again are the subjects and
    objects of the changed triples that are targets, and those that point to them by ``oa:hasSelector``
    or ``oa:hasSource``. When these have no problem either, there is none; otherwise (or without a clean
    record, with other texts, a changed ontology, a blank node in a changed line, an earlier version not
    in the cache, too many targets) the whole check runs, so the report is the same (tested).

    When no changed triple has a property of :data:`EVIDENCE_PROPERTIES` (a label edited, say), the check is
    clean without reading the store (*store* is not touched: it may still be loading). Proof: every triple
    pattern of :data:`EVIDENCE_QUERY` has a fixed property among these six, so its solutions on the union of
    the graphs are a function of the triples of these properties alone. A file whose key did not change holds
    the triples it held; a file added, removed or changed holds the same triples of these properties as
    before, since a triple of its earlier or present version that is not in both is a changed triple; the
    generated pinyin graph holds ``cppcc:pinyin`` triples only. So the union holds the same triples of these
    properties as at the recorded clean check: every target has the same rows, and, against the same texts
    (their digest is in the record), the verdict it had then, no problem. (Tested against the whole check: a
    label edit reads no store; an edit of ``oa:exact``, of a type, of a selector still finds the problem.)
    """
    if cache is None or not (cache.enabled or cache.write):  # nothing to read or keep (--no-cache)
        return evidence_problems(store, texts, where=where)
    texts_key = texts_digest(texts)
    clean = _still_clean(store, texts, get_json(cache, STATE), texts_key, ntriples, keys, cache)
    found = [] if clean else evidence_problems(store, texts, where=where)
    if not found:
        put_json(cache, STATE, {"keys": dict(sorted(keys.items())), "texts": texts_key})
    return found


def _still_clean(store: ox.Store, texts: dict, state, texts_key: str, ntriples: dict, keys: dict, cache) -> bool:
    """Whether the record *state* says the check was clean and no target whose triples changed has a problem."""
    if not isinstance(state, dict) or state.get("texts") != texts_key or not isinstance(state.get("keys"), dict):
        return False
    changed = changed_triples(state["keys"], keys, ntriples, cache)
    if isinstance(changed, str):
        return False
    if not any(t.predicate.value in EVIDENCE_PROPERTIES for t in changed):
        return True  # (the store is not read: see cached_evidence_problems)
    targets = _affected(store, changed)
    if targets is None or len(targets) > MAX_TARGETS:
        return False
    if not targets:
        return True
    query = EVIDENCE_QUERY.replace("WHERE {", "WHERE { VALUES ?t { " + " ".join(f"<{t}>" for t in sorted(targets)) + " }", 1)
    return not _judge(store, _rows(store, query), texts, nowhere)


def _affected(store: ox.Store, changed) -> set[str] | None:
    """The targets whose rows may have changed with the triples *changed* (IRIs; None: a blank node among them)."""
    has_source, has_selector = ox.NamedNode(str(OA.hasSource)), ox.NamedNode(str(OA.hasSelector))
    nodes = set()
    for t in changed:
        nodes.add(t.subject)
        if isinstance(t.object, ox.NamedNode):
            nodes.add(t.object)
    found = set()
    for d in nodes:
        if next(store.quads_for_pattern(d, has_source, None, None), None) is not None \
                or next(store.quads_for_pattern(d, has_selector, None, None), None) is not None:
            found.add(d)
        found.update(q.subject for p in (has_selector, has_source) for q in store.quads_for_pattern(None, p, d, None))
    if any(not isinstance(t, ox.NamedNode) for t in found):
        return None
    return {t.value for t in found}
