"""Namespaces and IRI rules of cppcc-kg.

Every IRI of the graph is minted under ``https://w3id.org/cppcc-kg/`` by these rules:

* an entity: ``id/{kind}/{slug}``, where *kind* is one of :data:`ENTITY_KINDS`
  (``org``, ``place``, ``program``, ``mechanism``, ``concept``, ``document``,
  ``publication``, ``event``, ``honour``, ``person``) and *slug* is lower-case ASCII
  words joined by ``-``, taken from the established English name (``org/inner-mongolia-cppcc``);
* an observation: ``id/observation/{slug}``; a first: ``id/first/{slug}``;
* a relation statement: ``id/relation/{kind}.{slug}--{property}--{kind}.{slug}``;
* a source: ``id/source/{file name without .zh.txt}``;
* evidence on a source: ``id/evidence/{source}/{start}-{end}`` for the annotation, with
  ``-target``, ``-position`` and ``-quote`` appended for its target and selectors.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, SH

BASE = "https://w3id.org/cppcc-kg/"
CPPCC = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")

ENTITY_KINDS = (
    "org", "place", "program", "mechanism", "concept", "document",
    "publication", "event", "honour", "person",
)

KG = {kind: Namespace(f"{BASE}id/{kind}/") for kind in ENTITY_KINDS + ("observation", "first", "relation", "source")}
EVIDENCE = Namespace(BASE + "id/evidence/")

#: Prefixes bound on every graph we write, so that outputs are stable and readable.
PREFIXES: dict[str, str] = {
    "cppcc": str(CPPCC),
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "kgorg": str(KG["org"]),
    "kgplace": str(KG["place"]),
    "kgprog": str(KG["program"]),
    "kgmech": str(KG["mechanism"]),
    "kgconcept": str(KG["concept"]),
    "kgdoc": str(KG["document"]),
    "kgpub": str(KG["publication"]),
    "kgevent": str(KG["event"]),
    "kghonour": str(KG["honour"]),
    "kgperson": str(KG["person"]),
    "kgobs": str(KG["observation"]),
    "kgfirst": str(KG["first"]),
    "kgrel": str(KG["relation"]),
    "kgsrc": str(KG["source"]),
    "ev": str(EVIDENCE),
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on *graph* (replacing rdflib's defaults)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def local_key(iri: str) -> str:
    """Return ``kind.slug`` for an entity IRI, as used in relation statement IRIs.

    >>> local_key("https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc")
    'org.inner-mongolia-cppcc'
    """
    rest = str(iri)[len(BASE + "id/"):]
    kind, _, slug = rest.partition("/")
    return f"{kind}.{slug}"


def statement_iri(subject: str, prop: str, obj: str) -> URIRef:
    """Mint the IRI of the statement node of the relation (subject, prop, obj).

    >>> str(statement_iri(KG["org"]["a"], CPPCC.issued, KG["document"]["b"]))
    'https://w3id.org/cppcc-kg/id/relation/org.a--issued--document.b'
    """
    pname = str(prop).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return KG["relation"][f"{local_key(subject)}--{pname}--{local_key(obj)}"]
