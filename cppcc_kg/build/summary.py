"""The summary of a build: ``summary.json`` and ``summary.txt``.

Counts per class and relation, observations, firsts, evidence, the validation result, and
the size and sha256 of every other output; plain data, sorted, without timestamps, so that
the summary of the same graph is always the same.

Each part of it (:data:`PARTS`) is kept in the loader's cache under the digest of its queries, the code and
the triples of the properties they read (as :mod:`cppcc_kg.build.graph_rows` keeps the entity graph's
solutions): after an edited label only the part of the firsts, whose query reads labels, is made again; and
not even that part when the label is not one of a first claim (:func:`kept_by_subject`).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

from rdflib.namespace import RDF, RDFS

import pyoxigraph as ox

from cppcc_kg.build.graph_rows import kept_entry
from cppcc_kg.project.cache import get_json, put_json
from cppcc_kg.project.files import changed_nt_lines
from cppcc_kg.rdf.evidence_form import expansion_growth
from cppcc_kg.rdf.files import DIGESTS, sha256_of_file, write_atomic
from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.rdf.store import values
from cppcc_kg.schema import Schema, local_name

SUMMARY_FILES = ("summary.json", "summary.txt")
#: bump when the form of the kept parts changes
PARTS_VERSION = "1"

#: the parts of the summary, each with the queries it is made from (kept apart: :func:`kept_parts`)
PARTS = {
    "classes": ("per_class", "per_top_class", "entities"),
    "relations": ("entity_nodes", "edges"),
    "observations": ("observations",),
    "firsts": ("firsts",),
    "sources": ("sources",),
    "evidence": ("statements", "evidence", "with_evidence", "shapes"),
}

#: the parts whose one query reads only the triples of the subjects of one class (``?s a C``, that class
#: exactly) and, of those subjects, some properties: ``part -> (C, the properties read of its subjects, the
#: key of the part's list of subjects, the key of a subject in it)``; a test checks each against its query
BY_SUBJECT = {
    "firsts": (str(CPPCC.FirstClaim), (str(RDFS.label), str(CPPCC.firstKind)), "first_claims", "iri"),
}


def summarize(project, *, report: dict | None = None, schema: Schema | None = None, code: str = "") -> dict:
    """Counts of a loaded project (:class:`cppcc_kg.project.load.Project`): per class, per relation,
    observations, firsts, evidence, and with the validation *report*, its result.

    The counts come from the project's Oxigraph store by SPARQL; the queries run two at a
    time (Oxigraph evaluates them without holding the GIL). With *code* (the digest of the code) and the
    project's cache, a part of the summary whose triples did not change is taken from the cache
    (:func:`kept_parts`).
    """
    schema = schema if schema is not None else Schema(project.view)
    edge_props = schema.edge_properties
    queries = _summary_queries(edge_props)
    known, names = kept_parts(project, queries, code)
    states = {part: _state_entry(part, queries, code) for part in BY_SUBJECT} if names else {}
    for part, state in states.items():
        if part not in known and (value := kept_by_subject(project, part, get_json(project.cache, state))) is not None:
            known[part] = value
    todo = [k for part, ks in PARTS.items() if part not in known for k in ks if queries[k] is not None]
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {k: pool.submit(values, project.store, queries[k]) for k in todo}
        triples = export_triples(project)
        got = {k: f.result() for k, f in jobs.items()}
    parts = dict(known)
    for part in PARTS:
        if part not in parts:
            parts[part] = _PART_OF[part](got, edge_props)
            if part in names:
                put_json(project.cache, names[part], parts[part])
    for part, state in states.items():  # what the next build compares with
        put_json(project.cache, state, {"keys": dict(sorted(project.keys.items())), "value": parts[part]})
    counts = {k: v for part in PARTS for k, v in parts[part].items()}
    summary = {"triples": triples, "files": sorted(project.nt), **counts, "pinyin_labels": len(project.pinyin)}
    shapes = summary.pop("_shapes")
    if report is not None:
        summary["validation"] = _validation_summary(report, shapes)
    return dict(sorted(summary.items()))


def export_triples(project) -> int:
    """The number of triples of the graph files (the evidence in the full form: the store holds it compact): as
    :func:`cppcc_kg.build.rdf_files.write_graph_files` counted them, or when this build did not write them, the
    project's (:meth:`cppcc_kg.project.load.Project.__len__`) and the triples the expansion adds
    (:func:`~cppcc_kg.rdf.evidence_form.expansion_growth`)."""
    written = (project.stats.get("graph_files") or {}).get("triples")
    if written is not None:
        return written
    return len(project) + expansion_growth(project.graphs().values())


def kept_parts(project, queries: dict[str, str | None], code: str) -> tuple[dict[str, dict], dict[str, str]]:
    """(the parts of the summary (:data:`PARTS`) kept in the project's cache, by name; the cache entry of each).

    A query reads only the triples of the properties written in it
    (:func:`cppcc_kg.network.query_predicates`; tested on the summary's queries): a part is kept under the
    digest of its queries, the *code* and the triples of the properties they read
    (:func:`cppcc_kg.build.graph_rows.kept_entry`). Nothing without a cache or a *code*."""
    cache = getattr(project, "cache", None)
    if cache is None or not cache.enabled or not code:
        return {}, {}
    names, known = {}, {}
    for part, keys in PARTS.items():
        names[part] = kept_entry(project, f"summary-{part}", [PARTS_VERSION, code, part],
                                 [queries[k] or "" for k in keys])
        value = get_json(cache, names[part])
        if isinstance(value, dict):
            known[part] = value
    return known, names


def kept_by_subject(project, part: str, state) -> dict | None:
    """The part *part* of :data:`BY_SUBJECT` as *state* recorded it, when no triple that its query reads
    changed since; else ``None``.

    *state* is what the last build that made the summary recorded (:func:`summarize`): ``keys``, the cache
    key of each file, and ``value``, the part. With ``(C, P, ...)`` its entry of :data:`BY_SUBJECT`, the
    query's solutions are a function of the triples ``s rdf:type C`` and ``s p o`` (``p`` in ``P``) of the
    subjects ``s`` of ``C``. The graph is the union of the files' N-Triples lines and of the generated pinyin
    (whose one property, ``cppcc:pinyin``, no such query reads), so a triple in one graph and not the other
    is a line of a file whose key changed, in its earlier or present version and not both
    (:func:`cppcc_kg.project.files.changed_nt_lines`: the earlier versions are read from the loader's cache).
    When none of these lines is a ``rdf:type C`` line, the subjects of ``C`` are those of the recorded
    part; when none is a line of one of them (or of a blank node) with a property of ``P``, the triples the
    query reads are those it read then: the part is the one recorded. Any other case, an earlier version
    not in the cache, or no record: ``None`` (the query runs).
    """
    cache = getattr(project, "cache", None)
    if not isinstance(state, dict) or not isinstance(state.get("keys"), dict) or not isinstance(state.get("value"), dict):
        return None
    cls, reads, subjects_key, subject_key = BY_SUBJECT[part]
    try:
        subjects = {f"<{item[subject_key]}>".encode("utf-8") for item in state["value"][subjects_key]}
    except (KeyError, TypeError):
        return None
    lines = changed_nt_lines(cache, state["keys"], project.keys, project.nt)
    if isinstance(lines, str):
        return None
    rdf_type, typed = f"<{RDF.type}>".encode("utf-8"), f"<{cls}> .".encode("utf-8")
    read = {f"<{p}>".encode("utf-8") for p in reads}
    for line in lines:  # canonical N-Triples: subject, property and object apart by one space
        s, p, o = (line.split(b" ", 2) + [b"", b""])[:3]
        if (p == rdf_type and o.rstrip() == typed) or (p in read and (s in subjects or s.startswith(b"_:"))):
            return None
    return state["value"]


def _state_entry(part: str, queries: dict[str, str | None], code: str) -> str:
    """The name of the entry where a build records *part* of :data:`BY_SUBJECT` and the files' keys."""
    key = json.dumps([PARTS_VERSION, code, part, ox.__version__, *(queries[k] or "" for k in PARTS[part])])
    return f"summary-{part}-state-{hashlib.sha256(key.encode('utf-8')).hexdigest()}.json"


def _validation_summary(report: dict, shapes: int) -> dict:
    return {
        "conforms": bool(report.get("conforms")),
        "problems": len(report.get("problems", [])),
        "checks": dict(sorted(report.get("counts", {}).items())),
        "shapes": shapes,
        "shacl_engine": report.get("shacl_engine", ""),
        "rules": list(report.get("rules", [])),
    }


def _summary_queries(edge_props: list[str]) -> dict[str, str | None]:
    """The SPARQL of each count (``edges`` is None when no property is an edge)."""
    rdf, rdfs, cppcc, oa = str(RDF), str(RDFS), str(CPPCC), str(OA)
    dct = "http://purl.org/dc/terms/"
    entity = f"?c <{rdfs}subClassOf>* <{cppcc}Entity> ."
    return {
        "per_class": f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {entity} ?s a ?c }} GROUP BY ?c",
        "per_top_class": f"""SELECT ?top (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {entity} ?s a ?c .
            ?c <{rdfs}subClassOf>* ?top . ?top <{cppcc}topClass> true }} GROUP BY ?top""",
        "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {entity} ?s a ?c }}",
        # the relations between entities: the edges and the entities, matched here (one SPARQL
        # join of both took seconds at a million triples)
        "entity_nodes": f"SELECT DISTINCT ?s WHERE {{ {entity} ?s a ?c }}",
        "edges": f"""SELECT DISTINCT ?p ?s ?o WHERE {{ VALUES ?p {{ {' '.join(f'<{x}>' for x in edge_props)} }}
            ?s ?p ?o FILTER (!isLiteral(?o)) }}""" if edge_props else None,
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


def _number(rows: list[tuple]) -> int:
    return int(rows[0][0]) if rows and rows[0][0] != "" else 0


def _classes(got: dict[str, list[tuple]], edge_props: list[str]) -> dict:
    per_class: Counter = Counter()
    for c, n in got["per_class"]:
        per_class[local_name(c)] += int(n)
    per_top: Counter = Counter()
    for c, n in got["per_top_class"]:
        per_top[local_name(c)] += int(n)
    return {"entities": _number(got["entities"]), "entities_per_class": dict(sorted(per_class.items())),
            "entities_per_top_class": dict(sorted(per_top.items()))}


def _relations(got: dict[str, list[tuple]], edge_props: list[str]) -> dict:
    per_relation = {local_name(p): 0 for p in edge_props}
    entities = {s for (s,) in got["entity_nodes"]}
    for p, s, o in got.get("edges", []):
        if s in entities and o in entities:
            per_relation[local_name(p)] += 1
    return {"relations": sum(per_relation.values()), "relations_per_property": dict(sorted(per_relation.items()))}


def _observations(got: dict[str, list[tuple]], edge_props: list[str]) -> dict:
    qualifiers = Counter(local_name(q) if q else "None" for _o, q in got["observations"])
    return {"observations": len(got["observations"]), "observations_per_qualifier": dict(sorted(qualifiers.items()))}


def _firsts(got: dict[str, list[tuple]], edge_props: list[str]) -> dict:
    first_claims = [{"iri": f, "label_zh": "" if zh == "\uffff" else zh, "label_en": "" if en == "\uffff" else en,
                     "kind": kind} for f, zh, en, kind in sorted(got["firsts"])]
    return {"firsts": len(first_claims), "first_claims": first_claims}


def _sources(got: dict[str, list[tuple]], edge_props: list[str]) -> dict:
    return {"sources": [{"iri": src, "title_zh": zh_title if zh_title != "\uffff" else title, "path": path,
                         "characters": int(chars or 0), "sha256": sha}
                        for src, title, zh_title, path, chars, sha in sorted(got["sources"])]}


def _evidence(got: dict[str, list[tuple]], edge_props: list[str]) -> dict:
    return {"relation_statements": _number(got["statements"]), "evidence": _number(got["evidence"]),
            "things_with_evidence": _number(got["with_evidence"]), "_shapes": _number(got["shapes"])}


#: the function that makes each part of the summary from the solutions of its queries
_PART_OF = {"classes": _classes, "relations": _relations, "observations": _observations, "firsts": _firsts,
            "sources": _sources, "evidence": _evidence}


def summary_text(summary: dict) -> str:
    """A plain-text rendering of :func:`summarize` for people."""
    lines = ["cppcc-kg build summary", "======================", ""]
    lines.append(f"triples: {summary['triples']}    files: {len(summary['files'])}")
    for s in summary["sources"]:
        lines.append(f"source: {s['path']} ({s['characters']} characters) {s['title_zh']}")
    lines += ["", f"entities: {summary['entities']}"]
    per_top = summary.get("entities_per_top_class", {})
    width = max([len(k) for k in summary["entities_per_class"]] + [len(k) for k in per_top] + [10])
    pad = "    " if per_top else "  "
    if per_top:
        lines += ["  by top class:"] + [f"{pad}{k:<{width}} {v:>6}" for k, v in per_top.items()] + ["  by fine type:"]
    lines += [f"{pad}{k:<{width}} {v:>6}" for k, v in summary["entities_per_class"].items()]
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
        known = DIGESTS.get(str(path.resolve()))
        if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
            out[name] = {"bytes": known[0], "sha256": known[2]}
            continue
        out[name] = {"bytes": st.st_size, "sha256": sha256_of_file(path)}
    return out


def write_summary(project, out_dir: Path, *, report: dict | None = None, stages: dict | None = None,
                  schema: Schema | None = None, code: str = "") -> dict:
    """Write ``summary.json`` and ``summary.txt`` into *out_dir*; return the summary.

    The summary lists the other files of *out_dir* with their size and sha256,
    so write it last. *code*: see :func:`summarize`.
    """
    out_dir = Path(out_dir)
    summary = summarize(project, report=report, schema=schema, code=code)
    if stages is not None:
        summary["stages"] = dict(stages)
    # the files of subfolders too (notebooks/NAME.html); not the hidden ones (the build's marker)
    names = [p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()]
    summary["outputs"] = file_digests(out_dir, [n for n in names if n not in SUMMARY_FILES
                                                and not any(part.startswith(".") for part in n.split("/"))])
    write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    write_atomic(out_dir / "summary.txt", summary_text(summary))
    return summary
