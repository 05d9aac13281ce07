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
from rdflib.namespace import RDF, RDFS

from cppcc_kg.project.entities import ENTITY_ZH_LABELS, entity_zh_labels
from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.rdf.results import csv_values
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.file_cache import digest, entry_name, get_json, put_json
from cppcc_kg.validate.report import Where, labels_of, nowhere, problem
from cppcc_kg.validate.shacl_incremental import changed_triples

#: every entity that a quote is evidence of (``oa:hasBody``) and the source it quotes (``cppcc:quoteSource``)
QUOTED_SOURCES = f"SELECT DISTINCT ?e ?src WHERE {{ ?a <{OA}hasBody> ?e ; <{CPPCC}quoteSource> ?src }}"


def _with_sources(query: str) -> str:
    """:data:`~cppcc_kg.project.entities.ENTITY_ZH_LABELS` (``?e ?label``) with the sources its entities' evidence
    quotes (``?src``, optional): the entities, their labels and where to look first, in one query."""
    head = "SELECT DISTINCT ?e ?label WHERE {"
    if not query.startswith(head, query.index("SELECT")) or not query.rstrip().endswith("}"):
        raise ValueError("ENTITY_ZH_LABELS changed its form: adapt labels._with_sources")
    query = query.replace(head, "SELECT DISTINCT ?e ?label ?src WHERE {", 1).rstrip()[:-1]
    return query + f"  OPTIONAL {{ ?a <{OA}hasBody> ?e ; <{CPPCC}quoteSource> ?src }}\n}}"


#: every entity, its ``@zh`` labels and the sources its evidence quotes (one row per label and source)
ENTITY_LABELS_AND_SOURCES = _with_sources(ENTITY_ZH_LABELS)


def label_message(label: str) -> str:
    """The message of a label found in no source text."""
    return (f"the Chinese label {label!r} does not occur in any source text: "
            "write the name exactly as the source does (other forms go in skos:altLabel)")


def _texts_by_iri(texts: dict) -> dict[str, str]:
    """Source IRI -> its text (*texts* holds texts or :class:`cppcc_kg.project.sources.SourceText`)."""
    return {str(k): (v if isinstance(v, str) else v.text) for k, v in texts.items()}


def _occurs(label: str, own, bodies: list[str]) -> bool:
    """Whether *label* occurs in a text: first the texts the entity's evidence quotes (*own*), then all."""
    return any(label in text for text in own) or any(label in text for text in bodies)


def label_problems(store: ox.Store, texts: dict, *, where: Where | None = None,
                   graph: Graph | None = None) -> list[dict]:
    """Check that the ``@zh`` label of every entity of *store* occurs in some source text.

    *texts* maps a source IRI to its text or its :class:`cppcc_kg.project.sources.SourceText`;
    *where(node, predicate)* gives files for messages, *graph* the labels of the entity.
    A label is looked for first in the sources that the entity's own evidence quotes,
    then in all the others, so that a thousand sources cost little more than one.
    """
    where = where or nowhere
    by_iri = _texts_by_iri(texts)
    bodies = list(by_iri.values())
    # entity -> its labels, and the texts its evidence quotes (a verdict is whether the label is in any text: these
    # first, as they most likely hold it); one query, for the entities with a label only
    zh: dict[str, set[str]] = {}
    own_texts: dict[str, set[str]] = {}
    for e, label, src in csv_values(store, ENTITY_LABELS_AND_SOURCES):  # (in one piece: no GIL taken back per row)
        if label:
            zh.setdefault(e, set()).add(label)
            if src in by_iri:
                own_texts.setdefault(e, set()).add(src)
    out = []
    for e in sorted(zh):
        own = [by_iri[src] for src in sorted(own_texts.get(e, ()))]
        labels = sorted(zh[e])
        for label in labels:
            if _occurs(label, own, bodies):
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


def _zh_labels_of_graphs(store: ox.Store, graphs: list[str] | None) -> dict[str, set[str]]:
    """Graph IRI -> its ``@zh`` labels (*graphs*: those; ``None``: every graph)."""
    lang = 'FILTER (langMatches(lang(?l), "zh"))'
    if graphs is None:
        rows = values(store, f"SELECT DISTINCT ?g ?l WHERE {{ GRAPH ?g {{ ?e <{RDFS.label}> ?l {lang} }} }}", union=False)
    else:
        rows = [(g, label) for g in graphs for (label,) in values(
            store, f"SELECT DISTINCT ?l WHERE {{ GRAPH <{g}> {{ ?e <{RDFS.label}> ?l {lang} }} }}", union=False)]
    out: dict[str, set[str]] = {g: set() for g in graphs or ()}
    for g, label in rows:
        out.setdefault(g, set()).add(label)
    return out


def _verdicts(store: ox.Store, labels: dict[str, set[str]], by_iri: dict) -> dict[str, bool]:
    """Label -> whether it occurs in a source text, for the labels of *labels* (label -> its entities),
    looked for first in the texts that the entities' evidence quotes."""
    if not labels:
        return {}
    entities = sorted({e for es in labels.values() for e in es if not e.startswith("_:")})
    query = QUOTED_SOURCES if len(entities) > 2000 else QUOTED_SOURCES.replace(
        "WHERE {", "WHERE { VALUES ?e { " + " ".join(f"<{e}>" for e in entities) + " }", 1)
    quoted: dict[str, set[str]] = {}
    for e, src in values(store, query):
        quoted.setdefault(e, set()).add(src)
    bodies = list(by_iri.values())
    out = {}
    for label, es in labels.items():
        own = [by_iri[s] for s in sorted({s for e in es for s in quoted.get(e, ())}) if s in by_iri]
        out[label] = _occurs(label, own, bodies)
    return out


def cached_label_problems(store: ox.Store, texts: dict, *, keys: dict, cache, ntriples: dict | None = None,
                          where: Where | None = None, graph: Graph | None = None) -> list[dict]:
    """:func:`label_problems`, judging after a clean build only the labels whose triples changed.

    A check that found no problem records, in the loader's *cache*, the cache key of each file (*keys*:
    graph IRI -> key) and :func:`texts_digest`. The next one takes the triples of the changed files that
    are in one version and not the other (:func:`~cppcc_kg.validate.shacl_incremental.changed_triples`,
    *ntriples*: graph IRI -> N-Triples now). A pair (entity, ``@zh`` label) is read from the triples
    ``rdf:type``, ``rdfs:subClassOf`` and ``rdfs:label`` (:data:`cppcc_kg.project.entities.ENTITY_ZH_LABELS`),
    and its verdict from the label and the texts alone: against the same texts, a pair that is not new was
    judged clean; a new pair has a changed ``rdf:type`` triple, or a changed ``rdfs:label`` triple tagged ``zh``
    (the query reads no other label: :func:`_zh_tagged`), whose subject is the entity. So only the subjects of
    those changed triples are judged again (:func:`_still_clean`; an edit of English labels reads no store); when
    they have no problem, there is none. Otherwise, or without a clean record, with other texts, a changed
    ontology or ``rdfs:subClassOf`` triple, a blank node in a changed line, an earlier version not in the
    cache: :func:`_per_file_problems`, which gives the report of :func:`label_problems` (tested).
    """
    if cache is None or not (cache.enabled or cache.write):  # nothing to read or keep (--no-cache)
        return label_problems(store, texts, where=where, graph=graph)
    texts_key = texts_digest(texts)
    state_entry = entry_name("labels-state")  # (named by the code of cppcc_kg.validate)
    state = get_json(cache, state_entry)
    if ntriples is not None and _still_clean(store, texts, state, texts_key, ntriples, keys, cache):
        # the verdicts kept per file still hold for the files that did not change: keep them for a later build
        cache.used.update(entry_name("labels", key, texts_key) for key in keys.values())
        found: list[dict] = []
    else:
        found = _per_file_problems(store, texts, keys=keys, cache=cache, texts_key=texts_key, where=where,
                                   graph=graph)
    if not found:
        put_json(cache, state_entry, {"keys": dict(sorted(keys.items())), "texts": texts_key})
    return found


def _still_clean(store: ox.Store, texts: dict, state, texts_key: str, ntriples: dict, keys: dict, cache) -> bool:
    """Whether the record *state* says the check was clean and no entity whose label or type changed since
    has a label in no text (see :func:`cached_label_problems`)."""
    if not isinstance(state, dict) or state.get("texts") != texts_key or not isinstance(state.get("keys"), dict):
        return False
    changed = changed_triples(state["keys"], keys, ntriples, cache)
    if isinstance(changed, str) or any(t.predicate.value == str(RDFS.subClassOf) for t in changed):
        return False
    subjects = sorted({t.subject.value for t in changed if t.predicate.value == str(RDF.type)
                       or (t.predicate.value == str(RDFS.label) and _zh_tagged(t.object))})
    if not subjects:
        return True
    if len(subjects) > MAX_ENTITIES:
        return False
    query = ENTITY_ZH_LABELS.replace("WHERE {", "WHERE { VALUES ?e { " + " ".join(f"<{e}>" for e in subjects) + " }", 1)
    labels: dict[str, set[str]] = {}
    for e, label in values(store, query):
        if label:
            labels.setdefault(label, set()).add(e)
    return all(_verdicts(store, labels, _texts_by_iri(texts)).values())


def _zh_tagged(term) -> bool:
    """Whether *term* is a literal whose language tag ``langMatches`` ``"zh"`` (``zh`` or ``zh-…``, any case): the
    only labels :data:`~cppcc_kg.project.entities.ENTITY_ZH_LABELS` reads.

    >>> [_zh_tagged(ox.Literal("x", language=t)) for t in ("zh", "zh-Hans", "ZH-hant", "en", "zhx")]
    [True, True, True, False, False]
    >>> _zh_tagged(ox.Literal("x")), _zh_tagged(ox.NamedNode("http://e.org/zh"))
    (False, False)
    """
    tag = (getattr(term, "language", None) or "").lower() if isinstance(term, ox.Literal) else ""
    return tag == "zh" or tag.startswith("zh-")


#: above this many entities to judge again after a clean build, the check of every file's labels runs
MAX_ENTITIES = 20_000


def _per_file_problems(store: ox.Store, texts: dict, *, keys: dict, cache, texts_key: str,
                       where: Where | None = None, graph: Graph | None = None) -> list[dict]:
    """:func:`label_problems`, with the verdict on each label kept per file.

    Whether a ``@zh`` label occurs in some source text depends on the label and the texts
    alone. For each file (*keys*: graph IRI -> the file's cache key) the verdicts on its
    entities' labels are kept in *cache* under the file's key and *texts_key* (:func:`texts_digest`); a
    file without an entry (new or changed) has its labels judged and kept. The entities and
    their labels are read from the whole store (an entity may be typed in one file and
    labelled in another); a label no entry judged is judged then. When every entity's label
    occurs in a text there is no problem; otherwise :func:`label_problems` runs on the whole
    store, so the report is the same (tested).
    """
    by_iri = _texts_by_iri(texts)
    of_entity: dict[str, set[str]] = {}
    for e, labels in entity_zh_labels(store).items():
        for label in labels:
            of_entity.setdefault(label, set()).add(e)
    known: dict[str, bool] = {}
    todo = []
    for g, key in sorted(keys.items()):
        found = get_json(cache, entry_name("labels", key, texts_key))
        if found is None:
            todo.append(g)
        else:
            known.update(found)
    if todo:
        per_graph = _zh_labels_of_graphs(store, None if len(todo) == len(keys) else todo)
        judged = _verdicts(store, {label: of_entity[label] for g in todo for label in per_graph.get(g, ())
                                   if label in of_entity and label not in known}, by_iri)
        known.update(judged)
        for g in todo:
            put_json(cache, entry_name("labels", keys[g], texts_key),
                     {label: known[label] for label in sorted(per_graph.get(g, ())) if label in known})
    known.update(_verdicts(store, {label: es for label, es in of_entity.items() if label not in known}, by_iri))
    if all(known[label] for label in of_entity):
        return []
    return label_problems(store, texts, where=where, graph=graph)
