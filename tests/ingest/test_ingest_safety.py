"""Ingest destroys and corrupts nothing (issue 12, items 14-17): the review page survives builds,
two files never overwrite each other's proposals, a file name never becomes Turtle, ASCII is not
UTF-16, and a text outside the project (or a link to one) is refused."""
from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from support import copy_project

from cppcc_kg.cli import main
from cppcc_kg.ingest.output import to_turtle
from cppcc_kg.ingest.text import decode_bytes
from cppcc_kg.rdf.namespaces import CPPCC

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
LEAGUE = (FIX / "league-report.txt").read_text(encoding="utf-8")
OTHER = "2023年7月，锡林郭勒盟政协印发《工作方案》。\n赤峰市政协召开常委会会议。\n"


def snapshot(folder: Path) -> dict:
    """Every path under *folder* with the bytes of each file (the loader's cache aside)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*")) if ".cache" not in p.relative_to(folder).parts}


def ingest(root: Path, path: Path, *args: str):
    return CliRunner().invoke(main, ["ingest", str(path), "--root", str(root), *args])


@pytest.fixture()
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "proj")


# ---------------------------------------------------------------- item 14: the review page lives outside build/

def test_ingest_before_the_first_build_then_the_build_succeeds_and_keeps_the_review_page(project):
    (project / "sources" / "report.txt").write_text(LEAGUE, encoding="utf-8")
    result = ingest(project, project / "sources" / "report.txt")
    assert result.exit_code == 0, result.output
    page = project / "review" / "report.html"
    assert page.is_file() and not (project / "build").exists()
    before = page.read_bytes()
    built = CliRunner().invoke(main, ["build", "--root", str(project), "--out", str(project / "build")])
    assert built.exit_code == 0, built.output
    assert (project / "build" / "summary.json").is_file()
    assert page.read_bytes() == before
    again = CliRunner().invoke(main, ["build", "--root", str(project), "--out", str(project / "build")])
    assert again.exit_code == 0, again.output
    assert page.read_bytes() == before


# ---------------------------------------------------------------- item 15: one source id, one text

def test_two_files_with_one_source_id_and_different_texts_are_refused(project):
    first, second = project / "sources" / "A_B_C.TXT", project / "sources" / "a b c.txt"
    first.write_text(LEAGUE, encoding="utf-8")
    second.write_text(OTHER, encoding="utf-8")
    assert ingest(project, first).exit_code == 0
    before = snapshot(project)
    result = ingest(project, second)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "sources/a b c.txt" in result.output and "sources/A_B_C.TXT" in result.output
    assert "'a-b-c'" in result.output and "--source-id" in result.output
    assert snapshot(project) == before  # the proposals of A_B_C.TXT are as they were
    assert ingest(project, second, "--source-id", "a-b-c-2").exit_code == 0


def test_the_same_text_again_is_an_update(project):
    first, copy = project / "sources" / "A_B_C.TXT", project / "sources" / "a b c.txt"
    first.write_text(LEAGUE, encoding="utf-8")
    copy.write_text(LEAGUE, encoding="utf-8")
    assert ingest(project, first).exit_code == 0
    proposals = (project / "graph" / "proposed" / "a-b-c.ttl").read_bytes()
    again = ingest(project, first)
    assert again.exit_code == 0, again.output
    assert (project / "graph" / "proposed" / "a-b-c.ttl").read_bytes() == proposals  # same input, same bytes
    moved = ingest(project, copy)
    assert moved.exit_code == 0, moved.output
    assert "updates the proposals of the same text" in moved.output and "sources/A_B_C.TXT" in moved.output


def test_a_source_id_taken_by_a_file_that_is_not_a_proposal_is_refused(project):
    (project / "graph" / "proposed" / "report.ttl").write_text("# a curator's notes\n", encoding="utf-8")
    (project / "sources" / "report.txt").write_text(LEAGUE, encoding="utf-8")
    before = snapshot(project)
    result = ingest(project, project / "sources" / "report.txt")
    assert result.exit_code == 2 and "graph/proposed/report.ttl" in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize("name", ["..txt", "...txt", "！！.txt", "-.zh.txt"])
def test_a_name_without_letters_or_digits_gives_no_source_id(project, name):
    (project / "sources" / name).write_text(LEAGUE, encoding="utf-8")
    before = snapshot(project)
    result = ingest(project, project / "sources" / name)
    assert result.exit_code == 2, result.output
    assert "gives no source id" in result.output and "--source-id" in result.output
    assert snapshot(project) == before
    assert not (project / "graph" / "proposed" / "source.ttl").exists()


# ---------------------------------------------------------------- item 16: no Turtle through a file name

INJECTED = "\n<http://x> <http://y> <http://z> ."


def test_a_file_name_in_the_proposals_is_escaped(league):
    source = dict(league["source"], path="sources/a.txt" + INJECTED + "\r#\u2028" + "\x85")
    g = Graph().parse(data=to_turtle(dict(league, source=source)), format="turtle")
    assert (URIRef("http://x"), URIRef("http://y"), URIRef("http://z")) not in g
    assert Literal(source["path"]) in set(g.objects(None, CPPCC.localPath))


def test_a_file_named_with_a_newline_and_triples_adds_no_triple(project):
    name = "doc\n<urn:x:s> <urn:x:p> <urn:x:o> .\n<urn:x:s> <urn:x:p> \"x\" .txt"
    (project / "sources" / name).write_text(LEAGUE, encoding="utf-8")
    result = ingest(project, project / "sources" / name)
    assert result.exit_code == 0, result.output
    (ttl,) = (project / "graph" / "proposed").glob("doc-*.ttl")
    g = Graph().parse(ttl, format="turtle")
    assert not [t for t in g if "urn:x:" in str(t[0])]
    assert Literal("sources/" + name) in set(g.objects(None, CPPCC.localPath))


# ---------------------------------------------------------------- item 17: encodings, no Chinese, outside the project

def test_pure_ascii_of_even_length_is_utf8_not_utf16():
    for data in (b"hello world!", b"ab", b"The CPPCC met in 2023.\n" * 4):
        decoded = decode_bytes(data, "a.txt")
        assert decoded.encoding == "utf-8" and decoded.text == data.decode("ascii")


def test_utf16_without_a_bom_is_read_by_its_nul_bytes():
    for text in ("The CPPCC met.\n" * 3, "内蒙古自治区政协召开会议。\n2023年7月。\n"):
        for enc in ("utf-16-le", "utf-16-be"):
            decoded = decode_bytes(text.encode(enc), "a.txt")
            assert (decoded.text, decoded.encoding) == (text, enc)


@pytest.mark.parametrize("data", [b"hello world!", "The CPPCC met in 2023.\n".encode("utf-16-le"),
                                  codecs.BOM_UTF8 + "Réunion du comité permanent, 2023 — 政\n".encode() * 3])
def test_a_text_with_no_chinese_is_refused_clearly(project, data):
    src = project / "sources" / "english.txt"
    src.write_bytes(data)
    before = snapshot(project)
    result = ingest(project, src)
    assert result.exit_code == 2, result.output
    assert "no Chinese text found" in result.output and "english.txt" in result.output
    assert snapshot(project) == before


def test_a_text_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(LEAGUE, encoding="utf-8")
    before = snapshot(project)
    result = ingest(project, outside)
    assert result.exit_code == 2, result.output
    assert "outside the project root" in result.output and "copy the text into the project" in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize("target", ["outside", "/etc/passwd"])
def test_a_link_to_a_file_outside_the_project_is_refused(project, tmp_path, target):
    outside = tmp_path / "outside.txt"
    outside.write_text(LEAGUE, encoding="utf-8")
    real = outside if target == "outside" else Path(target)
    if not real.is_file():
        pytest.skip(f"{real} is absent")
    (project / "sources" / "link.txt").symlink_to(real)
    before = snapshot(project)
    result = ingest(project, project / "sources" / "link.txt")
    assert result.exit_code == 2, result.output
    assert "outside the project root" in result.output and str(real.resolve()) in result.output
    assert snapshot(project) == before


def test_a_link_inside_the_project_records_the_text_it_points_to(project):
    (project / "texts").mkdir()
    (project / "texts" / "report.txt").write_text(LEAGUE, encoding="utf-8")
    (project / "sources" / "report.txt").symlink_to(project / "texts" / "report.txt")
    result = ingest(project, project / "sources" / "report.txt")
    assert result.exit_code == 0, result.output
    g = Graph().parse(project / "graph" / "proposed" / "report.ttl", format="turtle")
    assert set(g.objects(None, CPPCC.localPath)) == {Literal("texts/report.txt")}


def test_the_recorded_path_is_relative_when_run_from_elsewhere(project, monkeypatch, tmp_path):
    shutil.copy(FIX / "league-report.txt", project / "sources" / "report.txt")
    monkeypatch.chdir(tmp_path)
    result = ingest(Path("proj"), Path("proj/sources/report.txt"))
    assert result.exit_code == 0, result.output
    g = Graph().parse(project / "graph" / "proposed" / "report.ttl", format="turtle")
    assert set(g.objects(None, CPPCC.localPath)) == {Literal("sources/report.txt")}
