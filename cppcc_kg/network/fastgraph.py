"""The entity graph from the project's Oxigraph store, for graphs of any size.

:func:`cppcc_kg.network.entity_graph.build_entity_graph` walks an rdflib graph node by node:
fine for one source, minutes for a thousand (and the rdflib graph alone takes
gigabytes). :func:`entity_graph` builds the same ``MultiDiGraph`` (same nodes, edges,
keys and attributes, in the same order: tested on the real graph and on synthetic
ones) from a handful of SPARQL queries over the whole store, run by Oxigraph. The
schema (which classes are nodes, which properties are edges, display hints) is
still read from the ontology by :mod:`cppcc_kg.network.entity_graph`, on a view of the
store (:func:`cppcc_kg.rdf.store.graph_view`).

A note on values: the store keeps numbers by value, so an observation's value
``"05"^^xsd:integer`` is read as 5, as rdflib's ``toPython`` reads it too; where a
node has several values for a one-valued attribute (a graph that does not conform
to the shapes), both builders take the smallest, compared as text.

>>> from cppcc_kg.rdf.store import load_store
>>> from cppcc_kg.network.entity_graph import EXAMPLE_TTL
>>> from cppcc_kg.rdf.ntriples import ntriples_of
>>> from rdflib import Graph
>>> store = load_store({"https://e.org/g": ntriples_of(Graph().parse(data=EXAMPLE_TTL, format="turtle"))})
>>> G = entity_graph(store)
>>> sorted(G.nodes), [k for _, _, k in G.edges(keys=True)]
(['https://w3id.org/cppcc-kg/id/org/a', 'https://w3id.org/cppcc-kg/id/program/p'], ['launched'])
"""
from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.network.entity_graph import _local_name
from cppcc_kg.rdf.namespaces import CPPCC, OA, SCHEMA
from cppcc_kg.rdf.store import graph_view, values

XSD = "http://www.w3.org/2001/XMLSchema#"


def _iris(items) -> str:
    return " ".join(f"<{x}>" for x in items)


def _lang_pick(pairs: list[tuple[str, str]], lang: str) -> str:
    """:func:`cppcc_kg.network.entity_graph._lang_literal` on (value, language tag) pairs."""
    exact, sub = [], []
    for value, tag in pairs:
        tag = tag.lower()
        if tag == lang:
            exact.append(value)
        elif tag.startswith(lang + "-"):
            sub.append(value)
    chosen = exact or sub
    return min(chosen) if chosen else ""


def _number(value: str, datatype: str):
    """:func:`cppcc_kg.network.entity_graph._number` of a literal given as lexical value and datatype."""
    if not value and not datatype:
        return None
    from rdflib import Literal

    from cppcc_kg.network.entity_graph import _number as number_of_literal
    lit = Literal(value, datatype=URIRef(datatype)) if datatype and datatype != XSD + "string" else Literal(value)
    return number_of_literal(lit)


class _Literals:
    """subject -> predicate -> [(value, lang, datatype, kind)] for the literal and IRI objects of some predicates."""

    @staticmethod
    def query(subjects_query: str, predicates: list[str]) -> str:
        return f"""SELECT DISTINCT ?s ?p ?o (LANG(?o) AS ?lang) (DATATYPE(?o) AS ?dt) (isLiteral(?o) AS ?lit) WHERE {{
                {subjects_query} VALUES ?p {{ {_iris(predicates)} }} ?s ?p ?o }}"""

    def __init__(self, rows):
        self.data: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o, lang, dt, lit in rows:
            self.data[s][p].append((o, lang, dt, lit == "true"))

    def get(self, s: str, p: str) -> list[tuple]:
        d = self.data.get(s)
        return d.get(p, []) if d is not None else []

    def lang(self, s: str, p, lang: str) -> str:
        return _lang_pick([(v, tag) for v, tag, _dt, lit in self.get(s, str(p)) if lit and tag], lang)

    def first_literal(self, s: str, p) -> str:
        vals = sorted(v for v, _tag, _dt, lit in self.get(s, str(p)) if lit)
        return vals[0] if vals else ""

    def first_value(self, s: str, p):
        """(value, lang, datatype, is_literal) of the smallest object by text, or None."""
        vals = sorted(self.get(s, str(p)), key=lambda x: x[0])
        return vals[0] if vals else None


def _precision(lit: _Literals, notations: dict[str, str], s: str) -> str:
    prec = lit.first_value(s, CPPCC.datePrecision)
    if prec is None:
        return ""
    return notations.get(prec[0]) or _local_name(prec[0]).removesuffix("Precision").lower()


def _evidence_query(bodies_query: str = "") -> str:
    oa = str(OA)
    return f"""SELECT ?b ?a ?t (MIN(STR(?src)) AS ?source) (MIN(?st) AS ?start) (MIN(?en) AS ?end) (MIN(STR(?x)) AS ?exact)
        WHERE {{ {bodies_query} ?a <{oa}hasBody> ?b ; <{oa}hasTarget> ?t .
            OPTIONAL {{ ?t <{oa}hasSource> ?src }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s1 . ?s1 <{oa}start> ?st }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s2 . ?s2 <{oa}end> ?en }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s3 . ?s3 <{oa}exact> ?x FILTER isLiteral(?x) }}
        }} GROUP BY ?b ?a ?t"""


def _evidence(rows, titles: dict[str, str]) -> dict[str, list[dict]]:
    """body -> its evidence dicts, as :func:`cppcc_kg.network.entity_graph._evidence_index` gives them."""
    out: dict[str, list[dict]] = defaultdict(list)
    for b, a, _t, src, start, end, exact in rows:
        out[b].append({
            "annotation": a,
            "start": int(start) if start else -1,
            "end": int(end) if end else -1,
            "exact": exact,
            "source": src,
            "source_title": titles.get(src, "") if src else "",
        })
    return {b: sorted(v, key=lambda e: (e["source"], e["start"], e["end"], e["annotation"])) for b, v in out.items()}


_TITLES = f"""SELECT DISTINCT ?s ?t (LANG(?t) AS ?lang) (isLiteral(?t) AS ?lit) WHERE {{
            ?a <{OA}hasSource> ?s . ?s <{DCTERMS.title}> ?t }}"""


def _source_titles(rows) -> dict[str, str]:
    out: dict[str, list] = defaultdict(list)
    for s, t, lang, lit in rows:
        out[s].append((t, lang, lit == "true"))
    titles = {}
    for s, lst in out.items():
        pairs = [(t, lang) for t, lang, lit in lst if lit and lang]
        titles[s] = (_lang_pick(pairs, "zh") or _lang_pick(pairs, "en")
                     or (sorted(t for t, _l, lit in lst if lit) or [""])[0])
    return titles


def entity_graph(store: ox.Store, *, schema_graph=None) -> nx.MultiDiGraph:
    """The entity graph of the union of the named graphs of *store*.

    Equal to :func:`cppcc_kg.network.entity_graph.build_entity_graph` of the same triples.

    Parameters
    ----------
    store : pyoxigraph.Store
        The project's store (ontology included), e.g. ``cppcc_kg.project.load.load(root).store``.
    schema_graph : rdflib.Graph, optional
        Where to read the ontology from (default: a view of *store*).
    """
    from cppcc_kg.network.entity_graph import _first_literal, _lang_literal, _Schema

    view = schema_graph if schema_graph is not None else graph_view(store)
    schema = _Schema(view)
    node_classes = sorted(str(c) for c in schema.node_classes)
    G = nx.MultiDiGraph(name="cppcc-kg entity graph")
    if not node_classes:
        G.graph["class_ancestors"] = {}
        return G

    of_nodes = f"VALUES ?t {{ {_iris(node_classes)} }} ?s a ?t . FILTER isIRI(?s)"
    props = [str(p) for p in (RDFS.label, RDFS.comment, CPPCC.pinyin, SKOS.altLabel, SCHEMA.startDate,
                              DCTERMS.issued, CPPCC.datePrecision)]
    obs_props = [str(p) for p in (RDFS.label, CPPCC.measuredProperty, CPPCC.value, CPPCC.qualifier, CPPCC.unit,
                                  CPPCC.observationDate, CPPCC.datePrecision)]
    edge_props = [str(p) for p in schema.edge_properties]
    queries = {
        "types": f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {_iris(node_classes)} }} ?s a ?t FILTER isIRI(?s) }}",
        "literals": _Literals.query(of_nodes, props),
        "notations": f"""SELECT ?p (MIN(STR(?n)) AS ?m) WHERE {{
            ?x <{CPPCC.datePrecision}> ?p . ?p <{SKOS.notation}> ?n FILTER isLiteral(?n) }} GROUP BY ?p""",
        "titles": _TITLES,
        "evidence": _evidence_query(),
        "observations": _Literals.query(f"?s <{CPPCC.observationAbout}> ?about .", obs_props),
        "qualifiers": f"""SELECT ?q (MIN(STR(?n)) AS ?m) WHERE {{
            ?x <{CPPCC.qualifier}> ?q . ?q <{SKOS.notation}> ?n FILTER isLiteral(?n) }} GROUP BY ?q""",
        "about": f"SELECT DISTINCT ?o ?about WHERE {{ ?o <{CPPCC.observationAbout}> ?about }}",
        "statements": f"""SELECT DISTINCT ?st ?s ?p ?o WHERE {{
            ?st <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o }}""",
    }
    if edge_props:
        queries["edges"] = f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_iris(edge_props)} }} ?s ?p ?o }}"
    # Oxigraph releases the GIL while it evaluates: the queries run side by side
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = {name: pool.submit(values, store, q) for name, q in queries.items()}
        result = {name: f.result() for name, f in futures.items()}

    # --- nodes and their most specific class
    types: dict[str, list[URIRef]] = defaultdict(list)
    for s, t in result["types"]:
        types[s].append(URIRef(t))
    node_class = {s: schema.most_specific(ts) for s, ts in types.items()}
    nodes = sorted(node_class)
    node_set = set(nodes)

    class_info: dict = {}

    def info(c: URIRef) -> dict:
        if c not in class_info:
            hints = {}
            for key, prop in (("color", CPPCC.displayColor), ("shape", CPPCC.displayShape)):
                hints[key] = next((v for a in schema.ancestors(c) if (v := _first_literal(view, a, prop))), "")
            class_info[c] = {
                "class": _local_name(str(c)),
                "class_iri": str(c),
                "class_label_en": _lang_literal(view, c, RDFS.label, "en"),
                "class_label_zh": _lang_literal(view, c, RDFS.label, "zh"),
                **hints,
            }
        return class_info[c]

    lit = _Literals(result["literals"])
    notations = dict(result["notations"])
    titles = _source_titles(result["titles"])
    evidence = _evidence(result["evidence"], titles)

    # --- observations about nodes
    obs_lit = _Literals(result["observations"])
    qual_notation = dict(result["qualifiers"])
    observations: dict[str, list[dict]] = defaultdict(list)
    for o, about in result["about"]:
        if about not in node_set:
            continue
        v = obs_lit.first_value(o, CPPCC.value)
        qual = obs_lit.first_value(o, CPPCC.qualifier)
        observations[about].append({
            "iri": o,
            "label_zh": obs_lit.lang(o, RDFS.label, "zh"),
            "label_en": obs_lit.lang(o, RDFS.label, "en"),
            "measured_zh": obs_lit.lang(o, CPPCC.measuredProperty, "zh"),
            "measured_en": obs_lit.lang(o, CPPCC.measuredProperty, "en"),
            "value": (_number(v[0], v[2]) if v[3] else v[0]) if v is not None else None,
            "qualifier": (qual_notation.get(qual[0]) or _local_name(qual[0])) if qual is not None else "",
            "unit_zh": obs_lit.lang(o, CPPCC.unit, "zh"),
            "unit_en": obs_lit.lang(o, CPPCC.unit, "en"),
            "date": obs_lit.first_literal(o, CPPCC.observationDate),
            "date_precision": _precision(obs_lit, notations, o),
        })

    for n in nodes:
        c = node_class[n]
        date = lit.first_value(n, SCHEMA.startDate) or lit.first_value(n, DCTERMS.issued)
        G.add_node(n, **{
            "iri": n,
            "label_zh": lit.lang(n, RDFS.label, "zh"),
            "label_en": lit.lang(n, RDFS.label, "en"),
            "pinyin": lit.first_literal(n, CPPCC.pinyin),
            "aliases": sorted({v for v, _t, _d, is_lit in lit.get(n, str(SKOS.altLabel)) if is_lit}),
            **info(c),
            "date": date[0] if date is not None else "",
            "date_precision": _precision(lit, notations, n) if date is not None else "",
            "comment": lit.lang(n, RDFS.comment, "en"),
            "observations": sorted(observations.get(n, []), key=lambda o: (o["date"], o["iri"])),
            "evidence": evidence.get(n, []),
        })
    G.graph["class_ancestors"] = {
        str(c): [str(a) for a in schema.ancestors(c)] for c in sorted(set(node_class.values()), key=str)
    }

    # --- edges, with their statement and its evidence
    statements: dict[tuple, list[str]] = defaultdict(list)
    for st, s, p, o in result["statements"]:
        statements[(s, p, o)].append(st)
    edges = []
    if edge_props:
        pinfo = {}
        for p in schema.edge_properties:
            pinfo[str(p)] = {
                "property": str(p),
                "label_en": _lang_literal(view, p, RDFS.label, "en"),
                "label_zh": _lang_literal(view, p, RDFS.label, "zh"),
                "color": _first_literal(view, p, CPPCC.displayColor),
            }
        for s, p, o in result["edges"]:
            if s in node_set and o in node_set:
                sts = sorted(statements.get((s, p, o), ()))
                ev = sorted((e for st in sts for e in evidence.get(st, [])),
                            key=lambda e: (e["source"], e["start"], e["end"], e["annotation"]))
                edges.append((s, _local_name(p), o, {**pinfo[p], "statement": sts[0] if sts else "", "evidence": ev}))
    for s, key, o, data in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        G.add_edge(s, o, key=key, **data)
    return G


# ---------------------------------------------------------------- GraphML, fast

_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}


def graphml_bytes(G: nx.Graph) -> bytes | None:
    """The bytes :func:`cppcc_kg.network.entity_graph.write_graphml` writes for *G*, made without ElementTree.

    networkx builds the whole XML tree in memory (minutes for a hundred thousand
    entities); this writes the same text directly: the same keys, order, indentation
    and escaping (tested byte for byte). Returns ``None`` for a graph it does not
    handle (an attribute value that is not a string, number or boolean after
    flattening), which the caller then writes with networkx.
    """
    from xml.etree.ElementTree import _escape_attrib, _escape_cdata

    from cppcc_kg.network.entity_graph import (
        NODE_COLUMNS,
        _edge_rows,
        _flat,
        _ordered_keys,
    )

    keys: dict[tuple, str] = {}
    key_lines: list[str] = []

    def key(name: str, value, scope: str) -> str | None:
        t = _GRAPHML_TYPES.get(type(value))
        if t is None:
            raise TypeError(type(value))
        k = (name, t, scope)
        kid = keys.get(k)
        if kid is None:
            kid = keys[k] = f"d{len(keys)}"
            key_lines.append(f'  <key id="{kid}" for="{scope}" attr.name="{_escape_attrib(name)}" attr.type="{t}" />\n')
        return kid

    def element(tag: str, attrs: str, data: dict, scope: str, indent: str) -> str:
        if not data:
            return f"{indent}<{tag} {attrs} />\n"
        parts = [f"{indent}<{tag} {attrs}>\n"]
        for k, v in data.items():
            kid = key(str(k), v, scope)
            text = str(v)
            if text:
                parts.append(f'{indent}  <data key="{kid}">{_escape_cdata(text)}</data>\n')
            else:
                parts.append(f'{indent}  <data key="{kid}" />\n')
        parts.append(f"{indent}</{tag}>\n")
        return "".join(parts)

    try:
        graph_data = {k: v for k, v in G.graph.items()
                      if isinstance(v, (str, int, float, bool)) and k not in ("node_default", "edge_default", "id")}
        for k, v in graph_data.items():  # the graph's keys come first
            key(str(k), v, "graph")
        body = []
        nodes = sorted(G.nodes(data=True), key=lambda x: str(x[0]))
        for n, d in nodes:
            attrs = {k: _flat(d[k]) for k in _ordered_keys([d], NODE_COLUMNS) if k in d}
            body.append(element("node", f'id="{_escape_attrib(str(n))}"', attrs, "node", "    "))
        cols, rows = _edge_rows(G)
        by_source: dict = {}
        for values in rows:
            row = dict(zip(cols, values))
            attrs = {k: v for k, v in row.items() if k not in ("source", "target", "key") and k in cols}
            by_source.setdefault(row["source"], {}).setdefault(row["target"], []).append((row["key"], attrs))
        order = {str(n): i for i, (n, _d) in enumerate(nodes)}
        for source in sorted(by_source, key=lambda s: order.get(str(s), len(order))):
            for target, items in by_source[source].items():
                for k, attrs in items:
                    ident = f' id="{_escape_attrib(str(k))}"' if G.is_multigraph() else ""
                    body.append(element("edge", f'source="{_escape_attrib(str(source))}" '
                                                f'target="{_escape_attrib(str(target))}"{ident}', attrs, "edge", "    "))
        for k, v in graph_data.items():
            kid = key(str(k), v, "graph")
            text = str(v)
            body.append(f'    <data key="{kid}">{_escape_cdata(text)}</data>\n' if text else f'    <data key="{kid}" />\n')
    except TypeError:
        return None
    if any(source not in order for source in by_source):
        return None  # an edge from a node that is not a node: let networkx decide
    head = ("<?xml version='1.0' encoding='utf-8'?>\n"
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    edgedefault = "directed" if G.is_directed() else "undirected"
    if not body:
        graph = f'  <graph edgedefault="{edgedefault}" />\n'
    else:
        graph = f'  <graph edgedefault="{edgedefault}">\n' + "".join(body) + "  </graph>\n"
    return (head + "".join(reversed(key_lines)) + graph + "</graphml>\n").encode("utf-8")


def write_graphml(G: nx.Graph, path) -> None:
    """Write *G* as :func:`cppcc_kg.network.entity_graph.write_graphml` does (same bytes), fast."""
    from cppcc_kg.network.entity_graph import write_graphml as slow_write

    data = graphml_bytes(G)
    if data is None:
        slow_write(G, path)
        return
    from cppcc_kg.rdf.files import write_atomic
    write_atomic(path, data)


# ---------------------------------------------------------------- closeness, sampled

def sampled_closeness(A, *, k: int, seed: int = 0, exact_below: int = 2000):
    """Closeness (Wasserman–Faust, as :func:`cppcc_kg.network.bfs.closeness`) estimated from *k* pivots.

    Exact closeness needs a search from every node: hours for a hundred thousand
    entities. Here the components are found exactly; a component of fewer than
    *exact_below* nodes gets exact values (a search from each of its nodes); in a
    larger one, *k* pivots are drawn (seeded; at least one, in proportion to its
    size) and the total distance of a node is estimated from its distances to them
    (Eppstein and Wang: ``(size - 1) / pivots * sum of distances``), so the
    closeness of a node is ``(r / d) * (r / (n - 1))`` with its exact reach ``r``.

    Parameters
    ----------
    A : scipy.sparse matrix
        Symmetric adjacency matrix (as :func:`cppcc_kg.network.bfs.adjacency` gives).
    k : int
        Number of pivots over the large components.
    seed : int
        Seed of the draw.

    Examples
    --------
    >>> import networkx as nx, numpy as np
    >>> from cppcc_kg.network.bfs import adjacency, closeness
    >>> A, nodes = adjacency(nx.path_graph(30))
    >>> exact = closeness(A)
    >>> est = sampled_closeness(A, k=10, seed=1, exact_below=5)
    >>> bool(abs(est - exact).max() < 0.1), bool(np.allclose(sampled_closeness(A, k=10, exact_below=100), exact))
    (True, True)
    """
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components, shortest_path

    from cppcc_kg.network.bfs import closeness as exact_closeness

    A = sp.csr_matrix(A)
    n = A.shape[0]
    out = np.zeros(n)
    if n <= 1:
        return out
    ncomp, labels = connected_components(A, directed=False)
    sizes = np.bincount(labels, minlength=ncomp)
    rng = np.random.default_rng(seed)
    small = [c for c in range(ncomp) if 1 < sizes[c] < exact_below]
    large = [c for c in range(ncomp) if sizes[c] >= exact_below]
    if small:
        idx = np.flatnonzero(np.isin(labels, small))
        sub = A[idx][:, idx]
        # closeness within the sub-matrix, scaled to the whole graph: r/(n-1) instead of r/(m-1)
        m = len(idx)
        c = exact_closeness(sub)
        out[idx] = c * (m - 1) / (n - 1) if m > 1 else 0.0
    if large:
        total_large = int(sizes[large].sum())
        for c in large:
            members = np.flatnonzero(labels == c)
            kc = max(1, min(len(members), round(k * len(members) / total_large)))
            pivots = np.sort(rng.choice(members, size=kc, replace=False))
            D = shortest_path(A, method="D", directed=False, unweighted=True, indices=pivots)
            d = D[:, members].sum(axis=0) * (len(members) - 1) / kc
            r = len(members) - 1
            with np.errstate(divide="ignore", invalid="ignore"):
                out[members] = np.where(d > 0, (r / d) * (r / (n - 1)), 0.0)
    return out


# ---------------------------------------------------------------- the entity graph of a query's result

def entity_graph_of_query(construct, *, engine=None, store: str = "oxigraph", endpoint: str | None = None,
                          build_dir="build", ontology="ontology.ttl", max_rows: int | None = None) -> nx.MultiDiGraph:
    """The entity graph of the triples a ``CONSTRUCT`` (or ``DESCRIBE``) query returns.

    For graphs too large to analyse whole, or held by a server: a notebook asks the
    store (the build, with ``store``; or a SPARQL endpoint, with ``endpoint``, e.g. one
    filled by ``cppcc-kg push``) for the part it needs (a community, a province, an
    entity's neighbourhood) and analyses that, with the same functions as the whole
    graph (:mod:`cppcc_kg.network.measures`). The ontology (classes, display hints) comes from
    *ontology* so the query need not return it.

    Parameters
    ----------
    construct : str or pathlib.Path
        A ``CONSTRUCT`` or ``DESCRIBE`` query (text or ``.rq`` file). Its triples should
        include ``rdf:type`` and ``rdfs:label`` of the entities wanted.
    engine : cppcc_kg.sparql.query.Engine, optional
        Where to run it; by default :func:`cppcc_kg.sparql.query.open_engine` with *store*,
        *endpoint* and *build_dir*.
    ontology : path
        The ontology file.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from cppcc_kg.network.entity_graph import EXAMPLE_TTL
    >>> from cppcc_kg.sparql.query import open_engine
    >>> g = Graph().parse(data=EXAMPLE_TTL, format="turtle")
    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (STRSTARTS(STR(?s), 'https://w3id.org/cppcc-kg/id/')) }"
    >>> G = entity_graph_of_query(q, engine=open_engine(graph=g, store="oxigraph"))
    >>> G.number_of_nodes(), G.number_of_edges()
    (2, 1)
    """
    from pathlib import Path

    from cppcc_kg.project.load import canonical_ntriples
    from cppcc_kg.rdf.ntriples import ntriples_of
    from cppcc_kg.rdf.store import load_store
    from cppcc_kg.sparql.query import open_engine, run

    engine = engine or open_engine(store=store, endpoint=endpoint, build_dir=build_dir)
    result = run(construct, engine, max_rows=max_rows)
    if result.form not in ("CONSTRUCT", "DESCRIBE"):
        raise ValueError(f"a CONSTRUCT or DESCRIBE query is needed, not {result.form}")
    onto = Path(ontology)
    graphs = {"urn:x-cppcc-kg:query-result": ntriples_of(result.triples)}
    if onto.is_file():
        graphs["urn:x-cppcc-kg:ontology"] = canonical_ntriples(onto.read_bytes(), str(onto))
    sub = load_store(graphs)
    return entity_graph(sub)
