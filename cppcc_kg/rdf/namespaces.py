"""Namespaces and IRI rules of cppcc-kg: what serialization needs.

Every IRI of the graph is minted under ``https://w3id.org/cppcc-kg/`` (:data:`BASE`) by these rules:

* an entity: ``id/{kind}/{slug}``, where *kind* is the IRI kind of its class (the
  ``cppcc:iriPattern`` of the ontology, read by :meth:`cppcc_kg.schema.Schema.iri_kinds`:
  ``org``, ``place``, ``program``, …) and *slug* is lower-case ASCII words joined by ``-``,
  taken from the established English name (``org/inner-mongolia-cppcc``);
* an observation: ``id/observation/{slug}``; a first: ``id/first/{slug}``;
* a relation statement: ``id/relation/{kind}.{slug}--{property}--{kind}.{slug}``;
* a source: ``id/source/{file name without .zh.txt}``;
* evidence on a source: ``id/evidence/{source}/{start}-{end}`` for the annotation, with
  ``-target``, ``-position`` and ``-quote`` appended for its target and selectors.

:data:`KG` makes the namespace ``id/{kind}/`` of any kind (``KG["source"]``): the kinds are the
ontology's. :data:`PREFIXES`, the prefixes bound on every graph written, is the one table of
their short names (``kgorg``, ``kgprog``, …), a choice of the outputs' syntax;
tests/rdf/test_namespaces.py checks that it names every kind of the ontology.

>>> str(KG["source"]["nmg"])
'https://w3id.org/cppcc-kg/id/source/nmg'
>>> PREFIXES["kgprog"] == str(KG["program"])
True
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/cppcc-kg/"
CPPCC = Namespace(BASE + "ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
EVIDENCE = Namespace(BASE + "id/evidence/")


class IdNamespaces(dict):
    """IRI kind -> the namespace ``{BASE}id/{kind}/`` of its things, made when first asked for."""

    def __missing__(self, kind: str) -> Namespace:
        ns = self[kind] = Namespace(f"{BASE}id/{kind}/")
        return ns


#: the namespace of the things of each IRI kind: ``KG["org"]``, ``KG["source"]``, …
KG = IdNamespaces()

#: Prefixes bound on every graph we write, so that outputs are stable and readable (in this order).
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
    "kgorg": BASE + "id/org/",
    "kgplace": BASE + "id/place/",
    "kgprog": BASE + "id/program/",
    "kgmech": BASE + "id/mechanism/",
    "kgconcept": BASE + "id/concept/",
    "kgdoc": BASE + "id/document/",
    "kgpub": BASE + "id/publication/",
    "kgevent": BASE + "id/event/",
    "kghonour": BASE + "id/honour/",
    "kgperson": BASE + "id/person/",
    "kgobs": BASE + "id/observation/",
    "kgfirst": BASE + "id/first/",
    "kgrel": BASE + "id/relation/",
    "kgsrc": BASE + "id/source/",
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


def local_name(iri) -> str:
    """The part of *iri* after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/cppcc-kg/ontology#Court")
    'Court'
    """
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def statement_iri(subject: str, prop: str, obj: str) -> URIRef:
    """Mint the IRI of the statement node of the relation (subject, prop, obj).

    >>> str(statement_iri(KG["org"]["a"], CPPCC.issued, KG["document"]["b"]))
    'https://w3id.org/cppcc-kg/id/relation/org.a--issued--document.b'
    """
    return KG["relation"][f"{local_key(subject)}--{local_name(prop)}--{local_key(obj)}"]
