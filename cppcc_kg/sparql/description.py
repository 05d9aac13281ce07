"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query).

>>> g = service_description("http://h/sparql", graphs=["https://w3id.org/cppcc-kg/graph/metrics"], triples=3)
>>> len(list(g.objects(URIRef("http://h/sparql"), SD.resultFormat)))
7
"""
from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from cppcc_kg.rdf.namespaces import bind_prefixes
from cppcc_kg.sparql.guard import DEFAULT_MAX_QUERY_CHARS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
#: the result formats the endpoint writes, as named by the W3C formats namespace
SD_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
              "Turtle", "N-Triples", "JSON-LD")


def service_description(endpoint: str, *, graphs=(), triples: int | None = None, timeout: float = 10.0,
                        max_rows: int | None = 10_000, max_query_chars: int = DEFAULT_MAX_QUERY_CHARS) -> Graph:
    """The description of the endpoint at *endpoint*: its formats, limits, default graph
    (with *triples* triples) and named *graphs*."""
    g = Graph()
    bind_prefixes(g)
    g.bind("sd", SD)
    g.bind("void", VOID)
    me = URIRef(endpoint)
    ds, dg = URIRef(endpoint + "#dataset"), URIRef(endpoint + "#default-graph")
    g.add((me, RDF.type, SD.Service))
    g.add((me, SD.endpoint, me))
    g.add((me, SD.supportedLanguage, SD.SPARQL11Query))
    for f in SD_FORMATS:
        g.add((me, SD.resultFormat, FORMATS[f]))
    g.add((me, SD.defaultDataset, ds))
    g.add((me, RDFS.comment, Literal(
        f"Read-only: SPARQL 1.1 queries only; no SERVICE; FROM, FROM NAMED and protocol graphs only of this "
        f"service's graphs. Time limit {timeout:g} s, at most {max_rows} result rows, "
        f"queries of at most {max_query_chars} characters.", lang="en")))
    g.add((ds, RDF.type, SD.Dataset))
    g.add((ds, SD.defaultGraph, dg))
    g.add((dg, RDF.type, SD.Graph))
    if triples is not None:
        g.add((dg, VOID.triples, Literal(int(triples))))
    for i, name in enumerate(sorted(graphs)):
        ng = URIRef(f"{endpoint}#named-graph-{i + 1}")
        g.add((ds, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
    return g
