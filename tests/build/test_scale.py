"""Scale work: the incremental build, the fast paths that replace rdflib, and their equality.

Small scales only (a synthetic corpus of 2 sources): big scales are in bench/bench_scale.py.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from oracles.entity_graph_rdflib import build_entity_graph
from oracles.summary_rdflib import summarize_graph
from rdflib import BNode, Graph
from support import REPO_ROOT, copy_project

from cppcc_kg.build.pipeline import build
from cppcc_kg.build.summary import summarize
from cppcc_kg.errors import SyntaxErrors, TurtleSyntaxError, ValidationError
from cppcc_kg.network import build_entity_graph as entity_graph
from cppcc_kg.project.cache import CACHE_DIR
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.evidence_form import expand
from cppcc_kg.rdf.ntriples import triples_of


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".cppcc-kg-build"}  # the marker records mtimes and inodes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scale") / "corpus"
    write_corpus(root, scale=2, seed=3)
    return root


def _copy(root: Path, dest: Path) -> Path:
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(".cache", "build"))
    return dest


# ---------------------------------------------------------------- incremental build

def test_unchanged_rebuild_skips_work_and_gives_the_same_bytes(corpus, tmp_path):
    root = _copy(corpus, tmp_path / "p")
    first = build(root, tmp_path / "b1")
    n_files = len(first["summary"]["files"])
    assert first["load"]["parsed"] == n_files and first["load"]["cached"] == 0
    assert first["load"]["pinyin_computed"] > 0
    assert (root / CACHE_DIR).is_dir()
    second = build(root, tmp_path / "b2")
    assert second["load"]["parsed"] == 0 and second["load"]["cached"] == n_files  # nothing parsed again
    assert second["load"]["pinyin_computed"] == 0 and second["load"]["pinyin_cached"] > 0
    clean = build(root, tmp_path / "b3", cache=False)
    assert clean["load"]["cached"] == 0
    assert snapshot(tmp_path / "b1") == snapshot(tmp_path / "b2") == snapshot(tmp_path / "b3")


def test_a_changed_file_is_checked_again_and_the_outputs_match_a_clean_build(corpus, tmp_path):
    root = _copy(corpus, tmp_path / "p")
    build(root, tmp_path / "b1")
    entities = root / "graph" / "synth-0002" / "entities.ttl"
    text = entities.read_text(encoding="utf-8")
    # a new alias: valid, and it changes the outputs
    first_entity = text.index("rdfs:label")
    entities.write_text(text[:first_entity] + 'skos:altLabel "别名"@zh ;\n    ' + text[first_entity:], encoding="utf-8")
    again = build(root, tmp_path / "b2")
    assert again["load"]["parsed"] == 1 and again["load"]["cached"] == len(again["summary"]["files"]) - 1
    clean = build(root, tmp_path / "b3", cache=False)
    assert snapshot(tmp_path / "b2") == snapshot(tmp_path / "b3")
    assert snapshot(tmp_path / "b1")["graph.nt"] != snapshot(tmp_path / "b2")["graph.nt"]
    assert "别名" in (tmp_path / "b2" / "graph.ttl").read_text(encoding="utf-8")
    # a syntax error in a file that was cached is found: the file is checked again
    entities.write_text(text + "\nthis is not turtle .\n", encoding="utf-8")
    with pytest.raises((TurtleSyntaxError, SyntaxErrors)) as info:
        build(root, tmp_path / "b4")
    assert "graph/synth-0002/entities.ttl:" in str(info.value)
    assert clean["load"]["parsed"] == len(clean["summary"]["files"])


def test_a_failed_build_writes_no_cache(corpus, tmp_path):
    root = _copy(corpus, tmp_path / "p")
    entities = root / "graph" / "synth-0001" / "entities.ttl"
    entities.write_text(entities.read_text(encoding="utf-8").replace('"@en', '"@fr', 1), encoding="utf-8")
    with pytest.raises(ValidationError):
        build(root, tmp_path / "b")
    assert not (root / ".cache").exists()  # the project folder is as it was
    assert not (tmp_path / "b").exists()


def test_a_broken_cache_entry_is_ignored(corpus, tmp_path):
    root = _copy(corpus, tmp_path / "p")
    build(root, tmp_path / "b1")
    for entry in (root / CACHE_DIR).glob("*.nt"):
        entry.write_bytes(entry.read_bytes()[:-40])  # a damaged cache: cut short
    again = build(root, tmp_path / "b2")
    assert again["load"]["cached"] == 0 and again["load"]["parsed"] == len(again["summary"]["files"])
    assert snapshot(tmp_path / "b1") == snapshot(tmp_path / "b2")


def test_outputs_are_the_same_across_hash_seeds_and_processes(corpus, tmp_path):
    outs = []
    for seed in ("0", "12345"):
        out = tmp_path / f"out{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(corpus), "--out", str(out),
                        "--quiet", "--no-cache"], cwd=REPO_ROOT, env=env, check=True)
        outs.append(snapshot(out))
    assert outs[0] == outs[1]
    assert {"graph.ttl", "graph.nt", "graph.jsonld", "graph.trig", "summary.json"} <= set(outs[0])


# ---------------------------------------------------------------- the fast paths equal the rdflib ones

def _equal_graphs(A, B) -> None:
    assert list(A.nodes) == list(B.nodes)
    for n in A.nodes:
        assert A.nodes[n] == B.nodes[n], n
    assert list(A.edges(keys=True, data=True)) == list(B.edges(keys=True, data=True))
    assert A.graph == B.graph


def _full_graph(project) -> Graph:
    """Every triple of *project* as the graph files give them: the evidence in the full form (the files and the
    store hold it compact)."""
    full = Graph()
    for t in triples_of(expand(b"".join(project.graphs().values()))):
        full.add(t)
    assert len(full) > len(project.graph)
    return full


@pytest.mark.parametrize("which", ["real", "synthetic", "fixture"])
def test_fast_entity_graph_equals_build_entity_graph(which, corpus, tmp_path):
    root = {"real": REPO_ROOT, "synthetic": corpus}.get(which) or copy_project(tmp_path / "p")
    project = load(root)
    fast = entity_graph(project.store)
    slow = build_entity_graph(_full_graph(project))  # the oracle reads the evidence of the exports
    assert fast.number_of_nodes() > 0 and fast.number_of_edges() > 0
    _equal_graphs(slow, fast)


@pytest.mark.parametrize("which", ["real", "synthetic", "fixture"])
def test_summary_from_the_store_equals_the_rdflib_summary(which, corpus, tmp_path):
    root = {"real": REPO_ROOT, "synthetic": corpus}.get(which) or copy_project(tmp_path / "p")
    project = load(root)
    fast = summarize(project)
    slow = summarize_graph(_full_graph(project), project=project)  # it counts the triples of the graph files
    slow.pop("_shapes")
    assert fast == slow
    assert fast["entities"] > 0 and fast["evidence"] > 0


def _by_value(triples) -> set:
    # Oxigraph keeps numbers by value: "5"^^xsd:nonNegativeInteger reads "5"^^xsd:integer
    from rdflib import Literal
    return {(s, p, Literal(o.toPython()) if isinstance(o, Literal) and o.datatype else o) for s, p, o in triples}


def test_the_view_reads_the_store_like_the_graph(corpus):
    project = load(corpus)
    view, graph = project.view, project.graph
    assert len(view) == len(graph) == len(project)
    assert _by_value(view) == _by_value(graph)  # blank nodes keep their names too
    assert any(isinstance(s, BNode) for s, _p, _o in view)
    with pytest.raises(TypeError):
        view.add(next(iter(graph)))


# ---------------------------------------------------------------- beyond one machine: networkx backends

BACKEND = '''
import networkx as nx

CALLS = []


class Interface:
    """A networkx backend that counts its calls and runs networkx's own code."""

    @staticmethod
    def convert_from_nx(G, *args, **kwargs):
        return G

    @staticmethod
    def convert_to_nx(obj, *, name=None):
        return obj

    @staticmethod
    def can_run(name, args, kwargs):
        return name in ("pagerank", "louvain_communities", "core_number")

    @staticmethod
    def should_run(name, args, kwargs):
        return True

    def __getattr__(self, name):
        raise AttributeError(name)


def _wrap(name, func):
    def run(*args, backend=None, **kwargs):
        CALLS.append(name)
        return func.orig_func(*args, **kwargs)
    return run


for _name, _func in (("pagerank", nx.pagerank), ("louvain_communities", nx.community.louvain_communities),
                     ("core_number", nx.core_number)):
    setattr(Interface, _name, staticmethod(_wrap(_name, _func)))
'''


def test_analysis_runs_on_a_networkx_backend_chosen_by_configuration(tmp_path):
    """A backend chosen by networkx's configuration (as nx-parallel or nx-cugraph would be)
    runs the measures that networkx dispatches, with no change to our code."""
    pkg = tmp_path / "site"
    (pkg / "fakebackend-0.1.dist-info").mkdir(parents=True)
    (pkg / "fakebackend.py").write_text(BACKEND, encoding="utf-8")
    (pkg / "fakebackend-0.1.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: fakebackend\nVersion: 0.1\n")
    (pkg / "fakebackend-0.1.dist-info" / "entry_points.txt").write_text(
        "[networkx.backends]\nfake = fakebackend:Interface\n", encoding="utf-8")
    code = """
import json, networkx as nx, fakebackend
import cppcc_kg.network as analyze
G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
plain = analyze.pagerank(G)["pagerank"].tolist()
nx.config.backend_priority.algos = ["fake"]
again = analyze.pagerank(G)["pagerank"].tolist()
analyze.kcore(G)
analyze.communities(nx.Graph(G))
print(json.dumps({"calls": fakebackend.CALLS, "same": plain == again}))
"""
    env = dict(os.environ, PYTHONPATH=str(pkg) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["same"] is True
    assert {"pagerank", "core_number", "louvain_communities"} <= set(result["calls"])


def test_a_notebook_can_analyse_a_query_result_instead_of_the_whole_graph(built, repo_root):
    """The neighbourhood of the best-connected entity, asked of the built store, analysed alone."""
    import networkx as nx

    import cppcc_kg.network as analyze
    from cppcc_kg.network import entity_graph_of_query
    from cppcc_kg.sparql.query import open_engine
    whole = entity_graph(load(repo_root).store)
    center = max(whole.nodes, key=lambda n: (whole.degree(n), n))
    query = f"""
        PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
        CONSTRUCT {{ ?e ?p ?o }} WHERE {{
          {{ BIND(<{center}> AS ?e) }}
          UNION {{ <{center}> ?r ?e . ?r cppcc:displayAsEdge true }}
          UNION {{ ?e ?r <{center}> . ?r cppcc:displayAsEdge true }}
          ?e ?p ?o .
        }}"""
    engine = open_engine(store="oxigraph", build_dir=built)
    part = entity_graph_of_query(query, engine=engine, ontology=repo_root / "ontology.ttl")
    expected = {center} | set(nx.all_neighbors(whole, center))
    assert set(part.nodes) == expected and len(expected) > 10
    for n in part.nodes:
        for attr in ("label_zh", "label_en", "class", "color"):
            assert part.nodes[n][attr] == whole.nodes[n][attr]
    inside = whole.subgraph(expected)
    assert sorted(part.edges(keys=True)) == sorted(inside.edges(keys=True))
    ranks = analyze.pagerank(part)
    assert ranks.iloc[0]["iri"] == center
