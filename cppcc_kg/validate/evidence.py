"""The evidence check: every quote is the text of its source at its offsets.

For every annotation, the quote (``cppcc:quoteExact``) equals ``text[start:end]`` of its source
(``cppcc:quoteSource``), by its offsets ``cppcc:quoteStart`` and ``cppcc:quoteEnd`` (code points, end
exclusive): the compact form of the evidence that the curated files and the build's store hold (the exports
give its W3C Web Annotation form, :mod:`cppcc_kg.rdf.evidence_form`). The check reads the project's Oxigraph
store with one SPARQL query, so it stays fast on millions of triples (a slower reference on an rdflib graph,
``tests/oracles/validate_checks.py``, is tested to give the same problems).

>>> from rdflib import Graph, URIRef
>>> from cppcc_kg.rdf.store import store_of_quads
>>> g = Graph().parse(format="turtle", data='''
... @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
... <http://e.org/a> cppcc:quoteSource <http://e.org/src> ; cppcc:quoteStart 1 ; cppcc:quoteEnd 3 ;
...     cppcc:quoteExact "乙丁" .''')
>>> store = store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in g)
>>> [(p["focus"], p["message"]) for p in evidence_problems(store, {"http://e.org/src": "甲乙丙"})]
[('http://e.org/a', "the quote is '乙丁' but text[1:3] of http://e.org/src is '乙丙'")]
"""
from __future__ import annotations

import pyoxigraph as ox

from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.results import csv_values
from cppcc_kg.validate.file_cache import entry_name, get_json, put_json
from cppcc_kg.validate.labels import texts_digest
from cppcc_kg.validate.report import Where, node, nowhere, problem
from cppcc_kg.validate.shacl_incremental import changed_triples

RULE = "quote == text[start:end]"

EVIDENCE_QUERY = f"""SELECT ?a ?src ?start ?end ?exact (BOUND(?exact) AS ?has) WHERE {{
        ?a <{CPPCC.quoteSource}> ?src .
        OPTIONAL {{ ?a <{CPPCC.quoteStart}> ?start }} OPTIONAL {{ ?a <{CPPCC.quoteEnd}> ?end }}
        OPTIONAL {{ ?a <{CPPCC.quoteExact}> ?exact }} }}"""

#: the properties of the triple patterns of :data:`EVIDENCE_QUERY`: its solutions are those of the triples of
#: these properties alone, and an annotation's rows those of the triples whose subject it is
EVIDENCE_PROPERTIES = frozenset(str(p) for p in (CPPCC.quoteSource, CPPCC.quoteStart, CPPCC.quoteEnd,
                                                 CPPCC.quoteExact))


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
    """Annotation -> its rows of *query* (:data:`EVIDENCE_QUERY`, or it restricted to some annotations): the
    tuples of :func:`~cppcc_kg.rdf.results.csv_values`, the annotation first (read in one piece)."""
    annotations: dict[str, list] = {}
    get = annotations.get
    for row in csv_values(store, query):
        rows = get(row[0])
        if rows is None:
            annotations[row[0]] = [row]
        else:
            rows.append(row)
    return annotations


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

    One query reads each annotation's source, offsets and quote. An annotation without a source or with several
    is left to the SHACL shapes (which report it), and so is one without an integer start or end; one with
    several starts, ends or quotes (SHACL's too) has each quote compared with the text at its least start and
    end. A problem names the annotation and the files of its triple of the property at fault.
    """
    return _judge(_rows(store, EVIDENCE_QUERY), texts, where or nowhere)


def _judge(annotations: dict[str, list], texts: dict, where: Where) -> list[dict]:
    """The problems of the annotations *annotations* (:func:`_rows`); each verdict reads its rows alone."""
    by_iri = {str(k): v for k, v in texts.items()}
    out = []
    for a in sorted(annotations):
        rows = annotations[a]
        # (one row: the usual annotation, with one source and one value of each offset and of the quote)
        if len(rows) != 1 and len({r[1] for r in rows}) != 1:
            continue  # the SHACL shapes report the extra sources
        _, source, start, end, exact, has = rows[0]
        focus = node(a)
        src = by_iri.get(source)
        if src is None:
            out.append(problem("evidence", focus,
                               f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule=RULE, files=where(focus, CPPCC.quoteSource)))
            continue
        text = src if isinstance(src, str) else src.text
        if len(rows) == 1:
            start, end = as_int(start), as_int(end)
            exacts = [exact] if has == "true" else []
        else:
            start, end = _least([r[2] for r in rows]), _least([r[3] for r in rows])
            exacts = sorted({r[4] for r in rows if r[5] == "true"})
        if start is None or end is None:
            continue  # SHACL: cppcc:quoteStart and cppcc:quoteEnd are integers
        name = source if isinstance(src, str) else src.path
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus,
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule=RULE, files=where(focus, CPPCC.quoteStart)))
            continue
        actual = text[start:end]
        for exact in exacts:
            if exact != actual:
                out.append(problem(
                    "evidence", focus, f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule=RULE, files=where(focus, CPPCC.quoteExact)))
    return out


#: above this many annotations to re-check after a cached build, the whole check is run
MAX_ANNOTATIONS = 20_000

#: the cache entry of the record: named by the code of :mod:`cppcc_kg.validate` (another code reads none)
STATE = entry_name("evidence-state")


def cached_evidence_problems(store: ox.Store, texts: dict, *, ntriples: dict, keys: dict, cache,
                             where: Where | None = None) -> list[dict]:
    """:func:`evidence_problems`, re-checking after a cached build only the annotations whose triples changed.

    A build whose evidence check found no problem records, in the loader's *cache*, the cache key of
    each file (*keys*: graph IRI -> key) and the digest of the source texts. The next build takes the
    lines of the changed files' N-Triples (*ntriples*: graph IRI -> N-Triples) that are in one version
    and not the other (:func:`cppcc_kg.validate.shacl_incremental.changed_lines`, parsed by
    :func:`~cppcc_kg.validate.shacl_incremental.changed_triples`). An annotation's verdict reads its rows of
    :data:`EVIDENCE_QUERY`, made of the triples of :data:`EVIDENCE_PROPERTIES` whose subject it is, and the
    text of its source; an annotation none of whose triples changed, against the same texts, has the verdict it
    had: no problem. So the annotations to check again are the subjects of the changed triples of these
    properties. When these have no problem either, there is none; otherwise (or without a clean record, with
    other texts, a changed ontology, a blank node in a changed line, an earlier version not in the cache, too
    many annotations) the whole check runs, so the report is the same (tested).

    When no changed triple has a property of :data:`EVIDENCE_PROPERTIES` (a label edited, say), the check is
    clean without reading the store (*store* is not touched: it may still be loading). Proof: every triple
    pattern of :data:`EVIDENCE_QUERY` has a fixed property among these four, so its solutions on the union of
    the graphs are a function of the triples of these properties alone. A file whose key did not change holds
    the triples it held; a file added, removed or changed holds the same triples of these properties as
    before, since a triple of its earlier or present version that is not in both is a changed triple; the
    generated pinyin graph holds ``cppcc:pinyin`` triples only. So the union holds the same triples of these
    properties as at the recorded clean check: every annotation has the same rows, and, against the same texts
    (their digest is in the record), the verdict it had then, no problem. (Tested against the whole check: a
    label or type edit reads no store; an edit of a quote, an offset, a source still finds the problem.)
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
    """Whether the record *state* says the check was clean and no annotation whose triples changed has a
    problem."""
    if not isinstance(state, dict) or state.get("texts") != texts_key or not isinstance(state.get("keys"), dict):
        return False
    changed = changed_triples(state["keys"], keys, ntriples, cache)
    if isinstance(changed, str):
        return False  # (a blank node in a changed line among the reasons: its label differs in the store)
    annotations = {t.subject.value for t in changed if t.predicate.value in EVIDENCE_PROPERTIES}
    if not annotations:
        return True  # (the store is not read: see cached_evidence_problems)
    if len(annotations) > MAX_ANNOTATIONS:
        return False
    query = EVIDENCE_QUERY.replace(
        "WHERE {", "WHERE { VALUES ?a { " + " ".join(f"<{a}>" for a in sorted(annotations)) + " }", 1)
    return not _judge(_rows(store, query), texts, nowhere)
