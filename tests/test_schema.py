"""The one reader of the ontology (cppcc_kg.schema): what it reads, and that the ontology is complete.

The ontology is data: every class drawn as a node has a style, every style names a real class or
property, every IRI kind comes from a ``cppcc:iriPattern``, and a class added to the ontology is
known to the code without a line of Python.
"""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.schema import ONTOLOGY_PATH, Schema


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH)


@pytest.fixture(scope="module")
def schema(ontology) -> Schema:
    return Schema(ontology)


def test_every_node_class_has_a_colour_a_shape_and_labels(schema):
    assert len(schema.node_classes) > 10
    for c in schema.node_classes:
        assert schema.hint(c, "color").startswith("#"), c
        assert schema.hint(c, "shape"), c
    for c in schema.entity_classes():
        info = schema.classes[c]
        assert info.label_zh and info.label_en, c


def test_every_node_class_rolls_up_to_exactly_one_top_class(schema):
    """The display rolls the fine types up to about a dozen top classes: each node class has exactly
    one top class among itself and its superclasses, only top classes carry display hints, and each
    top class has its own colour and its own shape (a shape names one kind of thing)."""
    tops = schema.top_classes()
    assert 8 <= len(tops) <= 15, [schema.local(c) for c in tops]
    for c in schema.entity_classes():
        marked = [a for a in schema.ancestors(c) if a in schema.classes and schema.classes[a].is_top]
        assert len(marked) == 1, (schema.local(c), [schema.local(a) for a in marked])
        assert schema.top(c) == marked[0] and schema.top(c) in schema.node_classes
    for c, info in schema.classes.items():
        styled = bool(info.color or info.shape or info.order is not None)
        assert styled == info.is_top, f"{schema.local(c)}: only top classes carry colour, shape and order"
    for c in tops:
        info = schema.classes[c]
        assert info.color.startswith("#") and info.shape and info.order is not None, c
        assert info.label_zh and info.label_en, c
    assert len({schema.classes[c].color.lower() for c in tops}) == len(tops), "two top classes share a colour"
    assert len({schema.classes[c].shape for c in tops}) == len(tops), "two top classes share a shape"
    # the misleading shapes of the issue: the CPPCC committee is drawn as an organization, a court too
    assert schema.hint("CPPCCCommittee", "shape") == schema.hint("Organization", "shape") != schema.hint("Event", "shape")
    assert schema.hint("Court", "shape") != schema.hint("Mechanism", "shape")


def test_classification_gives_the_fine_type_and_its_top_class(schema):
    r = schema.classification("PartyGroup")
    assert (r["class"], r["class_iri"], r["top_class"], r["top_class_iri"]) == (
        "PartyGroup", schema.iri("PartyGroup"), "OrganizationalUnit", schema.iri("OrganizationalUnit"))
    assert r["class_label_zh"] == "党组" and r["top_class_label_zh"] == schema.classes[schema.iri("OrganizationalUnit")].label_zh
    assert schema.classification("Organization")["top_class"] == "Organization"
    # legend order: every class sorts with its top class
    assert schema.order("Court") == schema.order("Organization") < schema.order("Event") == schema.order("Seminar")
    assert schema.entity_classes()[0] == schema.iri("Organization")


def test_every_style_names_a_real_class_or_property(ontology, schema):
    declared = set(ontology.subjects(RDF.type, OWL.Class)) | set(ontology.subjects(RDF.type, OWL.ObjectProperty)) \
        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    for prop in (CPPCC.displayColor, CPPCC.displayShape, CPPCC.displayOrder, CPPCC.displayAsNode, CPPCC.iriPattern,
                 CPPCC.topClass):
        for s in ontology.subjects(prop, None):
            assert s in declared, f"{s} has a {prop} but is not a class or property of the ontology"
    assert set(schema.display_orders()) <= {str(s) for s in declared}


def test_every_edge_property_has_labels_and_a_colour(schema):
    assert schema.edge_properties
    for p in schema.edge_properties:
        info = schema.properties[p]
        assert info.label_zh and info.label_en and info.color.startswith("#"), p


def test_iri_kinds_come_from_the_iri_patterns(ontology, schema):
    patterns = {str(o) for o in ontology.objects(None, CPPCC.iriPattern)}
    assert set(schema.iri_kinds().values()) == patterns
    for c in schema.entity_classes():
        assert schema.kind(c) in schema.iri_kinds(), c
    assert schema.kind(schema.iri("CPPCCCommittee")) == "org"
    # the organizational units have no pattern of their own: the org: vocabulary they share decides
    assert schema.kind(schema.iri("OrganizationalUnit")) == "org"


def test_hierarchy(schema):
    court, org = schema.iri("Court"), schema.iri("Organization")
    assert schema.is_a(court, org) and schema.is_a("Court", "Organization") and not schema.is_a(org, court)
    assert schema.ancestors(court)[0] == court and org in schema.ancestors(court)
    assert schema.most_specific([org, court]) == court
    assert schema.most_specific([str(RDFS.Resource)]) is None


def test_chinese_terms_class_a_name_by_its_last_word(schema):
    assert schema.local(schema.class_by_suffix("赤峰市中级人民法院")) == "Court"
    assert schema.class_by_suffix("abc") is None


def test_a_class_added_to_the_ontology_is_known_without_code(ontology):
    g = Graph()
    for t in ontology:
        g.add(t)
    new = URIRef(str(CPPCC) + "Foundation")
    g.add((new, RDF.type, OWL.Class))
    g.add((new, RDFS.subClassOf, CPPCC.Organization))
    g.add((new, RDFS.label, Literal("基金会", lang="zh")))
    g.add((new, CPPCC.displayAsNode, Literal(True)))
    s = Schema(g)
    assert str(new) in s.node_classes and s.kind(str(new)) == "org"
    assert s.class_by_suffix("某某扶贫基金会") == str(new)
    assert s.hint(str(new), "color") == s.hint(s.iri("Organization"), "color")
    assert s.top(str(new)) == s.iri("Organization")


def test_default_reads_the_repository_ontology_once(schema):
    assert Schema.default() is Schema.default()
    assert Schema.default().node_classes == schema.node_classes


def test_several_orders_domains_or_ranges_give_one_answer_whatever_the_store_order():
    """A class or property with several ``displayOrder``, ``domain`` or ``range`` values: the smallest is read, so
    that two stores giving the triples in other orders (the whole project's, the loader's small one) agree."""
    triples = [(CPPCC.Organization, CPPCC.displayOrder, Literal(10)), (CPPCC.Organization, CPPCC.displayOrder, Literal(3)),
               (CPPCC.Organization, CPPCC.displayAsNode, Literal(True)),
               (CPPCC.launched, CPPCC.displayAsEdge, Literal(True)), (CPPCC.launched, CPPCC.displayOrder, Literal(9)),
               (CPPCC.launched, CPPCC.displayOrder, Literal("x")), (CPPCC.launched, CPPCC.displayOrder, Literal(2)),
               (CPPCC.launched, RDFS.range, CPPCC.Person), (CPPCC.launched, RDFS.range, CPPCC.Organization),
               (CPPCC.launched, RDFS.domain, CPPCC.Plan), (CPPCC.launched, RDFS.domain, CPPCC.Event)]
    schemas = []
    for order in (triples, triples[::-1]):
        g = Graph()
        for t in order:
            g.add(t)
        schemas.append(Schema(g))
    a, b = schemas
    assert a.classes == b.classes and a.properties == b.properties and a.display_orders() == b.display_orders()
    assert a.classes[str(CPPCC.Organization)].order == 3.0 and a.display_orders()[str(CPPCC.Organization)] == 3.0
    edge = a.properties[str(CPPCC.launched)]
    assert (edge.order, edge.range, edge.domain) == (2.0, str(CPPCC.Organization), str(CPPCC.Event))
