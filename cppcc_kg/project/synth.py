"""A synthetic corpus that follows the ontology and shapes, for benchmarks at scale.

``write_corpus(out_dir, scale=N, seed=0)`` writes a complete project root that
``cppcc-kg build --root OUT`` accepts: ``ontology.ttl`` and ``rules/`` (copied), ``sources/`` with
one synthetic Chinese text and its description per synthetic source, and
``graph/synth-NNNN/`` with the entities, relations, observations, firsts and
evidence of that source. Scale 1 is about the size of the curated graph of the
first source; scale 1000 is about a million triples.

The text is made of short sentences that state each fact, so every piece of
evidence is a real span of its source (``exact == text[start:end]``) and every
Chinese label occurs in a source. The shape follows the real graph: one CPPCC
committee per source as a hub with its units, party and state organs, places by
level with containment, programmes, mechanisms, documents issued by
organizations, dated events in places, honours, observations and firsts. A few
entities (the national committee, the central committee, the provinces) are
shared between sources and become the hubs that link them; the other targets
are chosen by preferential attachment, giving the heavy-tailed degree
distribution of the real graph. Everything is deterministic for a seed.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> stats = write_corpus(d, scale=1, seed=1)
>>> stats["sources"], stats["entities"] > 80
(1, True)
>>> sorted(p.name for p in (d / "graph" / "synth-0001").iterdir())
['entities.ttl', 'evidence.ttl', 'relations.ttl']
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cppcc_kg.rdf.namespaces import BASE, statement_iri

SYLLABLES = list(
    "安宝北碧昌长川春大德东丰福刚广海和河红华辉吉嘉江金锦京康兰乐丽林隆茂美民明南宁平青庆荣瑞山盛顺泰天通万文西祥新兴阳永裕远云泽正中"
)
PROVINCES = [
    ("内蒙古自治区", "Inner Mongolia Autonomous Region", "inner-mongolia"),
    ("宁夏回族自治区", "Ningxia Hui Autonomous Region", "ningxia"),
    ("广西壮族自治区", "Guangxi Zhuang Autonomous Region", "guangxi"),
    ("新疆维吾尔自治区", "Xinjiang Uygur Autonomous Region", "xinjiang"),
    ("西藏自治区", "Tibet Autonomous Region", "tibet"),
    ("河北省", "Hebei Province", "hebei"),
    ("山西省", "Shanxi Province", "shanxi"),
    ("辽宁省", "Liaoning Province", "liaoning"),
    ("吉林省", "Jilin Province", "jilin"),
    ("黑龙江省", "Heilongjiang Province", "heilongjiang"),
    ("甘肃省", "Gansu Province", "gansu"),
    ("湖南省", "Hunan Province", "hunan"),
]
UNIT_KINDS = [
    ("PartyGroup", "党组", "party group"),
    ("StandingCommittee", "常委会", "standing committee"),
    ("ChairpersonsCouncil", "主席会议", "chairpersons' council"),
    ("SpecialCommittee", "提案委员会", "proposals committee"),
    ("GeneralOffice", "办公室", "general office"),
    ("Organ", "机关", "organ"),
]
ORGAN_KINDS = [
    ("PartyOrgan", "委", "party committee"), ("PartyOrgan", "委统战部", "united front department"),
    ("PartyOrgan", "委宣传部", "publicity department"), ("StateOrgan", "人民政府", "people's government"),
    ("StateOrgan", "民族事务委员会", "ethnic affairs commission"), ("Court", "中级人民法院", "intermediate people's court"),
]
DOC_KINDS = [
    ("Plan", "五年工作规划", "five-year work plan"), ("Plan", "实施方案", "implementation plan"),
    ("Measures", "工作办法", "working measures"), ("Opinions", "实施意见", "implementation opinions"),
    ("Report", "调研报告", "research report"), ("Outline", "工作大纲", "work outline"),
    ("Handbook", "工作手册", "work handbook"), ("Norms", "工作规范", "working norms"),
    ("Decision", "决定", "decision"), ("Bulletin", "工作动态", "work bulletin"),
]
EVENT_KINDS = [
    ("PlenarySession", "全体会议", "plenary session"), ("Meeting", "专题会议", "thematic meeting"),
    ("TrainingCourse", "专题培训班", "training course"), ("Exhibition", "书画展", "exhibition"),
    ("Seminar", "研讨会", "seminar"), ("Conference", "经验交流会", "exchange conference"),
    ("Selection", "评选活动", "selection"), ("InspectionTour", "现场观摩", "observation tour"),
]
MECH_KINDS = [
    ("Mechanism", "协商机制", "consultation mechanism"), ("Rule", "学习制度", "study system"),
    ("Rule", "请示报告制度", "reporting system"), ("Platform", "委员工作站", "members' workstations"),
]
PROG_KINDS = [
    ("Program", "协作计划", "cooperation programme"), ("Campaign", "主题活动", "theme campaign"),
    ("Collaboration", "联动协作", "joint collaboration"),
]
RELATIONS_OUT = [  # (property, subject pool, object pool, zh verb pattern)
    ("issued", "org", "document", "{s}印发《{o}》。"),
    ("revised", "org", "document", "{s}修订了《{o}》。"),
    ("organized", "org", "event", "{s}举办{o}。"),
    ("participatedIn", "org", "event", "{s}参加{o}。"),
    ("launched", "org", "program", "{s}发起{o}。"),
    ("established", "org", "mechanism", "{s}建立{o}。"),
    ("heldIn", "event", "place", "{s}在{o}召开。"),
    ("about", "document", "program", "《{s}》围绕{o}。"),
    ("approvedBy", "document", "org", "《{s}》经{o}审议通过。"),
    ("recognizedBy", "program", "org", "{s}得到{o}肯定。"),
    ("reportedOn", "publication", "program", "《{s}》报道{o}。"),
    ("collaboratedWith", "org", "org", "{s}与{o}共同开展工作。"),
]
PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


@dataclass
class _Entity:
    iri: str
    cls: str
    zh: str
    en: str
    pool: str
    date: str = ""
    extra: list[str] = field(default_factory=list)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Source:
    """Accumulates the text of one synthetic source and the spans of its facts."""

    def __init__(self, sid: str):
        self.sid = sid
        self.parts: list[str] = []
        self.length = 0
        self.annotations: dict[tuple[int, int], set[str]] = {}

    def say(self, sentence: str, mentions: dict[str, str], bodies: list[str]) -> None:
        start = self.length
        self.parts.append(sentence)
        self.length += len(sentence)
        if bodies:
            self.annotations.setdefault((start, start + len(sentence)), set()).update(bodies)
        for iri, name in mentions.items():
            i = sentence.find(name)
            if i >= 0:
                self.annotations.setdefault((start + i, start + i + len(name)), set()).add(iri)

    @property
    def text(self) -> str:
        return "".join(self.parts)


_USED_NAMES: set[str] = set()


def _name(rng: random.Random, n: int = 2) -> str:
    """A name of *n* syllables not used before in this corpus (grows by one syllable if needed)."""
    while True:
        for _ in range(20):
            name = "".join(rng.choice(SYLLABLES) for _ in range(n))
            if name not in _USED_NAMES:
                _USED_NAMES.add(name)
                return name
        n += 1


def _slug(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))


def _prec(date: str) -> str:
    return {4: "YearPrecision", 7: "MonthPrecision", 10: "DayPrecision"}[len(date)]


def _dtype(date: str) -> str:
    return {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}[len(date)]


def _entity_ttl(e: _Entity) -> str:
    lines = [f"<{e.iri}> a cppcc:{e.cls} ;", f"    rdfs:label {_lit(e.zh)}@zh, {_lit(e.en)}@en"]
    if e.date:
        prop = "dcterms:issued" if e.pool == "document" else "schema:startDate"
        lines[-1] += " ;"
        lines.append(f'    {prop} "{e.date}"^^{_dtype(e.date)} ;')
        lines.append(f"    cppcc:datePrecision cppcc:{_prec(e.date)}")
    for x in e.extra:
        lines[-1] += " ;"
        lines.append("    " + x)
    return "\n".join(lines) + " .\n"


def _annotation_ttl(src: _Source, start: int, end: int, bodies: set[str], text: str) -> str:
    a = f"{BASE}id/evidence/{src.sid}/{start}-{end}"
    body = ", ".join(f"<{b}>" for b in sorted(bodies))
    return (
        f"<{a}> a oa:Annotation ;\n    oa:motivatedBy oa:describing ;\n    oa:hasBody {body} ;\n"
        f"    oa:hasTarget <{a}-target> .\n"
        f"<{a}-target> a oa:SpecificResource ;\n    oa:hasSource <{BASE}id/source/{src.sid}> ;\n"
        f"    oa:hasSelector <{a}-position>, <{a}-quote> .\n"
        f'<{a}-position> a oa:TextPositionSelector ;\n    oa:start "{start}"^^xsd:nonNegativeInteger ;\n'
        f'    oa:end "{end}"^^xsd:nonNegativeInteger .\n'
        f"<{a}-quote> a oa:TextQuoteSelector ;\n    oa:exact {_lit(text[start:end])} .\n"
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _shared_entities() -> list[_Entity]:
    out = [
        _Entity(f"{BASE}id/org/synth-national-cppcc", "CPPCCCommittee", "全国政协", "CPPCC National Committee", "org"),
        _Entity(f"{BASE}id/org/synth-cpc-central", "PartyOrgan", "中共中央", "CPC Central Committee", "org"),
    ]
    for zh, en, slug in PROVINCES:
        out.append(_Entity(f"{BASE}id/place/synth-{slug}", "ProvinceLevelDivision", zh, en, "place"))
    return out


# How much one source names. The first source is a region's yearly review, as long as the
# curated one; the others are the shorter reports of leagues, cities and banners (a fifth of it),
# so that scale 1 is about the curated graph and scale 1000 about a million triples.
REVIEW = {"units": len(UNIT_KINDS), "organs": len(ORGAN_KINDS), "banners": 3, "programs": 8,
          "mechanisms": 10, "documents": 20, "events": 20, "publications": 2, "honours": 3,
          "persons": 3, "more_relations": 60, "observations": 15, "firsts": 3}
REPORT = {"units": 3, "organs": 2, "banners": 1, "programs": 2, "mechanisms": 2, "documents": 4,
          "events": 4, "publications": 1, "honours": 1, "persons": 1, "more_relations": 12,
          "observations": 3, "firsts": 1}


def _source_facts(i: int, rng: random.Random, shared: list[_Entity], first_mention: set[str],
                  size: dict | None = None):
    """Entities, relations, observations and firsts of synthetic source *i* (*size*: counts per kind)."""
    size = size or REVIEW
    sid = f"synth-{i:04d}"
    src = _Source(sid)
    province = shared[2 + (i - 1) % len(PROVINCES)]
    base = f"{BASE}id/"
    ents: list[_Entity] = []
    pools: dict[str, list[_Entity]] = {k: [] for k in ("org", "place", "program", "mechanism", "document", "event", "publication", "honour", "person")}
    weight: dict[str, int] = {}

    def add(e: _Entity) -> _Entity:
        ents.append(e)
        pools[e.pool].append(e)
        weight[e.iri] = 1
        return e

    city_zh = _name(rng) + "市"
    city_en = f"Synthetic City {sid}"
    cppcc = add(_Entity(f"{base}org/{sid}-cppcc", "CPPCCCommittee", city_zh + "政协", f"CPPCC {city_en} Committee", "org"))
    weight[cppcc.iri] = 12
    city = add(_Entity(f"{base}place/{sid}-city", "PrefectureLevelCity", city_zh, city_en, "place"))
    relations: list[tuple[str, str, str, str]] = []  # (s, p, o, sentence)
    relations.append((city.iri, "locatedIn", province.iri, f"{city_zh}位于{province.zh}。"))
    relations.append((cppcc.iri, "jurisdiction", city.iri, f"{cppcc.zh}负责{city_zh}的政协工作。"))
    relations.append((cppcc.iri, "ledBy", shared[0].iri, f"{cppcc.zh}接受{shared[0].zh}指导。"))
    for k, (cls, zh, en) in enumerate(UNIT_KINDS[:size['units']]):
        u = add(_Entity(f"{base}org/{sid}-unit-{k}", cls, cppcc.zh + zh, f"{en.capitalize()} of the {cppcc.en}", "org"))
        relations.append((u.iri, "subOrganizationOf", cppcc.iri, f"{u.zh}隶属于{cppcc.zh}。"))
    party = None
    for k, (cls, zh, en) in enumerate(ORGAN_KINDS[:size['organs']]):
        o = add(_Entity(f"{base}org/{sid}-organ-{k}", cls, city_zh + ("党" if cls == "PartyOrgan" else "") + zh, f"{city_en} {en}", "org"))
        if k == 0:
            party = o
            relations.append((cppcc.iri, "ledBy", o.iri, f"{cppcc.zh}在{o.zh}领导下开展工作。"))
            relations.append((cppcc.iri, "reportsTo", o.iri, f"{cppcc.zh}向{o.zh}请示报告。"))
        elif cls == "PartyOrgan" and party is not None:
            relations.append((o.iri, "subOrganizationOf", party.iri, f"{o.zh}隶属于{party.zh}。"))
    for k in range(size['banners']):
        b = add(_Entity(f"{base}place/{sid}-banner-{k}", "BannerOrCounty", _name(rng) + "旗", f"Synthetic Banner {sid}-{k}", "place"))
        relations.append((b.iri, "locatedIn", city.iri, f"{b.zh}位于{city_zh}。"))
    for k in range(size['programs']):
        cls, zh, en = PROG_KINDS[k % len(PROG_KINDS)]
        add(_Entity(f"{base}program/{sid}-{k}", cls, _name(rng, 4) + zh, f"{en.capitalize()} {sid}-{k}", "program"))
    for k in range(size['mechanisms']):
        cls, zh, en = MECH_KINDS[k % len(MECH_KINDS)]
        add(_Entity(f"{base}mechanism/{sid}-{k}", cls, _name(rng, 2) + zh, f"{en.capitalize()} {sid}-{k}", "mechanism"))
    for k in range(size['documents']):
        cls, zh, en = DOC_KINDS[k % len(DOC_KINDS)]
        date = "2023" if k % 3 else f"2023-{1 + k % 12:02d}"
        add(_Entity(f"{base}document/{sid}-{k}", cls, f"关于{_name(rng, 4)}的{zh}", f"{en.capitalize()} {sid}-{k}", "document", date=date))
    for k in range(size['events']):
        cls, zh, en = EVENT_KINDS[k % len(EVENT_KINDS)]
        date = f"2023-{1 + k % 12:02d}" + (f"-{1 + k % 28:02d}" if k % 4 == 0 else "")
        add(_Entity(f"{base}event/{sid}-{k}", cls, f"{_name(rng, 2)}{zh}", f"{en.capitalize()} {sid}-{k}", "event", date=date))
    for k in range(size['publications']):
        add(_Entity(f"{base}publication/{sid}-{k}", "Newspaper" if k == 0 else "Magazine", _name(rng) + ("日报" if k == 0 else "杂志"), f"Synthetic Periodical {sid}-{k}", "publication"))
    for k in range(size['honours']):
        add(_Entity(f"{base}honour/{sid}-{k}", "Honour", f"{_name(rng, 2)}先进单位", f"Advanced Unit Award {sid}-{k}", "honour"))
    for k in range(size['persons']):
        add(_Entity(f"{base}person/{sid}-{k}", "Person", _name(rng, 3), f"Synthetic Person {sid}-{k}", "person"))

    pools["org"].extend(shared[:2])
    for e in shared[:2]:
        weight[e.iri] = 6

    def pick(pool: str) -> _Entity:
        cands = pools[pool]
        total = sum(weight[c.iri] for c in cands)
        r = rng.random() * total
        for c in cands:
            r -= weight[c.iri]
            if r <= 0:
                return c
        return cands[-1]

    seen: set[tuple[str, str, str]] = {(s, p, o) for s, p, o, _ in relations}
    for e in pools["document"]:
        relations.append((cppcc.iri if rng.random() < 0.5 else pick("org").iri, "issued", e.iri, ""))
    for e in pools["event"]:
        relations.append((pick("org").iri, "organized", e.iri, ""))
        relations.append((e.iri, "heldIn", pick("place").iri, ""))
    for e in pools["program"]:
        relations.append((pick("org").iri, "launched", e.iri, ""))
    for e in pools["mechanism"]:
        relations.append((pick("org").iri, "established", e.iri, ""))
    for e in pools["honour"]:
        relations.append((pick("org").iri, "awarded", e.iri, ""))
        relations.append((e.iri, "conferredBy", pick("org").iri, ""))
    for e in pools["person"]:
        relations.append((e.iri, "participatedIn", pick("event").iri, ""))
    for _ in range(size['more_relations']):
        prop, sp, op, _pattern = rng.choice(RELATIONS_OUT)
        s, o = pick(sp), pick(op)
        if s.iri != o.iri:
            relations.append((s.iri, prop, o.iri, ""))
    names = {e.iri: e for e in ents + shared}
    out_rel = []
    for s, p, o, sentence in relations:
        if (s, p, o) in seen and not sentence:
            continue
        seen.add((s, p, o))
        weight[s] = weight.get(s, 1) + 1
        weight[o] = weight.get(o, 1) + 1
        if not sentence:
            pattern = next((pat for prop, _a, _b, pat in RELATIONS_OUT if prop == p), "{s}与{o}相关。")
            if p in ("awarded",):
                pattern = "{s}获评{o}。"
            elif p == "conferredBy":
                pattern = "{s}由{o}授予。"
            elif p == "participatedIn":
                pattern = "{s}参加{o}。"
            sentence = pattern.format(s=names[s].zh, o=names[o].zh)
        out_rel.append((s, p, o, sentence))

    # text: every entity first named, then one sentence per fact
    for e in ents + shared:
        if e.iri in first_mention and e in shared:
            continue
        first_mention.add(e.iri)
        if e.date:
            src.say(f"{e.date[:4]}年，{e.zh}。", {e.iri: e.zh}, [])
        else:
            src.say(f"{e.zh}。", {e.iri: e.zh}, [])
    for s, p, o, sentence in out_rel:
        st = str(statement_iri(s, f"{BASE}ontology#{p}", o))
        src.say(sentence, {}, [st])

    obs = []
    for k in range(size['observations']):
        about = pick(rng.choice(["org", "program", "mechanism"]))
        value = rng.randint(2, 6000)
        qual = rng.choice(["Exact", "Exact", "MoreThan", "AtLeast"])
        word = {"Exact": "", "MoreThan": "余", "AtLeast": "至少"}[qual]
        unit_zh, unit_en = rng.choice([("人", "persons"), ("件", "items"), ("家", "units"), ("场次", "sessions")])
        iri = f"{base}observation/{sid}-{k}"
        sentence = f"{about.zh}参与人数{'至少' if qual == 'AtLeast' else ''}{value}{'' if qual != 'MoreThan' else word}{unit_zh}。"
        src.say(sentence, {}, [iri])
        obs.append(
            f"<{iri}> a cppcc:Observation ;\n    rdfs:label {_lit(sentence[:-1])}@zh, \"{value} {unit_en}\"@en ;\n"
            f"    cppcc:measuredProperty \"参与数量\"@zh, \"number taking part\"@en ;\n"
            f"    cppcc:observationAbout <{about.iri}> ;\n    cppcc:value {value} ;\n    cppcc:qualifier cppcc:{qual} ;\n"
            f"    cppcc:unit {_lit(unit_zh)}@zh, {_lit(unit_en)}@en ;\n"
            f'    cppcc:observationDate "2023"^^xsd:gYear ;\n    cppcc:datePrecision cppcc:YearPrecision .\n'
        )
    firsts = []
    for k in range(size['firsts']):
        about = pick("mechanism")
        iri = f"{base}first/{sid}-{k}"
        sentence = f"{cppcc.zh}首次建立{about.zh}。"
        src.say(sentence, {}, [iri])
        firsts.append(
            f"<{iri}> a cppcc:FirstClaim ;\n    rdfs:label {_lit(sentence[:-1])}@zh, \"First: {about.en}\"@en ;\n"
            f'    cppcc:firstKind "首次" ;\n    cppcc:firstBy <{cppcc.iri}> ;\n    cppcc:firstAbout <{about.iri}> .\n'
        )
    return src, ents, out_rel, obs, firsts


def write_corpus(out_dir: str | Path, scale: int = 1, seed: int = 0, ontology: str | Path | None = None) -> dict:
    """Write a synthetic project root of *scale* sources into *out_dir*.

    Parameters
    ----------
    out_dir : path
        The folder to write (created; existing ``sources/`` and ``graph/`` are replaced).
    scale : int
        Number of synthetic sources; 1 is about the size of the curated graph.
    seed : int
        Seed of the random choices: the same seed gives byte-identical files.
    ontology : path, optional
        The ontology to copy; by default the one of this repository.

    Returns
    -------
    dict
        Counts: ``sources``, ``entities``, ``relations``, ``observations``, ``annotations``.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("sources", "graph"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    onto = Path(ontology) if ontology else Path(__file__).resolve().parents[2] / "ontology.ttl"
    shutil.copyfile(onto, out / "ontology.ttl")
    rules = onto.parent / "rules"  # the data rules travel with the ontology, so the build runs them too
    if rules.is_dir():
        if (out / "rules").exists():
            shutil.rmtree(out / "rules")
        shutil.copytree(rules, out / "rules")
    rng = random.Random(seed)
    _USED_NAMES.clear()
    shared = _shared_entities()
    first_mention: set[str] = set()
    counts = {"sources": 0, "entities": 0, "relations": 0, "observations": 0, "annotations": 0}
    shared_used: set[str] = set()
    for i in range(1, scale + 1):
        src, ents, rels, obs, firsts = _source_facts(i, rng, shared, first_mention,
                                                      REVIEW if i == 1 else REPORT)
        text = src.text
        data = text.encode("utf-8")
        sid = src.sid
        _write(out / "sources" / f"{sid}.zh.txt", text)
        _write(
            out / "sources" / f"{sid}.ttl",
            PREFIXES
            + f"<{BASE}id/source/{sid}> a cppcc:Source ;\n"
            f'    dcterms:title "合成文献{i}"@zh, "Synthetic source {i}"@en ;\n'
            f'    dcterms:language "zh-Hans" ;\n    cppcc:localPath "sources/{sid}.zh.txt" ;\n'
            f"    cppcc:characterCount {len(text)} ;\n"
            f'    cppcc:sha256 "{hashlib.sha256(data).hexdigest()}" .\n',
        )
        ent_ttl = [_entity_ttl(e) for e in sorted(ents, key=lambda e: e.iri)]
        for e in shared:
            if e.iri in first_mention and e.iri not in shared_used:
                shared_used.add(e.iri)
                ent_ttl.append(_entity_ttl(e))
        rel_ttl = []
        for s, p, o, _sentence in sorted(rels):
            st = statement_iri(s, f"{BASE}ontology#{p}", o)
            rel_ttl.append(
                f"<{s}> cppcc:{p} <{o}> .\n<{st}> a rdf:Statement ;\n    rdf:subject <{s}> ;\n"
                f"    rdf:predicate cppcc:{p} ;\n    rdf:object <{o}> .\n"
            )
        ev_ttl = [_annotation_ttl(src, s, e, b, text) for (s, e), b in sorted(src.annotations.items())]
        folder = out / "graph" / sid
        _write(folder / "entities.ttl", PREFIXES + "\n".join(ent_ttl + obs + firsts))
        _write(folder / "relations.ttl", PREFIXES + "\n".join(rel_ttl))
        _write(folder / "evidence.ttl", PREFIXES + "\n".join(ev_ttl))
        counts["sources"] += 1
        counts["entities"] += len(ents)
        counts["relations"] += len(rels)
        counts["observations"] += len(obs)
        counts["annotations"] += len(ev_ttl)
    counts["entities"] += len(shared_used)
    return counts
