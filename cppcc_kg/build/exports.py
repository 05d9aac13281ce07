"""Write the build outputs: the merged graph in four syntaxes, the entity graph, a summary.

Every writer is deterministic (same graph, same bytes, whatever ``PYTHONHASHSEED``)
and fast on millions of triples: the graph files are made from the canonical
N-Triples of the loaded files (:mod:`cppcc_kg.project.load`) by Oxigraph's serializers, fed
in sorted order, a file at a time, and streamed to temporary files that are then
renamed into place.

* ``graph.nt``: every triple once, one per line, lines sorted (byte order);
* ``graph.trig``: one named graph per input file (``https://w3id.org/cppcc-kg/graph/{path}``)
  and one for the generated pinyin, graphs in IRI order, triples sorted in each;
* ``graph.ttl``: every triple, as the same blocks in the same order (a comment names
  each file), with the prefixes of :mod:`cppcc_kg.rdf.namespaces` (all declared, sorted);
* ``graph.jsonld``: the same, as JSON-LD: ``@context`` holds the project prefixes,
  ``@graph`` a node object per subject and file, in the order of ``graph.trig``.

The Turtle and JSON-LD of each file are cached with its N-Triples
(:class:`cppcc_kg.project.load.Cache`), so a rebuild serializes only the files that changed.
* ``entities.graphml``, ``nodes.csv``, ``edges.csv``: the entity graph of
  :func:`cppcc_kg.network.build_entity_graph`;
* ``summary.json``, ``summary.txt``: counts per class and relation, observations,
  firsts, evidence, validation result, outputs (no timestamps).

>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='<http://e.org/b> <http://e.org/p> "2" . <http://e.org/a> <http://e.org/p> "1" .')
>>> print(ntriples(g), end="")
<http://e.org/a> <http://e.org/p> "1" .
<http://e.org/b> <http://e.org/p> "2" .
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cppcc_kg.rdf.files import DIGESTS, write_atomic
from cppcc_kg.rdf.namespaces import CPPCC, OA, PREFIXES, bind_prefixes

#: the files this module writes, in the order of the summary
GRAPH_FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.trig")
ENTITY_FILES = ("entities.graphml", "nodes.csv", "edges.csv")
SUMMARY_FILES = ("summary.json", "summary.txt")
#: lines of N-Triples serialized at a time (memory stays small for any graph)
CHUNK_LINES = 200_000

_NT = ox.RdfFormat.N_TRIPLES
#: size and sha256 of the files written, by path (so the summary need not read them again)
_DIGESTS = DIGESTS


def _graph_of(triples: Iterable[tuple]) -> Graph:
    g = Graph()
    bind_prefixes(g)
    for t in triples:
        g.add(t)
    return g


# ---------------------------------------------------------------- N-Triples

def ntriples_of_graph(graph) -> bytes:
    """Canonical N-Triples (sorted, unique lines) of an rdflib graph or an iterable of triples."""
    from cppcc_kg.project.load import _sorted_lines
    from cppcc_kg.rdf.store import to_ox
    return _sorted_lines(ox.serialize((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph), format=_NT))


def merged_lines(docs: Iterable[bytes]) -> list[bytes]:
    """The sorted, unique lines (without their newline) of N-Triples documents."""
    lines = set()
    for doc in docs:
        lines.update(doc.split(b"\n"))
    lines.discard(b"")
    return sorted(lines)


def _prefix_header() -> bytes:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode("utf-8")


# ---------------------------------------------------------------- Turtle and JSON-LD of one graph

def turtle_body(nt: bytes) -> bytes:
    """Turtle of the N-Triples *nt*, in their order, without the @prefix lines (those of
    :data:`cppcc_kg.rdf.namespaces.PREFIXES` are used)."""
    if not nt:
        return b""
    out = ox.serialize(ox.parse(nt, format=_NT), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    while out.startswith(b"@prefix "):
        out = out[out.index(b"\n") + 1:]
    return out.lstrip(b"\n")


_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda x: (-len(x[1]), x[0]))


_ODD_IRI = re.compile(rb"<(?!https?://)[^<>\s]*>")  # an IRI whose scheme is not http(s)
_SLASHES = re.compile(rb"<[^<>\s]*?(?:/|#)//[^<>\s]*>")


def _misread_prefixes(nt: bytes) -> set[str]:
    """Prefixes that must not be used for the IRIs of *nt*: an IRI whose scheme is the prefix
    (``<kgorg:x>``) would be misread as a compact IRI, and so would a local name that starts
    with ``//``. (A literal holding such text only makes this cautious.)

    >>> sorted(_misread_prefixes(b'<kgorg:x> <http://www.w3.org/ns/oa#//y> "z" .'))
    ['kgorg', 'oa']
    """
    out = set()
    for m in _ODD_IRI.finditer(nt):
        scheme = m.group(0)[1:].split(b":", 1)[0].decode("utf-8", "replace")
        if scheme in PREFIXES:
            out.add(scheme)
    if b"///" in nt or b"#//" in nt:
        for m in _SLASHES.finditer(nt):
            iri = m.group(0)[1:-1].decode("utf-8", "replace")
            out.update(p for p, ns in PREFIXES.items() if iri.startswith(ns + "//"))
    return out


def _compact_json_iris(data: bytes, skip: set[str] = frozenset()) -> bytes:
    """Write the IRIs of Oxigraph's expanded JSON-LD *data* with the project prefixes.

    An IRI string starts right after ``{``, ``,``, ``:`` or ``[``; a literal starts after
    ``"@value":`` and any quote inside it is escaped, so a namespace is replaced
    wherever it starts a string that is not a literal. The prefixes of *skip* are not
    used (see :func:`_misread_prefixes`).

    >>> _compact_json_iris(b'[{"@id":"http://www.w3.org/ns/oa#x","@value":"http://www.w3.org/ns/oa#"}]')
    b'[{"@id":"oa:x","@value":"http://www.w3.org/ns/oa#"}]'
    """
    for prefix, ns in _PREFIX_ORDER:
        needle = b'"' + ns.encode("utf-8")
        if prefix in skip or needle not in data:
            continue
        p = prefix.encode("utf-8")
        # literal text that starts with the namespace is set aside under a marker (a NUL
        # byte never occurs in Oxigraph's JSON: control characters are escaped)
        marker = b"\x00" + p + b"\x01"
        kept = [(b'"@value":' + needle, b'"@value":"' + marker), (b"\\" + needle, b'\\"' + marker)]
        kept = [(x, y) for x, y in kept if x in data]
        for x, y in kept:
            data = data.replace(x, y)
        data = data.replace(needle, b'"' + p + b":")
        if kept:
            data = data.replace(marker, ns.encode("utf-8"))
    return data


def jsonld_body(nt: bytes, skip: set[str] | None = None) -> bytes:
    """The JSON-LD node objects of the N-Triples *nt* (one per subject, in their order,
    one per line, comma-separated, IRIs with the project prefixes but those of *skip*),
    without ``[ ]``."""
    if not nt:
        return b""
    body = ox.serialize(ox.parse(nt, format=_NT), format=ox.RdfFormat.JSON_LD).strip()
    body = _compact_json_iris(body[1:-1], _misread_prefixes(nt) if skip is None else skip)
    return body.replace(b'},{"@id":', b'},\n{"@id":')


#: bump when turtle_body or jsonld_body change, so that cached bodies are not reused
EXPORT_VERSION = "1"


def _bodies_of(item: tuple[str, bytes]) -> tuple[str, str, bytes, bytes]:
    """In a worker: (graph IRI, misread prefixes, Turtle, JSON-LD without skipped prefixes) of one graph."""
    iri, nt = item
    return iri, ",".join(sorted(_misread_prefixes(nt))), turtle_body(nt), jsonld_body(nt, set())


def start_bodies(project, pool) -> None:
    """Have *pool* (the build's helper worker) make the Turtle and JSON-LD of every file
    that the cache lacks, while the build validates; :func:`write_graph_files` takes them.

    The results are the same as those made in the writing process (same functions, same
    bytes); a file whose JSON-LD needs other prefixes than the worker assumed is redone there.
    """
    from cppcc_kg.project.load import graph_iri
    cache = getattr(project, "cache", None)
    todo = []
    for rel, nt in project.nt.items():
        key = project.keys.get(rel)
        if key and cache is not None and cache.has(f"{key}.v{EXPORT_VERSION}.ttl") \
                and cache.has(f"{key}.v{EXPORT_VERSION}.misread"):
            continue
        if nt:
            todo.append((str(graph_iri(rel)), nt))
    project._bodies_job = pool.map_async(_bodies_of, todo, chunksize=16) if todo else None


class _Bodies:
    """The Turtle and JSON-LD of each named graph of a project, from the cache when the file did
    not change, or as the helper worker made them (:func:`start_bodies`)."""

    def __init__(self, project):
        from cppcc_kg.project.load import rel_of_graph
        self.project = project
        self.cache = getattr(project, "cache", None)
        self.keys = {}
        for iri, nt in project.graphs().items():
            rel = rel_of_graph(iri)
            self.keys[iri] = project.keys.get(rel) if rel is not None else hashlib.sha256(nt).hexdigest()
        job, self.made = getattr(project, "_bodies_job", None), {}
        if job is not None:
            project._bodies_job = None
            self.made = {iri: ({x for x in m.split(",") if x}, ttl, js) for iri, m, ttl, js in job.get()}

    def _cached(self, name: str, make):
        data = self.cache.get(name) if self.cache is not None else None
        if data is None:
            data = make()
            if self.cache is not None:
                self.cache.put(name, data)
        return data

    def misread(self, iri: str, nt: bytes) -> set[str]:
        key, made = self.keys.get(iri), self.made.get(iri)
        if not key:
            return made[0] if made else _misread_prefixes(nt)
        raw = self._cached(f"{key}.v{EXPORT_VERSION}.misread",
                           lambda: ",".join(sorted(made[0] if made else _misread_prefixes(nt))).encode())
        return {x for x in raw.decode().split(",") if x}

    def __call__(self, iri: str, nt: bytes, skip: set[str]) -> tuple[bytes, bytes]:
        key, made = self.keys.get(iri), self.made.pop(iri, None)

        def ttl_of():
            return made[1] if made else turtle_body(nt)

        def js_of():
            return made[2] if made and not skip else jsonld_body(nt, skip)
        if not key:
            return ttl_of(), js_of()
        tag = ("-" + ",".join(sorted(skip))) if skip else ""
        ttl = self._cached(f"{key}.v{EXPORT_VERSION}.ttl", ttl_of)
        js = self._cached(f"{key}.v{EXPORT_VERSION}{tag}.jsonld", js_of)
        return ttl, js


class _Out:
    """An output file written through a temporary file, renamed into place by :meth:`commit`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self.f = os.fdopen(fd, "wb")
        self.h = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.h.update(data)

    def commit(self) -> Path:
        self.f.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)
        st = self.path.stat()
        _DIGESTS[str(self.path.resolve())] = (st.st_size, st.st_mtime_ns, self.h.hexdigest())
        return self.path

    def abort(self) -> None:
        self.f.close()
        Path(self.tmp).unlink(missing_ok=True)


def _write_graphs(out_dir: Path, graphs: list[tuple[str, bytes]], bodies, misread, on_count=None) -> list[Path]:
    """``graph.trig``, ``graph.ttl`` and ``graph.jsonld`` of *graphs* (IRI, N-Triples), one pass,
    one block per graph in IRI order; ``graph.nt`` of all their triples."""
    graphs = sorted(graphs, key=lambda x: x[0])
    skip: set[str] = set()
    for iri, nt in graphs:
        skip |= misread(iri, nt)
    outs = {name: _Out(out_dir / name) for name in ("graph.trig", "graph.ttl", "graph.jsonld", "graph.nt")}
    try:
        trig_, ttl_, js_ = outs["graph.trig"], outs["graph.ttl"], outs["graph.jsonld"]
        header = _prefix_header()
        trig_.write(header)
        ttl_.write(header)
        context = json.dumps({p: ns for p, ns in sorted(PREFIXES.items()) if p not in skip},
                             ensure_ascii=False, indent=1)
        js_.write(b'{\n"@context": ' + context.encode("utf-8") + b',\n"@graph": [')
        first = True
        for iri, nt in graphs:
            ttl, js = bodies(iri, nt, skip)
            block = (b"\t" + ttl.rstrip(b"\n").replace(b"\n", b"\n\t") + b"\n") if ttl else b""
            trig_.write(f"\n<{iri}> {{\n".encode("utf-8") + block + b"}\n")
            ttl_.write(f"\n# {iri}\n".encode("utf-8") + ttl)
            if js:
                js_.write((b"\n" if first else b",\n") + js)
                first = False
        js_.write(b"\n]\n}\n")
        nt_ = outs["graph.nt"]
        lines = merged_lines(nt for _iri, nt in graphs)
        if on_count is not None:
            on_count(len(lines))  # the number of distinct triples
        for i in range(0, len(lines), CHUNK_LINES):
            nt_.write(b"".join(line + b"\n" for line in lines[i:i + CHUNK_LINES]))
        del lines
    except BaseException:
        for o in outs.values():
            o.abort()
        raise
    return sorted(o.commit() for o in outs.values())


# ---------------------------------------------------------------- the same for an rdflib graph

def turtle(graph: Graph) -> str:
    """*graph* as Turtle: the project prefixes, then the triples sorted."""
    return (_prefix_header() + b"\n" + turtle_body(ntriples_of_graph(graph))).decode("utf-8")


def ntriples(graph: Graph) -> str:
    """*graph* as N-Triples, lines sorted."""
    return ntriples_of_graph(graph).decode("utf-8")


def jsonld(graph: Graph) -> str:
    """*graph* as JSON-LD with the project prefixes (as ``graph.jsonld``).

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='<https://w3id.org/cppcc-kg/id/org/a> a <https://w3id.org/cppcc-kg/ontology#Organization> .')
    >>> json.loads(jsonld(g))["@graph"][0]["rdf:type"]
    [{'@id': 'cppcc:Organization'}]
    """
    nt = ntriples_of_graph(graph)
    skip = _misread_prefixes(nt)
    context = json.dumps({p: ns for p, ns in sorted(PREFIXES.items()) if p not in skip},
                         ensure_ascii=False, indent=1)
    body = jsonld_body(nt, skip)
    return ('{\n"@context": ' + context + ',\n"@graph": [' + ("\n" + body.decode("utf-8") if body else "")
            + "\n]\n}\n")


def trig(named_graphs: Iterable[tuple]) -> str:
    """TriG of *named_graphs*, pairs ``(graph IRI, triples)``, in IRI order.

    >>> from rdflib import URIRef
    >>> t = [(URIRef("http://e.org/s"), URIRef("http://e.org/p"), URIRef("http://e.org/o"))]
    >>> "<http://e.org/g> {" in trig([(URIRef("http://e.org/g"), t)])
    True
    """
    parts = [_prefix_header()]
    for iri, triples in sorted(((str(i), t) for i, t in named_graphs), key=lambda x: x[0]):
        ttl = turtle_body(ntriples_of_graph(triples))
        block = (b"\t" + ttl.rstrip(b"\n").replace(b"\n", b"\n\t") + b"\n") if ttl else b""
        parts.append(f"\n<{iri}> {{\n".encode("utf-8") + block + b"}\n")
    return b"".join(parts).decode("utf-8")


def write_graph_files(graph: Graph | None, out_dir: Path, *, project=None) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig`` into *out_dir*.

    With the *project* (:class:`cppcc_kg.project.load.Project`), they are made from its
    N-Triples: the TriG has one named graph per file (and one for the pinyin), and
    ``graph.ttl`` and ``graph.jsonld`` have the same blocks in the same order (IRI of
    the graph), so that the Turtle and JSON-LD of a file that did not change since the
    last build are taken from the cache. Without it, they are made from *graph*, in
    one named graph.
    """
    from cppcc_kg.project.load import GRAPH_BASE

    out_dir = Path(out_dir)
    if project is not None:
        bodies = _Bodies(project)

        def remember(n: int) -> None:
            project.triple_count = n
        return _write_graphs(out_dir, list(project.graphs().items()), bodies, bodies.misread, remember)
    graphs = [(GRAPH_BASE + "all", ntriples_of_graph(graph))]
    return _write_graphs(out_dir, graphs, lambda iri, nt, skip: (turtle_body(nt), jsonld_body(nt, skip)),
                         lambda iri, nt: _misread_prefixes(nt))


# ---------------------------------------------------------------- the entity graph

def _entity_graph_module():
    try:
        from cppcc_kg import network as entity_graph
    except ModuleNotFoundError as exc:
        if exc.name == "cppcc_kg.network":
            from cppcc_kg.errors import KGError
            raise KGError("cppcc_kg.network is missing: the build cannot write entities.graphml, "
                          "nodes.csv and edges.csv",
                          "install the complete package (pip install -e .) or restore cppcc_kg/entity_graph.py.") from None
        raise
    return entity_graph


def entity_graph_of(graph: Graph):
    """The entity graph of *graph* (:func:`cppcc_kg.network.build_entity_graph`)."""
    return _entity_graph_module().build_entity_graph(graph)


def _csv(df) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def write_entity_files(graph: Graph, out_dir: Path, *, entity_graph=None) -> list[Path]:
    """Write ``entities.graphml``, ``nodes.csv`` and ``edges.csv`` into *out_dir*.

    ``nodes.csv`` starts with the columns ``Id`` (the IRI) and ``Label`` (the
    English label) that Gephi's spreadsheet import expects; ``edges.csv`` has
    ``source`` and ``target``.
    """
    eg = _entity_graph_module()
    G = entity_graph if entity_graph is not None else eg.build_entity_graph(graph)
    out_dir = Path(out_dir)
    with eg.shared_rows():  # the edge rows, made once for the GraphML and the CSV
        eg.write_graphml(G, out_dir / "entities.graphml")
        nodes = eg.nodes_frame(G)
        nodes.insert(0, "Label", nodes["label_en"] if "label_en" in nodes else "")
        nodes.insert(0, "Id", nodes["iri"] if "iri" in nodes else "")
        edges = eg.edges_frame(G)
    return [out_dir / "entities.graphml",
            write_atomic(out_dir / "nodes.csv", _csv(nodes)),
            write_atomic(out_dir / "edges.csv", _csv(edges))]


# ---------------------------------------------------------------- summary

def _local(iri) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _label(graph: Graph, node, lang: str) -> str:
    for o in sorted(graph.objects(node, RDFS.label)):
        if isinstance(o, Literal) and (o.language or "").lower().split("-")[0] == lang:
            return str(o)
    return ""


def summarize(graph: Graph | None, *, project=None, report: dict | None = None) -> dict:
    """Counts of the graph: per class, per relation, observations, firsts, evidence.

    Plain data, sorted, without timestamps, so that the summary of the same
    graph is always the same. With a *project*, the counts come from its store by
    SPARQL (fast for millions of triples; the same numbers, tested) and *graph* is
    not read.
    """
    if project is not None and getattr(project, "store", None) is not None:
        summary = summarize_store(project)
    else:
        summary = _summarize_graph(graph, project=project)
    if report is not None:
        summary["validation"] = _validation_summary(report, summary.pop("_shapes"))
    else:
        summary.pop("_shapes")
    return summary


def _validation_summary(report: dict, shapes: int) -> dict:
    return {
        "conforms": bool(report.get("conforms")),
        "problems": len(report.get("problems", [])),
        "checks": dict(sorted(report.get("counts", {}).items())),
        "shapes": shapes,
        "shacl_engine": report.get("shacl_engine", ""),
        "rules": list(report.get("rules", [])),
    }


def summarize_store(project) -> dict:
    """:func:`summarize` of a loaded project, from its Oxigraph store (without ``validation``).

    Its queries run two at a time (Oxigraph evaluates them without holding the GIL).
    """
    from concurrent.futures import ThreadPoolExecutor

    from cppcc_kg.rdf.store import values

    store = project.store
    rdf, rdfs, cppcc, oa = str(RDF), str(RDFS), str(CPPCC), str(OA)
    dct = "http://purl.org/dc/terms/"
    entity = f"?c <{rdfs}subClassOf>* <{cppcc}Entity> ."
    edge_props = sorted(r[0] for r in values(
        store, f"SELECT DISTINCT ?p WHERE {{ ?p <{cppcc}displayAsEdge> true FILTER isIRI(?p) }}"))
    queries = {
        "per_class": f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {entity} ?s a ?c }} GROUP BY ?c",
        "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {entity} ?s a ?c }}",
        "per_relation": f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?p ?s ?o WHERE {{
                VALUES ?p {{ {' '.join(f'<{x}>' for x in edge_props)} }}
                ?s ?p ?o . ?s a ?c1 . ?o a ?c2 .
                {{ SELECT DISTINCT ?c1 WHERE {{ ?c1 <{rdfs}subClassOf>* <{cppcc}Entity> }} }}
                {{ SELECT DISTINCT ?c2 WHERE {{ ?c2 <{rdfs}subClassOf>* <{cppcc}Entity> }} }} }} }} GROUP BY ?p"""
        if edge_props else None,
        "observations": f"""SELECT ?o (MIN(STR(?q)) AS ?qual) WHERE {{ ?o a <{cppcc}Observation> .
            OPTIONAL {{ ?o <{cppcc}qualifier> ?q }} }} GROUP BY ?o""",
        "firsts": f"""SELECT ?f
            (MIN(IF(langMatches(lang(?l), "zh") && lang(?l) != "", STR(?l), "\uFFFF")) AS ?zh)
            (MIN(IF(langMatches(lang(?l), "en") && lang(?l) != "", STR(?l), "\uFFFF")) AS ?en)
            (MIN(STR(?k)) AS ?kind) WHERE {{
            ?f a <{cppcc}FirstClaim> . OPTIONAL {{ ?f <{rdfs}label> ?l }} OPTIONAL {{ ?f <{cppcc}firstKind> ?k }}
            }} GROUP BY ?f""",
        "sources": f"""SELECT ?s (MIN(STR(?t)) AS ?title)
            (MIN(IF(langMatches(lang(?t), "zh"), STR(?t), "\uFFFF")) AS ?zh)
            (MIN(STR(?p)) AS ?path) (MIN(?n) AS ?chars) (MIN(STR(?h)) AS ?sha) WHERE {{
            ?s a <{cppcc}Source> . OPTIONAL {{ ?s <{dct}title> ?t }} OPTIONAL {{ ?s <{cppcc}localPath> ?p }}
            OPTIONAL {{ ?s <{cppcc}characterCount> ?n }} OPTIONAL {{ ?s <{cppcc}sha256> ?h }} }} GROUP BY ?s""",
        "statements": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{rdf}Statement> }}",
        "evidence": f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{oa}Annotation> }}",
        "with_evidence": f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ ?a a <{oa}Annotation> ; <{oa}hasBody> ?b }}",
        "shapes": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <http://www.w3.org/ns/shacl#NodeShape> }",
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {k: pool.submit(values, store, q) for k, q in queries.items() if q is not None}
        triples = len(project)
        got = {k: f.result() for k, f in jobs.items()}

    def number(key: str) -> int:
        rows = got[key]
        return int(rows[0][0]) if rows and rows[0][0] != "" else 0

    per_class: Counter = Counter()
    for c, n in got["per_class"]:
        per_class[_local(c)] += int(n)
    per_relation = {_local(p): 0 for p in edge_props}
    for p, n in got.get("per_relation", []):
        per_relation[_local(p)] += int(n)
    qualifiers: Counter = Counter()
    observations = 0
    for _o, q in got["observations"]:
        observations += 1
        qualifiers[_local(q) if q else "None"] += 1
    first_claims = []
    for f, zh, en, kind in sorted(got["firsts"]):
        first_claims.append({"iri": f, "label_zh": "" if zh == "\uffff" else zh,
                             "label_en": "" if en == "\uffff" else en, "kind": kind})
    sources = []
    for src, title, zh_title, path, chars, sha in sorted(got["sources"]):
        sources.append({"iri": src, "title_zh": zh_title if zh_title != "\uffff" else title, "path": path,
                        "characters": int(chars or 0), "sha256": sha})
    return {
        "triples": triples,
        "files": sorted(project.nt),
        "sources": sources,
        "entities": number("entities"),
        "entities_per_class": dict(sorted(per_class.items())),
        "relations": sum(per_relation.values()),
        "relations_per_property": dict(sorted(per_relation.items())),
        "relation_statements": number("statements"),
        "observations": observations,
        "observations_per_qualifier": dict(sorted(qualifiers.items())),
        "firsts": len(first_claims),
        "first_claims": first_claims,
        "evidence": number("evidence"),
        "things_with_evidence": number("with_evidence"),
        "pinyin_labels": len(project.pinyin),
        "_shapes": number("shapes"),
    }


def _summarize_graph(graph: Graph, *, project=None) -> dict:
    from cppcc_kg.project.load import entity_classes

    classes = entity_classes(graph)
    entities = {s for s, o in graph.subject_objects(RDF.type) if o in classes}
    per_class = Counter(_local(o) for s, o in graph.subject_objects(RDF.type) if o in classes)
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


def summary_text(summary: dict) -> str:
    """A plain-text rendering of :func:`summarize` for people."""
    lines = ["cppcc-kg build summary", "======================", ""]
    lines.append(f"triples: {summary['triples']}    files: {len(summary['files'])}")
    for s in summary["sources"]:
        lines.append(f"source: {s['path']} ({s['characters']} characters) {s['title_zh']}")
    lines += ["", f"entities: {summary['entities']}"]
    width = max([len(k) for k in summary["entities_per_class"]] + [10])
    lines += [f"  {k:<{width}} {v:>6}" for k, v in summary["entities_per_class"].items()]
    lines += ["", f"relations: {summary['relations']} ({summary['relation_statements']} statement nodes)"]
    width = max([len(k) for k in summary["relations_per_property"]] + [10])
    lines += [f"  {k:<{width}} {v:>6}" for k, v in summary["relations_per_property"].items()]
    quals = ", ".join(f"{k} {v}" for k, v in summary["observations_per_qualifier"].items())
    lines += ["", f"observations: {summary['observations']}" + (f" ({quals})" if quals else "")]
    lines += [f"firsts: {summary['firsts']}"]
    lines += [f"  [{f['kind']}] {f['label_zh']}" for f in summary["first_claims"]]
    lines += ["", f"evidence: {summary['evidence']} annotations on {summary['things_with_evidence']} things",
              f"pinyin labels (generated): {summary['pinyin_labels']}"]
    v = summary.get("validation")
    if v:
        checks = ", ".join(f"{k} {n}" for k, n in v["checks"].items())
        engine = f" (engine: {v['shacl_engine']})" if v.get("shacl_engine") else ""
        lines += ["", f"validation: {'OK' if v['conforms'] else 'FAILED'} ({v['problems']} problems; "
                      f"{v['shapes']} SHACL node shapes{engine}, {len(v['rules'])} data rules; per check: {checks})"]
    if summary.get("stages"):
        lines += ["", "stages: " + ", ".join(f"{k} ({v})" for k, v in summary["stages"].items())]
    if summary.get("outputs"):
        lines += ["", "outputs:"]
        lines += [f"  {name:<18} {o['bytes']:>10} bytes  sha256 {o['sha256'][:16]}" for name, o in summary["outputs"].items()]
    return "\n".join(lines) + "\n"


def file_digests(out_dir: Path, names: Iterable[str] | None = None) -> dict:
    """``{name: {"bytes": n, "sha256": hex}}`` of the files of *out_dir* (sorted)."""
    out_dir = Path(out_dir)
    names = sorted(names) if names is not None else sorted(
        p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    out = {}
    for name in names:
        path = out_dir / name
        st = path.stat()
        known = _DIGESTS.get(str(path.resolve()))
        if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
            out[name] = {"bytes": known[0], "sha256": known[2]}
            continue
        h = hashlib.sha256()
        size = 0
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                h.update(block)
                size += len(block)
        out[name] = {"bytes": size, "sha256": h.hexdigest()}
    return out


def write_summary(graph: Graph, out_dir: Path, *, project=None, report: dict | None = None,
                  stages: dict | None = None, extra: Callable[[dict], None] | None = None) -> dict:
    """Write ``summary.json`` and ``summary.txt`` into *out_dir*; return the summary.

    The summary lists the other files of *out_dir* with their size and sha256,
    so write it last.
    """
    out_dir = Path(out_dir)
    summary = summarize(graph, project=project, report=report)
    if stages is not None:
        summary["stages"] = dict(stages)
    summary["outputs"] = file_digests(out_dir, [p.name for p in out_dir.iterdir() if p.is_file()
                                                and not p.name.startswith(".") and p.name not in SUMMARY_FILES])
    if extra:
        extra(summary)
    write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    write_atomic(out_dir / "summary.txt", summary_text(summary))
    return summary
