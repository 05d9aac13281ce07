"""The label check: the Chinese label of every entity occurs in a source text.

The SHACL shapes cannot read the texts; this check does, on the project's Oxigraph store
(a slower reference on an rdflib graph, ``tests/oracles/validate_checks.py``, is tested to
give the same problems).

>>> from rdflib import Graph, URIRef
>>> from cppcc_kg.rdf.store import store_of_quads
>>> g = Graph().parse(format="turtle", data='''
... @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... cppcc:Organization rdfs:subClassOf cppcc:Entity .
... <http://e.org/a> a cppcc:Organization ; rdfs:label "甲乙"@zh .
... <http://e.org/b> a cppcc:Organization ; rdfs:label "丁"@zh .''')
>>> store = store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in g)
>>> [p["focus"] for p in label_problems(store, {"s": "甲乙丙"})]
['http://e.org/b']
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from cppcc_kg.project.entities import entity_zh_labels
from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.file_cache import digest, entry_name, get_json, put_json
from cppcc_kg.validate.report import Where, labels_of, nowhere, problem

QUOTED_SOURCES = (f"SELECT DISTINCT ?e ?src WHERE {{ ?a <{OA}hasBody> ?e ; <{OA}hasTarget> ?t . "
                  f"?t <{OA}hasSource> ?src }}")


def label_message(label: str) -> str:
    """The message of a label found in no source text."""
    return (f"the Chinese label {label!r} does not occur in any source text: "
            "write the name exactly as the source does (other forms go in skos:altLabel)")


def label_problems(store: ox.Store, texts: dict, *, where: Where | None = None,
                   graph: Graph | None = None) -> list[dict]:
    """Check that the ``@zh`` label of every entity of *store* occurs in some source text.

    *texts* maps a source IRI to its text or its :class:`cppcc_kg.project.sources.SourceText`;
    *where(node, predicate)* gives files for messages, *graph* the labels of the entity.
    A label is looked for first in the sources that the entity's own evidence quotes,
    then in all the others, so that a thousand sources cost little more than one.
    """
    where = where or nowhere
    by_iri = {str(k): (v if isinstance(v, str) else v.text) for k, v in texts.items()}
    bodies = list(by_iri.values())
    quoted: dict[str, set[str]] = {}
    for e, src in values(store, QUOTED_SOURCES):
        quoted.setdefault(e, set()).add(src)
    out = []
    for e, labels in entity_zh_labels(store).items():
        own = [by_iri[s] for s in sorted(quoted.get(e, ())) if s in by_iri]
        for label in labels:
            if any(label in text for text in own) or any(label in text for text in bodies):
                continue
            entity = URIRef(e)
            out.append(problem("label", entity, label_message(label), rule="label in source", path="rdfs:label",
                               files=where(entity, RDFS.label), labels=labels_of(graph, entity)))
    return out


def texts_digest(texts: dict) -> str:
    """A digest of the source texts (IRI, path and text of each): a key part of what reads them."""
    parts = []
    for iri, src in sorted((str(k), v) for k, v in texts.items()):
        parts += [iri, src] if isinstance(src, str) else [iri, src.path, src.text]
    return digest(*parts)


def _zh_labels_of_graphs(store: ox.Store, graphs: list[str] | None, duplicates: dict) -> dict[str, set[tuple]]:
    """Graph IRI -> its (subject, label) pairs of ``@zh`` labels (*graphs*: those; ``None``: all), with
    the triples of the graph's file that an earlier file holds (*duplicates*: graph IRI -> N-Triples)."""
    lang = 'FILTER (langMatches(lang(?l), "zh"))'
    if graphs is None:
        rows = values(store, f"SELECT ?g ?e ?l WHERE {{ GRAPH ?g {{ ?e <{RDFS.label}> ?l {lang} }} }}", union=False)
    else:
        rows = [(g, e, label) for g in graphs for e, label in values(
            store, f"SELECT ?e ?l WHERE {{ GRAPH <{g}> {{ ?e <{RDFS.label}> ?l {lang} }} }}", union=False)]
    out: dict[str, set[tuple]] = {g: set() for g in graphs or ()}
    for g, e, label in rows:
        out.setdefault(g, set()).add((e, label))
    for g in (graphs if graphs is not None else list(duplicates)):
        data = duplicates.get(g)
        if data and str(RDFS.label).encode() in data:
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                if (t.predicate.value == str(RDFS.label) and isinstance(t.object, ox.Literal)
                        and (t.object.language or "").lower().split("-")[0] == "zh"):
                    out.setdefault(g, set()).add((_term_text(t.subject), t.object.value))
    return out


def _term_text(term) -> str:
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _missing(pairs: set[tuple], bodies: list[str], by_iri: dict, quoted: dict) -> list[str]:
    """The labels of *pairs* (subject, label) found in no source text (the subject's sources first)."""
    out = set()
    for e, label in pairs:
        own = [by_iri[s] for s in sorted(quoted.get(e, ())) if s in by_iri]
        if not (any(label in text for text in own) or any(label in text for text in bodies)):
            out.add(label)
    return sorted(out)


def cached_label_problems(store: ox.Store, texts: dict, *, keys: dict, cache, duplicates: dict | None = None,
                          where: Where | None = None, graph: Graph | None = None) -> list[dict]:
    """:func:`label_problems`, from what each file's labels were found to be, kept per file.

    Whether a ``@zh`` label occurs in some source text depends on the label and the texts
    alone: for each file (*keys*: graph IRI -> the file's cache key), the labels of the file
    found in no text are kept in *cache* under the file's key and :func:`texts_digest`. A file
    without an entry (new or changed) is read from its graph of *store*, with the triples an
    earlier file holds too (*duplicates*: graph IRI -> their N-Triples). When no file has such
    a label there is no problem; otherwise the labels are looked up in the store, and if one
    is an entity's, :func:`label_problems` runs on the whole store (the same report, tested).
    """
    duplicates = duplicates or {}
    by_iri = {str(k): (v if isinstance(v, str) else v.text) for k, v in texts.items()}
    texts_key = texts_digest(texts)
    missing: set[str] = set()
    todo = []
    for g, key in sorted(keys.items()):
        found = get_json(cache, entry_name("labels", key, texts_key))
        if found is None:
            todo.append(g)
        else:
            missing.update(found)
    if todo:
        everything = len(todo) == len(keys)
        pairs = _zh_labels_of_graphs(store, None if everything else todo, duplicates)
        subjects = sorted({e for g in todo for e, _l in pairs.get(g, ())})
        quoted: dict[str, set[str]] = {}
        query = QUOTED_SOURCES if everything or len(subjects) > 2000 else QUOTED_SOURCES.replace(
            "WHERE {", "WHERE { VALUES ?e { " + " ".join(f"<{e}>" for e in subjects if not e.startswith("_:")) + " }", 1)
        for e, src in values(store, query):
            quoted.setdefault(e, set()).add(src)
        bodies = list(by_iri.values())
        for g in todo:
            found = _missing(pairs.get(g, set()), bodies, by_iri, quoted)
            put_json(cache, entry_name("labels", keys[g], texts_key), found)
            missing.update(found)
    unkeyed = _zh_labels_of_graphs(store, sorted(set(_graphs(store)) - set(keys)), duplicates)
    missing.update(label for pairs in unkeyed.values() for _e, label in pairs
                   if not any(label in text for text in by_iri.values()))
    if not missing:
        return []
    labelled = values(store, "SELECT DISTINCT ?e WHERE { VALUES ?s { "
                      + " ".join(str(ox.Literal(m)) for m in sorted(missing)) + " } "
                      f"?e <{RDFS.label}> ?l FILTER (STR(?l) = ?s && langMatches(lang(?l), \"zh\")) "
                      f"?e a/<{RDFS.subClassOf}>* <{CPPCC.Entity}> }}")
    if not labelled:
        return []
    return label_problems(store, texts, where=where, graph=graph)


def _graphs(store: ox.Store) -> list[str]:
    return [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
