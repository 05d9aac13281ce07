"""bench/bench_clean_floor.py: its idealized compact copy of a synthetic corpus is what it says.

The copy must build (its shapes and rules told of the one-node form), with every annotation rewritten (13 triples
a quote become 7) and nothing else changed; a corpus whose layout the script does not know is refused by name.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from support import REPO_ROOT

from cppcc_kg.build.pipeline import build
from cppcc_kg.project.synth import write_corpus

sys.path.insert(0, str(REPO_ROOT))
from bench.bench_clean_floor import compact_copy  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("floor") / "s2"
    write_corpus(root, scale=2, seed=5)
    return root


def _quotes(root: Path) -> int:
    return sum(t.count("a oa:Annotation") for t in (p.read_text(encoding="utf-8") for p in root.rglob("*.ttl")))


def test_the_compact_copy_builds_with_seven_triples_a_quote(corpus, tmp_path):
    full = build(corpus, tmp_path / "full", cache=False)
    copy = compact_copy(corpus, tmp_path)
    compact = build(copy, tmp_path / "compact", cache=False)
    quotes = _quotes(corpus)
    assert quotes > 10 and _quotes(copy) == quotes
    # 6 triples fewer a quote, and the 6 of the shape's oa:hasTarget property (its node's 5 and the link to it)
    assert compact["summary"]["triples"] == full["summary"]["triples"] - 6 * quotes - 6
    assert compact["summary"]["entities"] == full["summary"]["entities"]
    assert compact["summary"]["relations"] == full["summary"]["relations"]
    evidence = (copy / "graph").rglob("evidence.ttl")
    assert not any(re.search(r"oa:has(Target|Selector)|TextQuoteSelector", p.read_text(encoding="utf-8"))
                   for p in evidence)
    assert compact_copy(corpus, tmp_path) == copy  # made once


def test_a_corpus_of_another_layout_is_refused_by_name(corpus, tmp_path):
    root = tmp_path / "other"
    root.mkdir()
    for rel in ("ontology.ttl", "rules", "sources", "graph"):
        src = corpus / rel
        if src.is_file():
            shutil.copyfile(src, root / rel)
        else:
            shutil.copytree(src, root / rel)
    evidence = next((root / "graph").rglob("evidence.ttl"))
    evidence.write_text(evidence.read_text(encoding="utf-8").replace("    oa:motivatedBy oa:describing ;\n", "", 1),
                        encoding="utf-8")
    with pytest.raises(SystemExit, match=re.escape(str(evidence.name))):
        compact_copy(root, tmp_path / "work")
