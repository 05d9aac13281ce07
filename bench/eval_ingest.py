"""Precision and recall of ``cppcc-kg ingest``: mentions per class, and links.

Evaluations on text the dictionary has not seen:

1. **Annotated texts**: the development texts (``../shared/ingest-dev/``: four real excerpts with
   a hand annotation in ``gold.json``), and the synthetic texts written for the tests, each folder
   with its ``gold.json`` (``tests/fixtures/ingest/{unseen,sealed,final,fresh}``; see the README
   there for which of them were tuned on). The gold lists, for each text, the entities a careful reader marks
   (type, the exact Chinese substring; ``optional`` ones are borderline). A gold entity is
   *found* when ingest proposes a mention with that name, or a mention that it links or
   resolves to an entity with that name (市政协 read as 呼和浩特市政协), or to the entity of
   another mention with that name. A proposed name is *right* when it is a gold name
   (optional ones included) in that way. Names compare after
   the normalisation ingest uses (ASCII/full-width punctuation, spaces) and without the 《》
   or quotes around them. Precision counts the distinct names proposed per text; persons
   are not annotated in the gold and are reported apart. Types: organization (bodies,
   units), publication, place, program (programmes, collaborations, campaigns), concept,
   mechanism, document, event, honour; a gold without publications or concepts (the
   development texts) counts them as organizations and programmes. Totals are given with and
   without the policy concepts (``all but Concept``).

2. **The first source held out section by section**: for each folder ``graph/SECTION/``,
   ingest runs on the paragraphs of that section (found from where the section's evidence
   lies) with the graph built from every other file (``core.ttl`` and the other sections),
   and is compared with the curated annotations on those paragraphs. A curated mention is
   an annotation whose quote is a name of the entity it annotates; it is *found* when
   ingest proposes a mention with the same span (《》 and quotes aside). A proposed mention
   is *right* when its span is a curated mention, or its text is a name of an entity of the
   full curated graph. Links: a found mention of an entity that the reduced graph knows is
   *linked right* when ingest links it to that entity; one of an entity only the held-out
   section defines (*unseen*) is right when ingest proposes a new entity for it.

Run from the repository root::

    .venv/bin/python bench/eval_ingest.py            # every evaluation
    .venv/bin/python bench/eval_ingest.py -v --only fresh   # one of them, with misses and false positives
    .venv/bin/python bench/eval_ingest.py --json /tmp/eval_ingest.json
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cppcc_kg.ingest.classes import LocalSchema as Schema  # noqa: E402
from cppcc_kg.ingest.forms import strip_name  # noqa: E402
from cppcc_kg.ingest.known import known_entities  # noqa: E402
from cppcc_kg.ingest.pipeline import Ingester, source_id_for  # noqa: E402
from cppcc_kg.ingest.text import normalize, read_text_file  # noqa: E402
from cppcc_kg.project.files import project_files, read_files  # noqa: E402
from cppcc_kg.rdf.namespaces import OA  # noqa: E402

DEV = ROOT.parent / "shared" / "ingest-dev"
UNSEEN = ROOT / "tests" / "fixtures" / "ingest" / "unseen"
SEALED = ROOT / "tests" / "fixtures" / "ingest" / "sealed"
FINAL = ROOT / "tests" / "fixtures" / "ingest" / "final"
FRESH = ROOT / "tests" / "fixtures" / "ingest" / "fresh"
#: the types a gold annotation may use; a gold file that does not use one counts it under the other
FINE_TYPES = ("organization", "publication", "place", "program", "concept", "mechanism", "document", "event",
              "honour")
_COARSE = {"publication": "organization", "concept": "program"}


def key(s: str) -> str:
    """A name as compared: normalised, without spaces, without 《》 or quotes around it."""
    n = normalize(s).norm
    n = re.sub(r"\s+", "", n)
    n = strip_name(n)
    return n.strip("“”《》")


def gold_type(schema: Schema, cls: str, types: set[str] | None = None) -> str:
    """The gold type of a class of the ontology; *types*: the types the gold file uses (publications count
    as organizations and concepts as programmes in a gold that does not mark them apart)."""
    t = "other"
    for top, name in (("Organization", "organization"), ("OrganizationalUnit", "organization"),
                      ("Publication", "publication"), ("Place", "place"), ("Program", "program"),
                      ("Concept", "concept"), ("Mechanism", "mechanism"), ("Document", "document"),
                      ("Event", "event"), ("Person", "person"), ("Honour", "honour")):
        if schema.is_a(cls, top):
            t = name
            break
    if types is not None and t not in types and t in _COARSE:
        t = _COARSE[t]
    return t


def top_class(schema: Schema, cls: str) -> str:
    """The class of the ontology that a class is reported under (units count as organizations)."""
    if schema.is_a(cls, "OrganizationalUnit"):
        return "Organization"
    return schema.top(cls)


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r}


def fmt(d: dict) -> str:
    p, r = d["precision"], d["recall"]
    ps = "  n/a" if p != p else f"{p:5.1%}"
    rs = "  n/a" if r != r else f"{r:5.1%}"
    return f"P {ps}  R {rs}  (tp {d['tp']}, fp {d['fp']}, fn {d['fn']})"


# ---------------------------------------------------------------- 1. annotated texts (development, unseen)

def eval_gold(ingester: Ingester, folder: Path, verbose: bool = False) -> dict:
    """Precision and recall of distinct names per text against ``folder/gold.json``.

    Returns per-type figures (``per_type``), the totals (``all``) and the totals without the
    policy concepts (``all_without_concept``: gold names of type concept and proposed names of
    class Concept left out), and per document the names wrongly proposed and the names missed.
    """
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    schema = ingester.schema
    types = {e["type"] for doc in gold["documents"] for e in doc["entities"]}
    per_type = defaultdict(lambda: Counter())
    docs = {}
    type_ok = Counter()
    no_concept = Counter()
    for doc in gold["documents"]:
        text = read_text_file(folder / doc["file"]).text
        r = ingester.run(text, source_id=source_id_for(Path(doc["file"])))
        labels = r["labels"]
        gold_names = {}
        for e in doc["entities"]:
            gold_names[key(e["zh"])] = (e["type"], bool(e.get("optional")))
        # proposed names: each distinct (name) with the names it may stand for: its own, its entity's label
        # and names, and the names of the other mentions of the same entity (市政协 and 政协株洲市委员会)
        same_entity = defaultdict(set)
        for m in r["mentions"]:
            if m["status"] in ("linked", "new") and m["entity"]:
                same_entity[m["entity"]] |= {key(m["exact"]), key(m["name"])}
        proposed: dict[str, dict] = {}
        for m in r["mentions"]:
            if m["status"] not in ("linked", "new"):
                continue
            k = key(m["exact"])
            alts = {k, key(m["name"])} | same_entity.get(m["entity"], set())
            if m["entity"]:
                alts.add(key(labels.get(m["entity"], "")))
                for n in ingester.known.get(m["entity"]).names if m["entity"] in ingester.known else []:
                    alts.add(key(n))
            p = proposed.setdefault(k, {"type": gold_type(schema, m["class"], types), "alts": set(),
                                        "exact": m["exact"], "concept": schema.is_a(m["class"], "Concept")})
            p["alts"] |= alts
        found = set()
        fps, tps = [], []
        for k, p in sorted(proposed.items()):
            hit = [g for g in p["alts"] if g in gold_names]
            if p["type"] in ("person",):
                per_type["person(not annotated)"]["proposed"] += 1
                continue
            if hit:
                found.update(hit)
                g = hit[0] if k not in gold_names else k
                gt, opt = gold_names[g]
                if not opt:
                    tps.append(k)
                    per_type[p["type"]]["tp_p"] += 1
                    no_concept["tp_p"] += not p["concept"]
                    type_ok["same type" if gt == p["type"] else "other type"] += 1
            else:
                fps.append(k)
                per_type[p["type"]]["fp"] += 1
                no_concept["fp"] += not p["concept"]
        fns = []
        for g, (gt, opt) in gold_names.items():
            if opt:
                continue
            per_type[gt]["gold"] += 1
            no_concept["gold"] += gt != "concept"
            if g in found:
                per_type[gt]["tp_r"] += 1
                no_concept["tp_r"] += gt != "concept"
            else:
                fns.append(g)
        docs[doc["file"]] = {"tp": len(tps), "fp": len(fps), "fn": len(fns), "false_positives": fps,
                             "missed": fns}
        if verbose:
            print(f"  {doc['file']}: {len(tps)} right, {len(fps)} wrong {fps}, missed {fns}")
    out = {"per_type": {}, "docs": docs, "type_agreement": dict(type_ok)}
    tot = Counter()
    for t in sorted(per_type):
        c = per_type[t]
        if t.startswith("person"):
            out["per_type"][t] = {"proposed": c["proposed"]}
            continue
        p = c["tp_p"] / (c["tp_p"] + c["fp"]) if c["tp_p"] + c["fp"] else float("nan")
        rr = c["tp_r"] / c["gold"] if c["gold"] else float("nan")
        out["per_type"][t] = {"precision": p, "recall": rr, "gold": c["gold"], "found": c["tp_r"],
                              "proposed_right": c["tp_p"], "proposed_wrong": c["fp"]}
        for k2 in ("tp_p", "fp", "tp_r", "gold"):
            tot[k2] += c[k2]

    def summary(c: Counter) -> dict:
        return {"precision": c["tp_p"] / max(1, c["tp_p"] + c["fp"]), "recall": c["tp_r"] / max(1, c["gold"]),
                "gold": c["gold"], "found": c["tp_r"], "proposed_right": c["tp_p"], "proposed_wrong": c["fp"]}
    out["all"] = summary(tot)
    out["all_without_concept"] = summary(no_concept)
    return out


def eval_dev(ingester: Ingester, dev: Path = DEV, verbose: bool = False) -> dict:
    """:func:`eval_gold` on the development texts."""
    return eval_gold(ingester, dev, verbose=verbose)


# ---------------------------------------------------------------- 2. held-out sections

def _annotations(graph: Graph) -> list[tuple[int, int, str, list[str]]]:
    out = []
    for ann in graph.subjects(RDF.type, OA.Annotation):
        target = graph.value(ann, OA.hasTarget)
        if target is None:
            continue
        start = end = exact = None
        for sel in graph.objects(target, OA.hasSelector):
            if graph.value(sel, OA.start) is not None:
                start, end = int(graph.value(sel, OA.start)), int(graph.value(sel, OA.end))
            if graph.value(sel, OA.exact) is not None:
                exact = str(graph.value(sel, OA.exact))
        if start is None:
            continue
        bodies = sorted(str(b) for b in graph.objects(ann, OA.hasBody))
        out.append((start, end, exact or "", bodies))
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def section_ranges(root: Path, text: str, files: dict, sections: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Paragraphs of the text by section: each paragraph goes to the section whose evidence it holds most;
    paragraphs without evidence (headings, captions) go with the next paragraph."""
    paras = _paragraphs(text)
    votes = [Counter() for _ in paras]
    for sec in sections:
        g = Graph()
        for rel, triples in files.items():
            if rel.startswith(f"graph/{sec}/"):
                for t in triples:
                    g.add(t)
        for (s, e, _x, _b) in _annotations(g):
            for k, (a, b) in enumerate(paras):
                if a <= s < b:
                    votes[k][sec] += 1
    owner = [v.most_common(1)[0][0] if v else None for v in votes]
    for k in range(len(owner) - 1, -1, -1):
        if owner[k] is None:
            owner[k] = owner[k + 1] if k + 1 < len(owner) else None
    for k in range(len(owner)):
        if owner[k] is None and k > 0:
            owner[k] = owner[k - 1]
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (a, b), sec in zip(paras, owner):
        if sec is None:
            continue
        if ranges[sec] and ranges[sec][-1][1] == a:
            ranges[sec][-1] = (ranges[sec][-1][0], b)
        elif ranges[sec] and text[ranges[sec][-1][1]:a].strip() == "":
            ranges[sec][-1] = (ranges[sec][-1][0], b)
        else:
            ranges[sec].append((a, b))
    return dict(ranges)


def eval_heldout(root: Path = ROOT, verbose: bool = False) -> dict:
    rels = project_files(root)
    files = read_files(root, rels)
    full = Graph()
    for triples in files.values():
        for t in triples:
            full.add(t)
    schema = Schema.from_graph(full)
    known_full = known_entities(full, schema)
    names_full = set()
    for e in known_full.values():
        for n in e.names:
            names_full.add(key(n))
    sections = sorted({rel.split("/")[1] for rel in rels if rel.startswith("graph/") and rel.count("/") >= 2})
    src_iri = None
    for s in full.subjects(RDF.type, URIRef("https://w3id.org/cppcc-kg/ontology#Source")):
        src_iri = s
    path = root / str(full.value(src_iri, URIRef("https://w3id.org/cppcc-kg/ontology#localPath")))
    text = path.read_text(encoding="utf-8")
    ranges = section_ranges(root, text, files, sections)
    # curated mentions: annotations whose quote is a name of an entity they annotate
    gold = []
    for (s, e, exact, bodies) in _annotations(full):
        for b in bodies:
            ke = known_full.get(b)
            if ke is None:
                continue
            if key(exact) in {key(n) for n in ke.names}:
                gold.append((s, e, b, ke.cls))
    layout = set()
    for (s, e, exact, bodies) in _annotations(full):
        if any("source/" in b and b.rsplit("-", 1)[-1] in ("1", "2", "3") and "caption" in b for b in bodies):
            layout.add((s, e))
    results = {"sections": {}, "ranges": {k: v for k, v in ranges.items()}}
    tot = defaultdict(Counter)
    link = Counter()
    for sec in sections:
        if sec not in ranges:
            continue
        train = Graph()
        for rel, triples in files.items():
            if rel.startswith(f"graph/{sec}/"):
                continue
            for t in triples:
                train.add(t)
        ing = Ingester(train)
        predicted = []
        for (a, b) in ranges[sec]:
            r = ing.run(text[a:b], source_id=f"heldout-{sec}")
            for m in r["mentions"]:
                if m["status"] in ("linked", "new"):
                    predicted.append({**m, "start": m["start"] + a, "end": m["end"] + a})
        inside = lambda s, e: any(a <= s and e <= b for a, b in ranges[sec])  # noqa: E731
        g_sec = [(s, e, b, c) for (s, e, b, c) in gold if inside(s, e) and not any(ls <= s and e <= le for ls, le in layout)]
        gspans = {}
        for (s, e, b, c) in g_sec:
            gspans.setdefault((s, e), (b, c))
        pspans = {}
        for m in predicted:
            pspans.setdefault((m["start"], m["end"]), m)
        # spans compared without 《》 and quotes around them
        def core(s, e):
            t = text[s:e]
            ls = len(t) - len(t.lstrip("《“"))
            rs = len(t) - len(t.rstrip("》”"))
            return (s + ls, e - rs)
        gcore = {core(s, e): v for (s, e), v in gspans.items()}
        pcore = {core(s, e): m for (s, e), m in pspans.items()}
        sec_c = defaultdict(Counter)
        missed, wrong = [], []
        for sp, (b, c) in sorted(gcore.items()):
            t = top_class(schema, c)
            unseen = b not in ing.known
            sec_c[t]["gold"] += 1
            sec_c["all"]["gold"] += 1
            if unseen:
                sec_c[t]["gold_unseen"] += 1
                sec_c["all"]["gold_unseen"] += 1
            m = pcore.get(sp)
            if m is None:
                missed.append(text[sp[0]:sp[1]])
                continue
            sec_c[t]["found"] += 1
            sec_c["all"]["found"] += 1
            if unseen:
                sec_c[t]["found_unseen"] += 1
                sec_c["all"]["found_unseen"] += 1
                link["unseen"] += 1
                link["unseen_new"] += m["status"] == "new"
            else:
                link["seen"] += 1
                if m["status"] == "linked":
                    link["linked"] += 1
                    link["linked_right"] += m["entity"] == b
        for sp, m in sorted(pcore.items()):
            t = top_class(schema, m["class"])
            if sp in gcore or key(text[sp[0]:sp[1]]) in names_full:
                sec_c[t]["right"] += 1
                sec_c["all"]["right"] += 1
            else:
                sec_c[t]["wrong"] += 1
                sec_c["all"]["wrong"] += 1
                wrong.append(text[sp[0]:sp[1]])
        for t, c in sec_c.items():
            tot[t].update(c)
        results["sections"][sec] = {t: dict(c) for t, c in sec_c.items()}
        results["sections"][sec]["missed"] = missed
        results["sections"][sec]["wrong"] = wrong
        if verbose:
            a = sec_c["all"]
            print(f"  {sec}: gold {a['gold']} (unseen {a['gold_unseen']}), found {a['found']}, "
                  f"proposed right {a['right']}, wrong {a['wrong']}")
            print(f"     missed: {missed}")
            print(f"     wrong:  {wrong}")
    results["total"] = {t: dict(c) for t, c in tot.items()}
    without = Counter()
    for t, c in tot.items():
        if t not in ("all", "Concept"):
            without.update(c)
    results["total_without_concept"] = dict(without)
    results["links"] = dict(link)
    return results


def _rate(a: int, b: int) -> str:
    return f"{a / b:6.1%}" if b else "   n/a"


def _print_gold(title: str, res: dict) -> None:
    print(title)
    print(f"  {'type':14s} {'precision':>9s} {'recall':>8s}   found/gold  right/proposed")
    for t, d in res["per_type"].items():
        if "precision" not in d:
            print(f"  {t:14s} {d['proposed']} proposed (not scored)")
            continue
        print(f"  {t:14s} {_rate(d['proposed_right'], d['proposed_right'] + d['proposed_wrong']):>9s} "
              f"{_rate(d['found'], d['gold']):>8s}   {d['found']:3d}/{d['gold']:<3d}     "
              f"{d['proposed_right']:3d}/{d['proposed_right'] + d['proposed_wrong']:<3d}")
    for label, a in (("all", res["all"]), ("all but Concept", res["all_without_concept"])):
        print(f"  {label:14s} {a['precision']:9.1%} {a['recall']:8.1%}   {a['found']:3d}/{a['gold']:<3d}     "
              f"{a['proposed_right']:3d}/{a['proposed_right'] + a['proposed_wrong']:<3d}")
    print(f"  type of the names found: {res['type_agreement']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    ap.add_argument("--only", choices=["dev", "unseen", "sealed", "final", "fresh", "heldout"], help="run one of the evaluations")
    args = ap.parse_args(argv)
    report = {}
    ing = None
    if args.only in (None, "dev", "unseen", "sealed", "final", "fresh"):
        from cppcc_kg.project.load import load
        ing = Ingester(load(ROOT).view)
    if args.only in (None, "dev"):
        if not (DEV / "gold.json").exists():
            print(f"development texts: {DEV} not found; skipped")
        else:
            if args.verbose:
                print("Development texts")
            report["dev"] = eval_gold(ing, DEV, verbose=args.verbose)
            _print_gold("Development texts (../shared/ingest-dev, gold.json): distinct names per text", report["dev"])
    if args.only in (None, "unseen"):
        if args.verbose:
            print("Unseen test texts")
        report["unseen"] = eval_gold(ing, UNSEEN, verbose=args.verbose)
        _print_gold("Unseen test texts (tests/fixtures/ingest/unseen, gold.json): distinct names per text",
                    report["unseen"])
    if args.only in (None, "sealed"):
        if args.verbose:
            print("Sealed test texts")
        report["sealed"] = eval_gold(ing, SEALED, verbose=args.verbose)
        _print_gold("Sealed test texts (tests/fixtures/ingest/sealed, gold.json): distinct names per text",
                    report["sealed"])
    if args.only in (None, "final"):
        if args.verbose:
            print("Final test texts")
        report["final"] = eval_gold(ing, FINAL, verbose=args.verbose)
        _print_gold("Final test texts (tests/fixtures/ingest/final, gold.json): distinct names per text",
                    report["final"])
    if args.only in (None, "fresh"):
        if args.verbose:
            print("Fresh test texts")
        report["fresh"] = eval_gold(ing, FRESH, verbose=args.verbose)
        _print_gold("Fresh test texts (tests/fixtures/ingest/fresh, gold.json; never tuned on): distinct names per text",
                    report["fresh"])
    if args.only in (None, "heldout"):
        print("First source held out section by section (graph built from the other sections)")
        ho = eval_heldout(verbose=args.verbose)
        report["heldout"] = ho
        print(f"  {'class':14s} {'precision':>9s} {'recall':>8s} {'recall(unseen)':>15s}   found/gold  right/proposed")
        rows = [(t, ho["total"][t]) for t in sorted(ho["total"], key=lambda t: (t == "all", t))]
        rows.append(("all but Concept", ho["total_without_concept"]))
        for t, c in rows:
            print(f"  {t:14s} {_rate(c.get('right', 0), c.get('right', 0) + c.get('wrong', 0)):>9s} "
                  f"{_rate(c.get('found', 0), c.get('gold', 0)):>8s} "
                  f"{_rate(c.get('found_unseen', 0), c.get('gold_unseen', 0)):>15s}   "
                  f"{c.get('found', 0):3d}/{c.get('gold', 0):<3d}     {c.get('right', 0):3d}/{c.get('right', 0) + c.get('wrong', 0):<3d}")
        lk = ho["links"]
        print(f"  links: mentions of known entities linked right {_rate(lk.get('linked_right', 0), lk.get('seen', 0))} "
              f"({lk.get('linked_right', 0)}/{lk.get('seen', 0)}); links made that are right "
              f"{_rate(lk.get('linked_right', 0), lk.get('linked', 0))} ({lk.get('linked_right', 0)}/{lk.get('linked', 0)}); "
              f"unseen entities proposed as new {_rate(lk.get('unseen_new', 0), lk.get('unseen', 0))} "
              f"({lk.get('unseen_new', 0)}/{lk.get('unseen', 0)})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
