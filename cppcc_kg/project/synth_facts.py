"""The facts of one synthetic source and its text (the generator of :mod:`cppcc_kg.project.synth`).

Every word comes from ``synth_vocabulary.json`` beside this module (:func:`vocabulary`): the
classes, the relations and their Chinese sentence patterns, the Chinese words and English names.
The code only says how a source is shaped: one CPPCC committee per source as a hub with its
units, party and state organs, a city and its banners, programmes, mechanisms, documents and
dated events, then relations chosen by preferential attachment, observations and firsts.

>>> import random
>>> facts = source_facts(1, random.Random(0), Names(random.Random(0)), shared_entities(), set())
>>> facts.entities[0].cls, len(facts.observations) == REVIEW["observations"]
('CPPCCCommittee', True)
>>> all(facts.text.text[s:e] for s, e in facts.text.annotations)
True
"""
from __future__ import annotations

import functools
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from cppcc_kg.rdf.namespaces import BASE, statement_iri

__all__ = [
    "REPORT",
    "REVIEW",
    "Entity",
    "First",
    "Names",
    "Observation",
    "SourceFacts",
    "SourceText",
    "shared_entities",
    "source_facts",
    "vocabulary",
]

#: the namespace of the entities
ID = f"{BASE}id/"


@functools.cache
def vocabulary() -> dict:
    """The words of the synthetic corpus: ``synth_vocabulary.json`` beside this module (read once).

    >>> sorted(vocabulary()["patterns"])[:3]
    ['about', 'approvedBy', 'awarded']
    """
    text = resources.files("cppcc_kg.project").joinpath("synth_vocabulary.json").read_text(encoding="utf-8")
    return json.loads(text)


# How much one source names. The first source is a region's yearly review, as long as the
# curated one; the others are the shorter reports of leagues, cities and banners (a fifth of it),
# so that scale 1 is about the curated graph and scale 1000 about a million triples.
REVIEW = {"units": len(vocabulary()["units"]["kinds"]), "organs": len(vocabulary()["organs"]["kinds"]),
          "banners": 3, "programs": 8, "mechanisms": 10, "documents": 20, "events": 20, "publications": 2,
          "honours": 3, "persons": 3, "more_relations": 60, "observations": 15, "firsts": 3}
REPORT = {"units": 3, "organs": 2, "banners": 1, "programs": 2, "mechanisms": 2, "documents": 4,
          "events": 4, "publications": 1, "honours": 1, "persons": 1, "more_relations": 12,
          "observations": 3, "firsts": 1}


@dataclass
class Entity:
    """An entity of the corpus: IRI, class (local name), labels, pool (its IRI kind), date."""

    iri: str
    cls: str
    zh: str
    en: str
    pool: str
    date: str = ""
    date_property: str = ""  # the property of the date (a prefixed name)


@dataclass
class Observation:
    """A figure stated by a sentence of the source."""

    iri: str
    label: str
    value: int
    qualifier: str
    unit_zh: str
    unit_en: str
    about: str


@dataclass
class First:
    """A claim that an organization was the first to do something."""

    iri: str
    label: str
    label_en: str
    by: str
    about: str


class SourceText:
    """Accumulates the text of one synthetic source and the spans of its facts."""

    def __init__(self, sid: str):
        self.sid = sid
        self.parts: list[str] = []
        self.length = 0
        self.annotations: dict[tuple[int, int], set[str]] = {}

    def say(self, sentence: str, mentions: dict[str, str], bodies: list[str]) -> None:
        """Append *sentence*: the whole sentence is evidence of *bodies*, each name of
        *mentions* (IRI -> name) evidence of its entity."""
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


class Names:
    """Random names of Chinese syllables, each given once in a corpus.

    >>> names = Names(random.Random(1))
    >>> a, b = names(), names(4)
    >>> len(a), len(b), a != b
    (2, 4, True)
    """

    def __init__(self, rng: random.Random, syllables: str | None = None):
        self.rng = rng
        self.syllables = syllables if syllables is not None else vocabulary()["syllables"]
        self.used: set[str] = set()

    def __call__(self, n: int = 2) -> str:
        """A name of *n* syllables not given before (one syllable longer when they run short)."""
        while True:
            for _ in range(20):
                name = "".join(self.rng.choice(self.syllables) for _ in range(n))
                if name not in self.used:
                    self.used.add(name)
                    return name
            n += 1


def shared_entities() -> list[Entity]:
    """The entities every source may name: the national bodies, then the provinces."""
    v = vocabulary()
    out = [Entity(ID + e["iri"], e["class"], e["zh"], e["en"], e["pool"]) for e in v["shared"]]
    prov = v["provinces"]
    out += [Entity(ID + prov["iri"].format(**p), prov["class"], p["zh"], p["en"], prov["pool"]) for p in prov["names"]]
    return out


def _year_or_month(k: int) -> str:
    return "2023" if k % 3 else f"2023-{1 + k % 12:02d}"


def _month_or_day(k: int) -> str:
    return f"2023-{1 + k % 12:02d}" + (f"-{1 + k % 28:02d}" if k % 4 == 0 else "")


#: how the *k*-th entity of a kind is dated (``dates`` of the vocabulary)
DATES = {"year-or-month": _year_or_month, "month-or-day": _month_or_day}


class SourceFacts:
    """The entities, relations, observations and firsts of one synthetic source, and its text.

    Entities are drawn into pools (their IRI kind); :meth:`pick` chooses one by preferential
    attachment (each relation adds one to the weight of both ends).
    """

    def __init__(self, sid: str, rng: random.Random, names: Names):
        self.sid, self.rng, self.names = sid, rng, names
        self.text = SourceText(sid)
        self.entities: list[Entity] = []
        self.pools: dict[str, list[Entity]] = defaultdict(list)
        self.weight: dict[str, int] = {}
        self.relations: list[tuple[str, str, str, str]] = []  # (s, p, o, sentence)
        self.observations: list[Observation] = []
        self.firsts: list[First] = []

    def add(self, spec: dict, kind: dict, k: int, **context: str) -> Entity:
        """The *k*-th entity of *kind* (a row of ``kinds`` of the vocabulary's *spec*)."""
        fields = dict(context, sid=self.sid, k=k, word=kind.get("zh", ""), en=kind.get("en", ""),
                      En=kind.get("en", "").capitalize())
        if spec.get("syllables") and "name" not in context:
            fields["name"] = self.names(spec["syllables"])
        date = DATES[spec["dates"]](k) if spec.get("dates") else ""
        e = Entity(ID + spec["iri"].format(**fields), kind.get("class", spec.get("class", "")),
                   spec["zh"].format(**fields), spec["en"].format(**fields), spec["pool"],
                   date=date, date_property=spec.get("date_property", "") if date else "")
        self.entities.append(e)
        self.pools[e.pool].append(e)
        self.weight[e.iri] = 1
        return e

    def link(self, role: str, s: Entity, o: Entity) -> None:
        """The relation *role* of the vocabulary's ``links`` from *s* to *o*, stated by its sentence."""
        spec = vocabulary()["links"][role]
        self.relations.append((s.iri, spec["property"], o.iri, spec["pattern"].format(s=s.zh, o=o.zh)))

    def pick(self, pool: str) -> Entity:
        """An entity of *pool*, with a probability proportional to its weight."""
        cands = self.pools[pool]
        total = sum(self.weight[c.iri] for c in cands)
        r = self.rng.random() * total
        for c in cands:
            r -= self.weight[c.iri]
            if r <= 0:
                return c
        return cands[-1]


def _hub(f: SourceFacts, province: Entity, national: Entity) -> tuple[Entity, Entity]:
    """The committee of the source and its city."""
    v = vocabulary()
    name = f.names()
    context = {"name": name, "city": v["city"]["zh"].format(name=name), "city_en": v["city"]["en"].format(sid=f.sid)}
    committee = f.add(v["committee"], {}, 0, **context)
    f.weight[committee.iri] = 12
    city = f.add(v["city"], {}, 0, **context)
    f.link("city_in_province", city, province)
    f.link("committee_jurisdiction", committee, city)
    f.link("committee_guided_by_national", committee, national)
    return committee, city


def _organizations(f: SourceFacts, committee: Entity, city: Entity, size: dict) -> None:
    """The units of the committee, the party and state organs of the city, its banners."""
    v = vocabulary()
    context = {"committee": committee.zh, "committee_en": committee.en, "city": city.zh, "city_en": city.en}
    for k, kind in enumerate(v["units"]["kinds"][:size["units"]]):
        f.link("unit_of_committee", f.add(v["units"], kind, k, **context), committee)
    party = None
    for k, kind in enumerate(v["organs"]["kinds"][:size["organs"]]):
        o = f.add(v["organs"], kind, k, **context)
        if k == 0:
            party = o
            f.link("committee_led_by_party", committee, o)
            f.link("committee_reports_to_party", committee, o)
        elif kind.get("under_first") and party is not None:
            f.link("organ_of_party", o, party)
    kinds = v["banners"]["kinds"]
    for k in range(size[v["banners"]["size"]]):
        f.link("banner_in_city", f.add(v["banners"], kinds[k % len(kinds)], k), city)


def _things(f: SourceFacts, size: dict) -> None:
    """Programmes, mechanisms, documents, events, publications, honours, persons."""
    for spec in vocabulary()["things"]:
        kinds = spec["kinds"]
        for k in range(size[spec["size"]]):
            kind = kinds[k % len(kinds)] if spec.get("cycle", True) else kinds[min(k, len(kinds) - 1)]
            f.add(spec, kind, k)


def _more_relations(f: SourceFacts, committee: Entity, size: dict) -> None:
    """Relations without a sentence yet: one per entity of a pool, then random ones."""
    v = vocabulary()
    for spec in v["per_entity"]:
        for e in f.pools[spec["pool"]]:
            for rel in spec["links"]:
                if "subject" in rel:
                    share = rel.get("committee_share")
                    s = committee if share is not None and f.rng.random() < share else f.pick(rel["subject"])
                    f.relations.append((s.iri, rel["property"], e.iri, ""))
                else:
                    f.relations.append((e.iri, rel["property"], f.pick(rel["object"]).iri, ""))
    for _ in range(size["more_relations"]):
        rel = f.rng.choice(v["random_relations"])
        s, o = f.pick(rel["subject"]), f.pick(rel["object"])
        if s.iri != o.iri:
            f.relations.append((s.iri, rel["property"], o.iri, ""))


def _state_relations(f: SourceFacts, shared: list[Entity], seen: set) -> None:
    """Drop repeated relations, weight the ends of the others, give each its sentence."""
    v = vocabulary()
    names = {e.iri: e for e in f.entities + shared}
    out = []
    for s, p, o, sentence in f.relations:
        if (s, p, o) in seen and not sentence:
            continue
        seen.add((s, p, o))
        f.weight[s] = f.weight.get(s, 1) + 1
        f.weight[o] = f.weight.get(o, 1) + 1
        if not sentence:
            sentence = v["patterns"].get(p, v["default_pattern"]).format(s=names[s].zh, o=names[o].zh)
        out.append((s, p, o, sentence))
    f.relations = out


def _write_text(f: SourceFacts, shared: list[Entity], first_mention: set[str]) -> None:
    """Every entity named once (the shared ones once per corpus), then one sentence per relation."""
    v = vocabulary()
    shared_iris = {e.iri for e in shared}
    for e in f.entities + shared:
        if e.iri in first_mention and e.iri in shared_iris:
            continue
        first_mention.add(e.iri)
        if e.date:
            f.text.say(v["dated_mention"].format(year=e.date[:4], name=e.zh), {e.iri: e.zh}, [])
        else:
            f.text.say(v["mention"].format(name=e.zh), {e.iri: e.zh}, [])
    for s, p, o, sentence in f.relations:
        f.text.say(sentence, {}, [str(statement_iri(s, f"{BASE}ontology#{p}", o))])


def _observations(f: SourceFacts, size: dict) -> None:
    spec = vocabulary()["observations"]
    for k in range(size["observations"]):
        about = f.pick(f.rng.choice(spec["pools"]))
        value = f.rng.randint(2, 6000)
        qual = f.rng.choice(spec["qualifiers"])
        unit = f.rng.choice(spec["units"])
        iri = ID + spec["iri"].format(sid=f.sid, k=k)
        sentence = spec["sentence"].format(about=about.zh, before=qual["before"], value=value,
                                           after=qual["after"], unit=unit["zh"])
        f.text.say(sentence, {}, [iri])
        f.observations.append(Observation(iri, sentence[:-1], value, qual["name"], unit["zh"], unit["en"], about.iri))


def _firsts(f: SourceFacts, committee: Entity, size: dict) -> None:
    spec = vocabulary()["firsts"]
    for k in range(size["firsts"]):
        about = f.pick(spec["pool"])
        iri = ID + spec["iri"].format(sid=f.sid, k=k)
        sentence = spec["sentence"].format(by=committee.zh, about=about.zh)
        f.text.say(sentence, {}, [iri])
        f.firsts.append(First(iri, sentence[:-1], spec["en"].format(about_en=about.en), committee.iri, about.iri))


def source_facts(i: int, rng: random.Random, names: Names, shared: list[Entity], first_mention: set[str],
                 size: dict | None = None) -> SourceFacts:
    """The facts and text of synthetic source *i* (*size*: counts per kind, default :data:`REVIEW`).

    *shared* are :func:`shared_entities`; *first_mention* the IRIs already named in the corpus
    (updated: a shared entity is named in the first source that mentions it).
    """
    size = size or REVIEW
    f = SourceFacts(f"synth-{i:04d}", rng, names)
    province = shared[2 + (i - 1) % len(vocabulary()["provinces"]["names"])]
    committee, city = _hub(f, province, shared[0])
    _organizations(f, committee, city, size)
    _things(f, size)
    f.pools["org"].extend(shared[:2])
    for e in shared[:2]:
        f.weight[e.iri] = 6
    seen = {(s, p, o) for s, p, o, _ in f.relations}
    _more_relations(f, committee, size)
    _state_relations(f, shared, seen)
    _write_text(f, shared, first_mention)
    _observations(f, size)
    _firsts(f, committee, size)
    return f
