"""The synthetic corpus (cppcc_kg.project.synth): valid, deterministic, shaped like the real graph, linear in scale."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from support import REPO_ROOT, copy_project

from cppcc_kg.build.pipeline import build
from cppcc_kg.cli import main
from cppcc_kg.network import build_entity_graph
from cppcc_kg.project import synth as synth_module
from cppcc_kg.project.files import BUILD_MARKER, BUILD_MARKER_TEXT
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import MARKER, write_corpus
from cppcc_kg.project.synth_facts import vocabulary
from cppcc_kg.schema import Schema


def tree(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    base = tmp_path_factory.mktemp("synth")
    out = {}
    for name, scale, seed in (("a", 2, 7), ("b", 2, 7), ("c", 2, 8), ("one", 1, 7), ("three", 3, 7)):
        out[name] = base / name
        out[name + "-counts"] = write_corpus(out[name], scale=scale, seed=seed)
    return out


def test_same_seed_same_bytes_other_seed_other_corpus(corpora):
    a, b, c = tree(corpora["a"]), tree(corpora["b"]), tree(corpora["c"])
    assert a == b
    assert a.keys() == c.keys() and a != c
    assert "rules/README.md" in a and "ontology.ttl" in a  # the data rules come along


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_corpus_is_valid(corpora, tmp_path, engine):
    """Shapes (by both engines), evidence quotes, labels in the text, data rules: all pass."""
    root = corpora["one"] if engine == "pyshacl" else corpora["a"]
    result = build(root, tmp_path / "out", shacl_engine=engine, cache=False)
    report = result["report"]
    assert report["conforms"] and report["shacl_engine"] == engine
    assert set(report["counts"]) == {"evidence", "labels", "shacl", "rules"} and report["rules"]
    s = result["summary"]
    reports = len(s["sources"]) - 1  # the first source is a review, the others shorter reports
    assert s["entities"] > 80 + 15 * reports and s["evidence"] > 200 + 50 * reports
    assert s["observations"] == 15 + 3 * reports and s["firsts"] == 3 + reports


def degree_profile(root) -> dict:
    project = load(root)
    G = build_entity_graph(project.store)
    deg = sorted((d for _, d in G.degree()), reverse=True)
    top = deg[: max(1, len(deg) // 10)]
    return {
        "mean": statistics.mean(deg),
        "median": statistics.median(deg),
        "max": deg[0],
        "top_decile_share": sum(top) / sum(deg),
        "degree_one": sum(1 for d in deg if d == 1) / len(deg),
        "classes": len({G.nodes[n]["class"] for n in G}),
        "entities": len(deg),
    }


def test_degree_distribution_is_like_the_real_graph(corpora):
    real, synth = degree_profile(REPO_ROOT), degree_profile(corpora["one"])
    assert 0.6 < synth["mean"] / real["mean"] < 1.6, (synth, real)
    assert synth["median"] == real["median"] or abs(synth["median"] - real["median"]) <= 1
    assert abs(synth["top_decile_share"] - real["top_decile_share"]) < 0.12, (synth, real)
    assert abs(synth["degree_one"] - real["degree_one"]) < 0.12, (synth, real)
    # heavy tail: a hub (the committee of the source) far above the typical entity, as in the real graph
    assert synth["max"] >= 10 * synth["median"] and real["max"] >= 10 * real["median"]
    assert synth["classes"] >= 30


def test_counts_grow_linearly_with_the_scale(corpora):
    # the first source is a long review, each further one a shorter report: every report adds
    # about as much as the one before, and a fifth of the review
    one, two, three = corpora["one-counts"], corpora["a-counts"], corpora["three-counts"]
    for key in ("entities", "relations", "observations", "annotations"):
        assert 1.7 < (three[key] - one[key]) / (two[key] - one[key]) < 2.3, key
        assert 0.1 < (two[key] - one[key]) / one[key] < 0.4, key
    assert (three["sources"], two["sources"], one["sources"]) == (3, 2, 1)


def test_command_line(tmp_path):
    result = CliRunner().invoke(main, ["synth", "--scale", "1", "--seed", "2", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "sources: 1" in result.output
    assert (tmp_path / "s" / "graph" / "synth-0001" / "evidence.ttl").is_file()


def _vocabulary_entities(v: dict) -> list[tuple[str, str]]:
    """(class, pool) of every entity the vocabulary describes."""
    specs = [v["provinces"], v["city"], v["committee"], v["units"], v["organs"], v["banners"], *v["things"]]
    out = [(e["class"], e["pool"]) for e in v["shared"]]
    for spec in specs:
        out += [(kind.get("class", spec.get("class")), spec["pool"]) for kind in spec.get("kinds", [{}])]
    return out


def test_the_vocabulary_names_only_classes_and_properties_of_the_ontology():
    """Every class of synth_vocabulary.json is a node class whose IRI kind is its pool; every
    relation is an edge property whose domain and range admit the classes of its pools."""
    schema, v = Schema.default(), vocabulary()
    entities = _vocabulary_entities(v)
    assert len(entities) > 40
    pools: dict[str, set[str]] = {}
    for cls, pool in entities:
        iri = schema.iri(cls)
        assert iri in schema.classes, f"{cls}: not a class of the ontology"
        assert iri in schema.node_classes, f"{cls}: not drawn as a node"
        assert schema.kind(iri) == pool, f"{cls}: IRI kind {schema.kind(iri)}, pool {pool}"
        pools.setdefault(pool, set()).add(iri)
    relations = [(link["property"], None, None) for link in v["links"].values()]
    relations += [(r["property"], r["subject"], r["object"]) for r in v["random_relations"]]
    relations += [(r["property"], r.get("subject", spec["pool"]), r.get("object", spec["pool"]))
                  for spec in v["per_entity"] for r in spec["links"]]
    relations += [(p, None, None) for p in v["patterns"]]
    for prop, subject, obj in relations:
        assert schema.iri(prop) in schema.properties, f"{prop}: not an edge property of the ontology"
        for s in pools.get(subject, ()):
            for o in pools.get(obj, ()):
                assert schema.allowed(prop, s, o), (prop, s, o)
    for pool in [*v["observations"]["pools"], v["firsts"]["pool"]]:
        assert pool in pools


def test_a_renamed_class_is_found():
    v = vocabulary()
    renamed = dict(v, units=dict(v["units"], kinds=[dict(v["units"]["kinds"][0], **{"class": "PartyGroupX"})]))
    schema = Schema.default()
    missing = [c for c, _ in _vocabulary_entities(renamed) if schema.iri(c) not in schema.classes]
    assert missing == ["PartyGroupX"]


def test_every_cppcc_term_of_the_corpus_is_declared_by_the_ontology(corpora):
    """The classes and properties the Turtle of the corpus uses (also those typed in its templates)."""
    onto = Graph().parse(REPO_ROOT / "ontology.ttl")
    g = Graph()
    for path in sorted((corpora["one"] / "graph").rglob("*.ttl")) + sorted((corpora["one"] / "sources").glob("*.ttl")):
        g.parse(path)
    ns = "https://w3id.org/cppcc-kg/ontology#"
    terms = {str(o) for o in g.objects(None, RDF.type)} | {str(p) for p in g.predicates()} \
        | {str(o) for o in g.objects() if str(o).startswith(ns)}
    used = sorted(t for t in terms if t.startswith(ns))
    assert len(used) > 50
    undeclared = [t for t in used if (URIRef(t), None, None) not in onto]
    assert not undeclared


# ---------------------------------------------------------------- the output folder (issue 12, item 12)

def everything(folder) -> dict:
    """Every path under *folder* (folders too) with the bytes of each file: a change anywhere shows."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture()
def checkout(tmp_path):
    """A copy of a project, with an untracked proposal and a folder of the user's, as a user has it."""
    root = copy_project(tmp_path / "project")
    (root / "graph" / "proposed" / "mine.ttl").write_text("# my proposal, not in git\n", encoding="utf-8")
    (root / "some-folder").mkdir()
    (root / "some-folder" / "notes.txt").write_text("keep me\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("out", [".", "graph", "sources", "some-folder", "ontology.ttl", "graph/proposed"])
def test_synth_refuses_a_folder_that_is_not_its_own_and_touches_nothing(checkout, monkeypatch, out):
    before = everything(checkout.parent)
    monkeypatch.chdir(checkout)
    result = CliRunner().invoke(main, ["synth", "--out", out])
    assert result.exit_code == 2, result.output
    assert "error:" in result.output.lower() and "Traceback" not in result.output
    assert "not a previous output of synth" in result.output or "is a file" in result.output
    assert everything(checkout.parent) == before  # byte-identical, and no temporary folder left


def test_synth_accepts_a_new_folder_an_empty_one_and_its_own_output(tmp_path):
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (tmp_path / "new" / "deeper", empty):
        result = runner.invoke(main, ["synth", "--seed", "3", "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert tree(empty) == tree(tmp_path / "new" / "deeper")
    assert (empty / MARKER).is_file()
    first = tree(empty)
    (empty / "build").mkdir()  # a build of the corpus into it, as the README shows: derived, replaced with it
    (empty / "build" / "summary.json").write_text("{}", encoding="utf-8")
    (empty / "build" / BUILD_MARKER).write_bytes(BUILD_MARKER_TEXT)
    result = runner.invoke(main, ["synth", "--seed", "3", "--out", str(empty)])
    assert result.exit_code == 0, result.output
    assert tree(empty) == first  # the same bytes again, the old build gone with the old corpus
    result = runner.invoke(main, ["synth", "--seed", "4", "--out", str(empty)])
    assert result.exit_code == 0 and tree(empty) != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "new"]  # no temporary folder left


def test_synth_keeps_a_file_of_yours_in_a_build_folder_that_is_not_a_build(tmp_path):
    """build/ goes with the corpus only when it holds the build's marker: a note of yours there is refused."""
    out = tmp_path / "s"
    write_corpus(out, scale=1, seed=1)
    (out / "build").mkdir()
    (out / "build" / "mynotes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["synth", "--out", str(out)])
    assert result.exit_code == 2 and "build/mynotes.txt" in result.output, result.output
    assert (out / "build" / "mynotes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("change", ["added", "changed", "fake-marker"])
def test_synth_refuses_its_own_output_once_someone_changed_it(tmp_path, change):
    out = tmp_path / "s"
    write_corpus(out, scale=1, seed=1)
    if change == "added":
        (out / "graph" / "mine.ttl").write_text("# mine\n", encoding="utf-8")
    elif change == "changed":
        with open(out / "graph" / "synth-0001" / "relations.ttl", "a", encoding="utf-8") as f:
            f.write("# edited\n")
    else:
        (out / MARKER).write_text('{"files": {}}', encoding="utf-8")
    before = everything(tmp_path)
    result = CliRunner().invoke(main, ["synth", "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    expected = {"added": "graph/mine.ttl (synth did not write it)",
                "changed": "relations.ttl (changed since synth wrote it)",
                "fake-marker": "not a previous output of synth"}[change]
    assert expected in result.output
    assert everything(tmp_path) == before


def test_synth_leaves_the_folder_as_it_was_when_writing_fails(tmp_path, monkeypatch):
    out = tmp_path / "s"
    write_corpus(out, scale=1, seed=1)
    before = everything(tmp_path)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(synth_module, "_write_source", boom)
    with pytest.raises(OSError):
        write_corpus(out, scale=1, seed=2)
    assert everything(tmp_path) == before


def test_synth_removes_what_a_killed_synth_left_beside_its_folder(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process id that no longer runs
    left = [tmp_path / f".s.synth-tmp-{dead.pid}-abc", tmp_path / f".s.synth-old-{dead.pid}-def"]
    alive = tmp_path / f".s.synth-tmp-{os.getpid()}-ghi"  # a synth still running: kept
    for folder in [*left, alive]:
        (folder / "graph").mkdir(parents=True)
    write_corpus(tmp_path / "s", scale=1, seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "s"])
