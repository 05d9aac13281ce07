"""Tests of ingest's outputs (Turtle, review page) and of the ``cppcc-kg ingest`` command."""
from __future__ import annotations

import codecs
import html.parser
import importlib.util
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from cppcc_kg.cli.ingest import command as ingest_command
from cppcc_kg.ingest import pipeline as ingest_mod
from cppcc_kg.ingest.output import to_html, to_turtle
from cppcc_kg.ingest.pipeline import Ingester, ingest_file, source_id_for
from cppcc_kg.rdf.namespaces import CPPCC, OA

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "ingest"


def _files(root: Path) -> set[str]:
    """The files of a project root, the loader's cache aside (``.cache/``, ignored by git: it only saves work)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and not p.relative_to(root).as_posix().startswith(".cache/")}


# ---------------------------------------------------------------- outputs

def _validate(data: Graph, shapes: Graph) -> list:
    if importlib.util.find_spec("cppcc_kg.validate.shacl") is not None:
        from cppcc_kg.validate import shacl as fastshacl
        return fastshacl.validate(data, shapes)
    import pyshacl
    conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    return [] if conforms else [results]


def test_turtle_is_valid_against_the_shapes(league, graph):
    ttl = to_turtle(league)
    proposed = Graph().parse(data=ttl, format="turtle")
    assert not any(isinstance(t, BNode) for triple in proposed for t in triple)
    data = Graph()
    for t in graph:
        data.add(t)
    for t in proposed:
        data.add(t)
    shapes = Graph().parse(REPO / "ontology.ttl")
    assert _validate(data, shapes) == []


def test_turtle_annotations_hold_the_mentions(league):
    proposed = Graph().parse(data=to_turtle(league), format="turtle")
    text = league["text"]
    identifying = list(proposed.subjects(OA.motivatedBy, OA.identifying))
    assert len(identifying) >= len({(m["start"], m["end"]) for m in league["mentions"] if m["entity"]})
    for ann in identifying:
        assert (ann, CPPCC.proposed, Literal(True)) in proposed
        # the compact form of the evidence: the quote on the annotation, no target nor selectors
        assert proposed.value(ann, OA.hasTarget) is None
        (start,), (end,), (exact,) = (list(proposed.objects(ann, p))
                                      for p in (CPPCC.quoteStart, CPPCC.quoteEnd, CPPCC.quoteExact))
        start, end, exact = int(start), int(end), str(exact)
        assert text[start:end] == exact and start < end
        assert proposed.value(ann, CPPCC.quoteSource) == URIRef("https://w3id.org/cppcc-kg/id/source/league-report")
        assert str(ann).endswith(f"/{start}-{end}")
    for e in league["entities"]:
        assert (URIRef(e["iri"]), CPPCC.proposed, Literal(True)) in proposed
    src = URIRef("https://w3id.org/cppcc-kg/id/source/league-report")
    assert (src, RDF.type, CPPCC.Source) in proposed
    assert int(proposed.value(src, CPPCC.characterCount)) == len(text)


def test_outputs_are_deterministic(graph):
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    a = Ingester(graph).run(text, source_id="league-report")
    b = Ingester(graph).run(text, source_id="league-report")
    assert to_turtle(a) == to_turtle(b)
    assert to_html(a) == to_html(b)


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_review_page_escapes_and_highlights(ingester):
    text = "内蒙古自治区政协印发《<script>alert(1)</script>&工作方案》。\n乌兰察布市政协召开会议。"
    r = ingester.run(text, source_id="t")
    page = to_html(r)
    assert "<script>" not in page and "&lt;script&gt;" in page
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert page.count('class="m linked"') >= 1 and page.count('class="m new"') >= 1
    assert "乌兰察布市政协" in page


# ---------------------------------------------------------------- the command

def test_command_writes_only_its_two_files(project, tmp_path):
    src = project / "sources" / "report.txt"
    shutil.copy(FIX / "league-report.txt", src)
    before = _files(project)
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 0, res.output
    after = _files(project)
    assert after - before == {"graph/proposed/report.ttl", "review/report.html"}
    assert "wrote graph/proposed/report.ttl" in res.output
    g = Graph().parse(project / "graph/proposed/report.ttl")
    assert (URIRef("https://w3id.org/cppcc-kg/id/source/report"), CPPCC.localPath, None) in g


@pytest.mark.parametrize("make,expect", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
    (lambda p: p.write_bytes(("政协" * 10).encode("utf-8") + b"\xff\xfe\xfa"), "not valid"),
])
def test_command_refuses_bad_files_without_writing(project, tmp_path, make, expect):
    src = project / "sources" / "bad.txt"
    make(src)
    before = _files(project)
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 2
    assert expect in res.output and "bad.txt" in res.output and "Traceback" not in res.output
    assert _files(project) == before


def test_command_refuses_a_10_mb_file_clearly(project, tmp_path):
    src = project / "sources" / "big.txt"
    line = "内蒙古自治区政协召开会议，研究部署重点工作。\n".encode("utf-8")
    src.write_bytes(line * (10 * 1024 * 1024 // len(line) + 1))
    assert src.stat().st_size >= 10 * 1024 * 1024
    before = _files(project)
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 2 and "--max-chars" in res.output and "big.txt" in res.output
    assert _files(project) == before


@pytest.mark.parametrize("encoding,bom,charset", [("gbk", b"", "gb18030"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16")])
def test_command_reads_other_encodings(project, tmp_path, encoding, bom, charset):
    src = project / "sources" / f"doc-{encoding}.txt"
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    src.write_bytes(bom + text.encode(encoding))
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 0, res.output
    sid = source_id_for(src)
    g = Graph().parse(project / f"graph/proposed/{sid}.ttl")
    fmt = str(g.value(URIRef(f"https://w3id.org/cppcc-kg/id/source/{sid}"), URIRef("http://purl.org/dc/terms/format")))
    assert fmt == f"text/plain; charset={charset}"
    exacts = {str(o) for o in g.objects(None, CPPCC.quoteExact)}
    assert "乌兰察布市政协" in exacts


def test_command_refuses_a_source_of_the_graph(project):
    src = project / "tests/fixtures/ingest/fixture-source.zh.txt"
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project), "--source-id", "ingest-fixture"])
    assert res.exit_code == 2 and "already a source" in res.output


def test_no_half_written_outputs(project, tmp_path, monkeypatch):
    src = project / "sources" / "doc.txt"
    shutil.copy(FIX / "league-report.txt", src)

    def boom(result):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest_mod, "to_html", boom)
    before = _files(project)
    with pytest.raises(RuntimeError):
        ingest_file(src, root=project)
    assert _files(project) == before
