"""Precision and recall of ``cppcc-kg ingest``: mentions per class, and links.

Evaluations on text the dictionary has not seen:

1. **Annotated texts**: the development texts (``../shared/ingest-dev/``: four real excerpts with
   a hand annotation in ``gold.json``), the real-text sets of issue 13 (``tests/fixtures/ingest/real/dev`` and
   ``real/dev2``, run every time; the spent sealed sets, run every time once their first run is recorded; a
   sealed set not yet run, only with ``--sealed``), and the synthetic texts written for the
   tests, each folder with its ``gold.json`` (``tests/fixtures/ingest/{unseen,sealed,final,fresh}``; see
   the READMEs there for which of them were tuned on). The gold lists, for each text, the entities a
   careful reader marks (type, the exact Chinese substring; ``optional`` ones are borderline, neither
   required nor penalised; ``same_as`` puts a shorter form with the fuller one: the forms of one entity
   are found once). A gold entity is *found* when ingest proposes a mention with one of its names, or a
   mention that it links or resolves to an entity with that name (市政协 read as 呼和浩特市政协), or to the
   entity of another mention with that name. A proposed name is *right* when it is a name of a required
   gold entity in that way; a name of an optional one is not counted. Names compare after the
   normalisation ingest uses (ASCII/full-width punctuation, spaces) and without the 《》 or quotes
   around them. Precision counts the distinct names proposed per text; recall the required entities. A name
   that ingest proposes only as a nested mention inside a longer gold name of the text (a committee inside
   its session's name) is not scored, since the gold does not list names nested in a longer listed one; the
   count of such names, and the precision counting them wrong, are printed with each set.
   Persons are reported apart and never in the totals (scored when the gold annotates them, else only
   counted). Types: organization (bodies, units), publication, place, program (programmes,
   collaborations, campaigns), concept, mechanism, document, event, honour, person; a gold without
   publications or concepts (the development texts) counts them as organizations and programmes.
   Totals are given with and without the policy concepts (``all but Concept``). Links: a gold entity
   may carry ``"link"`` (the IRI of the existing entity, or null for a new one); where none does, the
   report says that links are not annotated and only counts the links made (``-v`` lists them).

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

    .venv/bin/python bench/eval_ingest.py            # every evaluation (dev, dev2, the spent sealed sets, ...)
    .venv/bin/python bench/eval_ingest.py -v --only fresh   # one of them, with misses and false positives
    .venv/bin/python bench/eval_ingest.py --json /tmp/eval_ingest.json
    .venv/bin/python bench/eval_ingest.py --set PATH [-v]   # one folder of texts with its gold.json
    .venv/bin/python bench/eval_ingest.py --recognizers forms,graph   # some parts of the recognizer only (default: forms,graph,tagger)
    .venv/bin/python bench/eval_ingest.py --ablation [--gazetteer PATH]   # each part alone / removed, speeds
    .venv/bin/python bench/eval_ingest.py --sealed --set PATH   # a sealed set's one first run (recorded)

A sealed real set (a folder of ``tests/fixtures/ingest/real/`` that developers do not open) is run by
``--sealed --set PATH`` only: it prints a reminder that its first run is the one to report and appends the
figures, with the date and the git commit, to ``NAME-runs.md`` beside the set's folder ``NAME``
(``tests/fixtures/ingest/real/sealed2-runs.md``; one record per set, so that each set's first run is its own run 1).
Once a set's record holds its run 1 the set is **spent**: developers may read it and tune on it, and a plain
run (no flags) evaluates it with dev and dev2, labelled "spent sealed set (tuned on since run 1)" and printed
next to its recorded first run, which stays the figure reported for it. ``--sealed`` refuses (exit code 2) to run
a set whose record already holds run 1, unless ``--again`` is given: that run is appended as a "later run, not
the figure to report".
Scores are deterministic: nothing depends on the order of a set (PYTHONHASHSEED).
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
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
from cppcc_kg.rdf.namespaces import CPPCC, OA  # noqa: E402

DEV = ROOT.parent / "shared" / "ingest-dev"
UNSEEN = ROOT / "tests" / "fixtures" / "ingest" / "unseen"
SEALED = ROOT / "tests" / "fixtures" / "ingest" / "sealed"
FINAL = ROOT / "tests" / "fixtures" / "ingest" / "final"
FRESH = ROOT / "tests" / "fixtures" / "ingest" / "fresh"
REAL = ROOT / "tests" / "fixtures" / "ingest" / "real"
REAL_DEV = REAL / "dev"
REAL_SEALED = REAL / "sealed"
#: how the report labels a sealed set whose first run is recorded
SPENT_LABEL = "spent sealed set (tuned on since run 1)"
#: how the record labels a run after the first
LATER_RUN = "later run, not the figure to report"
#: the record of the runs of a sealed set, beside the set's folder
SEALED_RECORD = "sealed-runs.md"


def sealed_record(folder: Path) -> Path:
    """The record of a sealed set's runs: ``NAME-runs.md`` beside its folder ``NAME`` (``real/sealed-runs.md`` for
    ``real/sealed``), one per set, so that the first run of every set is its own run 1."""
    return folder.parent / f"{folder.name}-runs.md"


def spent_sets(real: Path = REAL) -> list[Path]:
    """The sealed sets of *real* that are spent: folders whose record (:func:`sealed_record`) holds their run 1
    (only the records are read: a set not yet run is never opened)."""
    if not real.is_dir():
        return []
    sets = (p.with_name(p.name.removesuffix("-runs.md")) for p in real.glob("*-runs.md") if previous_runs(p))
    return sorted(folder for folder in sets if folder.is_dir())


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

def gold_entities(entities: list[dict]) -> dict[str, dict]:
    """The gold names of one text by :func:`key`, each with its type, whether it is optional and its group.

    ``same_as`` puts a shorter form in the group of the fuller one (followed to the end of the chain); a
    group is an entity: found once when any of its forms is found, required when any of its forms is,
    of the type of its fullest form. Two entries with the same key are one name (required if either is).
    """
    names: dict[str, dict] = {}
    for e in entities:
        k = key(e["zh"])
        d = names.setdefault(k, {"type": e["type"], "optional": True, "same_as": None, "link": None})
        d["optional"] = d["optional"] and bool(e.get("optional"))
        if e.get("same_as") and d["same_as"] is None:
            d["same_as"] = key(e["same_as"])
        if "link" in e:
            d["link"] = e["link"] if e["link"] else "new"
    for k, d in names.items():
        root, seen = k, {k}
        while names[root]["same_as"] in names and names[root]["same_as"] not in seen:
            root = names[root]["same_as"]
            seen.add(root)
        d["group"] = root
    for d in names.values():
        d["group_type"] = names[d["group"]]["type"]
        d["group_optional"] = all(o["optional"] for o in names.values() if o["group"] == d["group"])
    return names


def _proposals(ingester: Ingester, r: dict, types: set[str]) -> dict[str, dict]:
    """The distinct names ingest proposes in one text, each with the names it may stand for: its own, its
    entity's label and names, and the names of the other mentions of the same entity (市政协 and
    政协株洲市委员会), with the entity it links to when it links."""
    schema, labels = ingester.schema, r["labels"]
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
                                    "exact": m["exact"], "concept": schema.is_a(m["class"], "Concept"),
                                    "linked": set()})
        p["alts"] |= alts
        if m["status"] == "linked":
            p["linked"].add(m["entity"])
    return proposed


def nested_in_gold(r: dict, text: str, entities: list[dict]) -> set[str]:
    """The names ingest proposes only as nested mentions inside a longer gold name of the text (政协X州第十届委员会
    inside the session 政协X州第十届委员会第三次会议): the gold does not list names nested in a longer listed
    name (the real sets' README, "Span"), so such a proposal is neither right nor wrong.

    >>> r = {"mentions": [{"status": "new", "exact": "政协A县委员会", "start": 0, "end": 7, "nested": True}]}
    >>> sorted(nested_in_gold(r, "政协A县委员会第三次会议", [{"zh": "政协A县委员会第三次会议"}]))
    ['政协A县委员会']
    >>> sorted(nested_in_gold(r, "政协A县委员会第三次会议", []))
    []
    """
    boxes = []
    for e in entities:
        zh, x = e["zh"], text.find(e["zh"])
        while zh and x >= 0:
            boxes.append((x, x + len(zh)))
            x = text.find(zh, x + 1)
    inside, outside = set(), set()
    for m in r["mentions"]:
        if m["status"] not in ("linked", "new"):
            continue
        k = key(m["exact"])
        boxed = m.get("nested") and any(a <= m["start"] and m["end"] <= b and b - a > m["end"] - m["start"]
                                        for a, b in boxes)
        (inside if boxed else outside).add(k)
    return inside - outside


def _best_hit(k: str, hits: list[str], gold: dict[str, dict]) -> str:
    """The gold name a proposal is scored against: its own name when it is a gold name, else a name of a
    required entity before one of an optional entity, then the first in sorted order (never set order,
    which depends on PYTHONHASHSEED)."""
    if k in gold:
        return k
    return min(hits, key=lambda g: (gold[g]["group_optional"], g))


def _score_doc(ingester: Ingester, proposed: dict, gold: dict, persons_scored: bool, c: dict,
               unscored: set[str] = frozenset()) -> dict:
    """Scores one text into the counters *c* (``per_type``, ``no_concept``, ``type_ok``, ``links``);
    returns the text's own figures and lists. *unscored*: names proposed only nested inside a longer gold
    name (:func:`nested_in_gold`), counted apart when they are no gold name themselves."""
    per_type, no_concept, type_ok, links = c["per_type"], c["no_concept"], c["type_ok"], c["links"]
    found, fps, tps, linked, nested = set(), [], [], [], []
    for k, p in sorted(proposed.items()):
        hits = sorted(g for g in p["alts"] if g in gold)
        if p["type"] == "person" and not persons_scored:
            per_type["person(not annotated)"]["proposed"] += 1
            continue
        if hits:
            found.update(hits)
            g = gold[_best_hit(k, hits, gold)]
            if not g["group_optional"]:
                tps.append(k)
                per_type[p["type"]]["tp_p"] += 1
                if p["type"] != "person":
                    no_concept["tp_p"] += not p["concept"]
                type_ok["same type" if g["group_type"] == p["type"] else "other type"] += 1
            if g["link"] is not None and (p["linked"] or g["link"] != "new"):
                links["judged"] += 1
                links["right"] += (sorted(p["linked"]) == [g["link"]]) if g["link"] != "new" else not p["linked"]
        elif k in unscored:
            nested.append(k)
            c["links"]["nested_unscored"] += 1 if p["type"] != "person" else 0
        else:
            fps.append(k)
            per_type[p["type"]]["fp"] += 1
            if p["type"] != "person":
                no_concept["fp"] += not p["concept"]
        for e in sorted(p["linked"]):
            links["linked"] += 1
            links["linked_to_gold_name"] += bool(hits)
            linked.append({"name": p["exact"], "entity": e, "gold": hits[0] if hits else None})
    fns, groups = [], sorted({d["group"] for d in gold.values()})
    for root in groups:
        members = sorted(g for g, d in gold.items() if d["group"] == root)
        gt, hit = gold[root]["type"], any(g in found for g in members)
        per_type[gt]["all_groups"] += 1
        per_type[gt]["all_found"] += hit
        if gold[root]["group_optional"]:
            continue
        per_type[gt]["gold"] += 1
        if gt != "person":
            no_concept["gold"] += gt != "concept"
        if hit:
            per_type[gt]["tp_r"] += 1
            if gt != "person":
                no_concept["tp_r"] += gt != "concept"
        else:
            fns.append(root)
    return {"tp": len(tps), "fp": len(fps), "fn": len(fns), "false_positives": fps, "missed": fns,
            "linked": linked, "nested_unscored": nested}


def _summary(c: Counter) -> dict:
    return {"precision": c["tp_p"] / max(1, c["tp_p"] + c["fp"]), "recall": c["tp_r"] / max(1, c["gold"]),
            "gold": c["gold"], "found": c["tp_r"], "proposed_right": c["tp_p"], "proposed_wrong": c["fp"],
            "recall_with_optional": c["all_found"] / max(1, c["all_groups"]),
            "entities_with_optional": c["all_groups"], "found_with_optional": c["all_found"]}


def eval_gold(ingester: Ingester, folder: Path, verbose: bool = False) -> dict:
    """Precision and recall of distinct names per text against ``folder/gold.json``.

    Returns per-type figures (``per_type``), the totals (``all``; persons are never in it) and the
    totals without the policy concepts (``all_without_concept``: gold names of type concept and
    proposed names of class Concept left out), persons apart (``persons``: scored when the gold
    annotates them, else only counted), links (``links``), and per document the names wrongly
    proposed, the entities missed and the links made. Recall counts required entities only (a
    ``same_as`` group once); ``recall_with_optional`` counts every entity of the gold.
    """
    gold_file = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    types = {e["type"] for doc in gold_file["documents"] for e in doc["entities"]}
    persons_scored = "person" in types
    has_links = any("link" in e for doc in gold_file["documents"] for e in doc["entities"])
    c = {"per_type": defaultdict(Counter), "no_concept": Counter(), "type_ok": Counter(), "links": Counter()}
    docs = {}
    for doc in gold_file["documents"]:
        text = read_text_file(folder / doc["file"]).text
        r = ingester.run(text, source_id=source_id_for(Path(doc["file"])))
        proposed = _proposals(ingester, r, types)
        d = docs[doc["file"]] = _score_doc(ingester, proposed, gold_entities(doc["entities"]), persons_scored, c,
                                           nested_in_gold(r, text, doc["entities"]))
        if verbose:
            print(f"  {doc['file']}: {d['tp']} right, {d['fp']} wrong {d['false_positives']}, missed {d['missed']}"
                  + (f", nested in a gold name (not scored) {d['nested_unscored']}" if d["nested_unscored"] else ""))
            if d["linked"]:
                print(f"     linked: {[(x['name'], x['entity']) for x in d['linked']]}")
    out = {"per_type": {}, "docs": docs, "type_agreement": dict(sorted(c["type_ok"].items())),
           "texts": len(docs)}
    tot = Counter()
    for t in sorted(c["per_type"]):
        ct = c["per_type"][t]
        if t == "person(not annotated)":
            out["per_type"][t] = {"proposed": ct["proposed"]}
            continue
        out["per_type"][t] = {"precision": ct["tp_p"] / (ct["tp_p"] + ct["fp"]) if ct["tp_p"] + ct["fp"] else float("nan"),
                              "recall": ct["tp_r"] / ct["gold"] if ct["gold"] else float("nan"),
                              "gold": ct["gold"], "found": ct["tp_r"], "proposed_right": ct["tp_p"],
                              "proposed_wrong": ct["fp"], "entities_with_optional": ct["all_groups"],
                              "found_with_optional": ct["all_found"]}
        if t != "person":
            tot.update({k2: ct[k2] for k2 in ("tp_p", "fp", "tp_r", "gold", "all_groups", "all_found")})
    out["all"] = _summary(tot)
    out["all_without_concept"] = {k2: v for k2, v in _summary(c["no_concept"]).items() if "optional" not in k2}
    out["persons"] = (_summary(c["per_type"]["person"]) if persons_scored
                      else {"annotated": False, "proposed": c["per_type"]["person(not annotated)"]["proposed"]})
    lk = c["links"]
    out["links"] = {"annotated": has_links, "linked": lk["linked"], "linked_to_gold_name": lk["linked_to_gold_name"]}
    out["nested_unscored"] = lk["nested_unscored"]
    a = out["all"]
    out["all"]["precision_counting_nested"] = a["proposed_right"] / max(
        1, a["proposed_right"] + a["proposed_wrong"] + lk["nested_unscored"])
    if has_links:
        out["links"].update(judged=lk["judged"], right=lk["right"],
                            share_right=lk["right"] / lk["judged"] if lk["judged"] else float("nan"))
    return out


def eval_dev(ingester: Ingester, dev: Path = DEV, verbose: bool = False) -> dict:
    """:func:`eval_gold` on the development texts."""
    return eval_gold(ingester, dev, verbose=verbose)


# ---------------------------------------------------------------- 2. held-out sections

def _annotations(graph: Graph) -> list[tuple[int, int, str, list[str]]]:
    """(start, end, exact, bodies) of every annotation of the curated files with its offsets (the compact form of
    the evidence: ``cppcc:quoteStart``, ``cppcc:quoteEnd`` and ``cppcc:quoteExact`` on the annotation)."""
    out = []
    for ann in graph.subjects(RDF.type, OA.Annotation):
        start, end = graph.value(ann, CPPCC.quoteStart), graph.value(ann, CPPCC.quoteEnd)
        if start is None or end is None:
            continue
        exact = graph.value(ann, CPPCC.quoteExact)
        bodies = sorted(str(b) for b in graph.objects(ann, OA.hasBody))
        out.append((int(start), int(end), "" if exact is None else str(exact), bodies))
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


def eval_heldout(root: Path = ROOT, verbose: bool = False, parts: dict | None = None) -> dict:
    """The first source held out section by section; *parts*: keyword arguments of :class:`Ingester`
    (``recognizers``, ``gazetteer``)."""
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
        ing = Ingester(train, **(parts or {}))
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
    print(f"  {'type':14s} {'precision':>9s} {'recall':>8s}   found/required  right/proposed  found/all(with optional)")
    for t, d in res["per_type"].items():
        if "precision" not in d:
            print(f"  {t:14s} {d['proposed']} proposed (not scored)")
            continue
        if t == "person":
            continue
        print(f"  {t:14s} {_rate(d['proposed_right'], d['proposed_right'] + d['proposed_wrong']):>9s} "
              f"{_rate(d['found'], d['gold']):>8s}   {d['found']:3d}/{d['gold']:<3d}         "
              f"{d['proposed_right']:3d}/{d['proposed_right'] + d['proposed_wrong']:<3d}         "
              f"{d['found_with_optional']:3d}/{d['entities_with_optional']:<3d}")
    rows = [("all", res["all"]), ("all but Concept", res["all_without_concept"])]
    if "precision" in res["persons"]:
        rows.append(("person (apart)", res["persons"]))
    for label, a in rows:
        opt = (f"{a['found_with_optional']:3d}/{a['entities_with_optional']:<3d}"
               if "entities_with_optional" in a else "")
        print(f"  {label:14s} {a['precision']:9.1%} {a['recall']:8.1%}   {a['found']:3d}/{a['gold']:<3d}         "
              f"{a['proposed_right']:3d}/{a['proposed_right'] + a['proposed_wrong']:<3d}         {opt}")
    print("  (recall: required entities only, a same_as group once; optional names neither required nor "
          "penalised; persons are not in the totals)")
    print(f"  type of the names found: {res['type_agreement']}")
    if res.get("nested_unscored"):
        print(f"  names proposed only nested inside a longer gold name (the gold does not list them; not scored): "
              f"{res['nested_unscored']} (precision if they counted as wrong: "
              f"{res['all']['precision_counting_nested']:.1%})")
    lk = res["links"]
    if lk["annotated"]:
        print(f"  links: {_rate(lk['right'], lk['judged'])} right ({lk['right']}/{lk['judged']} proposals judged "
              f"against the gold's links); {lk['linked']} links made")
    else:
        print(f"  links: the gold has no link annotation, so whether a link is right is not measured; "
              f"{lk['linked']} links to existing entities made, {lk['linked_to_gold_name']} of them from a gold "
              f"name (listed with -v)")


def _git_commit(root: Path) -> str:
    """The commit of the working tree, marked when it holds uncommitted changes ('unknown' without git)."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def previous_runs(record: Path) -> list[str]:
    """The headings of the runs already in a sealed set's record."""
    if not record.exists():
        return []
    return [ln[3:] for ln in record.read_text(encoding="utf-8").splitlines() if ln.startswith("## Run ")]


def first_run(record: Path) -> str:
    """The section of the first run in a sealed set's record ('' when the set has not been run)."""
    if not record.exists():
        return ""
    text = record.read_text(encoding="utf-8")
    start = text.find("## Run 1:")
    if start < 0:
        return ""
    end = text.find("\n## Run ", start + 1)
    return text[start: end if end > 0 else len(text)].strip()


def print_first_runs(record: Path) -> None:
    """The first run of the sealed real set, as recorded (never a new run: that is ``--sealed``)."""
    section = first_run(record)
    if section:
        print(f"Sealed real set, FIRST RUN as recorded in {record.name} (the figures to report on unseen text; "
              "any figures above for this set come from a later, tuned run):")
        print("\n".join("  " + ln for ln in section.splitlines()))
    else:
        print(f"Sealed real set: no run recorded in {record.name} yet (its first run, by --sealed, is the one "
              "to report); the figures above are tuning-set figures.")


def sealed_reminder(folder: Path, record: Path) -> str:
    """The notice printed before a sealed set is run."""
    runs = previous_runs(record)
    if runs:
        state = (f"This will be run {len(runs) + 1}. The figures to report are those of the FIRST run "
                 f"({runs[0]}); this one may only be shown next to it, labelled as a later run.")
    else:
        state = "No run is recorded yet: THIS IS THE FIRST RUN, and its figures are the ones to report."
    bar = "!" * 78
    return (f"{bar}\n!! SEALED SET {folder}\n!! Its first run is the one to report, whatever it shows. {state}\n"
            f"!! The result is appended to {record}. Do not tune on what it shows; never change its texts or gold.\n"
            f"{bar}")


def record_sealed_run(record: Path, folder: Path, res: dict, when: str, commit: str) -> int:
    """Appends the figures of one run of a sealed set to its record (created with its heading); returns the
    run's number."""
    n = len(previous_runs(record)) + 1
    lines = []
    if not record.exists():
        lines += ["# Runs of the sealed real-text set", "",
                  ("Appended by `bench/eval_ingest.py --sealed`, one section per run, never edited. The first run "
                   "is the one to report; a later run may only be shown next to it, labelled as such."), ""]
    status = "FIRST RUN: the figures to report" if n == 1 else f"{LATER_RUN} (run 1 is the one to report)"
    lines += [f"## Run {n}: {when}, commit {commit}", "",
              (f"Set `{folder.name}` ({res['texts']} texts), {status}. Recall counts required entities only "
               "(a same_as group once; optional names neither required nor penalised); persons apart."), "",
              "| class | precision | recall | found/required | right/proposed |", "| --- | --- | --- | --- | --- |"]
    rows = [(t, d) for t, d in res["per_type"].items() if "precision" in d and t != "person"]
    rows += [("**all**", res["all"]), ("all but concept", res["all_without_concept"])]
    if "precision" in res["persons"]:
        rows.append(("person (apart)", res["persons"]))
    for t, d in rows:
        proposed = d["proposed_right"] + d["proposed_wrong"]
        lines.append(f"| {t} | {_rate(d['proposed_right'], proposed).strip()} | {_rate(d['found'], d['gold']).strip()} "
                     f"| {d['found']}/{d['gold']} | {d['proposed_right']}/{proposed} |")
    a = res["all"]
    lines += ["", (f"Recall with optional names: {a['found_with_optional']}/{a['entities_with_optional']}. "
                   f"Links: {res['links']}."), ""]
    record.parent.mkdir(parents=True, exist_ok=True)
    with record.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return n


def _parts(args) -> dict:
    """The keyword arguments of :class:`Ingester` that the command line chose."""
    return {"recognizers": getattr(args, "recognizers", None), "gazetteer": getattr(args, "gazetteer", None)}


class SealedSetSpent(Exception):
    """A sealed set whose record already holds its first run was asked for a first run again."""


def check_first_run(folder: Path, again: bool) -> Path:
    """The record of the sealed set *folder*, when a run of it may be recorded: a set whose record holds its run 1
    is spent, and is run again only when *again* is given (that run is labelled a later run).

    Raises :class:`SealedSetSpent` with the message to print otherwise."""
    record = sealed_record(folder)
    runs = previous_runs(record)
    if runs and not again:
        raise SealedSetSpent(
            f"eval_ingest: {folder} is spent: its record {record} already holds run 1 ({runs[0]}), the figures "
            f"reported for it. It is a tuning set now: run it with --set {folder} (or with no flags), or pass "
            "--again to record one more run, labelled a later run, not the figure to report.")
    return record


def check_not_unrun(folder: Path) -> None:
    """Refuse ``--set`` without ``--sealed`` on a sealed set not yet run (a folder named ``sealed…`` whose record holds
    no run): a look at its figures before the recorded first run would unseal it.

    Raises :class:`SealedSetSpent` with the message to print."""
    if folder.name.startswith("sealed") and not previous_runs(sealed_record(folder)):
        raise SealedSetSpent(
            f"eval_ingest: {folder} is a sealed set not yet run (no run in {sealed_record(folder)}): its one first "
            f"run is made and recorded by --sealed --set {folder}; it is not scored otherwise.")


def _run_sealed(args, ing: Ingester, report: dict) -> None:
    """--sealed [--set PATH] [--again]: one recorded run of a sealed set."""
    folder = (args.set or REAL_SEALED).resolve()
    record = sealed_record(folder)  # (main has checked that a run of it may be recorded: check_first_run)
    name = "real-sealed" if not args.set else f"set:{folder.name}"
    notice = sealed_reminder(folder, record)
    print(notice)
    print(notice, file=sys.stderr)
    report[name] = res = eval_gold(ing, folder, verbose=args.verbose)
    _print_gold(f"Sealed set {folder}: distinct names per text", res)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    n = record_sealed_run(record, folder, res, when, _git_commit(ROOT))
    print(f"run {n} recorded in {record}" + (" (FIRST RUN: report these figures)" if n == 1 else
                                               f" ({LATER_RUN}: report run 1)"))


def gold_sets(real: Path = REAL) -> list[tuple[str, Path, str]]:
    """The annotated sets of a plain run, in order: ``(name, folder, title)``; the spent sealed sets of *real*
    (:func:`spent_sets`) come after dev and dev2."""
    sets = [("dev", DEV, "Development texts (../shared/ingest-dev, gold.json; a TUNING set)"),
            ("real-dev", real / "dev", "Real texts, dev set (tests/fixtures/ingest/real/dev, gold.json; a TUNING set)"),
            ("real-dev2", real / "dev2",
             "Real texts, dev2 set (tests/fixtures/ingest/real/dev2, gold.json; a TUNING set)")]
    for p in spent_sets(real):
        title = f"Real texts, {p.name} set (tests/fixtures/ingest/real/{p.name}, gold.json; a {SPENT_LABEL})"
        sets.append((f"real-{p.name}", p, title))
    sets += [("unseen", UNSEEN, "Unseen test texts (tests/fixtures/ingest/unseen, gold.json)"),
             ("sealed", SEALED, "Sealed test texts (tests/fixtures/ingest/sealed, gold.json)"),
             ("final", FINAL, "Final test texts (tests/fixtures/ingest/final, gold.json)"),
             ("fresh", FRESH, "Fresh test texts (tests/fixtures/ingest/fresh, gold.json; never tuned on)")]
    return sets


def _run_gold_sets(args, report: dict) -> None:
    """The annotated sets asked for (by --only, or all: dev, dev2, the spent sealed sets ...), and --set / --sealed."""
    from cppcc_kg.project.load import load
    ing = Ingester(load(ROOT).view, **_parts(args))
    if args.sealed:
        _run_sealed(args, ing, report)
        return
    if args.set:
        folder = args.set.resolve()
        report[f"set:{folder.name}"] = res = eval_gold(ing, folder, verbose=args.verbose)
        spent = bool(previous_runs(sealed_record(folder)))
        _print_gold(f"Set {folder}{f' ({SPENT_LABEL})' if spent else ''}: distinct names per text", res)
        if spent:
            print_first_runs(sealed_record(folder))
        return
    for name, folder, title in gold_sets():
        if args.only not in (None, name):
            continue
        if not (folder / "gold.json").exists():
            print(f"{title}: {folder} not found; skipped")
            continue
        if args.verbose:
            print(title)
        report[name] = eval_gold(ing, folder, verbose=args.verbose)
        _print_gold(f"{title}: distinct names per text", report[name])
        if folder.parent == REAL and previous_runs(sealed_record(folder)):
            print_first_runs(sealed_record(folder))


def _print_heldout(ho: dict) -> None:
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    ap.add_argument("--only", choices=[n for n, _f, _t in gold_sets()] + ["heldout"],
                    help="run one of the evaluations (a sealed real set not yet run is never among them: see "
                         "--sealed; a spent one is, as real-NAME)")
    ap.add_argument("--set", type=Path, metavar="PATH", help="evaluate this folder of texts with its gold.json only")
    ap.add_argument("--sealed", action="store_true",
                    help="the one FIRST RUN of a SEALED real set (--set PATH; default tests/fixtures/ingest/real/sealed), "
                         "appended to NAME-runs.md beside its folder NAME: its first run is the one to report; a set "
                         "whose record holds run 1 is spent and refused (exit code 2) without --again")
    ap.add_argument("--again", action="store_true",
                    help="with --sealed: record one more run of a spent set, labelled a later run, not the figure "
                         "to report")
    ap.add_argument("--recognizers", default=None, metavar="PARTS",
                    help="the parts of the recognizer, comma-separated (forms,graph,tagger,gazetteer; default: "
                         "ingest's default)")
    ap.add_argument("--gazetteer", type=Path, default=None, metavar="PATH",
                    help="the table of divisions (jionlp's china_location.zip; default: an installed jionlp's)")
    ap.add_argument("--ablation", action="store_true",
                    help="each part of the recognizer alone and each part removed, per class, on real/dev and "
                         "../shared/ingest-dev, with load time, speed and peak memory (bench/ablation_ingest.py)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each configuration with --ablation (medians)")
    ap.add_argument("--ablation-worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ablation_worker or args.ablation:
        import ablation_ingest  # beside this script
        gaz = str(args.gazetteer) if args.gazetteer else None
        if args.ablation_worker:
            print(json.dumps(ablation_ingest.worker(tuple(args.ablation_worker.split(",")), gaz), default=str))
            return 0
        report = {"ablation": ablation_ingest.run_ablation(gaz, runs=args.runs)}
        ablation_ingest.print_ablation(report["ablation"])
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=str),
                                 encoding="utf-8")
        return 0
    if args.only and (args.set or args.sealed):
        ap.error("--only does not go with --set or --sealed")
    if args.again and not args.sealed:
        ap.error("--again goes with --sealed only")
    if args.set and not (args.set / "gold.json").exists():
        print(f"eval_ingest: {args.set / 'gold.json'} not found; pass a folder with texts and gold.json", file=sys.stderr)
        return 2
    try:
        if args.sealed:
            check_first_run((args.set or REAL_SEALED).resolve(), args.again)
        elif args.set:
            check_not_unrun(args.set.resolve())
    except SealedSetSpent as e:
        print(e, file=sys.stderr)
        return 2
    report = {}
    if args.set or args.sealed or args.only != "heldout":
        _run_gold_sets(args, report)
    if not (args.set or args.sealed) and args.only in (None, "heldout"):
        print("First source held out section by section (graph built from the other sections)")
        report["heldout"] = eval_heldout(verbose=args.verbose, parts=_parts(args))
        _print_heldout(report["heldout"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
