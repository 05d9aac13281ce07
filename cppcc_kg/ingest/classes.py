"""The ontology's classes and edge properties by local name: ingest's view of :class:`cppcc_kg.schema.Schema`.

Ingest names classes by their local name (``Plan``, ``CPPCCCommittee``) in its rules, its
lexicon and its results. :class:`LocalSchema` reads nothing itself: it asks
:class:`cppcc_kg.schema.Schema` (the one reader of the ontology) and turns IRIs into local
names. Its classes are the ontology's own classes (``cppcc:``) that the ontology declares
(with a superclass or a ``cppcc:displayAsNode`` flag).

>>> from rdflib import Graph
>>> from cppcc_kg.schema import EXAMPLE_TTL
>>> s = LocalSchema.from_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
>>> s.kind("CPPCCCommittee"), s.is_a("CPPCCCommittee", "Organization"), s.class_terms
('org', True, [('政协', 'CPPCCCommittee'), ('组织', 'Organization')])
>>> s.classes["Organization"].color, s.classes["CPPCCCommittee"].color, s.classes["Program"].order
('#1f77b4', '#1f77b4', 20)
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.schema import Schema, local_name

__all__ = ["LocalClass", "LocalSchema"]


@dataclass(frozen=True)
class LocalClass:
    """A class of the ontology as ingest shows it: the colour and legend order of its top class."""

    iri: str
    label_zh: str = ""
    color: str = "#999999"
    order: int = 999


class LocalSchema:
    """Classes and edge properties of *schema* by local name."""

    def __init__(self, schema: Schema):
        self.schema = schema
        own = str(CPPCC)
        self.classes: dict[str, LocalClass] = {
            local_name(iri): LocalClass(iri=iri, label_zh=info.label_zh, color=schema.hint(iri, "color") or "#999999",
                                        order=int(o) if (o := schema.order(iri)) != float("inf") else 999)
            for iri, info in schema.classes.items()
            if iri.startswith(own) and (info.parents or info.display_as_node is not None)}
        #: edge property (local name) -> IRI
        self.property_iris: dict[str, str] = {local_name(p): p for p in schema.properties}
        #: (Chinese word of a class, class) in the order they are tried (longest word first)
        self.class_terms: list[tuple[str, str]] = [(t, local_name(c)) for t, c in schema.class_terms()]
        self._depth: dict[str, int] = {}

    @classmethod
    def from_graph(cls, graph: Graph) -> LocalSchema:
        """The classes and properties of the ontology in *graph*."""
        return cls(Schema.from_graph(graph))

    def is_a(self, cls: str, ancestor: str) -> bool:
        """True when class *cls* is *ancestor* or one of its subclasses."""
        return self.schema.is_a(cls, ancestor)

    def is_entity_class(self, cls: str) -> bool:
        """True for a class of the ontology under ``cppcc:Entity`` whose instances are drawn as nodes."""
        return cls in self.classes and self.classes[cls].iri in self.schema.node_classes and self.is_a(cls, "Entity")

    def is_any(self, cls: str, group: str) -> bool:
        """True when *cls* is one of the classes of the lexicon's class group *group* (``body``, ``agent``, …)."""
        return any(self.schema.is_a(cls, c) for c in LEXICON.class_groups[group])

    def top(self, cls: str) -> str:
        """The top class of *cls* (Organization, OrganizationalUnit, Place, …: :meth:`Schema.top`)."""
        return local_name(self.schema.top(cls))

    def kind(self, cls: str) -> str:
        """The IRI kind of instances of *cls* (``org``, ``place``, ``document``, …)."""
        return self.schema.kind(cls)

    def depth(self, cls: str) -> int:
        """How many of the ontology's own classes *cls* is (itself included); 0 for an unknown class."""
        if cls not in self._depth:
            own = str(CPPCC)
            self._depth[cls] = (sum(1 for a in self.schema.ancestors(self.schema.iri(cls)) if a.startswith(own))
                                if cls in self.classes else 0)
        return self._depth[cls]

    def allowed(self, prop: str, subject_cls: str, object_cls: str) -> bool:
        """True when (subject, prop, object) respects the domain and range of the edge property *prop*."""
        return self.schema.allowed(prop, subject_cls, object_cls)
