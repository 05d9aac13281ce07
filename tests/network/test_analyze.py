"""Network measures, names and paths, and the ``cppcc-kg analyze`` command."""
from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from support import ANALYSIS_FIXTURE, analysis_graph

import cppcc_kg.network as A
from cppcc_kg.cli.analyze import command
from cppcc_kg.network import (
    METRICS_GRAPH,
    build_entity_graph,
    to_undirected_weighted,
    write_metrics,
)
from cppcc_kg.rdf.namespaces import CPPCC

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ANALYSIS_FIXTURE
ID = "https://w3id.org/cppcc-kg/id/"
fixture_graph = analysis_graph  # a new graph of the ontology and the fixture, each call


@pytest.fixture(scope="module")
def G():
    return build_entity_graph(fixture_graph())


@pytest.fixture(scope="module")
def merged_ttl(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "graph.ttl"
    fixture_graph().serialize(path, format="turtle")
    return path


def two_cliques(n=5) -> nx.MultiDiGraph:
    """Two n-cliques joined by one relation: the textbook case for communities and brokers."""
    M = nx.MultiDiGraph()
    for side in "ab":
        nodes = [f"{side}{i}" for i in range(n)]
        for i, u in enumerate(nodes):
            for v in nodes[i + 1:]:
                M.add_edge(u, v, key="collaboratedWith")
    M.add_edge("a0", "b0", key="collaboratedWith")
    return M


# ---------------------------------------------------------------------------- tables

def test_every_measure_table_has_the_entity_columns_and_is_sorted(G):
    for fn, col in [(A.degree, "degree"), (A.betweenness, "betweenness"), (A.closeness, "closeness"),
                    (A.eigenvector, "eigenvector"), (A.pagerank, "pagerank"), (A.kcore, "kcore")]:
        df = fn(G)
        assert list(df.columns[:4]) == ["iri", "label_zh", "label_en", "class"], fn.__name__
        assert set(df["iri"]) == set(G.nodes), fn.__name__
        keys = list(zip(-df[col], df["iri"]))
        assert keys == sorted(keys), fn.__name__


def test_degree_counts_relations(G):
    df = A.degree(G).set_index("iri")
    g = fixture_graph()
    edge_props = {p for p, v in g.subject_objects(CPPCC.displayAsEdge) if v.toPython() is True}
    a = URIRef(ID + "org/alpha-cppcc")
    out = sum(1 for p, o in g.predicate_objects(a) if p in edge_props and str(o) in G)
    inn = sum(1 for s, p in g.subject_predicates(a) if p in edge_props and str(s) in G)
    assert (df.loc[str(a), "out_degree"], df.loc[str(a), "in_degree"], df.loc[str(a), "degree"]) == (out, inn, out + inn)
    assert df.loc[ID + "person/someone", "degree"] == 0


def test_betweenness_exact_approximate_and_reproducible():
    M = two_cliques()
    exact = A.betweenness(M)
    # the two ends of the bridge carry every path between the cliques
    assert set(exact["iri"][:2]) == {"a0", "b0"}
    sampled = A.betweenness(M, k=4, seed=7)
    assert sampled.equals(A.betweenness(M, k=4, seed=7))
    assert set(sampled["iri"][:2]) == {"a0", "b0"}
    assert A.betweenness(M, k=100).equals(exact)  # k >= n is exact


def test_betweenness_value_of_the_bridge_ends():
    # a0 lies on the paths from a1..a4 to b0..b4 (4*5 = 20 pairs) and from nothing else
    # in a graph of 10 nodes: 20 / ((9*8)/2) = 20/36
    df = A.betweenness(two_cliques()).set_index("iri")
    assert df.loc["a0", "betweenness"] == pytest.approx(20 / 36, rel=1e-9)
    assert df.loc["a1", "betweenness"] == 0


def test_closeness_on_a_disconnected_graph(G):
    df = A.closeness(G).set_index("iri")
    assert df.loc[ID + "person/someone", "closeness"] == 0
    assert df["closeness"].notna().all()
    assert df["closeness"].idxmax() == ID + "org/alpha-cppcc"


def test_eigenvector_on_disconnected_and_bipartite_graphs(G):
    # the fixture has three components; networkx's power iteration is not used
    df = A.eigenvector(G).set_index("iri")
    assert df.loc[ID + "person/someone", "eigenvector"] == 0
    assert df["eigenvector"].notna().all() and (df["eigenvector"] >= 0).all()
    assert df["component"].nunique() == nx.number_connected_components(to_undirected_weighted(G))
    # within the largest component the ranking is networkx's
    U = to_undirected_weighted(G)
    comp = max(nx.connected_components(U), key=len)
    ref = nx.eigenvector_centrality_numpy(U.subgraph(comp), weight="weight")
    scale = df.loc[list(comp), "eigenvector"] / pd.Series(ref)[list(comp)]
    assert scale.max() == pytest.approx(scale.min(), rel=1e-6)
    # a star is bipartite: plain power iteration oscillates on it, here it is defined
    star = nx.MultiDiGraph([("hub", f"leaf{i}") for i in range(6)])
    s = A.eigenvector(star).set_index("iri")["eigenvector"]
    assert s.idxmax() == "hub" and s["hub"] == pytest.approx(math.sqrt(0.5), rel=1e-6)


def test_pagerank(G):
    df = A.pagerank(G)
    assert df["pagerank"].sum() == pytest.approx(1.0, abs=1e-8)
    assert df.iloc[0]["iri"] == ID + "org/alpha-cppcc"
    directed = A.pagerank(G, directed=True)
    assert directed["pagerank"].sum() == pytest.approx(1.0, abs=1e-8)
    assert not directed.set_index("iri")["pagerank"].equals(df.set_index("iri")["pagerank"])


def test_kcore():
    M = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("a", "a")])
    assert A.kcore(M).set_index("iri")["kcore"].to_dict() == {"a": 2, "b": 2, "c": 2, "d": 1}


def test_articulation_points_and_bridges_match_brute_force(G):
    U = to_undirected_weighted(G)
    base = nx.number_connected_components(U)
    aps = A.articulation_points(G).set_index("iri")
    for n in U:
        H = U.copy()
        H.remove_node(n)
        extra = nx.number_connected_components(H) - base
        if extra > 0:
            assert aps.loc[n, "pieces"] == extra + 1, n
        else:
            assert n not in aps.index or U.degree(n) == 0
    br = A.bridges(G)
    expected = set()
    for u, v in U.edges:
        H = U.copy()
        H.remove_edge(u, v)
        if nx.number_connected_components(H) > base:
            expected.add(tuple(sorted((u, v))))
    assert set(zip(br["source_iri"], br["target_iri"])) == expected
    assert (br["source_label_zh"] != "").all()


def test_communities_louvain_and_greedy():
    M = two_cliques()
    for method in ("louvain", "greedy"):
        df = A.communities(M, method=method, seed=3)
        groups = sorted(sorted(g) for g in df.groupby("community")["iri"].apply(list))
        assert groups == [[f"a{i}" for i in range(5)], [f"b{i}" for i in range(5)]], method
        U = to_undirected_weighted(M)
        q = nx.community.modularity(U, [set(x) for x in groups], weight="weight")
        assert df.attrs["modularity"] == pytest.approx(q, rel=1e-9)
    assert A.communities(M, seed=3).equals(A.communities(M, seed=3))
    with pytest.raises(ValueError, match="louvain"):
        A.communities(M, method="nope")


def test_community_numbering_and_summary(G):
    df = A.communities(G, seed=0)
    sizes = df.groupby("community").size()
    assert list(sizes.index) == list(range(len(sizes)))
    assert list(sizes) == sorted(sizes, reverse=True)
    assert (df["community_size"] == df["community"].map(sizes)).all()
    summary = A.community_summary(G, df)
    assert summary["size"].tolist() == list(sizes)
    assert "甲市政协" in summary.iloc[0]["members_zh"]


def test_empty_and_edgeless_graphs():
    E = nx.MultiDiGraph()
    for fn in (A.degree, A.betweenness, A.closeness, A.eigenvector, A.pagerank, A.kcore,
               A.articulation_points, A.bridges):
        assert fn(E).empty, fn.__name__
    assert A.communities(E).empty and math.isnan(A.communities(E).attrs["modularity"])
    assert list(A.all_measures(E).columns) == list(A.BASE_COLUMNS) + list(A.MEASURES)
    N = nx.MultiDiGraph()
    N.add_nodes_from(["x", "y"])
    df = A.all_measures(N)
    assert df["degree"].tolist() == [0, 0] and df["eigenvector"].tolist() == [0.0, 0.0]
    assert df["community"].nunique() == 2


# ---------------------------------------------------------------------------- names and paths

@pytest.mark.parametrize("name", ["甲市政协", "alpha city cppcc committee", "甲政协", "jia shi zhengxie",
                                  "Jiǎ Shì Zhèngxié", ID + "org/alpha-cppcc"])
def test_find_entity_by_any_name(G, name):
    assert A.find_entity(G, name) == ID + "org/alpha-cppcc"


def test_unknown_name_lists_close_matches(G):
    with pytest.raises(A.EntityNotFoundError) as exc:
        A.find_entity(G, "甲市政协会")
    assert exc.value.suggestions and exc.value.suggestions[0].startswith("甲市政协 / ")
    assert "did you mean" in str(exc.value)
    with pytest.raises(A.EntityNotFoundError) as exc:
        A.find_entity(G, "Alpha CPPCC")
    assert any("Alpha City CPPCC Committee" in s for s in exc.value.suggestions)
    with pytest.raises(A.EntityNotFoundError) as exc:
        A.find_entity(G, "zzzzzz")
    assert exc.value.suggestions == []


def test_ambiguous_name(G):
    with pytest.raises(A.AmbiguousEntityError) as exc:
        A.find_entity(G, "市政协")  # an alias of both committees
    assert len(exc.value.candidates) == 2


def test_shortest_paths(G):
    p = A.shortest_paths(G, "甲市政协党组", "Clear River Programme")
    assert p["iri"].tolist() == [ID + "org/alpha-cppcc-party-group", ID + "org/alpha-cppcc",
                                 ID + "program/river-programme"]
    assert p["via"].tolist() == ["", "subOrganizationOf", "launched"]
    back = A.shortest_paths(G, "清河行动", "甲市政协党组")
    assert back["via"].tolist() == ["", "^launched", "^subOrganizationOf"]
    # every shortest path
    allp = A.shortest_paths(G, "甲市", "甲市委", all_paths=True)
    assert allp["path"].nunique() >= 1
    assert (allp.groupby("path").size() == allp.groupby("path").size().iloc[0]).all()
    # not connected: an empty table with the same columns
    none = A.shortest_paths(G, "甲市政协", "乙市政协")
    assert none.empty and list(none.columns) == list(p.columns)
    one = A.shortest_paths(G, "甲市政协", "甲政协")
    assert one["step"].tolist() == [0]


# ---------------------------------------------------------------------------- all measures and the command

def test_all_measures_is_the_metrics_table(G):
    df = A.all_measures(G)
    assert list(df.columns) == ["iri", "label_zh", "label_en", "class", "top_class", "degree", "in_degree", "out_degree",
                                "betweenness", "closeness", "eigenvector", "pagerank", "kcore", "community"]
    assert df["iri"].tolist() == sorted(G.nodes)
    by = df.set_index("iri")
    assert by["betweenness"].to_dict() == A.betweenness(G).set_index("iri")["betweenness"].to_dict()
    assert by["community"].to_dict() == A.communities(G).set_index("iri")["community"].to_dict()


def test_write_metrics_csv_and_turtle(G, tmp_path):
    res = write_metrics(None, tmp_path, entity_graph=G)
    csv = pd.read_csv(res["metrics.csv"], keep_default_na=False)
    assert list(csv.columns) == list(A.BASE_COLUMNS) + list(A.MEASURES)
    assert len(csv) == G.number_of_nodes()
    text = res["metrics.ttl"].read_text(encoding="utf-8")
    assert f"<{METRICS_GRAPH}>" in text
    m = Graph().parse(data=text, format="turtle")
    row = csv.set_index("iri").loc[ID + "org/alpha-cppcc"]
    a = URIRef(ID + "org/alpha-cppcc")
    assert m.value(a, CPPCC.degree).toPython() == row["degree"]
    assert m.value(a, CPPCC.pagerank).toPython() == pytest.approx(row["pagerank"], rel=1e-12)
    assert m.value(a, CPPCC.community).toPython() == row["community"]
    # SPARQL can rank by it
    top = list(m.query("PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#> "
                       "SELECT ?e WHERE { ?e cppcc:pagerank ?r } ORDER BY DESC(?r) LIMIT 1"))
    assert str(top[0][0]) == ID + "org/alpha-cppcc"
    # the measure properties are defined in the ontology
    onto = Graph().parse(ROOT / "ontology.ttl")
    for p in m.predicates():
        assert onto.value(p, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is not None, p
    first = (res["metrics.csv"].read_bytes(), res["metrics.ttl"].read_bytes())
    write_metrics(fixture_graph(), tmp_path)
    assert (res["metrics.csv"].read_bytes(), res["metrics.ttl"].read_bytes()) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.csv", "metrics.ttl"]


def test_cli_prints_tables_and_writes_files(merged_ttl, tmp_path):
    r = CliRunner().invoke(command, ["--graph", str(merged_ttl), "--out", str(tmp_path), "--top", "3",
                                     "--path", "甲市政协党组", "清河行动"])
    assert r.exit_code == 0, r.output
    assert "top 3 by betweenness" in r.output and "甲市政协" in r.output
    assert "shortest path" in r.output and "launched" in r.output
    assert (tmp_path / "metrics.csv").is_file() and (tmp_path / "metrics.ttl").is_file()


def test_cli_bad_input_exits_with_a_message(merged_ttl, tmp_path):
    runner = CliRunner()
    r = runner.invoke(command, ["--graph", str(merged_ttl), "--no-write", "--path", "甲市政协会", "清河行动"])
    assert r.exit_code == 2 and "did you mean" in r.output and "Traceback" not in r.output
    r = runner.invoke(command, ["--graph", str(tmp_path / "missing.ttl"), "--out", str(tmp_path)])
    assert r.exit_code == 2 and "missing.ttl" in r.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    r = runner.invoke(command, ["--graph", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "bad.ttl" in r.output and not (tmp_path / "o").exists()
    no_onto = tmp_path / "data.ttl"
    Graph().parse(FIXTURE).serialize(no_onto, format="turtle")
    r = runner.invoke(command, ["--graph", str(no_onto), "--no-write"])
    assert r.exit_code == 2 and "ontology" in r.output


# ---------------------------------------------------------------------------- the real graph

def test_real_graph_measures_are_sane(built):
    G = build_entity_graph(Graph().parse(built / "graph.ttl"))
    df = A.all_measures(G)
    # the build's metrics.csv holds the same table
    csv = pd.read_csv(built / "metrics.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(csv, df.reset_index(drop=True), check_dtype=False)
    assert len(df) == G.number_of_nodes() > 0
    assert df["pagerank"].sum() == pytest.approx(1.0, abs=1e-6)
    assert df["degree"].sum() == 2 * G.number_of_edges()
    assert (df["degree"] == df["in_degree"] + df["out_degree"]).all()
    assert df[list(A.MEASURES)].notna().all().all()


def test_cli_never_creates_a_build_folder_of_its_own(merged_ttl, tmp_path):
    # build/ belongs to `cppcc-kg build`: without --out, analyze writes nothing (tests/cli/test_analyze_cli.py)
    r = CliRunner().invoke(command, ["--graph", str(merged_ttl), "--root", str(tmp_path), "--top", "2"])
    assert r.exit_code == 0, r.output
    assert "wrote" not in r.output and not (tmp_path / "build").exists()
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "summary.json").write_text("{}", encoding="utf-8")
    r = CliRunner().invoke(command, ["--graph", str(merged_ttl), "--root", str(tmp_path), "--top", "2"])
    assert r.exit_code == 0 and not (tmp_path / "build" / "metrics.csv").exists()
