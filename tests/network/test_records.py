"""Reading the attributes of records (``network.records.read_records``): the language readings in one pass
give :func:`lang_pick`'s value, and a record does not depend on which other subjects are read with it."""
from __future__ import annotations

import random

from rdflib.namespace import DCTERMS, RDFS

from cppcc_kg.network.records import ATTRIBUTES, Literals, lang_pick, read_records
from cppcc_kg.rdf.namespaces import CPPCC, SCHEMA

TAGS = ["zh", "ZH", "zh-Hans", "zh-TW", "en", "en-GB", "EN-us", "", "fr", "zhx"]


def random_literals(seed: int, subjects: int = 300) -> tuple[list[str], list[tuple]]:
    rng = random.Random(seed)
    names, rows = [f"s{i:03d}" for i in range(subjects)], []
    props = [str(RDFS.label), str(RDFS.comment), str(SCHEMA.startDate), str(DCTERMS.issued),
             str(CPPCC.datePrecision), str(CPPCC.pinyin)]
    for s in names + ["other-1", "other-2"]:  # subjects that are not read
        for _ in range(rng.randint(0, 6)):
            value = rng.choice(["甲", "乙", "a", "b", "A", "", "zz", "甲乙"])
            rows.append((s, rng.choice(props), value, rng.choice(TAGS), "", rng.choice(["true", "true", "false"])))
    return names, rows


def test_language_readings_are_lang_pick():
    for seed in range(20):
        names, rows = random_literals(seed)
        lit = Literals(rows)
        records = read_records(lit, names, ATTRIBUTES["node"], {})
        for s in names:
            labels = [(o, lang) for x, p, o, lang, _dt, is_lit in rows
                      if x == s and p == str(RDFS.label) and is_lit == "true" and lang]
            comments = [(o, lang) for x, p, o, lang, _dt, is_lit in rows
                        if x == s and p == str(RDFS.comment) and is_lit == "true" and lang]
            assert records[s]["label_zh"] == lang_pick(labels, "zh"), (seed, s)
            assert records[s]["label_en"] == lang_pick(labels, "en"), (seed, s)
            assert records[s]["comment"] == lang_pick(comments, "en"), (seed, s)


def test_a_record_does_not_depend_on_the_other_subjects_read():
    for seed in range(10):
        names, rows = random_literals(seed)
        lit = Literals(rows)
        every = read_records(lit, names, ATTRIBUTES["node"], {})
        for few in (names[:3], names[::7], ["nobody", names[5]]):
            assert read_records(lit, few, ATTRIBUTES["node"], {}) == \
                {s: every.get(s) or read_records(lit, [s], ATTRIBUTES["node"], {})[s] for s in few}
