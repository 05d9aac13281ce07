"""How fast a clean build could be on this machine: the floor under issue 15's clean-build target.

For the synthetic corpus of ``cppcc-kg synth --scale N`` (written once into ``--work``, as
``bench/bench_incremental.py`` does), each run (``--runs``, medians reported) measures in child processes,
with their CPU seconds (user and system, worker processes included) and peak memory:

* ``clean``: a clean build (``--no-cache``), as ``bench_incremental`` measures it;
* ``validation alone``: the project loaded (no cache), its store and pinyin there, then only
  :func:`cppcc_kg.validate.validate` (every rule): the wall and CPU of the validation when nothing runs beside it;
* ``no validation``: a clean build whose validation is replaced by the report that ``validation alone``
  recorded (it only waits for the store): the load and the output stages with nothing beside them, a lower
  bound of the build as long as the stages stay what they are;
* ``first build with the cache``: ``cppcc-kg build`` with the cache on and empty (a fresh clone's first build): the
  clean build's work and the making of the cache's entries that the next build reads (the corpus's ``.cache/`` is
  removed before it and after it);
* ``compact evidence (idealized)``: a clean build of a copy of the corpus whose every evidence annotation is
  rewritten into one node (``oa:hasSource``, ``oa:start``, ``oa:end`` and ``oa:exact`` on the annotation, its
  target and selectors dropped: 13 triples a quote become 7), with the copy's shapes and rules and the build's
  queries of evidence told so (:data:`EDITS`, :func:`compact_queries`): the same checks and the same entity files,
  page and measures (tested), on fewer triples. It is a lower bound of the compact form that issue 15 allows:
  nothing expands the graph files back to the full W3C form, which the real restructuring would have to do.

On 2 cores no build ends before half its CPU seconds: the ``floor`` column. It is the figure to compare with
the target; the wall times also depend on how well the threads share the GIL.

    python bench/bench_clean_floor.py                       # scale 1000, 3 runs
    python bench/bench_clean_floor.py --runs 1 --work /tmp/cppcc-kg-incremental --json /tmp/floor.json
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_incremental import CHILD, CPU, _fmt, child, corpus  # noqa: E402  (one way to run and time a child)

#: the child that measures the validation alone, and records its report (what pickles of it) for ``no validation``
ALONE = """
import gc, json, os, pickle, sys, time
from cppcc_kg.cli.build import import_pipeline
import_pipeline(clean=True)  # (the same settings as a build: igraph without drawing, OpenBLAS on one thread)
from cppcc_kg.project.load import load
from cppcc_kg.validate import validate
root, recorded = sys.argv[1], sys.argv[2]
gc.disable()  # as the build does
t0 = time.perf_counter()
project = load(root, cache=False, write_cache=False)
project.finish_pinyin()
project.store  # loaded: what the validation reads is there
t1, c1 = time.perf_counter(), os.times()
report = validate(project, shacl_engine="auto", graph_rules=True)
t2, c2 = time.perf_counter(), os.times()
if not report["conforms"]:
    raise SystemExit(f"the corpus is not valid: {report['problems'][:3]}")
kept = {}
for key, value in report.items():
    try:
        pickle.dumps(value)
    except Exception:  # (a store, a view: not read by the summary)
        continue
    kept[key] = value
with open(recorded, "wb") as f:
    pickle.dump(kept, f)
print(json.dumps({"seconds": {"load": t1 - t0, **report["seconds"], "validate": t2 - t1},
                  "validate_cpu": (c2.user + c2.system) - (c1.user + c1.system)}))
"""

#: where a child made from the bench's child (:func:`_patched`) changes the build, once the pipeline is imported
_ANCHOR = "imported = time.perf_counter() - t0\n"


def _patched(patch: str) -> str:
    """The bench's child (``bench_incremental.CHILD``) with *patch* run after its imports, before it builds."""
    code = CHILD.replace(_ANCHOR, _ANCHOR + patch, 1)
    if code == CHILD:
        raise SystemExit("bench_incremental.CHILD changed: update bench_clean_floor._ANCHOR")
    return code


#: the child of a clean build whose validation is the recorded report (it waits for the store, as a reader does;
#: its check seconds are not this build's, so none are given)
NO_VALIDATION = _patched("""import pickle
import cppcc_kg.build.pipeline as pipeline
import cppcc_kg.build.validation as background
pipeline.may_fork = lambda project, engine: False  # (the recorded report in the thread: no process to fork)
with open(sys.argv[4], "rb") as f:
    report = pickle.load(f)
def recorded_report(project, **options):
    project.store
    return {**report, "seconds": {}, "store_read": {"at": time.perf_counter(), "waited": 0.0}}  # (this clock)
background.validate = recorded_report
background.validate_graph_rules = lambda project, report: None
""")

#: one evidence annotation as ``cppcc-kg synth`` writes it (its four nodes, in this order)
ANNOTATION = re.compile(
    r'(<[^>]+>) a oa:Annotation ;\n    oa:motivatedBy oa:describing ;\n    oa:hasBody ([^\n]+) ;\n'
    r'    oa:hasTarget <[^>]+> \.\n'
    r'<[^>]+> a oa:SpecificResource ;\n    oa:hasSource (<[^>]+>) ;\n    oa:hasSelector <[^>]+>, <[^>]+> \.\n'
    r'<[^>]+> a oa:TextPositionSelector ;\n    oa:start ("\d+"\^\^xsd:nonNegativeInteger) ;\n'
    r'    oa:end ("\d+"\^\^xsd:nonNegativeInteger) \.\n'
    r'<[^>]+> a oa:TextQuoteSelector ;\n    oa:exact ("(?:[^"\\]|\\.)*") \.\n')
#: what the copy's ontology and rules change, each (file, old, new): each *old* must be there once (else the corpus's
#: layout changed). The shapes of the target and of the selectors check the annotation itself; the annotation's
#: shape no longer asks for a target, nor the target's for selectors; the two rules that read the evidence's path
#: read the annotation.
EDITS = (
    ("ontology.ttl",
     '    sh:property [ sh:path oa:hasTarget ; sh:minCount 1 ; sh:maxCount 1 ; sh:class oa:SpecificResource ;\n'
     '        sh:message "An annotation needs exactly one oa:hasTarget, an oa:SpecificResource." ] ;\n', ""),
    ("ontology.ttl", "    sh:targetClass oa:SpecificResource ;\n", "    sh:targetClass oa:Annotation ;\n"),
    ("ontology.ttl",
     'a cppcc:Source." ] ;\n'
     '    sh:property [ sh:path oa:hasSelector ;\n'
     '        sh:qualifiedValueShape [ sh:class oa:TextPositionSelector ] ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ;\n'
     '        sh:message "An evidence target needs exactly one oa:TextPositionSelector." ] ;\n'
     '    sh:property [ sh:path oa:hasSelector ;\n'
     '        sh:qualifiedValueShape [ sh:class oa:TextQuoteSelector ] ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ;\n'
     '        sh:message "An evidence target needs exactly one oa:TextQuoteSelector." ] .\n',
     'a cppcc:Source." ] .\n'),
    ("ontology.ttl", "    sh:targetClass oa:TextPositionSelector ;\n", "    sh:targetClass oa:Annotation ;\n"),
    ("ontology.ttl", "    sh:targetClass oa:TextQuoteSelector ;\n", "    sh:targetClass oa:Annotation ;\n"),
    ("rules/first-without-its-word.rq", "oa:hasTarget/oa:hasSelector/oa:exact ?exact", "oa:exact ?exact"),
    ("rules/evidence-iri.rq",
     "  ?focus a oa:Annotation ; oa:hasTarget ?target .\n"
     "  ?target oa:hasSource ?source ; oa:hasSelector ?position .\n"
     "  ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .\n",
     "  ?focus a oa:Annotation ; oa:hasSource ?source ; oa:start ?start ; oa:end ?end .\n"),
)


def compact_queries() -> dict[tuple[str, str], object]:
    """(module, name) -> what the build's queries of evidence become on the one-node form: the quote check's, the
    label check's sources and the entity graph's evidence, with the same variables (the annotation is its own
    target and selectors). The compact child sets them before it builds; the test sets them with monkeypatch."""
    from cppcc_kg.rdf.namespaces import OA
    from cppcc_kg.validate import evidence, labels
    oa = str(OA)
    path, one = f"<{oa}hasTarget> ?t . ?t <{oa}hasSource> ?src", f"<{oa}hasSource> ?src"
    if path not in labels.QUOTED_SOURCES or path not in labels.ENTITY_LABELS_AND_SOURCES:
        raise SystemExit("the label check's queries changed: update bench_clean_floor.compact_queries")

    def evidence_query() -> str:
        return f"""SELECT DISTINCT ?b ?a ?t ?src ?st ?en ?x WHERE {{ ?a <{oa}hasBody> ?b . BIND (?a AS ?t)
            OPTIONAL {{ ?a <{oa}hasSource> ?src FILTER (!isBlank(?src)) }}
            OPTIONAL {{ ?a <{oa}start> ?st }} OPTIONAL {{ ?a <{oa}end> ?en }}
            OPTIONAL {{ ?a <{oa}exact> ?x FILTER isLiteral(?x) }} }}"""

    quotes = (f"SELECT ?t ?src ?pos ?start ?end ?quote ?exact (BOUND(?exact) AS ?has) WHERE {{ ?t <{oa}hasSource> ?src ."
              f" BIND (?t AS ?pos) BIND (?t AS ?quote) OPTIONAL {{ ?t <{oa}start> ?start }}"
              f" OPTIONAL {{ ?t <{oa}end> ?end }} OPTIONAL {{ ?t <{oa}exact> ?exact }} }}")
    if "SELECT ?t ?src ?pos ?start ?end ?quote ?exact" not in evidence.EVIDENCE_QUERY:
        raise SystemExit("the quote check's query changed: update bench_clean_floor.compact_queries")
    return {("cppcc_kg.validate.labels", "QUOTED_SOURCES"): labels.QUOTED_SOURCES.replace(path, one),
            ("cppcc_kg.validate.labels", "ENTITY_LABELS_AND_SOURCES"): labels.ENTITY_LABELS_AND_SOURCES.replace(path, one),
            ("cppcc_kg.validate.evidence", "EVIDENCE_QUERY"): quotes,
            ("cppcc_kg.network.entity_graph", "evidence_query"): evidence_query}


#: the child of the compact copy's build: the bench's child, with the queries of :func:`compact_queries`
COMPACT = _patched("""import importlib
from bench.bench_clean_floor import compact_queries
for (module, name), value in compact_queries().items():
    setattr(importlib.import_module(module), name, value)
""")


def compact_one(m: re.Match) -> str:
    return (f"{m[1]} a oa:Annotation ;\n    oa:motivatedBy oa:describing ;\n    oa:hasBody {m[2]} ;\n"
            f"    oa:hasSource {m[3]} ;\n    oa:start {m[4]} ;\n    oa:end {m[5]} ;\n    oa:exact {m[6]} .\n")


def compact_copy(root: Path, work: Path) -> Path:
    """A copy of the synthetic project *root* with its evidence in the one-node form (see the module docstring)."""
    copy = work / f"{root.name}-compact"
    stamp = _stamp(root)
    if (copy / STAMP).is_file() and (copy / STAMP).read_text(encoding="utf-8") == stamp:
        return copy
    shutil.rmtree(copy, ignore_errors=True)  # (of another corpus, or made by another version of this script)
    tmp = work / f"{root.name}-compact.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(root, tmp, ignore=shutil.ignore_patterns("build", ".cache"))
    annotations = 0
    for path in sorted((tmp / "graph").rglob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        text, n = ANNOTATION.subn(compact_one, text)
        if "oa:SpecificResource" in text:
            raise SystemExit(f"{path}: an annotation not in the layout of cppcc-kg synth; update ANNOTATION")
        if n:
            annotations += n
            path.write_text(text, encoding="utf-8")
    for rel, old, new in EDITS:
        text = (tmp / rel).read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(f"{tmp / rel}: {old.strip()[:60]!r} is not there once; update bench_clean_floor.EDITS")
        (tmp / rel).write_text(text.replace(old, new), encoding="utf-8")
    if not annotations:
        raise SystemExit(f"{root}: no evidence annotation found")
    (tmp / STAMP).write_text(stamp, encoding="utf-8")
    tmp.rename(copy)
    return copy


#: the file of a compact copy that names what it was made from (:func:`_stamp`)
STAMP = ".compact-of"


def _stamp(root: Path) -> str:
    """What a compact copy of *root* is made from: the corpus (the list of files that synth wrote, with their
    sha256) and the rewriting (:data:`ANNOTATION`, :func:`compact_one`, :data:`EDITS`)."""
    h = hashlib.sha256((root / ".cppcc-kg-synth.json").read_bytes())
    h.update(repr((ANNOTATION.pattern, inspect.getsource(compact_one), EDITS)).encode("utf-8"))
    return h.hexdigest()


def one_run(work: Path, root: Path, compact: Path) -> dict:
    recorded = work / "validation-report.pickle"
    out = work / "floor-out"

    def row(code: str, *args) -> dict:
        shutil.rmtree(out, ignore_errors=True)
        wall, peak, stdout = child([sys.executable, "-c", code, *map(str, args)])
        shutil.rmtree(out, ignore_errors=True)
        return {"wall": wall, "peak_mib": peak, "cpu": CPU[-1], **json.loads(stdout.splitlines()[-1])}

    rows = {"clean": row(CHILD, root, out, "0"), "validation alone": row(ALONE, root, recorded),
            "no validation": row(NO_VALIDATION, root, out, "0", recorded)}
    shutil.rmtree(root / ".cache", ignore_errors=True)  # (the first build's: empty before, removed after)
    rows["first build with the cache"] = row(CHILD, root, out, "1")
    shutil.rmtree(root / ".cache", ignore_errors=True)
    rows["compact evidence (idealized)"] = row(COMPACT, compact, out, "0")
    return rows


def summarize(runs: list[dict]) -> dict:
    out = {"runs": len(runs)}
    for kind in runs[0]:
        measured = [r[kind] for r in runs]
        keys = measured[0]["seconds"]
        out[kind] = {"wall": statistics.median(m["wall"] for m in measured),
                     "cpu": statistics.median(m["cpu"] for m in measured),
                     "peak_mib": max(m["peak_mib"] for m in measured),
                     "steps": {k: statistics.median(m["seconds"].get(k, 0.0) for m in measured) for k in keys}}
        if "validate_cpu" in measured[0]:
            out[kind]["validate_cpu"] = statistics.median(m["validate_cpu"] for m in measured)
        if "triples" in measured[0]:
            out[kind]["triples"] = measured[0]["triples"]
    return out


def markdown(result: dict, scale: int) -> str:
    lines = [f"### The floor of a clean build, scale {scale} (child processes; seconds, median of {result['runs']})\n\n",
             "| | wall | CPU (all processes) | floor on 2 cores (CPU / 2) | cores used (CPU / wall) | peak MiB | triples |\n",
             "|---|---:|---:|---:|---:|---:|---:|\n"]
    for kind, r in result.items():
        if kind == "runs":
            continue
        lines.append(f"| {kind} | {_fmt(r['wall'])} | {_fmt(r['cpu'])} | {_fmt(r['cpu'] / 2)} | "
                     f"{_fmt(r['cpu'] / r['wall'])} | {_fmt(r['peak_mib'])} | "
                     f"{_fmt(r['triples']) if 'triples' in r else '–'} |\n")
    alone = result["validation alone"]
    lines.append(f"\nThe validation alone, once the store is there: {_fmt(alone['steps']['validate'])} s of wall, "
                 f"{_fmt(alone['validate_cpu'])} CPU s.\n")
    for kind, r in result.items():
        if kind == "runs":
            continue
        steps = ", ".join(f"{k} {_fmt(v)}" for k, v in r["steps"].items())
        lines.append(f"\n- {kind}: {steps}\n")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-incremental")
    parser.add_argument("--json", type=Path, help="also write the result as JSON")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    root = corpus(args.work, args.scale)
    compact = compact_copy(root, args.work)
    runs = [one_run(args.work, root, compact) for _ in range(args.runs)]
    result = summarize(runs)
    print(json.dumps(result, indent=1), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(markdown(result, args.scale))


if __name__ == "__main__":
    main()
