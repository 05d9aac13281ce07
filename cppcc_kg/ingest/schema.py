"""What ingest reads from the graph: the classes and edge properties of the ontology, and the
names (labels and aliases) of the entities already curated.

The schema is data: classes, their parents, colours, shapes, IRI namespaces and the
edge properties with their domains and ranges all come from ``ontology.ttl`` in the
graph. Ingest also reads the Chinese words that a class's ``rdfs:label @zh`` and
``rdfs:comment`` give for it (``(规划, 方案, 计划)`` for ``cppcc:Plan``) and uses them
to class a name by its last word.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
... @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... cppcc:Entity rdfs:label "entity"@en . cppcc:Document rdfs:subClassOf cppcc:Entity ;
...   rdfs:label "文件"@zh ; cppcc:displayAsNode true ; cppcc:iriPattern "https://w3id.org/cppcc-kg/id/document/" .
... cppcc:Plan rdfs:subClassOf cppcc:Document ; rdfs:label "规划方案"@zh ;
...   rdfs:comment "A plan (规划, 方案, 计划)."@en ; cppcc:displayAsNode true .
... ''', format="turtle")
>>> s = Schema.from_graph(g)
>>> s.kind("Plan"), s.is_a("Plan", "Document"), s.class_by_suffix("工作方案")
('document', True, 'Plan')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.rdf.namespaces import BASE, CPPCC

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@dataclass
class ClassInfo:
    iri: str
    local: str
    label_zh: str = ""
    label_en: str = ""
    parents: list[str] = field(default_factory=list)  # local names of direct superclasses in the ontology
    node: bool = False
    color: str = "#999999"
    shape: str = "dot"
    order: int = 999
    iri_pattern: str = ""
    terms: list[str] = field(default_factory=list)  # Chinese words naming the class


@dataclass
class PropertyInfo:
    iri: str
    local: str
    label_zh: str = ""
    label_en: str = ""
    domain: str = ""  # local name of the domain class ('' when none)
    range: str = ""


#: vocabularies that every kind of thing is placed under (they say nothing about the kind)
_GENERIC_VOCABS = {"http://www.w3.org/ns/prov#", "https://schema.org/", "http://www.w3.org/2004/02/skos/core#"}


def _namespace(iri) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[0] + "#" if "#" in s else s.rsplit("/", 1)[0] + "/"


def _local(iri) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1] if "#" in s else s.rsplit("/", 1)[-1]


def _lit(graph: Graph, s, p, lang: str) -> str:
    vals = sorted(str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and (o.language or "") == lang)
    return vals[0] if vals else ""


@dataclass
class Schema:
    """Classes and edge properties of the ontology (by local name)."""

    classes: dict[str, ClassInfo]
    properties: dict[str, PropertyInfo]
    _ancestors: dict[str, frozenset] = field(default_factory=dict, repr=False)
    _suffixes: list[tuple[str, str]] = field(default_factory=list, repr=False)
    _external: dict[str, frozenset] = field(default_factory=dict, repr=False)

    @classmethod
    def from_graph(cls, graph: Graph) -> "Schema":
        ns = str(CPPCC)
        classes: dict[str, ClassInfo] = {}
        external: dict[str, frozenset] = {}
        candidates = set(graph.subjects(RDFS.subClassOf, None)) | set(graph.subjects(CPPCC.displayAsNode, None))
        for c in sorted(candidates, key=str):
            if not str(c).startswith(ns):
                continue
            info = ClassInfo(iri=str(c), local=_local(c))
            info.label_zh = _lit(graph, c, RDFS.label, "zh")
            info.label_en = _lit(graph, c, RDFS.label, "en")
            info.parents = sorted(_local(p) for p in graph.objects(c, RDFS.subClassOf) if str(p).startswith(ns))
            external[info.local] = frozenset(_namespace(p) for p in graph.objects(c, RDFS.subClassOf)
                                             if not str(p).startswith(ns) and _namespace(p) not in _GENERIC_VOCABS)
            info.node = any(o.toPython() is True for o in graph.objects(c, CPPCC.displayAsNode) if isinstance(o, Literal))
            for p, attr in ((CPPCC.displayColor, "color"), (CPPCC.displayShape, "shape"), (CPPCC.iriPattern, "iri_pattern")):
                v = graph.value(c, p)
                if v is not None:
                    setattr(info, attr, str(v))
            v = graph.value(c, CPPCC.displayOrder)
            if v is not None:
                info.order = int(v)
            terms: list[str] = []
            for part in re.split(r"[与和、]", info.label_zh):
                if len(part) >= 1 and _CJK_RUN.fullmatch(part):
                    terms.append(part)
            comment = _lit(graph, c, RDFS.comment, "en")
            for paren in re.findall(r"\(([^()]*)\)", comment):
                terms += [t for t in _CJK_RUN.findall(paren)]
            info.terms = sorted(set(terms), key=lambda t: (-len(t), t))
            classes[info.local] = info
        props: dict[str, PropertyInfo] = {}
        for p in sorted(graph.subjects(CPPCC.displayAsEdge, None), key=str):
            flag = graph.value(p, CPPCC.displayAsEdge)
            if not (isinstance(flag, Literal) and flag.toPython() is True):
                continue
            dom = graph.value(p, RDFS.domain)
            rng = graph.value(p, RDFS.range)
            props[_local(p)] = PropertyInfo(
                iri=str(p), local=_local(p),
                label_zh=_lit(graph, p, RDFS.label, "zh"), label_en=_lit(graph, p, RDFS.label, "en"),
                domain=_local(dom) if dom is not None else "", range=_local(rng) if rng is not None else "")
        schema = cls(classes=classes, properties=props)
        schema._external = external
        schema._index()
        return schema

    def _index(self) -> None:
        for name in self.classes:
            seen, todo = set(), [name]
            while todo:
                c = todo.pop()
                if c in seen:
                    continue
                seen.add(c)
                todo += self.classes[c].parents if c in self.classes else []
            self._ancestors[name] = frozenset(seen)
        pairs = []
        for name, info in self.classes.items():
            if not self.is_a(name, "Entity") or not info.node:
                continue
            for t in info.terms:
                pairs.append((t, name))
        # longest word first; among equal words, the most specific class (most ancestors)
        pairs.sort(key=lambda p: (-len(p[0]), -len(self._ancestors[p[1]]), p[0], p[1]))
        self._suffixes = pairs

    # ------------------------------------------------------------ queries
    def is_a(self, cls: str, ancestor: str) -> bool:
        """True when class *cls* is *ancestor* or one of its subclasses (local names)."""
        return ancestor in self._ancestors.get(cls, frozenset({cls}))

    def top(self, cls: str) -> str:
        """The ancestor of *cls* that carries ``cppcc:iriPattern`` (Organization, Place, …)."""
        best = None
        for a in self._ancestors.get(cls, ()):
            info = self.classes.get(a)
            if info and info.iri_pattern:
                if best is None or len(self._ancestors[a]) > len(self._ancestors[best]):
                    best = a
        return best or cls

    def kind(self, cls: str) -> str:
        """The IRI kind of instances of *cls* (``org``, ``place``, ``document``, …).

        From the ``cppcc:iriPattern`` of the class or an ancestor; for a class without one
        (the organizational units), from the class with a pattern whose parents outside the
        ontology share its vocabulary (``org:OrganizationalUnit`` and ``org:FormalOrganization``).
        """
        info = self.classes.get(self.top(cls))
        if info and info.iri_pattern.startswith(BASE + "id/"):
            return info.iri_pattern[len(BASE + "id/"):].strip("/")
        for a in sorted(self._ancestors.get(cls, {cls}), key=lambda c: -len(self._ancestors.get(c, ()))):
            for ns in self._external.get(a, ()):
                for other, ons in sorted(self._external.items()):
                    info2 = self.classes.get(other)
                    if info2 and info2.iri_pattern.startswith(BASE + "id/") and ns in ons:
                        return info2.iri_pattern[len(BASE + "id/"):].strip("/")
        return "entity"

    def class_by_suffix(self, name: str) -> str | None:
        """The class whose Chinese word ends *name*, longest word first (None when no word fits)."""
        for term, cls in self._suffixes:
            if name.endswith(term):
                return cls
        return None

    def color(self, cls: str) -> str:
        return self.classes[cls].color if cls in self.classes else "#999999"

    def allowed(self, prop: str, subject_cls: str, object_cls: str) -> bool:
        """True when (subject, prop, object) respects the domain and range of the edge property *prop*."""
        p = self.properties.get(prop)
        if p is None:
            return False
        if p.domain and not self.is_a(subject_cls, p.domain):
            return False
        if p.range and not self.is_a(object_cls, p.range):
            return False
        return True

    def entity_classes(self) -> list[str]:
        return sorted((c for c in self.classes if self.is_a(c, "Entity") and self.classes[c].node),
                      key=lambda c: (self.classes[c].order, c))


# ---------------------------------------------------------------- names of curated entities

@dataclass
class KnownEntity:
    iri: str
    cls: str  # most specific class (local name)
    label_zh: str
    label_en: str
    names: list[str]  # label, aliases and title, as written (@zh)
    parents: list[str] = field(default_factory=list)  # IRIs it is a sub-organization / part of / located in
    jurisdiction: list[str] = field(default_factory=list)


def known_entities(graph: Graph, schema: Schema) -> dict[str, KnownEntity]:
    """Every entity of the graph whose class is drawn as a node, with its Chinese names.

    Entities marked ``cppcc:proposed true`` are left out: only curated entities are known.
    """
    out: dict[str, KnownEntity] = {}
    ns = str(CPPCC)
    proposed = {s for s, o in graph.subject_objects(CPPCC.proposed) if isinstance(o, Literal) and o.toPython() is True}
    for s, o in graph.subject_objects(RDF.type):
        if not isinstance(s, URIRef) or s in proposed or not str(o).startswith(ns):
            continue
        cls = _local(o)
        if cls not in schema.classes or not schema.is_a(cls, "Entity") or not schema.classes[cls].node:
            continue
        iri = str(s)
        prev = out.get(iri)
        if prev is not None:
            # keep the most specific class
            if schema.is_a(cls, prev.cls) and cls != prev.cls:
                prev.cls = cls
            continue
        names = []
        for p in (RDFS.label, SKOS.altLabel, DCTERMS.title):
            for lit in graph.objects(s, p):
                if isinstance(lit, Literal) and (lit.language or "").lower().startswith("zh"):
                    names.append(str(lit))
        out[iri] = KnownEntity(
            iri=iri, cls=cls, label_zh=_lit(graph, s, RDFS.label, "zh"), label_en=_lit(graph, s, RDFS.label, "en"),
            names=sorted(set(names)),
            parents=sorted({str(x) for p in (CPPCC.subOrganizationOf, CPPCC.locatedIn, CPPCC.partOf)
                            for x in graph.objects(s, p) if isinstance(x, URIRef)}),
            jurisdiction=sorted(str(x) for x in graph.objects(s, CPPCC.jurisdiction) if isinstance(x, URIRef)))
    return out
