"""The notebooks run end to end on a build, and their results agree with the library.

Each notebook's jupytext script is turned into an ``.ipynb`` in memory, a last cell that dumps
its results as JSON is appended, and nbclient executes it in a fresh kernel.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

jupytext = pytest.importorskip("jupytext", reason="jupytext is a test dependency: pip install -e '.[test]'")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

import cppcc_kg.network as A  # noqa: E402
from cppcc_kg.network import build_entity_graph, organization_program_graph  # noqa: E402
from cppcc_kg.network.metrics import load_rdf, write_metrics  # noqa: E402
from cppcc_kg.schema import Schema  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture(scope="module")
def build_dir(request, tmp_path_factory) -> Path:
    """The ``built`` fixture of tests/conftest.py, or a minimal build made here."""
    try:
        return Path(request.getfixturevalue("built"))
    except pytest.FixtureLookupError:
        from cppcc_kg.project.load import load_project

        out = tmp_path_factory.mktemp("build")
        g = load_project(ROOT)
        g.serialize(out / "graph.ttl", format="turtle")
        write_metrics(g, out)
        return out


def run_notebook(name: str, build: Path, monkeypatch, dump: str) -> tuple[dict, object]:
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    nb.cells.append(nbformat.v4.new_code_cell(dump))
    monkeypatch.setenv("CPPCC_KG_BUILD", str(build))
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", out
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    return json.loads(last), nb


def images(nb) -> int:
    return sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


def test_centrality_notebook(build_dir, monkeypatch):
    dump = """
import json
print(json.dumps({
    "n_metrics": len(metrics),
    "pagerank_order": metrics.sort_values(["pagerank", "iri"], ascending=[False, True])["iri"].tolist(),
    "spearman": spearman.values.tolist(),
    "spearman_cols": list(spearman.columns),
    "top15": {m: df["iri"].tolist() for m, df in top15.items()},
    "missing": sorted(missing), "glyph_warnings": glyph_warnings,
    "communities": int(comm["community"].nunique()), "modularity": comm.attrs["modularity"],
    "brokers": top_brokers["label_en"].tolist(),
    "program_reach": program_reach[["iri", "organizations"]].values.tolist(),
    "summary": summary_lines,
    "part_nodes": sorted(part.nodes), "part_edges": part.number_of_edges(),
    "part_top": part_rank["iri"].iloc[0],
}, ensure_ascii=False, default=int))
"""
    res, nb = run_notebook("centrality", build_dir, monkeypatch, dump)
    G = build_entity_graph(load_rdf(build_dir / "graph.ttl"))
    metrics = A.all_measures(G)
    assert res["n_metrics"] == G.number_of_nodes() == len(metrics)
    assert res["pagerank_order"] == metrics.sort_values(["pagerank", "iri"], ascending=[False, True])["iri"].tolist()
    # rank correlation: a symmetric matrix with ones on the diagonal
    rho = pd.DataFrame(res["spearman"], columns=res["spearman_cols"], index=res["spearman_cols"])
    assert res["spearman_cols"] == ["degree", "betweenness", "closeness", "eigenvector", "pagerank", "kcore"]
    assert all(rho.loc[m, m] == 1 for m in rho.columns)
    assert (rho.values == rho.values.T).all() and ((rho.values >= -1) & (rho.values <= 1)).all()
    # the top 15 per measure are the library's
    for m, iris in res["top15"].items():
        expected = metrics.sort_values([m, "iri"], ascending=[False, True], kind="mergesort")["iri"].head(15).tolist()
        assert iris == expected, m
    # Chinese names drawn without empty boxes
    assert res["missing"] == [] and res["glyph_warnings"] == []
    assert images(nb) >= 3  # correlation heatmap, top-15 panels, communities
    comm = A.communities(G, seed=0)
    assert res["communities"] == comm["community"].nunique()
    assert res["modularity"] == pytest.approx(comm.attrs["modularity"])
    brokers = A.brokerage(G)
    assert res["brokers"] == brokers[brokers["brokerage"] > 0]["label_en"].head(12).tolist()
    B = organization_program_graph(G)
    programmes = {n for n, d in B.nodes(data=True) if d["bipartite"] == 1}
    expected_reach = sorted(((p, B.degree(p)) for p in programmes if B.degree(p) > 0), key=lambda x: (-x[1], x[0]))
    assert [tuple(x) for x in res["program_reach"]] == expected_reach
    lead = metrics.sort_values(["pagerank", "iri"], ascending=[False, True]).iloc[0]
    assert lead["label_zh"] in res["summary"][0]
    # the part of the graph a query gives: the hub and its neighbours, with the relations among them
    hood = {lead["iri"], *G.successors(lead["iri"]), *G.predecessors(lead["iri"])}
    assert res["part_nodes"] == sorted(hood)
    assert res["part_edges"] == G.subgraph(hood).number_of_edges()
    assert res["part_top"] == lead["iri"]


def test_sparql_notebook(build_dir, monkeypatch):
    from cppcc_kg.sparql.query import query

    dump = """
import json
print(json.dumps({
    "rows": {k: len(v) for k, v in results.items()},
    "ranked": ranked[KEY].tolist(), "ranked_from": ranked_from,
}, ensure_ascii=False))
"""
    res, nb = run_notebook("sparql", build_dir, monkeypatch, dump)
    paths = sorted((ROOT / "queries").glob("*.rq"))
    assert sorted(res["rows"]) == [p.stem for p in paths]
    for p in paths:
        assert res["rows"][p.stem] == len(query(p, build_dir=build_dir, store="oxigraph")), p.name
    metrics = pd.read_csv(build_dir / "metrics.csv", keep_default_na=False)
    top = metrics.sort_values(["pagerank", "iri"], ascending=[False, True])["iri"].tolist()
    assert res["ranked"] == top[: len(res["ranked"])] and len(res["ranked"]) > 0
    assert images(nb) >= 1


def test_classes_notebook(build_dir, monkeypatch):
    dump = """
import json
print(json.dumps({
    "per_top": {k: int(v) for k, v in per_top.items()},
    "per_type": per_type[["top_class", "class", "entities"]].values.tolist(),
    "organizations": sorted(organizations["iri"]), "opinions": sorted(opinions["iri"]),
    "between_tops": {r: {c: int(n) for c, n in row.items() if n} for r, row in between_tops.iterrows()},
    "body_document_types": {r: {c: int(n) for c, n in row.items() if n} for r, row in body_document_types.iterrows()},
    "body_body_types": {r: {c: int(n) for c, n in row.items() if n} for r, row in body_body_types.iterrows()},
    "sparql": by_sparql[["top", "type", "entities"]].values.tolist(),
    "issued": issued_documents[["body_type", "document_type", "relations"]].values.tolist(),
    "missing": sorted(missing), "glyph_warnings": glyph_warnings,
}, ensure_ascii=False, default=int))
"""
    res, nb = run_notebook("classes", build_dir, monkeypatch, dump)
    G = build_entity_graph(load_rdf(build_dir / "graph.ttl"))
    schema = Schema.default()
    top = {n: d["top_class"] for n, d in G.nodes(data=True)}
    fine = {n: d["class"] for n, d in G.nodes(data=True)}
    # the top class of each entity is the schema's, and every count agrees with the entity graph
    assert all(schema.local(schema.top(d["class_iri"])) == d["top_class"] for _, d in G.nodes(data=True))
    assert res["per_top"] == dict(Counter(top.values()))
    assert sorted(map(tuple, res["per_type"])) == sorted(
        (schema.local(schema.top(schema.iri(c))), c, n) for c, n in Counter(fine.values()).items())
    assert res["organizations"] == sorted(n for n in G if top[n] == "Organization")
    assert res["opinions"] == sorted(n for n in G if fine[n] == "Opinions") != []
    tops = Counter((top[u], top[v]) for u, v in G.edges())
    assert {(r, c): n for r, row in res["between_tops"].items() for c, n in row.items()} == dict(tops)
    bodies = {"Organization", "OrganizationalUnit"}
    body_doc = Counter((fine[u], fine[v]) if top[u] in bodies else (fine[v], fine[u]) for u, v in G.edges()
                       if {top[u], top[v]} & bodies and "Document" in {top[u], top[v]})
    assert {(r, c): n for r, row in res["body_document_types"].items() for c, n in row.items()} == dict(body_doc)
    assert body_doc, "bodies issue documents"
    among = Counter((fine[u], fine[v]) for u, v in G.edges() if top[u] in bodies and top[v] in bodies)
    assert {(r, c): n for r, row in res["body_body_types"].items() for c, n in row.items()} == dict(among)
    # the SPARQL counts (rdfs:subClassOf* to the top class) are the table's
    local = schema.local
    assert sorted((local(t), local(c), n) for t, c, n in res["sparql"]) == sorted(map(tuple, res["per_type"]))
    issued = Counter((fine[u], fine[v]) for u, v, k in G.edges(keys=True)
                     if k == "issued" and top[u] in bodies and top[v] == "Document")
    assert {(local(b), local(d)): n for b, d, n in res["issued"]} == dict(issued)
    assert res["missing"] == [] and res["glyph_warnings"] == []
    assert images(nb) >= 1
