"""Test oracle: the build summary's counts computed with rdflib, triple by triple.

The build counts with SPARQL on its Oxigraph store (:func:`cppcc_kg.build.summary.summarize`);
this slower, independent version checks that it counts the same things.
"""
from __future__ import annotations

import re
from collections import Counter

from oracles.entities_rdflib import entity_classes
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cppcc_kg.rdf.namespaces import CPPCC, OA


def _local(iri) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _label(graph: Graph, node, lang: str) -> str:
    for o in sorted(graph.objects(node, RDFS.label)):
        if isinstance(o, Literal) and (o.language or "").lower().split("-")[0] == lang:
            return str(o)
    return ""


def summarize_graph(graph: Graph, *, project=None) -> dict:
    classes = entity_classes(graph)
    entities = {s for s, o in graph.subject_objects(RDF.type) if o in classes}
    per_class = Counter(_local(o) for s, o in graph.subject_objects(RDF.type) if o in classes)
    tops = set(graph.subjects(CPPCC.topClass, Literal(True)))
    per_top: Counter = Counter()
    for top in tops:  # entities whose class is the top class or under it
        under = {c for c in classes if top in graph.transitive_objects(c, RDFS.subClassOf)}
        n = len({s for s, o in graph.subject_objects(RDF.type) if o in under})
        if n:
            per_top[_local(top)] = n
    edge_props = sorted(p for p in graph.subjects(CPPCC.displayAsEdge, Literal(True)))
    per_relation = {_local(p): sum(1 for s, o in graph.subject_objects(p) if s in entities and o in entities)
                    for p in edge_props}
    observations = sorted(graph.subjects(RDF.type, CPPCC.Observation))
    qualifiers = Counter(_local(graph.value(o, CPPCC.qualifier)) for o in observations)
    firsts = sorted(graph.subjects(RDF.type, CPPCC.FirstClaim))
    annotations = set(graph.subjects(RDF.type, OA.Annotation))
    bodies = {b for a in annotations for b in graph.objects(a, OA.hasBody)}
    sources = []
    for src in sorted(graph.subjects(RDF.type, CPPCC.Source)):
        sources.append({
            "iri": str(src),
            "title_zh": str(graph.value(src, URIRef("http://purl.org/dc/terms/title")) or ""),
            "path": str(graph.value(src, CPPCC.localPath) or ""),
            "characters": int(graph.value(src, CPPCC.characterCount) or 0),
            "sha256": str(graph.value(src, CPPCC.sha256) or ""),
        })
    for s in sources:  # prefer the Chinese title
        titles = [o for o in graph.objects(URIRef(s["iri"]), URIRef("http://purl.org/dc/terms/title"))
                  if isinstance(o, Literal) and (o.language or "").startswith("zh")]
        if titles:
            s["title_zh"] = str(sorted(titles)[0])
    summary = {
        "triples": len(graph),
        "files": sorted(project.files) if project is not None else [],
        "sources": sources,
        "entities": len(entities),
        "entities_per_class": dict(sorted(per_class.items())),
        "entities_per_top_class": dict(sorted(per_top.items())),
        "relations": sum(per_relation.values()),
        "relations_per_property": dict(sorted(per_relation.items())),
        "relation_statements": len(set(graph.subjects(RDF.type, RDF.Statement))),
        "observations": len(observations),
        "observations_per_qualifier": dict(sorted(qualifiers.items())),
        "firsts": len(firsts),
        "first_claims": [{"iri": str(f), "label_zh": _label(graph, f, "zh"), "label_en": _label(graph, f, "en"),
                          "kind": str(graph.value(f, CPPCC.firstKind) or "")} for f in firsts],
        "evidence": len(annotations),
        "things_with_evidence": len(bodies),
        "pinyin_labels": len(project.pinyin) if project is not None else
        sum(1 for _ in graph.triples((None, CPPCC.pinyin, None))),
    }
    summary["_shapes"] = len(set(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape"))))
    return summary
