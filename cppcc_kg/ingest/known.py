"""The entities already curated in the graph, with their Chinese names: what ingest links to.

>>> from rdflib import Graph
>>> from cppcc_kg.schema import EXAMPLE_TTL
>>> g = Graph().parse(data=EXAMPLE_TTL + '''
... <https://w3id.org/cppcc-kg/id/org/a> a cppcc:CPPCCCommittee ; rdfs:label "甲政协"@zh, "A CPPCC"@en .
... ''', format="turtle")
>>> known = known_entities(g, LocalSchema.from_graph(g))
>>> [(e.cls, e.label_zh, e.names) for e in known.values()]
[('CPPCCCommittee', '甲政协', ['甲政协'])]
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.schema import local_name

__all__ = ["KnownEntity", "known_entities"]


@dataclass
class KnownEntity:
    """A curated entity: its most specific class (local name), labels, names and parents."""

    iri: str
    cls: str  # most specific class (local name)
    label_zh: str
    label_en: str
    names: list[str]  # label, aliases and title, as written (@zh)
    parents: list[str] = field(default_factory=list)  # IRIs it is a sub-organization / part of / located in
    jurisdiction: list[str] = field(default_factory=list)


def _literal(graph: Graph, s, p, lang: str) -> str:
    """The smallest literal of *p* tagged exactly *lang* ('' when none)."""
    vals = sorted(str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and (o.language or "") == lang)
    return vals[0] if vals else ""


def known_entities(graph: Graph, schema: LocalSchema) -> dict[str, KnownEntity]:
    """Every entity of the graph whose class is drawn as a node, with its Chinese names.

    Entities marked ``cppcc:proposed true`` are left out: only curated entities are known.
    """
    out: dict[str, KnownEntity] = {}
    ns = str(CPPCC)
    proposed = {s for s, o in graph.subject_objects(CPPCC.proposed) if isinstance(o, Literal) and o.toPython() is True}
    for s, o in graph.subject_objects(RDF.type):
        if not isinstance(s, URIRef) or s in proposed or not str(o).startswith(ns):
            continue
        cls = local_name(o)
        if not schema.is_entity_class(cls):
            continue
        iri = str(s)
        prev = out.get(iri)
        if prev is not None:
            # keep the most specific class
            if schema.is_a(cls, prev.cls) and cls != prev.cls:
                prev.cls = cls
            continue
        names = []
        for p in (RDFS.label, SKOS.altLabel, DCTERMS.title):
            for lit in graph.objects(s, p):
                if isinstance(lit, Literal) and (lit.language or "").lower().startswith("zh"):
                    names.append(str(lit))
        out[iri] = KnownEntity(
            iri=iri, cls=cls, label_zh=_literal(graph, s, RDFS.label, "zh"),
            label_en=_literal(graph, s, RDFS.label, "en"), names=sorted(set(names)),
            parents=sorted({str(x) for p in (CPPCC.subOrganizationOf, CPPCC.locatedIn, CPPCC.partOf)
                            for x in graph.objects(s, p) if isinstance(x, URIRef)}),
            jurisdiction=sorted(str(x) for x in graph.objects(s, CPPCC.jurisdiction) if isinstance(x, URIRef)))
    return out
