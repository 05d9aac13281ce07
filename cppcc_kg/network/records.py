"""What the entity graph reads about a node besides its class: literal attributes, observations, evidence.

Which property becomes which attribute, and how its objects are read, is the table
``attributes.tsv`` beside this module (:data:`ATTRIBUTES`): it makes both the SPARQL query
(:func:`literals_query`) and the attributes of a record (:func:`read_record`). Evidence is
the Web Annotation (``oa:``) of a node or of a relation's statement (:func:`evidence_query`).

>>> [(a.name, a.reading) for a in ATTRIBUTES["node"]][:3]
[('label_zh', 'lang:zh'), ('label_en', 'lang:en'), ('pinyin', 'literal')]
>>> from rdflib.namespace import RDFS
>>> lit = Literals([("s", str(RDFS.label), "甲", "zh", "", "true"), ("s", str(RDFS.label), "A", "en", "", "true")])
>>> read_record(lit, "s", ATTRIBUTES["node"], {})["label_zh"]
'甲'
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from cppcc_kg.rdf.namespaces import CPPCC, OA, PREFIXES
from cppcc_kg.schema import local_name

__all__ = ["Attribute", "ATTRIBUTES", "ATTRIBUTES_FILE", "READINGS", "read_attributes", "Literals",
           "literals_query", "notations_query", "read_record", "read_records", "evidence_query",
           "evidence_by_body", "one_per_annotation",
           "titles_query", "source_titles", "number"]

#: the table of the attributes read from properties
ATTRIBUTES_FILE = Path(__file__).resolve().with_name("attributes.tsv")
#: the readings of ``attributes.tsv`` besides ``lang:XX``
READINGS = ("literal", "literals", "value", "number", "notation", "precision")


@dataclass(frozen=True)
class Attribute:
    """One line of ``attributes.tsv``: the attribute *name* of a *record* read from *properties*."""

    record: str
    name: str
    properties: tuple[str, ...]  # full IRIs, tried in order
    reading: str
    when: str = ""


def _expand(name: str) -> str:
    prefix, _, rest = name.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"{ATTRIBUTES_FILE.name}: unknown prefix in {name!r}")
    return PREFIXES[prefix] + rest


def read_attributes(path: Path | str = ATTRIBUTES_FILE) -> dict[str, tuple[Attribute, ...]]:
    """Record (``node``, ``observation``) -> its attributes, in the order of the table *path*."""
    out: dict[str, list[Attribute]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            a = Attribute(row["record"], row["attribute"], tuple(_expand(p) for p in row["properties"].split()),
                          row["reading"], (row.get("when") or "").strip())
            if a.reading not in READINGS and not a.reading.startswith("lang:"):
                raise ValueError(f"{Path(path).name}: unknown reading {a.reading!r} of {a.name}")
            out[a.record].append(a)
    return {record: tuple(attrs) for record, attrs in out.items()}


#: record -> its attributes (``attributes.tsv``)
ATTRIBUTES = read_attributes()


def lang_pick(pairs, lang: str) -> str:
    """The smallest value of (value, language tag) *pairs* in language *lang* (or a sub-tag of it)."""
    exact, sub = [], []
    for value, tag in pairs:
        tag = tag.lower()
        if tag == lang:
            exact.append(value)
        elif tag.startswith(lang + "-"):
            sub.append(value)
    chosen = exact or sub
    return min(chosen) if chosen else ""


def number(value: str, lang: str = "", datatype: str = ""):
    """A literal as an int or a float (a decimal becomes a float); other text as str.

    >>> number("05", datatype=str(XSD.integer)), number("1.5", datatype=str(XSD.decimal)), number("甲")
    (5, 1.5, '甲')
    """
    if lang:
        lit = Literal(value, lang=lang)
    elif datatype and datatype != str(XSD.string):
        lit = Literal(value, datatype=URIRef(datatype))
    else:
        lit = Literal(value)
    py = lit.toPython()
    if isinstance(py, bool):
        return str(lit)
    if isinstance(py, int):
        return py
    try:
        return float(py)
    except (TypeError, ValueError):
        return str(lit)


class Literals:
    """property -> subject -> [(value, language, datatype, is literal)] of rows of :func:`literals_query`."""

    def __init__(self, rows):
        self.data: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o, lang, dt, lit in rows:
            self.data[p][s].append((o, lang, dt, lit == "true"))

    def of(self, p: str) -> dict[str, list[tuple]]:
        """Subject -> the objects of *p*."""
        return self.data.get(p, {})


def literals_query(attributes, subjects=None) -> str:
    """The objects of the properties of *attributes*, of every subject (or of the IRIs *subjects*; a triple
    that several graphs hold may come more than once: no reading depends on how many times)."""
    props = sorted({p for a in attributes for p in a.properties})
    only = "" if subjects is None else f"VALUES ?s {{ {' '.join(f'<{s}>' for s in sorted(subjects))} }} "
    return f"""SELECT ?s ?p ?o (LANG(?o) AS ?lang) (DATATYPE(?o) AS ?dt) (isLiteral(?o) AS ?lit) WHERE {{
            {only}VALUES ?p {{ {" ".join(f"<{p}>" for p in props)} }} ?s ?p ?o }}"""


def notations_query(attributes) -> str:
    """The smallest ``skos:notation`` of each object of the properties read as a notation or precision."""
    props = sorted({p for a in attributes if a.reading in ("notation", "precision") for p in a.properties})
    return f"""SELECT ?x (MIN(STR(?n)) AS ?m) WHERE {{ VALUES ?r {{ {" ".join(f"<{p}>" for p in props)} }}
            ?s ?r ?x . ?x <{SKOS.notation}> ?n FILTER isLiteral(?n) }} GROUP BY ?x"""


def _read(objects: list[tuple], reading: str, notations: dict):
    """The value of *objects* (of one property) by *reading*; None when there is none (but for
    the readings that always give a value)."""
    if reading.startswith("lang:"):
        return lang_pick([(v, tag) for v, tag, _dt, lit in objects if lit and tag], reading[5:])
    if reading == "literals":
        return sorted({v for v, _tag, _dt, lit in objects if lit})
    if reading == "literal":
        return min((v for v, _tag, _dt, lit in objects if lit), default="")
    first = min(objects, key=lambda x: x[0], default=None)
    if first is None:
        return None
    value, tag, dt, lit = first
    if reading == "number":
        return number(value, tag, dt) if lit else value
    if reading == "notation":
        return notations.get(value) or local_name(value)
    if reading == "precision":
        return notations.get(value) or local_name(value).removesuffix("Precision").lower()
    return value


def _lang_value(objects: list[tuple], lang: str) -> str:
    """``_read(objects, "lang:" + lang, ...)`` (:func:`lang_pick` of the literals with a language), in one pass.

    >>> _lang_value([("b", "zh", "", True), ("a", "ZH-Hans", "", True), ("c", "zh", "", True)], "zh")
    'b'
    >>> _lang_value([("b", "zh-TW", "", True), ("a", "zh-Hans", "", True), ("x", "", "", True)], "zh")
    'a'
    """
    exact = sub = None
    for value, tag, _dt, lit in objects:
        if lit and tag:
            tag = tag.lower()
            if tag == lang:
                if exact is None or value < exact:
                    exact = value
            elif exact is None and tag.startswith(lang + "-") and (sub is None or value < sub):
                sub = value
    return exact if exact is not None else sub if sub is not None else ""


def _always(reading: str) -> bool:
    """Whether *reading* gives a value (maybe empty) even without objects: only the first property is read."""
    return reading in ("literal", "literals") or reading.startswith("lang:")


def read_record(literals: Literals, s: str, attributes, notations: dict) -> dict:
    """The attributes of subject *s*, read as the table says (:func:`read_records` of one subject)."""
    return read_records(literals, [s], attributes, notations)[s]


def read_records(literals: Literals, subjects, attributes, notations: dict) -> dict[str, dict]:
    """Subject -> its attributes (in the order of *attributes*), read as the table says, for each of *subjects*.

    Read attribute by attribute over the subjects that have objects, not subject by subject:
    the first of an attribute's properties with objects gives its value (a reading of
    :func:`_always` has a value from its first property even without objects: ``''`` or
    ``[]``); an attribute whose ``when`` attribute has no value is ``''``; one without a value
    is ``''`` (``None`` when read as a number).
    """
    subjects = list(subjects)
    wanted = set(subjects)
    present: dict[str, set | None] = {}  # attribute -> the subjects that have it (None: all)
    columns = []
    for a in attributes:
        allowed = present.get(a.when, set()) if a.when else None
        col: dict = {}
        for p in a.properties[:1] if _always(a.reading) else a.properties:
            # only the subjects asked for: the others' values are never read
            of = literals.of(p)
            found = ((s, of[s]) for s in wanted if s in of) if len(wanted) < len(of) else \
                ((s, objects) for s, objects in of.items() if s in wanted)
            if a.reading.startswith("lang:"):
                lang = a.reading[5:]
                for s, objects in found:
                    if s not in col and (allowed is None or s in allowed):
                        col[s] = _lang_value(objects, lang)
                continue
            for s, objects in found:
                if s not in col and (allowed is None or s in allowed):
                    col[s] = _read(objects, a.reading, notations)
        present[a.name] = allowed if _always(a.reading) else set(col)
        columns.append((a.name, col, _default(a.reading), allowed))
    out = {}
    for s in subjects:
        rec = {}
        for name, col, default, allowed in columns:
            v = col.get(s, _MISSING)
            if v is _MISSING:
                v = default() if allowed is None or s in allowed else ("" if default is not _none else None)
            rec[name] = v
        out[s] = rec
    return out


_MISSING = object()


def _none():
    return None


def _default(reading: str):
    """A maker of the value of an attribute read by *reading* of a subject without objects."""
    if reading == "literals":
        return list
    if _always(reading):
        return str
    return _none if reading == "number" else str


# ---------------------------------------------------------------- evidence

def evidence_query() -> str:
    """Each annotation of each body (a node or a statement), with its target's source and selectors: a
    solution per combination of them (one, in a graph that conforms to the shapes), which
    :func:`evidence_by_body` reads as one (without ``GROUP BY`` and ``MIN``: a quarter less CPU at scale 1000).

    It reads both forms of the evidence (:mod:`cppcc_kg.rdf.evidence_form`), a ``UNION`` of two patterns: the
    full form of the exports (the annotation's target, its source and selectors) and the compact form of the
    project's files and the build's store (``cppcc:quoteSource``, ``quoteStart``, ``quoteEnd``, ``quoteExact`` on
    the annotation, whose target is ``<A-target>``), each pattern matching nothing on the other form. A graph
    and its :func:`~cppcc_kg.rdf.evidence_form.expand` give the same solutions.

    >>> from cppcc_kg.rdf.evidence_form import expand
    >>> from cppcc_kg.rdf.store import values
    >>> import pyoxigraph as ox
    >>> nt = (b'<https://e.org/a> <http://www.w3.org/ns/oa#hasBody> <https://e.org/n> .\\n'
    ...       b'<https://e.org/a> <https://w3id.org/cppcc-kg/ontology#quoteExact> "ab" .\\n')
    >>> rows = []
    >>> for data in (nt, expand(nt)):
    ...     store = ox.Store()
    ...     store.load(data, format=ox.RdfFormat.N_TRIPLES)
    ...     rows.append(values(store, evidence_query()))
    >>> rows[0]
    [('https://e.org/n', 'https://e.org/a', 'https://e.org/a-target', '', '', '', 'ab')]
    >>> rows[0] == rows[1]
    True
    """
    oa, cppcc = str(OA), str(CPPCC)
    # the compact form: the annotations (IRIs: evidence_form expands no other) with any of the four properties,
    # each once; the full form's target <A-target> is made of the annotation's IRI
    quotes = " ".join(f"<{cppcc}{p}>" for p in ("quoteSource", "quoteStart", "quoteEnd", "quoteExact"))
    return f"""SELECT DISTINCT ?b ?a ?t ?src ?st ?en ?x
        WHERE {{ {{ ?a <{oa}hasBody> ?b ; <{oa}hasTarget> ?t .
            OPTIONAL {{ ?t <{oa}hasSource> ?src FILTER (!isBlank(?src)) }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s1 . ?s1 <{oa}start> ?st }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s2 . ?s2 <{oa}end> ?en }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s3 . ?s3 <{oa}exact> ?x FILTER isLiteral(?x) }}
        }} UNION {{ {{ SELECT DISTINCT ?a WHERE {{ VALUES ?q {{ {quotes} }} ?a ?q ?any FILTER isIRI(?a) }} }}
            ?a <{oa}hasBody> ?b .
            BIND (IRI(CONCAT(STR(?a), "-target")) AS ?t)
            OPTIONAL {{ ?a <{cppcc}quoteSource> ?src FILTER (!isBlank(?src)) }}
            OPTIONAL {{ ?a <{cppcc}quoteStart> ?st }}
            OPTIONAL {{ ?a <{cppcc}quoteEnd> ?en }}
            OPTIONAL {{ ?a <{cppcc}quoteExact> ?x FILTER isLiteral(?x) }}
        }} }}"""


def titles_query() -> str:
    """The titles of the sources of the annotations' targets: ``oa:hasSource`` in the full form of the evidence,
    ``cppcc:quoteSource`` in the compact form (:func:`evidence_query`)."""
    return f"""SELECT DISTINCT ?s ?t (LANG(?t) AS ?lang) (isLiteral(?t) AS ?lit) WHERE {{
            VALUES ?p {{ <{OA.hasSource}> <{CPPCC.quoteSource}> }} ?a ?p ?s . ?s <{DCTERMS.title}> ?t }}"""


def source_titles(rows) -> dict[str, str]:
    """Source IRI -> its title: Chinese, else English, else the smallest literal."""
    out: dict[str, list] = defaultdict(list)
    for s, t, lang, lit in rows:
        out[s].append((t, lang, lit == "true"))
    titles = {}
    for s, lst in out.items():
        pairs = [(t, lang) for t, lang, lit in lst if lit and lang]
        titles[s] = (lang_pick(pairs, "zh") or lang_pick(pairs, "en")
                     or min((t for t, _l, lit in lst if lit), default=""))
    return titles


def _position(value: str) -> tuple:
    """The order of a selector's start or end among others: by number (as SPARQL orders integers)."""
    try:
        return 0, int(value), value
    except ValueError:
        return 1, 0, value


def one_per_annotation(rows) -> list[tuple]:
    """The solutions of :func:`evidence_query`, one per (body, annotation, target): where several give
    another source, start, end or exact (a graph that does not conform to the shapes), the smallest
    non-empty value of each (text by code point, a position by integer value, other positions after the
    integers; ``''`` when none). On a graph that conforms to the shapes (one source IRI, one integer start
    and end, one exact per target) this is what ``MIN`` of each grouped by (body, annotation, target) gave;
    on one that does not, it may differ from it (an empty exact, a blank-node source, a position that is not
    an integer), and a build of it fails its validation and keeps none of its outputs.

    >>> one_per_annotation([("b", "a", "t", "s", "10", "12", "x"), ("b", "a", "t", "s", "9", "12", "x")])
    [('b', 'a', 't', 's', '9', '12', 'x')]
    """
    first: dict[tuple, tuple] = {}
    more: dict[tuple, list[tuple]] = {}
    for row in rows:
        key = row[:3]
        seen = first.get(key)
        if seen is None:
            first[key] = row
        elif row != seen:
            more.setdefault(key, [seen]).append(row)
    for key, group in more.items():
        src, st, en, x = ([r[i] for r in group if r[i]] for i in range(3, 7))
        first[key] = (*key, min(src, default=""), min(st, key=_position, default=""),
                      min(en, key=_position, default=""), min(x, default=""))
    return list(first.values())


def evidence_by_body(rows, titles: dict[str, str]) -> dict[str, list[dict]]:
    """Body -> its evidence dicts (``annotation, start, end, exact, source, source_title``), by
    source, start, end and annotation, from solutions of :func:`evidence_query`."""
    items = [(b, src, int(start) if start else -1, int(end) if end else -1, a, exact)
             for b, a, _t, src, start, end, exact in one_per_annotation(rows)]
    items.sort(key=itemgetter(0, 1, 2, 3, 4))  # stable: by body, then as each body's list is sorted
    out: dict[str, list[dict]] = {}
    for b, src, start, end, a, exact in items:
        evidence = out.get(b)
        if evidence is None:
            evidence = out[b] = []
        evidence.append({"annotation": a, "start": start, "end": end, "exact": exact, "source": src,
                         "source_title": titles.get(src, "") if src else ""})
    return out
