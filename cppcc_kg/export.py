"""Write the build outputs: the merged graph in four syntaxes, the entity graph, a summary.

Every writer is deterministic (same graph, same bytes, whatever ``PYTHONHASHSEED``):
rdflib's serializers are used only where their order is stable (Turtle), and
otherwise their output is sorted here (N-Triples lines, JSON-LD nodes and values,
TriG graphs). Files are written to a temporary file and renamed into place.

* ``graph.ttl``: every triple, prefixes of :mod:`cppcc_kg.namespaces`;
* ``graph.nt``: the same, one triple per line, lines sorted;
* ``graph.jsonld``: compacted with the project prefixes as context, sorted;
* ``graph.trig``: one named graph per input file (``https://w3id.org/cppcc-kg/graph/{path}``)
  and one for the generated pinyin;
* ``entities.graphml``, ``nodes.csv``, ``edges.csv``: the entity graph of
  :func:`cppcc_kg.entity_graph.build_entity_graph`;
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

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .namespaces import CPPCC, OA, PREFIXES, bind_prefixes

#: the files this module writes, in the order of the summary
GRAPH_FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.trig")
ENTITY_FILES = ("entities.graphml", "nodes.csv", "edges.csv")
SUMMARY_FILES = ("summary.json", "summary.txt")


def write_atomic(path: Path | str, data: str | bytes) -> Path:
    """Write *data* to *path* through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _graph_of(triples: Iterable[tuple]) -> Graph:
    g = Graph()
    bind_prefixes(g)
    for t in triples:
        g.add(t)
    return g


# ---------------------------------------------------------------- RDF syntaxes

def turtle(graph: Graph) -> str:
    """*graph* as Turtle (rdflib's serializer sorts subjects and predicates)."""
    return graph.serialize(format="turtle")


def ntriples(graph: Graph) -> str:
    """*graph* as N-Triples, lines sorted."""
    lines = graph.serialize(format="nt").splitlines()
    return "".join(line + "\n" for line in sorted(set(line for line in lines if line.strip())))


def _canonical_json(value, in_list: bool = False):
    if isinstance(value, dict):
        return {k: _canonical_json(v, in_list=(k == "@list")) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        if in_list:
            return items  # an RDF collection: its order is its meaning
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld(graph: Graph) -> str:
    """*graph* as JSON-LD compacted with the project prefixes, nodes and values sorted.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='<https://w3id.org/cppcc-kg/id/org/a> a <https://w3id.org/cppcc-kg/ontology#Organization> .')
    >>> json.loads(jsonld(g))["@graph"][0]["@type"]
    'cppcc:Organization'
    """
    from rdflib.plugins.serializers.jsonld import from_rdf

    obj = from_rdf(graph, context_data=dict(PREFIXES))
    if isinstance(obj, list):
        obj = {"@context": dict(PREFIXES), "@graph": obj}
    nodes = obj.get("@graph")
    if nodes is None:  # a single node is written without @graph
        nodes = [{k: v for k, v in obj.items() if k != "@context"}] if len(obj) > 1 else []
        obj = {"@context": obj.get("@context", dict(PREFIXES))}
    obj["@graph"] = sorted((_canonical_json(n) for n in nodes), key=lambda n: str(n.get("@id", "")))
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


_PREFIX_LINE = re.compile(r"^@prefix\s+([^:\s]*):\s*<([^>]*)>\s*\.\s*$")


def trig(named_graphs: Iterable[tuple]) -> str:
    """TriG of *named_graphs*, pairs ``(graph IRI, triples)``, in IRI order.

    >>> from rdflib import URIRef
    >>> t = [(URIRef("http://e.org/s"), URIRef("http://e.org/p"), URIRef("http://e.org/o"))]
    >>> "<http://e.org/g> {" in trig([(URIRef("http://e.org/g"), t)])
    True
    """
    declared = dict(PREFIXES)
    head = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(declared.items())]
    blocks = []
    for iri, triples in sorted(named_graphs, key=lambda x: str(x[0])):
        body = turtle(_graph_of(triples))
        prefix_lines, lines = [], []
        for line in body.splitlines():
            m = _PREFIX_LINE.match(line)
            if m:
                if declared.get(m.group(1)) != m.group(2):
                    declared[m.group(1)] = m.group(2)
                    prefix_lines.append(line)
            else:
                lines.append(line)
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        blocks.append("\n".join(prefix_lines + [f"<{iri}> {{"] + ["    " + ln if ln.strip() else "" for ln in lines] + ["}"]))
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n"


def write_graph_files(graph: Graph, out_dir: Path, *, project=None) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig`` into *out_dir*.

    The TriG needs the *project* (:class:`cppcc_kg.load.Project`) for its named
    graphs; without it, it holds the whole graph in one named graph.
    """
    from .load import GRAPH_BASE, PINYIN_GRAPH, graph_iri

    out_dir = Path(out_dir)
    written = [
        write_atomic(out_dir / "graph.ttl", turtle(graph)),
        write_atomic(out_dir / "graph.nt", ntriples(graph)),
        write_atomic(out_dir / "graph.jsonld", jsonld(graph)),
    ]
    if project is not None:
        named = [(graph_iri(rel), triples) for rel, triples in project.files.items()]
        named.append((PINYIN_GRAPH, project.pinyin))
    else:
        named = [(URIRef(GRAPH_BASE + "all"), list(graph))]
    written.append(write_atomic(out_dir / "graph.trig", trig(named)))
    return written


# ---------------------------------------------------------------- the entity graph

def _entity_graph_module():
    try:
        from . import entity_graph
    except ModuleNotFoundError as exc:
        if exc.name == "cppcc_kg.entity_graph":
            from .errors import KGError
            raise KGError("cppcc_kg.entity_graph is missing: the build cannot write entities.graphml, "
                          "nodes.csv and edges.csv",
                          "install the complete package (pip install -e .) or restore cppcc_kg/entity_graph.py.") from None
        raise
    return entity_graph


def entity_graph_of(graph: Graph):
    """The entity graph of *graph* (:func:`cppcc_kg.entity_graph.build_entity_graph`)."""
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


def summarize(graph: Graph, *, project=None, report: dict | None = None) -> dict:
    """Counts of the graph: per class, per relation, observations, firsts, evidence.

    Plain data, sorted, without timestamps, so that the summary of the same
    graph is always the same.
    """
    from .load import entity_classes

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
    if report is not None:
        summary["validation"] = {
            "conforms": bool(report.get("conforms")),
            "problems": len(report.get("problems", [])),
            "checks": dict(sorted(report.get("counts", {}).items())),
            "shapes": len(set(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))),
            "rules": list(report.get("rules", [])),
        }
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
        lines += ["", f"validation: {'OK' if v['conforms'] else 'FAILED'} ({v['problems']} problems; "
                      f"{v['shapes']} SHACL node shapes, {len(v['rules'])} data rules; per check: {checks})"]
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
        data = (out_dir / name).read_bytes()
        out[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
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
