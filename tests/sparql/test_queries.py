"""Each query of queries/ against the built graph, with its expected answer.

The expected answers are computed here independently of SPARQL: with rdflib's
triple API on ``graph.ttl`` (and ``metrics.ttl``), and checked against the
source text where the question is about what the text says. Both stores must
give the same answers.
"""
from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.sparql.query import (
    METRICS_GRAPH,
    open_engine,
    python_value,
    run,
    to_frame,
)

pytestmark = pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
CPPCC = rdflib.Namespace("https://w3id.org/cppcc-kg/ontology#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
SCHEMA = rdflib.Namespace("https://schema.org/")
KGORG = rdflib.Namespace("https://w3id.org/cppcc-kg/id/org/")
IM_CPPCC = KGORG["inner-mongolia-cppcc"]
SOURCE_TEXT = ROOT / "sources" / "nmg-cppcc-2023-innovation-review.zh.txt"


class Facts:
    """Plain lookups on the merged graph, without SPARQL."""

    def __init__(self, build: Path):
        self.g = rdflib.Graph().parse(build / "graph.ttl", format="turtle")
        self.text = SOURCE_TEXT.read_text(encoding="utf-8")
        self.metrics = rdflib.Graph()
        if (build / "metrics.ttl").is_file():
            self.metrics.parse(build / "metrics.ttl", format="turtle")

    def labels(self, x, lang) -> list:
        if x is None:
            return [None]
        out = sorted(str(l) for l in self.g.objects(x, RDFS.label) if isinstance(l, Literal) and l.language == lang)
        return out or [None]

    def label(self, x, lang):
        return self.labels(x, lang)[0]

    def ancestors(self, c) -> set:
        seen, todo = {c}, [c]
        while todo:
            for sup in self.g.objects(todo.pop(), RDFS.subClassOf):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def types_under(self, x, top) -> list:
        return sorted(c for c in self.g.objects(x, RDF.type) if top in self.ancestors(c))

    def instances(self, top) -> set:
        return {s for s, c in self.g.subject_objects(RDF.type) if isinstance(s, URIRef) and top in self.ancestors(c)}

    def closure(self, start, prop, inverse=False) -> set:
        """Nodes reachable from *start* by one or more *prop* steps."""
        step = (lambda n: self.g.subjects(prop, n)) if inverse else (lambda n: self.g.objects(n, prop))
        seen, todo = set(), [start]
        while todo:
            for nxt in step(todo.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def evidence(self, body) -> list[tuple[str, int]]:
        """(quote, start) of every annotation of *body*."""
        out = []
        for ann in self.g.subjects(OA.hasBody, body):
            for target in self.g.objects(ann, OA.hasTarget):
                sels = list(self.g.objects(target, OA.hasSelector))
                starts = [self.g.value(s, OA.start) for s in sels if self.g.value(s, OA.start) is not None]
                quotes = [self.g.value(s, OA.exact) for s in sels if self.g.value(s, OA.exact) is not None]
                out += [(str(q), int(st)) for q in quotes for st in starts]
        return sorted(out, key=lambda e: e[1])

    def statements(self, s, p, o) -> list:
        return [st for st in self.g.subjects(RDF.subject, s)
                if (st, RDF.predicate, p) in self.g and (st, RDF.object, o) in self.g]

    def notation(self, x, prop):
        v = self.g.value(x, prop)
        return None if v is None else str(self.g.value(v, SKOS.notation))


@pytest.fixture(scope="module")
def facts(built) -> Facts:
    return Facts(Path(built))


@pytest.fixture(scope="module")
def engines(built):
    return {s: open_engine(store=s, build_dir=Path(built)) for s in ("memory", "oxigraph")}


def rows_of(engines, name: str) -> list[tuple]:
    """The rows of a query (plain Python values), after checking that both stores agree."""
    path = QUERIES / name
    results = {s: run(path, e) for s, e in engines.items()}
    frames = {s: to_frame(r) for s, r in results.items()}
    assert frames["memory"].astype(str).values.tolist() == frames["oxigraph"].astype(str).values.tolist(), name
    r = results["memory"]
    if r.form in ("CONSTRUCT", "DESCRIBE"):
        return sorted(r.triples)
    return [tuple(python_value(t) for t in row) for row in r.rows]


def v(x):
    return python_value(x) if x is not None else None


def ordered(rows, key):
    return sorted(rows, key=key)


def none_first(x):
    return (x is not None, "" if x is None else x)


# ---------------------------------------------------------------- the queries


def test_library_has_every_required_question():
    names = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert len(names) >= 15
    for word in ("bodies", "documents", "jingmeng", "events", "dispute", "firsts", "hierarchy", "programmes",
                 "timeline", "figures", "centrality", "entity-with-evidence", "paths", "every-kind", "fine-type",
                 "top-class"):
        assert any(word in n for n in names), word


def test_01_bodies_of_inner_mongolia_cppcc(facts, engines):
    g = facts.g
    bodies = facts.closure(IM_CPPCC, CPPCC.subOrganizationOf, inverse=True)
    within = bodies | {IM_CPPCC}
    expected = []
    for b in bodies:
        for p in g.objects(b, CPPCC.subOrganizationOf):
            if p not in within:
                continue
            for c in facts.types_under(b, CPPCC.Entity):
                for bz in facts.labels(b, "zh"):
                    for be in facts.labels(b, "en"):
                        for pz in facts.labels(p, "zh"):
                            for pe in facts.labels(p, "en"):
                                expected.append((str(b), bz, be, str(c), str(p), pz, pe))
    expected = ordered(expected, key=lambda r: (r[4], r[0], r[3]))
    assert rows_of(engines, "01-bodies-of-inner-mongolia-cppcc.rq") == expected
    assert expected, "the Inner Mongolia CPPCC has bodies in the graph"


def test_02_documents_issued_or_revised(facts, engines):
    g = facts.g
    agents = facts.closure(IM_CPPCC, CPPCC.subOrganizationOf, inverse=True) | {IM_CPPCC}
    expected = []
    for action in (CPPCC.issued, CPPCC.revised):
        for by in agents:
            for doc in g.objects(by, action):
                for k in facts.types_under(doc, CPPCC.Document):
                    for dz in facts.labels(doc, "zh"):
                        for de in facts.labels(doc, "en"):
                            for bz in facts.labels(by, "zh"):
                                expected.append((str(k), str(doc), dz, de, str(action), str(by), bz,
                                                 v(g.value(doc, DCTERMS.issued))))
    expected = ordered(expected, key=lambda r: (r[0], r[1], r[4], r[5]))
    assert rows_of(engines, "02-documents-issued-or-revised-by-inner-mongolia-cppcc.rq") == expected
    assert any(r[4].endswith("#issued") for r in expected)


def test_03_who_launched_jingmeng_cooperation(facts, engines):
    g = facts.g
    programmes = list(g.subjects(RDFS.label, Literal("京蒙协作 政协助力", lang="zh")))
    expected = []
    for prog in programmes:
        launchers = sorted(g.subjects(CPPCC.launched, prog))
        for l in launchers:
            partners = [p for p in launchers if p != l] or [None]
            quotes = [e for st in facts.statements(l, CPPCC.launched, prog) for e in facts.evidence(st)] or [(None, None)]
            for p in partners:
                for q, start in quotes:
                    for lz in facts.labels(l, "zh"):
                        for le in facts.labels(l, "en"):
                            for pz in facts.labels(p, "zh"):
                                for pe in facts.labels(p, "en"):
                                    expected.append((str(l), lz, le, v(p), pz, pe, q, start))
    expected = ordered(expected, key=lambda r: (r[0], none_first(r[3]), none_first(r[7])))
    rows = rows_of(engines, "03-who-launched-jingmeng-cooperation.rq")
    assert rows == expected
    # what the text says: 内蒙古自治区政协与北京市政协共同发起“京蒙协作 政协助力”
    assert rows, "the programme has launchers"
    for row in rows:
        quote, start = row[6], row[7]
        assert facts.text[start:start + len(quote)] == quote
        assert "发起" in quote and row[1] in quote
        if row[4]:
            assert row[4] in quote


def test_04_events_where_and_when(facts, engines):
    g = facts.g
    expected = []
    for e in facts.instances(CPPCC.Event):
        date = g.value(e, SCHEMA.startDate)
        places = sorted(g.objects(e, CPPCC.heldIn)) or [None]
        if date is None and places == [None]:
            continue
        for k in facts.types_under(e, CPPCC.Event):
            for place in places:
                for ez in facts.labels(e, "zh"):
                    for ee in facts.labels(e, "en"):
                        for pz in facts.labels(place, "zh"):
                            for pe in facts.labels(place, "en"):
                                prec = facts.notation(e, CPPCC.datePrecision) if date is not None else None
                                expected.append((str(e), ez, ee, str(k), v(date), prec, v(place), pz, pe))
    expected = ordered(expected, key=lambda r: ("9999" if r[4] is None else str(r[4]), r[0], none_first(r[6])))
    rows = rows_of(engines, "04-events-where-and-when.rq")
    assert [r[:7] + r[7:] for r in rows] == expected
    # dates keep their precision: a year-month has month precision
    for r in rows:
        if r[4] and re.fullmatch(r"\d{4}-\d{2}", str(r[4])):
            assert r[5] == "month"


def test_05_dispute_resolution_figures(facts, engines):
    g = facts.g
    expected = []
    for m in g.subjects(RDFS.label, Literal("民商事纠纷多元化解机制", lang="zh")):
        for obs in g.subjects(CPPCC.observationAbout, m):
            if (obs, RDF.type, CPPCC.Observation) not in g:
                continue
            units = sorted(str(u) for u in g.objects(obs, CPPCC.unit) if u.language == "zh") or [None]
            for q, start in facts.evidence(obs):
                for unit in units:
                    for fz in facts.labels(obs, "zh"):
                        for fe in facts.labels(obs, "en"):
                            expected.append((str(obs), fz, fe, v(g.value(obs, CPPCC.value)),
                                             facts.notation(obs, CPPCC.qualifier), unit,
                                             v(g.value(obs, CPPCC.observationDate)), q, start))
    expected = ordered(expected, key=lambda r: (r[8], r[0]))
    rows = rows_of(engines, "05-dispute-resolution-figures.rq")
    assert rows == expected
    # the text: 特邀调解员1064人，参与调解案件5633件 (by the end of December 2023)
    values = {r[3] for r in rows}
    assert {1064, 5633} <= values
    for r in rows:
        assert facts.text[r[8]:r[8] + len(r[7])] == r[7]
        assert str(r[3]) in r[7] or r[3] < 10, r  # the figure is in the words it comes from
        if r[3] in (1064, 5633):
            assert r[4] == "=" and r[6] == "2023-12"


def test_06_firsts(facts, engines):
    g = facts.g
    expected = []
    for f in set(g.subjects(RDF.type, CPPCC.FirstClaim)):
        ev = facts.evidence(f)
        if not ev:
            continue
        start = min(s for _, s in ev)
        kind = str(g.value(f, CPPCC.firstKind))
        bys = sorted(g.objects(f, CPPCC.firstBy)) or [None]
        for q, s in ev:
            if s != start:
                continue
            for by in bys:
                for fz in facts.labels(f, "zh"):
                    for fe in facts.labels(f, "en"):
                        for bz in facts.labels(by, "zh"):
                            for be in facts.labels(by, "en"):
                                expected.append((str(f), fz, fe, kind, v(by), bz, be, q, start))
    expected = ordered(expected, key=lambda r: (r[8], r[0], none_first(r[4])))
    rows = rows_of(engines, "06-firsts.rq")
    assert rows == expected
    # every 首次 / 首例 / 率先 of the text (but the summary "13个“首次”") is covered by a first's evidence
    spans = [(s, s + len(q)) for f in g.subjects(RDF.type, CPPCC.FirstClaim) for q, s in facts.evidence(f)]
    for m in re.finditer("首次|首例|率先", facts.text):
        if facts.text[max(0, m.start() - 4):m.start()].endswith("个“"):
            continue
        assert any(a <= m.start() and m.end() <= b for a, b in spans), \
            f"{facts.text[m.start() - 20:m.end() + 10]!r} is not listed among the firsts"
    # and each first's words hold its kind
    for f in g.subjects(RDF.type, CPPCC.FirstClaim):
        kind = str(g.value(f, CPPCC.firstKind))
        assert any(kind in q for q, _ in facts.evidence(f)), f


def test_07_organization_hierarchy(facts, engines):
    g = facts.g
    expected = []
    for b, p in g.subject_objects(CPPCC.subOrganizationOf):
        tops = [t for t in facts.closure(b, CPPCC.subOrganizationOf) if g.value(t, CPPCC.subOrganizationOf) is None]
        for t in tops:
            for c in facts.types_under(b, CPPCC.Entity):
                for tz in facts.labels(t, "zh"):
                    for pz in facts.labels(p, "zh"):
                        for bz in facts.labels(b, "zh"):
                            for be in facts.labels(b, "en"):
                                expected.append((str(t), tz, str(p), pz, str(b), bz, be, str(c)))
    expected = ordered(expected, key=lambda r: (r[0], r[2], r[4], r[7]))
    assert rows_of(engines, "07-organization-hierarchy.rq") == expected


def test_08_who_issued_revised_or_approved(facts, engines):
    g = facts.g
    expected = []
    triples = [(a, CPPCC.issued, d, a, d) for a, d in g.subject_objects(CPPCC.issued)]
    triples += [(a, CPPCC.revised, d, a, d) for a, d in g.subject_objects(CPPCC.revised)]
    triples += [(d, CPPCC.approvedBy, a, a, d) for d, a in g.subject_objects(CPPCC.approvedBy)]
    for s, p, o, agent, doc in triples:
        for k in facts.types_under(doc, CPPCC.Document):
            for st in facts.statements(s, p, o):
                for q, start in facts.evidence(st):
                    for dz in facts.labels(doc, "zh"):
                        for de in facts.labels(doc, "en"):
                            for az in facts.labels(agent, "zh"):
                                for ae in facts.labels(agent, "en"):
                                    expected.append((str(doc), dz, de, str(k), str(p), str(agent), az, ae, q, start))
    expected = ordered(expected, key=lambda r: (r[0], r[4], r[5], r[9]))
    rows = rows_of(engines, "08-who-issued-revised-or-approved-documents.rq")
    assert rows == expected
    for r in rows:
        assert facts.text[r[9]:r[9] + len(r[8])] == r[8]


def test_09_programmes_and_partners(facts, engines):
    g = facts.g
    expected = []
    for prog in facts.instances(CPPCC.Program):
        roles = [(a, CPPCC.putForward) for a in g.subjects(CPPCC.putForward, prog)]
        roles += [(a, CPPCC.launched) for a in g.subjects(CPPCC.launched, prog)]
        roles += [(a, CPPCC.participatedIn) for a in g.subjects(CPPCC.participatedIn, prog)]
        roles += [(a, CPPCC.establishedWith) for a in g.objects(prog, CPPCC.establishedWith)]
        for k in facts.types_under(prog, CPPCC.Program):
            for agent, role in roles:
                for pz in facts.labels(prog, "zh"):
                    for pe in facts.labels(prog, "en"):
                        for az in facts.labels(agent, "zh"):
                            for ae in facts.labels(agent, "en"):
                                expected.append((str(prog), pz, pe, str(k), str(role), str(agent), az, ae))
    expected = ordered(expected, key=lambda r: (r[0], r[4], r[5], r[3]))
    assert rows_of(engines, "09-programmes-and-partners.rq") == expected


def test_10_timeline(facts, engines):
    g = facts.g
    expected = []
    for prop in (SCHEMA.startDate, DCTERMS.issued, CPPCC.observationDate):
        for item, date in g.subject_objects(prop):
            for kind in g.objects(item, RDF.type):
                for iz in facts.labels(item, "zh"):
                    for ie in facts.labels(item, "en"):
                        expected.append((v(date), facts.notation(item, CPPCC.datePrecision), str(item), iz, ie,
                                         str(kind)))
    expected = ordered(expected, key=lambda r: (str(r[0]), r[2], r[5]))
    rows = rows_of(engines, "10-timeline.rq")
    assert rows == expected
    assert [str(r[0]) for r in rows] == sorted(str(r[0]) for r in rows)


def test_11_figures_with_quotes(facts, engines):
    g = facts.g
    expected = []
    for obs in set(g.subjects(RDF.type, CPPCC.Observation)):
        measured = sorted(str(m) for m in g.objects(obs, CPPCC.measuredProperty) if m.language == "en") or [None]
        units = sorted(str(u) for u in g.objects(obs, CPPCC.unit) if u.language == "zh") or [None]
        for q, start in facts.evidence(obs):
            for me in measured:
                for unit in units:
                    for fz in facts.labels(obs, "zh"):
                        expected.append((str(obs), fz, me, facts.notation(obs, CPPCC.qualifier),
                                         v(g.value(obs, CPPCC.value)), unit, v(g.value(obs, CPPCC.observationDate)),
                                         q, start))
    expected = ordered(expected, key=lambda r: (r[8], r[0]))
    rows = rows_of(engines, "11-figures-with-quotes.rq")
    assert rows == expected
    for r in rows:
        assert facts.text[r[8]:r[8] + len(r[7])] == r[7]
    # "more than" stays "more than": 2300余家 is > 2300, never 2301
    for m in re.finditer(r"(\d+)余", facts.text):
        n = int(m.group(1))
        hits = [r for r in rows if r[4] == n and m.group(0) in r[7]]
        for r in hits:
            assert r[3] == ">", r


def test_12_centrality_ranking(facts, engines):
    m = facts.metrics
    expected = []
    for e, pr in m.subject_objects(CPPCC.pagerank):
        degree, betweenness = m.value(e, CPPCC.degree), m.value(e, CPPCC.betweenness)
        for ez in facts.labels(e, "zh"):
            for ee in facts.labels(e, "en"):
                expected.append((str(e), ez, ee, float(pr), v(degree), v(betweenness)))
    expected = sorted(expected, key=lambda r: (-r[3], r[0]))[:20]
    rows = rows_of(engines, "12-centrality-ranking.rq")
    assert rows == expected
    assert [r[3] for r in rows] == sorted((r[3] for r in rows), reverse=True)


def test_13_entity_with_evidence(facts, engines):
    g = facts.g
    e = IM_CPPCC
    exp = set(g.triples((e, None, None))) | set(g.triples((None, None, e)))
    edges = {p for p in g.subjects(CPPCC.displayAsEdge, Literal(True))}
    for p, n in g.predicate_objects(e):
        if p in edges:
            exp |= {(n, RDFS.label, l) for l in g.objects(n, RDFS.label)}
    for n, p in g.subject_predicates(e):
        if p in edges:
            exp |= {(n, RDFS.label, l) for l in g.objects(n, RDFS.label)}
    statements = set(g.subjects(RDF.subject, e)) | set(g.subjects(RDF.object, e))
    for st in statements:
        for ss in g.objects(st, RDF.subject):
            for sp in g.objects(st, RDF.predicate):
                for so in g.objects(st, RDF.object):
                    exp |= {(st, RDF.type, RDF.Statement), (st, RDF.subject, ss), (st, RDF.predicate, sp),
                            (st, RDF.object, so)}
    for body in statements | {e}:
        for ann in g.subjects(OA.hasBody, body):
            for target in g.objects(ann, OA.hasTarget):
                for src in g.objects(target, OA.hasSource):
                    for sel in g.objects(target, OA.hasSelector):
                        for st_type in g.objects(sel, RDF.type):
                            exp |= {(ann, RDF.type, OA.Annotation), (ann, OA.hasBody, body), (ann, OA.hasTarget, target),
                                    (target, OA.hasSource, src), (target, OA.hasSelector, sel), (sel, RDF.type, st_type)}
                            for s0 in g.objects(sel, OA.start):
                                for e0 in g.objects(sel, OA.end):
                                    exp |= {(sel, OA.start, s0), (sel, OA.end, e0)}
                            exp |= {(sel, OA.exact, x) for x in g.objects(sel, OA.exact)}
    triples = rows_of(engines, "13-entity-with-evidence.rq")
    assert set(triples) == exp
    # the evidence it returns is the text of the source
    out = rdflib.Graph()
    for t in triples:
        out.add(t)
    quotes = list(out.subject_objects(OA.exact))
    assert quotes
    for sel, exact in quotes:
        target = out.value(None, OA.hasSelector, sel)
        pos = [s for s in out.objects(target, OA.hasSelector) if out.value(s, OA.start) is not None][0]
        assert facts.text[int(out.value(pos, OA.start)):int(out.value(pos, OA.end))] == str(exact)


def _adjacency(g) -> dict:
    adj: dict = {}
    for st, s in g.subject_objects(RDF.subject):
        for o in g.objects(st, RDF.object):
            adj.setdefault(s, set()).add(o)
            adj.setdefault(o, set()).add(s)
    return adj


def test_14_paths_between_two_organizations(facts, engines):
    a, b = KGORG["beijing-cppcc"], KGORG["supreme-peoples-court"]
    adj = _adjacency(facts.g)
    nb = lambda x: adj.get(x, set())  # noqa: E731
    found = set()
    if b in nb(a):
        found.add((1, None, None))
    for v1 in nb(a):
        if b in nb(v1):
            found.add((2, v1, None))
        for v2 in nb(v1):
            if b in nb(v2) and v1 != v2 and v1 != b and v2 != a:
                found.add((3, v1, v2))
    expected = set()
    for hops, v1, v2 in found:
        for z1 in facts.labels(v1, "zh"):
            for e1 in facts.labels(v1, "en"):
                for z2 in facts.labels(v2, "zh"):
                    for e2 in facts.labels(v2, "en"):
                        expected.add((hops, v(v1), z1, e1, v(v2), z2, e2))
    expected = sorted(expected, key=lambda r: (r[0], none_first(r[1]), none_first(r[4])))
    rows = rows_of(engines, "14-paths-between-two-organizations.rq")
    assert rows == expected
    # the path the text supports: 北京市政协 – 内蒙古自治区政协 – 纠纷化解机制 – 最高人民法院
    assert rows, "the two organizations are connected in at most three steps"


def test_15_organizations_connected(facts, engines):
    g = facts.g
    start = KGORG["beijing-cppcc"]
    adj = _adjacency(g)
    seen, todo = set(), deque([start])
    while todo:
        for n in adj.get(todo.popleft(), ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    seen.discard(start)
    expected = set()
    for org in seen:
        for c in g.objects(org, RDF.type):
            anc = facts.ancestors(c)
            if CPPCC.Organization in anc or CPPCC.OrganizationalUnit in anc:
                for z in facts.labels(org, "zh"):
                    for e in facts.labels(org, "en"):
                        expected.add((str(org), z, e, str(c)))
    expected = sorted(expected, key=lambda r: (r[0], r[3]))
    assert rows_of(engines, "15-organizations-connected-to-beijing-cppcc.rq") == expected


def test_16_honours(facts, engines):
    g = facts.g
    expected = []
    for h in set(g.subjects(RDF.type, CPPCC.Honour)):
        for r in sorted(g.subjects(CPPCC.awarded, h)) or [None]:
            for c in sorted(g.objects(h, CPPCC.conferredBy)) or [None]:
                for hz in facts.labels(h, "zh"):
                    for he in facts.labels(h, "en"):
                        for rz in facts.labels(r, "zh"):
                            for cz in facts.labels(c, "zh"):
                                expected.append((str(h), hz, he, v(r), rz, v(c), cz))
    expected = ordered(expected, key=lambda r: (r[0], none_first(r[3]), none_first(r[5])))
    assert rows_of(engines, "16-honours.rq") == expected


def test_17_media_coverage(facts, engines):
    g = facts.g
    expected = []
    for pub in facts.instances(CPPCC.Publication):
        items = [(i, CPPCC.reportedOn) for i in g.objects(pub, CPPCC.reportedOn)]
        items += [(i, CPPCC.publishedIn) for i in g.subjects(CPPCC.publishedIn, pub)]
        items += [(i, CPPCC.publisher) for i in g.objects(pub, CPPCC.publisher)]
        items += [(i, CPPCC.operator) for i in g.objects(pub, CPPCC.operator)]
        for _ in facts.types_under(pub, CPPCC.Publication):
            for item, rel in items:
                for pz in facts.labels(pub, "zh"):
                    for pe in facts.labels(pub, "en"):
                        for iz in facts.labels(item, "zh"):
                            for ie in facts.labels(item, "en"):
                                expected.append((str(pub), pz, pe, str(rel), str(item), iz, ie))
    expected = ordered(expected, key=lambda r: (r[0], r[3], r[4]))
    assert rows_of(engines, "17-media-coverage.rq") == expected
    # what the text says: 内蒙古自治区政协《同心》杂志, 内蒙古自治区党委办公厅《工作交流》
    publishers = {(r[1], r[5]) for r in expected if r[3] == str(CPPCC.publisher)}
    assert {("同心", "内蒙古自治区政协"), ("工作交流", "内蒙古自治区党委办公厅")} <= publishers


def test_18_places_and_containment(facts, engines):
    g = facts.g
    expected = []
    for p in facts.instances(CPPCC.Place):
        for level in facts.types_under(p, CPPCC.Place):
            order = g.value(level, CPPCC.displayOrder)
            if order is None:
                continue
            within = sorted(facts.closure(p, CPPCC.locatedIn)) or [None]
            for w in within:
                for pz in facts.labels(p, "zh"):
                    for pe in facts.labels(p, "en"):
                        for wz in facts.labels(w, "zh"):
                            for we in facts.labels(w, "en"):
                                expected.append((int(order), str(level), str(p), pz, pe, v(w), wz, we))
    expected = [r[1:] for r in ordered(expected, key=lambda r: (r[0], r[2], none_first(r[5])))]
    assert rows_of(engines, "18-places-and-containment.rq") == expected


def test_19_relations_with_quotes(facts, engines):
    g = facts.g
    expected = []
    for st in set(g.subjects(RDF.type, RDF.Statement)):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        if None in (s, p, o):
            continue
        for q, start in facts.evidence(st):
            for sz in facts.labels(s, "zh"):
                for oz in facts.labels(o, "zh"):
                    expected.append((str(st), str(s), sz, str(p), str(o), oz, q, start))
    expected = [r[1:] for r in ordered(expected, key=lambda r: (r[7], r[0]))]
    rows = rows_of(engines, "19-relations-with-quotes.rq")
    assert rows == expected
    # one query returns each relation with its quote: every asserted edge has a row
    edges = {p for p in g.subjects(CPPCC.displayAsEdge, Literal(True))}
    asserted = {(str(s), str(p), str(o)) for s, p, o in g if p in edges}
    assert asserted <= {(r[0], r[2], r[3]) for r in rows}
    for r in rows:
        assert facts.text[r[6]:r[6] + len(r[5])] == r[5]


def test_20_relations_per_property(facts, engines):
    g = facts.g
    expected = []
    for p in g.subjects(CPPCC.displayAsEdge, Literal(True)):
        n = len(list(g.triples((None, p, None))))
        if n:
            for z in facts.labels(p, "zh"):
                for e in facts.labels(p, "en"):
                    expected.append((str(p), z, e, n))
    expected = ordered(expected, key=lambda r: (-r[3], r[0]))
    assert rows_of(engines, "20-relations-per-property.rq") == expected


def test_21_organizations_of_every_kind(facts, engines):
    expected = []
    for org in facts.instances(CPPCC.Organization):
        for k in facts.types_under(org, CPPCC.Organization):
            for oz in facts.labels(org, "zh"):
                for oe in facts.labels(org, "en"):
                    for kz in facts.labels(k, "zh"):
                        for ke in facts.labels(k, "en"):
                            expected.append((str(org), oz, oe, str(k), kz, ke))
    expected = ordered(expected, key=lambda r: (r[3], r[0]))
    rows = rows_of(engines, "21-organizations-of-every-kind.rq")
    assert rows == expected
    # the top class gathers several fine types; the units inside organizations are a top class of their own
    assert {r[3] for r in rows} >= {str(CPPCC.CPPCCCommittee), str(CPPCC.PartyOrgan)}
    assert not any(CPPCC.OrganizationalUnit in facts.ancestors(URIRef(r[3])) for r in rows)


def test_22_documents_of_a_fine_type(facts, engines):
    g = facts.g
    expected = []
    for k in (CPPCC.Opinions, CPPCC.Measures, CPPCC.Plan):
        for doc in set(g.subjects(RDF.type, k)):
            for issuer in sorted(g.subjects(CPPCC.issued, doc)) or [None]:
                for kz in facts.labels(k, "zh"):
                    for dz in facts.labels(doc, "zh"):
                        for de in facts.labels(doc, "en"):
                            for iz in facts.labels(issuer, "zh"):
                                expected.append((str(k), kz, str(doc), dz, de, v(issuer), iz,
                                                 v(g.value(doc, DCTERMS.issued))))
    expected = ordered(expected, key=lambda r: (r[0], r[2], none_first(r[5])))
    rows = rows_of(engines, "22-documents-of-a-fine-type.rq")
    assert rows == expected and rows


def test_23_entities_per_top_class_and_fine_type(facts, engines):
    g = facts.g
    tops = set(g.subjects(CPPCC.topClass, Literal(True)))
    counts: dict = {}
    for s, k in g.subject_objects(RDF.type):
        for top in facts.ancestors(k) & tops:
            counts.setdefault((top, k), set()).add(s)
    expected = []
    for (top, k), members in counts.items():
        for tz in facts.labels(top, "zh"):
            for te in facts.labels(top, "en"):
                for kz in facts.labels(k, "zh"):
                    for ke in facts.labels(k, "en"):
                        expected.append((str(top), tz, te, str(k), kz, ke, len(members)))
    expected = ordered(expected, key=lambda r: (r[0], -r[6], r[3]))
    rows = rows_of(engines, "23-entities-per-top-class-and-fine-type.rq")
    assert rows == expected
    # every fine type has one top class, and the counts add up to the entities of the entity graph
    assert len({r[3] for r in rows}) == len(rows)
    assert 8 <= len({r[0] for r in rows}) <= 15


def test_every_query_is_tested():
    tested = {int(m.group(1)) for m in re.finditer(r"def test_(\d\d)_", Path(__file__).read_text(encoding="utf-8"))}
    numbers = {int(p.name[:2]) for p in QUERIES.glob("*.rq")}
    assert numbers <= tested, f"queries without a test: {sorted(numbers - tested)}"


def test_metrics_graph_is_queried_by_name(engines):
    for engine in engines.values():
        if METRICS_GRAPH in engine.allowed_graphs:
            assert run("PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#> ASK { GRAPH <%s> "
                       "{ ?e cppcc:pagerank ?p } }" % METRICS_GRAPH, engine).boolean
