"""The lexicon of ingest that the ontology does not give, read once from ``lexicon.toml``.

The Chinese words of the ontology's classes come from the ontology (through
:class:`cppcc_kg.schema.Schema`); this data file adds what ingest needs beside them: the last
words of names and the class they give, the verbs before a quoted name, the head words of
enumerations, groups of classes that the rules name together, the levels of places by class,
and the sentence patterns that state relations, with their properties. Every class and
property it names is a local name of the ontology (a test checks it).

>>> LEXICON.suffix_classes["政协"], LEXICON.class_groups["body"]
('CPPCCCommittee', ('Organization', 'OrganizationalUnit'))
>>> LEXICON.verb_patterns[0]
('X印发《Y》', '(?:联合|研究)?(?:制定印发|印发|制定|出台|编印|发布|出版|配套出台)', 'issued')
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

__all__ = ["LEXICON", "Lexicon", "read_lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """The tables of ``lexicon.toml`` (word -> class tables keep the order of the file)."""

    suffix_classes: dict[str, str]
    quote_triggers: dict[str, str]
    list_heads: dict[str, str]
    quote_list_heads: dict[str, str]
    class_groups: dict[str, tuple[str, ...]]
    place_levels: dict[str, str]
    #: (name, regex over the sentence skeleton, [(subject group, property, object group)])
    sentence_patterns: list[tuple[str, str, list[tuple[str, str, str]]]]
    #: (name, verb regex, property)
    verb_patterns: list[tuple[str, str, str]]
    approval: tuple[str, str, str]
    #: verb -> (name, property)
    joint_verbs: dict[str, tuple[str, str]]
    agent_subject: frozenset[str]
    agent_object: frozenset[str]
    #: kind of thing (``org_endings``, ``place_endings``, …) -> the last words of such names
    name_endings: dict[str, tuple[str, ...]]
    #: ``name_start``: level words that start a relative name; ``place_end``: the last words of
    #: place names; each a tuple of (word, administrative level)
    levels: dict[str, tuple[tuple[str, str], ...]]
    #: what the tagger and the gazetteer read (``generic``: words that are never names by themselves;
    #: ``gazetteer_endings``: the last words of the divisions the gazetteer proposes; ``org_heads``: the last
    #: words that end the name of a body the tagger proposes)
    recognizers: dict[str, tuple[str, ...]]
    #: where names begin and end (``quote_alone_heads``, ``slogan_alone_heads``: the words after a quote that
    #: leave the quoted words alone as the name; ``not_last_before``: characters that make the word before them
    #: an adjective, not a last word; ``generic_mechanism_modifiers``: words that do not make a mechanism's name
    #: by themselves)
    spans: dict[str, tuple[str, ...]]

    def classes(self) -> set[str]:
        """Every class the lexicon names (local names)."""
        return (set(self.suffix_classes.values()) | set(self.quote_triggers.values()) | set(self.list_heads.values())
                | set(self.quote_list_heads.values()) | {c for g in self.class_groups.values() for c in g}
                | set(self.place_levels))

    def properties(self) -> set[str]:
        """Every property the lexicon names (local names)."""
        return ({p for _n, _rx, triples in self.sentence_patterns for _s, p, _o in triples}
                | {p for _n, _v, p in self.verb_patterns} | {self.approval[2]}
                | {p for _n, p in self.joint_verbs.values()} | self.agent_subject | self.agent_object)


def read_lexicon(text: str) -> Lexicon:
    """The lexicon in the TOML *text*."""
    data = tomllib.loads(text)
    rel = data["relations"]
    approval = rel["approval"]
    return Lexicon(
        suffix_classes=dict(data["suffix_classes"]), quote_triggers=dict(data["quote_triggers"]),
        list_heads=dict(data["list_heads"]), quote_list_heads=dict(data["quote_list_heads"]),
        class_groups={k: tuple(v) for k, v in data["class_groups"].items()},
        place_levels=dict(data["place_levels"]),
        sentence_patterns=[(p["name"], p["regex"], [tuple(t) for t in p["triples"]]) for p in rel["patterns"]],
        verb_patterns=[(v["name"], v["verb"], v["property"]) for v in rel["verbs"]],
        approval=(approval["name"], approval["verb"], approval["property"]),
        joint_verbs={k: (v["name"], v["property"]) for k, v in rel["joint_verbs"].items()},
        agent_subject=frozenset(rel["agent_subject"]), agent_object=frozenset(rel["agent_object"]),
        name_endings={k: tuple(v) for k, v in data.get("name_endings", {}).items()},
        levels={k: tuple((w, level) for w, level in v) for k, v in data.get("levels", {}).items()},
        recognizers={k: tuple(v) for k, v in data.get("recognizers", {}).items()},
        spans={k: tuple(v) for k, v in data.get("spans", {}).items()})


#: the lexicon shipped with the package
LEXICON = read_lexicon(resources.files("cppcc_kg.ingest").joinpath("lexicon.toml").read_text(encoding="utf-8"))
