"""The one reader of the ontology: classes, properties, display hints, IRI kinds, Chinese terms.

Everything the code knows about kinds of things comes from ``ontology.ttl`` through
:class:`Schema`: which classes are drawn as nodes and which properties as edges
(``cppcc:displayAsNode``, ``cppcc:displayAsEdge``), their colours, shapes and legend order
(``cppcc:displayColor``, ``cppcc:displayShape``, ``cppcc:displayOrder``), the top class every
node class rolls up to (``cppcc:topClass``: the class among itself and its superclasses that
carries the display hints; the class itself is the fine type), the IRI kind of
their instances (``cppcc:iriPattern``), their labels, domains and ranges, and the Chinese
words that name a class (its ``rdfs:label @zh`` split at 与/和/、, and the Chinese words in
parentheses of its English comment). No module types a list of classes or properties.

Classes and properties are keyed by their full IRI (a ``str``); :meth:`Schema.iri` turns a
local name of the ontology's namespace (``"Plan"``) into that IRI.

>>> from rdflib import Graph
>>> s = Schema.from_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
>>> s.local(s.most_specific([s.iri("Organization"), s.iri("CPPCCCommittee")]))
'CPPCCCommittee'
>>> s.local(s.top(s.iri("CPPCCCommittee"))), [s.local(c) for c in s.top_classes()]
('Organization', ['Organization', 'Program'])
>>> s.kind(s.iri("CPPCCCommittee")), s.hint(s.iri("CPPCCCommittee"), "color")
('org', '#1f77b4')
>>> s.local(s.class_by_suffix("自治区政协")), sorted(s.local(p) for p in s.edge_properties)
('CPPCCCommittee', ['launched'])
>>> s.iri_kinds()
{'org': 'https://w3id.org/cppcc-kg/id/org/', 'program': 'https://w3id.org/cppcc-kg/id/program/'}
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from cppcc_kg.rdf.namespaces import BASE, CPPCC, local_name

__all__ = ["Schema", "ClassInfo", "PropertyInfo", "ONTOLOGY_PATH", "SCHEMA_PROPERTIES", "TERM_PROPERTIES",
           "lang_literal", "local_name"]

#: the ontology of this repository (the default of :meth:`Schema.default`)
ONTOLOGY_PATH = Path(__file__).resolve().parents[1] / "ontology.ttl"

#: vocabularies that every kind of thing is placed under (they say nothing about the IRI kind)
_GENERIC_VOCABS = frozenset({"http://www.w3.org/ns/prov#", "https://schema.org/",
                             "http://www.w3.org/2004/02/skos/core#"})
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ID = BASE + "id/"

EXAMPLE_TTL = """
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cppcc:Entity cppcc:displayAsNode false .
cppcc:Organization rdfs:subClassOf cppcc:Entity ; cppcc:displayAsNode true ; cppcc:topClass true ;
    cppcc:displayColor "#1f77b4" ; cppcc:displayOrder 10 ;
    cppcc:iriPattern "https://w3id.org/cppcc-kg/id/org/" ; rdfs:label "组织"@zh, "organization"@en .
cppcc:CPPCCCommittee rdfs:subClassOf cppcc:Organization ; rdfs:label "政协"@zh .
cppcc:Program rdfs:subClassOf cppcc:Entity ; cppcc:displayAsNode true ; cppcc:topClass true ; cppcc:displayOrder 20 ;
    cppcc:iriPattern "https://w3id.org/cppcc-kg/id/program/" .
cppcc:launched cppcc:displayAsEdge true ; rdfs:label "launched"@en, "发起"@zh .
"""


def _namespace(iri) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[0] + "#" if "#" in s else s.rsplit("/", 1)[0] + "/"


def _flag(value) -> bool | None:
    if isinstance(value, Literal):
        py = value.toPython()
        return py if isinstance(py, bool) else str(value).strip().lower() == "true"
    return None


def lang_literal(graph: Graph, subject, prop, lang: str) -> str:
    """The smallest (for determinism) literal of *prop* in language *lang* (or a sub-tag of it)."""
    exact, sub = [], []
    for o in graph.objects(subject, prop):
        if isinstance(o, Literal) and o.language:
            tag = o.language.lower()
            if tag == lang:
                exact.append(str(o))
            elif tag.startswith(lang + "-"):
                sub.append(str(o))
    values = exact or sub
    return min(values) if values else ""


def _first_literal(graph: Graph, subject, prop) -> str:
    values = sorted(str(o) for o in graph.objects(subject, prop) if isinstance(o, Literal))
    return values[0] if values else ""


def _terms(label_zh: str, comment_en: str) -> tuple[str, ...]:
    """The Chinese words naming a class: its label split at 与/和/、, and the words in the
    parentheses of its English comment; longest first."""
    terms = [part for part in re.split(r"[与和、]", label_zh) if _CJK_RUN.fullmatch(part)]
    for paren in re.findall(r"\(([^()]*)\)", comment_en):
        terms += _CJK_RUN.findall(paren)
    return tuple(sorted(set(terms), key=lambda t: (-len(t), t)))


@dataclass(frozen=True)
class ClassInfo:
    """A class of the ontology, as declared (hints not inherited: see :meth:`Schema.hint`)."""

    iri: str
    label_zh: str = ""
    label_en: str = ""
    comment_en: str = ""
    parents: tuple[str, ...] = ()  # direct superclasses (IRIs, in or outside the ontology)
    display_as_node: bool | None = None  # the class's own cppcc:displayAsNode, if stated
    color: str = ""
    shape: str = ""
    order: float | None = None
    iri_pattern: str = ""
    terms: tuple[str, ...] = ()  # Chinese words naming the class
    is_top: bool = False  # the class's own cppcc:topClass


@dataclass(frozen=True)
class PropertyInfo:
    """A property drawn as an edge (``cppcc:displayAsEdge true``)."""

    iri: str
    label_zh: str = ""
    label_en: str = ""
    color: str = ""
    order: float | None = None
    domain: str = ""  # IRI of the domain class ('' when none)
    range: str = ""


#: the properties whose triples :class:`Schema` reads whatever their subject (``graph.subject_objects``):
#: the classes and properties it knows are the subjects and objects of these triples
SCHEMA_PROPERTIES = (RDFS.subClassOf, CPPCC.displayAsNode, CPPCC.topClass, CPPCC.displayAsEdge, CPPCC.displayOrder)
#: the properties it reads of those classes and properties only (``graph.objects(term, …)``)
TERM_PROPERTIES = (RDFS.label, RDFS.comment, CPPCC.displayOrder, CPPCC.displayColor, CPPCC.displayShape,
                   CPPCC.iriPattern, CPPCC.topClass, RDFS.domain, RDFS.range)


class Schema:
    """What the ontology says, read once from an rdflib graph that holds it.

    It reads the triples of :data:`SCHEMA_PROPERTIES` and, of the classes and properties these name, those
    of :data:`TERM_PROPERTIES`: a graph holding all of these gives the same schema as the whole project
    (:meth:`cppcc_kg.project.load.Project.schema_graph`).

    Parameters
    ----------
    graph : rdflib.Graph
        A graph holding the ontology (it may hold data too: only the ontology's
        statements are read).
    """

    def __init__(self, graph: Graph):
        parents: dict[str, set[str]] = defaultdict(set)
        for c, sup in graph.subject_objects(RDFS.subClassOf):
            if isinstance(c, URIRef) and isinstance(sup, URIRef):
                parents[str(c)].add(str(sup))
        flags: dict[str, bool] = {}
        for c, v in graph.subject_objects(CPPCC.displayAsNode):
            flag = _flag(v)
            if isinstance(c, URIRef) and flag is not None:
                flags[str(c)] = flags.get(str(c), False) or flag
        tops = {str(c) for c, v in graph.subject_objects(CPPCC.topClass) if isinstance(c, URIRef) and _flag(v)}
        names = set(flags) | tops | set(parents) | {s for ps in parents.values() for s in ps}
        self.classes: dict[str, ClassInfo] = {c: self._class_info(graph, c, parents, flags) for c in sorted(names)}
        self.properties: dict[str, PropertyInfo] = {
            str(p): self._property_info(graph, p)
            for p in sorted({p for p, v in graph.subject_objects(CPPCC.displayAsEdge)
                             if isinstance(p, URIRef) and _flag(v)}, key=str)}
        self._orders: dict[str, float] = {}
        for s, o in graph.subject_objects(CPPCC.displayOrder):
            if (n := _number(o)) is not None:
                self._orders[str(s)] = min(n, self._orders.get(str(s), n))
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self.node_classes: frozenset[str] = frozenset(c for c in self.classes if self.is_node_class(c))
        self.edge_properties: list[str] = sorted(self.properties)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_graph(cls, graph: Graph) -> "Schema":
        """The schema of the ontology in *graph*."""
        return cls(graph)

    @classmethod
    def from_file(cls, path: Path | str) -> "Schema":
        """The schema of the ontology in the Turtle file *path*."""
        return cls(Graph().parse(Path(path), format="turtle"))

    @staticmethod
    @functools.cache
    def default() -> "Schema":
        """The schema of this repository's ``ontology.ttl`` (read once per process)."""
        return Schema.from_file(ONTOLOGY_PATH)

    @staticmethod
    def _class_info(graph: Graph, c: str, parents, flags) -> ClassInfo:
        node = URIRef(c)
        label_zh = lang_literal(graph, node, RDFS.label, "zh")
        comment_en = lang_literal(graph, node, RDFS.comment, "en")
        return ClassInfo(
            iri=c, label_zh=label_zh, label_en=lang_literal(graph, node, RDFS.label, "en"), comment_en=comment_en,
            parents=tuple(sorted(parents.get(c, ()))), display_as_node=flags.get(c),
            color=_first_literal(graph, node, CPPCC.displayColor), shape=_first_literal(graph, node, CPPCC.displayShape),
            order=_smallest_number(graph, node, CPPCC.displayOrder), iri_pattern=_first_literal(graph, node, CPPCC.iriPattern),
            terms=_terms(label_zh, comment_en), is_top=any(_flag(v) for v in graph.objects(node, CPPCC.topClass)))

    @staticmethod
    def _property_info(graph: Graph, p: URIRef) -> PropertyInfo:
        dom, rng = _smallest(graph, p, RDFS.domain), _smallest(graph, p, RDFS.range)
        return PropertyInfo(
            iri=str(p), label_zh=lang_literal(graph, p, RDFS.label, "zh"), label_en=lang_literal(graph, p, RDFS.label, "en"),
            color=_first_literal(graph, p, CPPCC.displayColor), order=_smallest_number(graph, p, CPPCC.displayOrder),
            domain=str(dom) if dom is not None else "", range=str(rng) if rng is not None else "")

    # ------------------------------------------------------------ names
    @staticmethod
    def iri(name: str) -> str:
        """The IRI of *name*: a local name of the ontology's namespace, or an IRI already."""
        return name if ":" in name else str(CPPCC) + name

    @staticmethod
    def local(iri) -> str:
        """The local name of *iri* (``Court`` for ``cppcc:Court``)."""
        return local_name(iri)

    # ------------------------------------------------------------ hierarchy
    def ancestors(self, c: str) -> tuple[str, ...]:
        """*c* and all its superclasses, breadth first (nearest first), each once."""
        c = str(c)
        if c not in self._ancestors:
            seen, order, frontier = {c}, [c], [c]
            while frontier:
                nxt = []
                for x in frontier:
                    info = self.classes.get(x)
                    for sup in info.parents if info else ():
                        if sup not in seen:
                            seen.add(sup)
                            order.append(sup)
                            nxt.append(sup)
                frontier = nxt
            self._ancestors[c] = tuple(order)
        return self._ancestors[c]

    def is_a(self, c: str, ancestor: str) -> bool:
        """True when class *c* is *ancestor* or one of its subclasses (IRIs or local names)."""
        return self.iri(ancestor) in self.ancestors(self.iri(c))

    def is_node_class(self, c: str) -> bool:
        """Whether instances of *c* are drawn as nodes: the nearest explicit ``cppcc:displayAsNode``
        (on the class or its closest superclass) decides."""
        for a in self.ancestors(c):
            flag = self.classes[a].display_as_node if a in self.classes else None
            if flag is not None:
                return flag
        return False

    def most_specific(self, types: Iterable) -> str | None:
        """The most specific node class among *types* (deepest, then by IRI), or None: the fine type
        of an instance of *types* (its top class is :meth:`top` of it)."""
        cands = {str(t) for t in types if str(t) in self.node_classes}
        if not cands:
            return None
        best = [t for t in cands if not any(t != u and t in self.ancestors(u) for u in cands)]
        return sorted(best, key=lambda t: (-len(self.ancestors(t)), t))[0]

    def entity_classes(self) -> list[str]:
        """The classes under ``cppcc:Entity`` that declare themselves nodes, in legend order."""
        return sorted((c for c in self.node_classes if self.is_a(c, "Entity")),
                      key=lambda c: (self.order(c), not self.classes[c].is_top, self.local(c)))

    # ------------------------------------------------------------ top classes and fine types
    def top(self, c: str) -> str:
        """The top class of *c* (IRI or local name): the nearest of *c* and its superclasses marked
        ``cppcc:topClass true`` (*c* itself when none is). A node class's own class is its fine type.
        """
        c = self.iri(c)
        return next((a for a in self.ancestors(c) if a in self.classes and self.classes[a].is_top), c)

    def top_classes(self) -> list[str]:
        """The classes marked ``cppcc:topClass true``, in legend order (``cppcc:displayOrder``, local name)."""
        return sorted((c for c, info in self.classes.items() if info.is_top),
                      key=lambda c: (self.order(c), self.local(c)))

    def order(self, c: str) -> float:
        """The legend order of class *c*: its top class's ``cppcc:displayOrder`` (else the nearest
        ancestor's; infinity when none has one)."""
        c = self.iri(c)
        for a in (self.top(c), *self.ancestors(c)):
            info = self.classes.get(a)
            if info is not None and info.order is not None:
                return info.order
        return float("inf")

    def classification(self, c: str) -> dict[str, str]:
        """The fine type *c* and its top class: local name, IRI and labels (the columns of ``nodes.csv``).

        >>> from rdflib import Graph
        >>> s = Schema.from_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
        >>> r = s.classification("CPPCCCommittee")
        >>> r["class"], r["class_label_zh"], r["top_class"], r["top_class_label_en"]
        ('CPPCCCommittee', '政协', 'Organization', 'organization')
        """
        c, top = self.iri(c), self.top(c)
        out = {}
        for prefix, x in (("class", c), ("top_class", top)):
            info = self.classes.get(x) or ClassInfo(iri=x)
            out.update({prefix: self.local(x), f"{prefix}_iri": x, f"{prefix}_label_en": info.label_en,
                        f"{prefix}_label_zh": info.label_zh})
        return out

    # ------------------------------------------------------------ display hints
    def hint(self, c: str, key: str) -> str:
        """The display hint *key* (``color`` or ``shape``) of class *c*: its top class's (else the nearest
        ancestor's that has one)."""
        return next((v for a in (self.top(c), *self.ancestors(c))
                     if a in self.classes and (v := getattr(self.classes[a], key))), "")

    def display_orders(self) -> dict[str, float]:
        """``cppcc:displayOrder`` of every class and property (IRI -> order), sorted by IRI."""
        return dict(sorted(self._orders.items()))

    # ------------------------------------------------------------ IRI kinds
    def iri_kinds(self) -> dict[str, str]:
        """Entity IRI kind -> namespace, from the ``cppcc:iriPattern`` of the classes, sorted by kind."""
        return dict(sorted((info.iri_pattern[len(_ID):].strip("/"), info.iri_pattern)
                           for info in self.classes.values() if info.iri_pattern.startswith(_ID)))

    def _pattern_class(self, c: str) -> str:
        """The nearest ancestor of *c* that carries ``cppcc:iriPattern`` (*c* itself when none does)."""
        c = self.iri(c)
        with_pattern = [a for a in self.ancestors(c) if a in self.classes and self.classes[a].iri_pattern]
        return max(with_pattern, key=lambda a: len(self.ancestors(a)), default=c)

    def kind(self, c: str) -> str:
        """The IRI kind of instances of *c* (``org``, ``place``, ``document``, …), or ``entity``.

        From the ``cppcc:iriPattern`` of the class or an ancestor; for a class without one
        (the organizational units), from the class with a pattern whose parents outside the
        ontology share its vocabulary (``org:OrganizationalUnit`` and ``org:FormalOrganization``).
        """
        info = self.classes.get(self._pattern_class(c))
        if info and info.iri_pattern.startswith(_ID):
            return info.iri_pattern[len(_ID):].strip("/")
        external = self._external_vocabularies
        for a in sorted(self.ancestors(self.iri(c)), key=lambda x: -len(self.ancestors(x))):
            for ns in external.get(a, ()):
                for other, ons in sorted(external.items(), key=lambda kv: self.local(kv[0])):
                    pattern = self.classes[other].iri_pattern
                    if pattern.startswith(_ID) and ns in ons:
                        return pattern[len(_ID):].strip("/")
        return "entity"

    @functools.cached_property
    def _own(self) -> frozenset[str]:
        return frozenset(c for c in self.classes if c.startswith(str(CPPCC)))

    @functools.cached_property
    def _external_vocabularies(self) -> dict[str, frozenset[str]]:
        """Own class -> the vocabularies (outside the ontology's) of its direct superclasses."""
        return {c: frozenset(_namespace(p) for p in self.classes[c].parents
                             if not p.startswith(str(CPPCC)) and _namespace(p) not in _GENERIC_VOCABS)
                for c in self._own}

    # ------------------------------------------------------------ Chinese terms
    @functools.cached_property
    def _suffixes(self) -> list[tuple[str, str]]:
        pairs = [(t, c) for c in self._own if c in self.node_classes and self.is_a(c, "Entity")
                 for t in self.classes[c].terms]
        # longest word first; among equal words, the most specific class (most ancestors)
        own_depth = {c: sum(1 for a in self.ancestors(c) if a in self._own) for c in self._own}
        pairs.sort(key=lambda p: (-len(p[0]), -own_depth[p[1]], p[0], self.local(p[1])))
        return pairs

    def class_terms(self) -> list[tuple[str, str]]:
        """(Chinese word, class IRI) pairs in the order :meth:`class_by_suffix` tries them: longest word
        first, then the most specific class."""
        return list(self._suffixes)

    def class_by_suffix(self, name: str) -> str | None:
        """The class whose Chinese word ends *name*, longest word first (None when no word fits)."""
        return next((c for term, c in self._suffixes if name.endswith(term)), None)

    # ------------------------------------------------------------ properties
    def allowed(self, prop: str, subject_class: str, object_class: str) -> bool:
        """True when (subject, *prop*, object) respects the domain and range of the edge property *prop*."""
        p = self.properties.get(self.iri(prop))
        if p is None:
            return False
        return ((not p.domain or self.is_a(subject_class, p.domain))
                and (not p.range or self.is_a(object_class, p.range)))


def _smallest(graph: Graph, subject, prop):
    """The smallest value (as text) of *prop* of *subject*, or None: one answer whatever the order in which
    a store gives several."""
    return min(graph.objects(subject, prop), key=str, default=None)


def _smallest_number(graph: Graph, subject, prop) -> float | None:
    """The smallest number among the values of *prop* of *subject* (None when none is a number)."""
    return min((n for o in graph.objects(subject, prop) if (n := _number(o)) is not None), default=None)


def _number(value) -> float | None:
    if isinstance(value, Literal):
        try:
            return float(value.toPython())
        except (TypeError, ValueError):
            return None
    return None
