"""The graph files of an edit, copied and patched from the previous build's (build.graph_splice): byte for
byte those of a clean build of the same files, and never taken from a previous folder that was touched."""
from __future__ import annotations

import filecmp
import os

import pytest

from cppcc_kg.build import graph_splice, stages
from cppcc_kg.build.pipeline import build
from cppcc_kg.rdf.evidence_form import expand

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
    monkeypatch.setattr(graph_splice, "_held_by_store", no_store)  # a few lines: looked for in the files
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
    hold (stored once), a number written otherwise (the same triple by value, another line), lines held
    by none, and the full-form lines of the evidence (of its compact triples, or of none)."""
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
        # the full-form lines of the evidence (the files hold the compact triples they come from), and of none
        full = sorted({x for nt in graphs.values() for x in expand(nt).split(b"\n") if b"/evidence/" in x} -
                      {x for nt in graphs.values() for x in nt.split(b"\n")})
        assert len(full) > 20
        gone = [x.replace(b"/evidence/tiny/", b"/evidence/none/") for x in full]
        asked = lines + absent + number + [SHARED.strip().encode()] + full + gone
        assert len(asked) > graph_splice.SCAN_LINES
        by_store = graph_splice.held_elsewhere(asked, graphs, lambda: project.store)
        in_files = {x: graph_splice.held_elsewhere([x], graphs, None)[x] for x in asked}
        assert in_files == by_store
        assert all(by_store[x] for x in lines + full) and not any(by_store[x] for x in absent + number + gone)
    finally:
        project.close()


# ---------------------------------------------------------------- the evidence: compact in the files, full in graph.nt

#: a quote of sources/tiny.zh.txt, in the compact form of the files
QUOTE = """
<https://w3id.org/cppcc-kg/id/evidence/tiny/{start}-{end}> a oa:Annotation ;
    oa:motivatedBy oa:describing ;
    oa:hasBody <https://w3id.org/cppcc-kg/id/{body}> ;
    cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/tiny> ;
    cppcc:quoteStart "{start}"^^xsd:nonNegativeInteger ;
    cppcc:quoteEnd "{end}"^^xsd:nonNegativeInteger ;
    cppcc:quoteExact "{exact}" .
"""
PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
OA_ = "http://www.w3.org/ns/oa#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _full_line(annotation: str, node: str, prop: str, obj: str) -> bytes:
    return f"<https://w3id.org/cppcc-kg/id/evidence/tiny/{annotation}-{node}> <{prop}> {obj} .".encode()


def _mentions(nt: bytes, annotation: str) -> bool:
    """Whether *nt* names the annotation tiny/*annotation* or one of its nodes."""
    return any(f"/evidence/tiny/{annotation}{end}".encode() in nt for end in (">", "-target>", "-position>", "-quote>"))


@pytest.mark.parametrize("scan", [0, None], ids=["store", "files"])
def test_a_quote_added_changed_and_removed(project, tmp_path, monkeypatch, scan):
    """Each edit of a quote (the 7 compact triples of the file; 13 lines of graph.nt) gives the graph files of a clean
    build, whether the store or the files are asked which graphs give a line (the files: the lines of a quote
    have one stem, looked for once)."""
    if scan is None:
        def no_store(*_args):
            raise AssertionError("the store was asked which graphs hold a line")
        monkeypatch.setattr(graph_splice, "_held_by_store", no_store)
    else:
        monkeypatch.setattr(graph_splice, "SCAN_LINES", scan)
    evidence = project / "graph" / "evidence.ttl"
    added = QUOTE.format(start=0, end=2, exact="测试", body="org/test-city-cppcc")
    evidence.write_text(evidence.read_text(encoding="utf-8") + added, encoding="utf-8")
    built(project, tmp_path, spliced=True)
    nt = (project / "build" / "graph.nt").read_bytes()
    assert _full_line("0-2", "quote", OA_ + "exact", '"测试"') in nt.splitlines()
    changed = QUOTE.format(start=0, end=3, exact="测试市", body="org/test-city-cppcc")
    edit(evidence, added, changed)
    built(project, tmp_path, spliced=True)
    nt = (project / "build" / "graph.nt").read_bytes()
    assert not _mentions(nt, "0-2")
    assert _full_line("0-3", "position", OA_ + "end", '"3"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>') \
        in nt.splitlines()
    edit(evidence, changed, "")
    built(project, tmp_path, spliced=True)
    assert not _mentions((project / "build" / "graph.nt").read_bytes(), "0-3")


@pytest.mark.parametrize("scan", [0, 10**6], ids=["store", "files"])
def test_a_quote_two_files_hold_stays_while_one_does(project, tmp_path, monkeypatch, scan):
    """A quote written in two files, dropped by one: its full form stays in graph.nt (the lines of the other file's
    compact triples); back in the first and dropped by the other, it stays too."""
    monkeypatch.setattr(graph_splice, "SCAN_LINES", scan)
    evidence, again = project / "graph" / "evidence.ttl", project / "graph" / "again.ttl"
    quote = QUOTE.format(start=50, end=55, exact="委员工作站", body="mechanism/test-members-workstations")
    assert quote.strip() in evidence.read_text(encoding="utf-8")
    again.write_text(PREFIXES + quote, encoding="utf-8")
    built(project, tmp_path, spliced=True)
    edit(evidence, quote.strip(), "")
    built(project, tmp_path, spliced=True)
    lines = (project / "build" / "graph.nt").read_bytes().splitlines()
    assert _full_line("50-55", "target", RDF_TYPE, f"<{OA_}SpecificResource>") in lines
    assert _full_line("50-55", "quote", OA_ + "exact", '"委员工作站"') in lines
    evidence.write_text(evidence.read_text(encoding="utf-8") + quote, encoding="utf-8")  # back in the first,
    built(project, tmp_path, spliced=True)  # then out of the other
    again.unlink()
    built(project, tmp_path, spliced=True)
    assert _full_line("50-55", "target", RDF_TYPE, f"<{OA_}SpecificResource>") in \
        (project / "build" / "graph.nt").read_bytes().splitlines()
