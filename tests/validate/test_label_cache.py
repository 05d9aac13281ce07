"""The label check after a clean one (``validate.labels.cached_label_problems``): only the entities whose
label or type changed are judged again, and the problems are those of the whole check
(:func:`~cppcc_kg.validate.labels.label_problems`), on a copy of the repository and a synthetic project."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import REPO_ROOT

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import values
from cppcc_kg.validate import labels
from cppcc_kg.validate.labels import cached_label_problems, label_problems
from cppcc_kg.validate.run import graph_keys, where_in

CPPCC, RDFS = "https://w3id.org/cppcc-kg/ontology#", "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NOT_AN_ENTITY = "https://w3id.org/cppcc-kg/id/org/not-typed-yet"


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def warm(request, tmp_path_factory) -> tuple[Path, str, str]:
    """A project whose label check was clean and kept, the file the edits go to and another file."""
    root = tmp_path_factory.mktemp("lcache") / "p"
    if request.param == "synthetic":
        write_corpus(root, scale=2, seed=0)
        files = ["graph/synth-0002/relations.ttl", "graph/synth-0001/relations.ttl"]
    else:
        root.mkdir()
        for name in ("ontology.ttl", "sources", "graph", "rules"):
            copy = shutil.copytree if (REPO_ROOT / name).is_dir() else shutil.copy2
            copy(REPO_ROOT / name, root / name)
        files = sorted(p.relative_to(root).as_posix() for p in (root / "graph").rglob("*.ttl"))[-2:]
    # a node with a Chinese label that no text holds: not an entity, so no problem (until it is typed)
    with open(root / files[1], "a", encoding="utf-8") as f:
        f.write(f'\n<{NOT_AN_ENTITY}> <{RDFS}label> "并不存在的某某机构"@zh .\n')
    project = load(root, cache=True, write_cache=True)
    assert _check(project) == []
    project.save_cache()
    return root, files[0], files[1]


def _check(project) -> list[dict]:
    return cached_label_problems(project.store, project.sources, keys=graph_keys(project), cache=project.cache,
                                 ntriples=project.graphs(), where=where_in(project), graph=project.view)


def _edited(root: Path, rel: str, edit) -> object:
    """The project loaded with *rel* edited by *edit* (text -> text); the file is restored at once."""
    path = root / rel
    before = path.read_text(encoding="utf-8")
    try:
        path.write_text(edit(before), encoding="utf-8")
        return load(root, cache=True, write_cache=True)
    finally:
        path.write_text(before, encoding="utf-8")


def _entity(project) -> tuple[str, str]:
    (e, label), *_ = values(project.store, f"""SELECT ?e ?l WHERE {{ ?c <{RDFS}subClassOf>* <{CPPCC}Entity> .
        ?e a ?c ; <{RDFS}label> ?l FILTER (langMatches(lang(?l), "zh")) }} ORDER BY ?e LIMIT 1""")
    return e, label


def _append(line: str):
    return lambda text: text + "\n" + line + "\n"


def _same_as_the_whole_check(project, *, restricted: bool, monkeypatch) -> list[dict]:
    whole = label_problems(project.store, project.sources, where=where_in(project), graph=project.view)
    if restricted:  # judged from the changed triples alone: the check of every file's labels must not run
        monkeypatch.setattr(labels, "_per_file_problems", lambda *a, **k: pytest.fail("the whole check ran"))
    got = _check(project)
    project.discard_cache()
    assert got == whole
    return got


def test_an_english_label_edited_judges_nothing_again(warm, monkeypatch):
    root, rel, _other = warm
    project = _edited(root, rel, _append(f'<{NOT_AN_ENTITY}> <{RDFS}label> "a name"@en .'))
    assert _same_as_the_whole_check(project, restricted=True, monkeypatch=monkeypatch) == []


def test_a_chinese_label_in_no_text_is_found(warm, monkeypatch):
    root, rel, _other = warm
    e, _label = _entity(load(root, cache=False))
    project = _edited(root, rel, _append(f'<{e}> <{RDFS}label> "另一个并不存在的名字"@zh .'))
    assert len(_same_as_the_whole_check(project, restricted=False, monkeypatch=monkeypatch)) == 1


def test_a_chinese_label_from_a_text_judged_alone(warm, monkeypatch):
    root, rel, _other = warm
    e, label = _entity(load(root, cache=False))
    project = _edited(root, rel, _append(f'<{e}> <{RDFS}label> "{label[:2]}"@zh .'))
    assert _same_as_the_whole_check(project, restricted=True, monkeypatch=monkeypatch) == []


def test_a_node_typed_in_another_file_becomes_an_entity_with_its_label(warm, monkeypatch):
    """The label was there (in another file) and clean, as the node was no entity: its type makes it a problem."""
    root, rel, _other = warm
    project = _edited(root, rel, _append(f"<{NOT_AN_ENTITY}> <{RDF_TYPE}> <{CPPCC}Organization> ."))
    assert [p["focus"] for p in _same_as_the_whole_check(project, restricted=False, monkeypatch=monkeypatch)] \
        == [NOT_AN_ENTITY]


def test_a_changed_class_hierarchy_checks_every_label(warm, monkeypatch):
    root, rel, _other = warm
    called = []
    original = labels._per_file_problems
    monkeypatch.setattr(labels, "_per_file_problems", lambda *a, **k: called.append(1) or original(*a, **k))
    project = _edited(root, rel, _append(f"<{CPPCC}SomeKind> <{RDFS}subClassOf> <{CPPCC}Organization> ."))
    assert _check(project) == label_problems(project.store, project.sources, where=where_in(project))
    project.discard_cache()
    assert called


class NoStore:
    """A store that must not be read: any use fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the store was read ({name})")


def test_an_english_label_of_an_entity_reads_no_store(warm):
    root, rel, _other = warm
    e, _label = _entity(load(root, cache=False))
    project = _edited(root, rel, _append(f'<{e}> <{RDFS}label> "another English name"@en .'))
    try:
        got = cached_label_problems(NoStore(), project.sources, keys=graph_keys(project), cache=project.cache,
                                    ntriples=project.graphs(), where=where_in(project), graph=project.view)
        assert got == []
    finally:
        project.discard_cache()
        project.close()


@pytest.mark.parametrize("tag", ["zh-Hans", "ZH"])
def test_a_chinese_label_of_any_zh_tag_is_judged_again(warm, monkeypatch, tag):
    root, rel, _other = warm
    e, _label = _entity(load(root, cache=False))
    project = _edited(root, rel, _append(f'<{e}> <{RDFS}label> "又一个并不存在的名字"@{tag} .'))
    assert len(_same_as_the_whole_check(project, restricted=False, monkeypatch=monkeypatch)) == 1
