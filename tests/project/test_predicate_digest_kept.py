"""``Project.predicate_digest`` keeps its answers on the project: the same as made afresh (an oracle made of
:func:`digest_of` and :func:`predicate_digests` of each file) whatever the order of the questions, the pinyin pending,
set, or set again (an equal pinyin in a new object, another pinyin); a question asked again is not digested again."""
from __future__ import annotations

import pytest

import cppcc_kg.project.load as load_module
from cppcc_kg.project.files import PINYIN_GRAPH
from cppcc_kg.project.load import load
from cppcc_kg.project.predicates import digest_of, predicate_digests
from cppcc_kg.project.synth import write_corpus

LABEL, BODY = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/ns/oa#hasBody"
PINYIN = "https://w3id.org/cppcc-kg/ontology#pinyin"
ASKED = [[LABEL], [BODY], [PINYIN], [LABEL, PINYIN], [PINYIN, LABEL], [], [LABEL, LABEL]]


def _afresh(project, predicates, pinyin_pending=False) -> str:
    files = [(rel, predicate_digests(nt)) for rel, nt in project.nt.items()]
    pinyin = {} if PINYIN not in set(predicates) else None if pinyin_pending else predicate_digests(project.pinyin_nt)
    return digest_of([*files, (str(PINYIN_GRAPH), pinyin)], predicates)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("p") / "s"
    write_corpus(root, scale=1, seed=0)
    return root


def test_the_answers_kept_are_those_made_afresh(root, monkeypatch):
    project = load(root, cache=True, write_cache=True, background=True)
    try:
        assert project.pinyin_pending
        for predicates in ASKED * 2:  # (asked twice: the second time from what was kept)
            assert project.predicate_digest(predicates) == _afresh(project, predicates, pinyin_pending=True)
        pending = project.predicate_digest([PINYIN])
        project.finish_pinyin()
        for predicates in ASKED * 2:
            assert project.predicate_digest(predicates) == _afresh(project, predicates)
        assert project.predicate_digest([PINYIN]) != pending
        made = []
        real = load_module.predicate_digests
        monkeypatch.setattr(load_module, "predicate_digests", lambda nt: made.append(nt) or real(nt))
        old = project.pinyin_nt
        project.set_pinyin(list(project.pinyin))  # an equal pinyin, in a new bytes object: digested again
        assert project.pinyin_nt == old and project.pinyin_nt is not old
        assert project.predicate_digest([PINYIN]) == _afresh(project, [PINYIN])
        assert len(made) == 1
        project.set_pinyin(project.pinyin[1:])  # another pinyin
        assert project.predicate_digest([PINYIN, LABEL]) == _afresh(project, [PINYIN, LABEL])
        assert project.predicate_digest([LABEL]) == _afresh(project, [LABEL])
    finally:
        project.close()


def test_a_question_asked_again_is_not_digested_again(root, monkeypatch):
    project = load(root, cache=False)
    calls = []
    real = load_module.digest_of
    monkeypatch.setattr(load_module, "digest_of", lambda graphs, p: calls.append(p) or real(graphs, p))
    first = [project.predicate_digest(p) for p in ASKED]
    assert len(calls) == 5  # ([LABEL, PINYIN] and [PINYIN, LABEL]; [LABEL] and [LABEL, LABEL]: one question each)
    assert [project.predicate_digest(p) for p in reversed(ASKED)] == first[::-1] and len(calls) == 5
