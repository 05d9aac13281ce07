"""The graph files of an edit, copied and patched from the previous build's (build.graph_splice): byte for
byte those of a clean build of the same files, and never taken from a previous folder that was touched."""
from __future__ import annotations

import filecmp
import os

import pytest

from cppcc_kg.build import graph_splice, stages
from cppcc_kg.build.pipeline import build

GRAPH_FILES = ("graph.nt", "graph.trig", "graph.ttl", "graph.jsonld")
#: a triple of graph/relations.ttl, as written there (added to another file to be held twice)
SHARED = ('<https://w3id.org/cppcc-kg/id/org/test-city-cppcc> <https://w3id.org/cppcc-kg/ontology#issued> '
          '<https://w3id.org/cppcc-kg/id/document/test-consultation-plan> .\n')


def differing(a, b) -> list[str]:
    """The files of the output folders *a* and *b* that differ (the marker aside)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} | \
            {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names if n != ".cppcc-kg-build" and not (
        (a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False)))


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def built(root, tmp_path, *, spliced: bool) -> dict:
    """Build *root* into ``ROOT/build`` (cache on), check whether the graph files were spliced, and compare
    every output with a clean build of the same files."""
    result = build(root)
    assert result["load"]["graph_files"]["spliced"] is spliced
    clean = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*')))}"
    build(root, clean, cache=False)
    assert differing(root / "build", clean) == []
    return result


@pytest.fixture
def project(make_project, tmp_path):
    root = make_project()
    assert build(root)["load"]["graph_files"]["spliced"] is False  # no previous build: written whole
    return root


def test_a_label_edit_copies_every_other_graph(project, tmp_path, monkeypatch):
    def no_store(*_args):
        raise AssertionError("the store was asked which graphs hold a line")
    monkeypatch.setattr(graph_splice, "_held_elsewhere", no_store)  # a few lines: looked for in the files
    edit(project / "graph" / "entities.ttl", '"Members\' workstations"@en', '"Members\' work stations"@en')
    result = built(project, tmp_path, spliced=True)
    files = result["load"]["graph_files"]
    assert files["kept"] == files["graphs"] - 1
    assert b"Members' work stations" in (project / "build" / "graph.nt").read_bytes()
    edit(project / "graph" / "entities.ttl", '"Members\' work stations"@en', '"Members\' workstations"@en')
    built(project, tmp_path, spliced=True)


@pytest.mark.parametrize("scan", [0, graph_splice.SCAN_LINES])
def test_a_triple_two_files_hold_stays_while_one_does(project, tmp_path, monkeypatch, scan):
    monkeypatch.setattr(graph_splice, "SCAN_LINES", scan)  # 0: the store tells which graphs hold a line
    relations, observations = project / "graph" / "relations.ttl", project / "graph" / "observations.ttl"
    observations.write_text(observations.read_text(encoding="utf-8") + "\n" + SHARED, encoding="utf-8")
    built(project, tmp_path, spliced=True)
    line = SHARED.strip().encode()
    edit(relations, SHARED, "")  # dropped by one file, the other holds it still
    built(project, tmp_path, spliced=True)
    assert line in (project / "build" / "graph.nt").read_bytes()
    relations.write_text(relations.read_text(encoding="utf-8") + "\n" + SHARED, encoding="utf-8")
    edit(observations, SHARED, "")  # moved back: dropped by one file, added by another in the same build
    built(project, tmp_path, spliced=True)
    assert line in (project / "build" / "graph.nt").read_bytes()


def test_a_file_added_then_removed(project, tmp_path):
    extra = project / "graph" / "extra.ttl"
    extra.write_text('<https://w3id.org/cppcc-kg/id/org/test-city-cppcc> <http://www.w3.org/2000/01/rdf-schema#'
                     'seeAlso> <https://w3id.org/cppcc-kg/id/document/test-consultation-plan> .\n', encoding="utf-8")
    result = built(project, tmp_path, spliced=True)
    assert result["load"]["graph_files"]["graphs"] == result["load"]["graph_files"]["kept"] + 1
    assert b"rdf-schema#seeAlso" in (project / "build" / "graph.nt").read_bytes()
    extra.unlink()
    built(project, tmp_path, spliced=True)
    assert b"rdf-schema#seeAlso" not in (project / "build" / "graph.nt").read_bytes()


def test_the_pinyin_changing(project, tmp_path):
    before = (project / "build" / "graph.nt").read_bytes()
    edit(project / "graph" / "entities.ttl", '"委员工作站"@zh', '"工作站"@zh')
    result = built(project, tmp_path, spliced=True)
    files = result["load"]["graph_files"]
    assert files["kept"] == files["graphs"] - 2  # the file and the pinyin
    after = (project / "build" / "graph.nt").read_bytes()

    def pinyin(data):
        return {line for line in data.splitlines() if b"#pinyin>" in line}
    assert pinyin(after) != pinyin(before)


@pytest.mark.parametrize("tamper", ["rewritten", "mtime-restored", "replaced", "removed-index"])
def test_a_previous_folder_touched_is_not_trusted(project, tmp_path, tamper):
    out = project / "build"
    target = out / "graph.ttl"
    st = os.stat(target)
    if tamper == "rewritten":  # the same bytes written again
        target.write_bytes(target.read_bytes())
    elif tamper == "mtime-restored":  # one block changed in place, the mtime put back (the ctime moves)
        data = target.read_bytes()
        target.write_bytes(data.replace(b"test-city-cppcc", b"test-city-cppcX", 1))
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif tamper == "replaced":  # another file of the same size in its place
        tmp = out / "x.tmp"
        tmp.write_bytes(target.read_bytes().replace(b"test-city-cppcc", b"test-city-cppcX", 1))
        os.replace(tmp, target)
    else:
        for entry in (project / ".cache" / "cppcc-kg").glob(graph_splice.INDEX_ENTRY):
            entry.unlink()
    edit(project / "graph" / "entities.ttl", '"Members\' workstations"@en', '"Members\' work stations"@en')
    built(project, tmp_path, spliced=False)
    edit(project / "graph" / "entities.ttl", '"Members\' work stations"@en', '"Members\' workstations"@en')
    built(project, tmp_path, spliced=True)  # the folder the last build wrote is trusted again


def test_another_code_is_not_trusted(project, tmp_path, monkeypatch):
    real = stages.write_graph_files

    def other_code(*args, **kwargs):
        return real(*args, **{**kwargs, "code": kwargs["code"] + "x"})
    monkeypatch.setattr(stages, "write_graph_files", other_code)
    edit(project / "graph" / "entities.ttl", '"Members\' workstations"@en', '"Members\' work stations"@en')
    built(project, tmp_path, spliced=False)


def test_held_elsewhere_in_the_files_is_what_the_store_tells(make_project):
    """The two ways of :func:`graph_splice.held_elsewhere` agree: lines of every graph, one that two files
    hold (stored once), a number written otherwise (the same triple by value, another line) and lines held
    by none."""
    from cppcc_kg.project.load import load

    root = make_project()
    (root / "graph" / "observations.ttl").write_text(
        (root / "graph" / "observations.ttl").read_text(encoding="utf-8") + "\n" + SHARED, encoding="utf-8")
    project = load(root)
    try:
        graphs = project.graphs()
        lines = sorted({line for nt in graphs.values() for line in nt.split(b"\n") if line})[::7]
        absent = [line.replace(b"https://w3id.org/cppcc-kg/id/", b"https://w3id.org/cppcc-kg/id/none-")
                  for line in lines if b"https://w3id.org/cppcc-kg/id/" in line][:40]
        number = [line.replace(b'"1"^^', b'"01"^^') for line in lines if b'"1"^^' in line][:3]
        asked = lines + absent + number + [SHARED.strip().encode()]
        assert len(asked) > graph_splice.SCAN_LINES
        by_store = graph_splice.held_elsewhere(asked, graphs, lambda: project.store)
        in_files = {x: graph_splice.held_elsewhere([x], graphs, None)[x] for x in asked}
        assert in_files == by_store
        assert all(by_store[x] for x in lines) and not any(by_store[x] for x in absent + number)
    finally:
        project.close()
