"""Hostile review of issue 15: the cache entry of a file's facts names what they are made of."""
from __future__ import annotations

import importlib

from rdflib.namespace import RDFS

from cppcc_kg import schema
from cppcc_kg.project import file_facts


def test_the_entry_changes_when_the_kept_properties_change(monkeypatch):
    before = file_facts._entry("k")
    # a property added to what the schema reads (without FACTS_VERSION bumped): facts kept before lack its triples
    monkeypatch.setattr(schema, "TERM_PROPERTIES", (*schema.TERM_PROPERTIES, RDFS.seeAlso))
    try:
        after = importlib.reload(file_facts)._entry("k")
    finally:
        monkeypatch.undo()
        importlib.reload(file_facts)
    assert before != after
