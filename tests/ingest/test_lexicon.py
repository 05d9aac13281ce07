"""The lexicon of ingest (``cppcc_kg/ingest/lexicon.toml``) names only classes and properties of the ontology."""
from __future__ import annotations

import pytest

from cppcc_kg.ingest.lexicon import LEXICON, read_lexicon
from cppcc_kg.schema import Schema


def test_every_class_of_the_lexicon_is_an_entity_class_of_the_ontology():
    schema = Schema.default()
    missing = sorted(c for c in LEXICON.classes() if Schema.iri(c) not in schema.classes)
    assert not missing, f"lexicon.toml names classes that ontology.ttl does not declare: {missing}"
    not_entities = sorted(c for c in LEXICON.classes() if not schema.is_a(c, "Entity"))
    assert not not_entities, f"lexicon.toml names classes outside cppcc:Entity: {not_entities}"


def test_every_property_of_the_lexicon_is_an_edge_property_of_the_ontology():
    schema = Schema.default()
    missing = sorted(p for p in LEXICON.properties() if Schema.iri(p) not in schema.properties)
    assert not missing, f"lexicon.toml names properties that ontology.ttl does not declare as edges: {missing}"


def test_the_lexicon_has_its_tables():
    assert LEXICON.suffix_classes and LEXICON.quote_triggers and LEXICON.list_heads and LEXICON.quote_list_heads
    assert LEXICON.place_levels and LEXICON.verb_patterns and LEXICON.sentence_patterns and LEXICON.joint_verbs
    assert set(LEXICON.class_groups) >= {"body", "agent", "quoted_kind", "refinable", "list_refinable",
                                          "event_not_by_word"}
    assert set(LEXICON.name_endings) >= {"org_endings", "place_endings", "event_endings", "document_endings"}
    assert all(LEXICON.name_endings.values()) and set(LEXICON.levels) == {"name_start", "place_end"}


def test_the_levels_of_places_are_one_set():
    # the level a place class has (place_levels) is one the level words name, and back
    named = {level for words in LEXICON.levels.values() for _word, level in words}
    assert set(LEXICON.place_levels.values()) == named


def test_a_misspelt_class_is_caught():
    bad = read_lexicon("""
[suffix_classes]
"政协" = "CPPCCCommitee"
[quote_triggers]
[list_heads]
[quote_list_heads]
[class_groups]
[place_levels]
[relations]
agent_subject = []
agent_object = []
patterns = []
verbs = []
approval = { name = "a", verb = "b", property = "approvedBy" }
[relations.joint_verbs]
""")
    assert bad.classes() == {"CPPCCCommitee"}
    assert Schema.iri("CPPCCCommitee") not in Schema.default().classes


@pytest.mark.parametrize("group", sorted(LEXICON.class_groups))
def test_class_groups_are_not_empty(group):
    assert LEXICON.class_groups[group]
