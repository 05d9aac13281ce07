"""The ``cppcc-kg analyze`` command."""
from __future__ import annotations

from pathlib import Path

import click
import networkx as nx
import pandas as pd

from cppcc_kg.build.outdir import within_build
from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.network import (
    MEASURES,
    METRICS_GRAPH,
    all_measures,
    articulation_points,
    auto_k,
    bridges,
    build_entity_graph,
    community_summary,
    find_entity,
    load_rdf,
    shortest_paths,
    top_table,
    write_metrics,
)
from cppcc_kg.project.load import load


@click.command("analyze")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project root to load (ontology.ttl, sources/, graph/).")
@click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Read this RDF file (for example build/graph.ttl) instead of loading the project.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write metrics.csv and metrics.ttl into this folder (not a build folder: "
                   "the build writes its own) [default: write nothing].")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many entities to print per measure.")
@click.option("--measure", "measures", multiple=True,
              type=click.Choice([m for m in MEASURES if m != "community"]),
              help="Measure to print (repeatable) [default: all].")
@click.option("--k", "betweenness_k", type=click.IntRange(min=1),
              help="Approximate betweenness from K sampled sources [default: exact up to 10000 entities].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of Louvain and sampling.")
@click.option("--communities", "community_method", type=click.Choice(["louvain", "greedy"]),
              default="louvain", show_default=True, help="Community detection method.")
@click.option("--path", "path_names", nargs=2, metavar="FROM TO",
              help="Also print the shortest path(s) between two entities named in zh or en.")
@click.option("--no-write", is_flag=True, help="Print only, even with --out.")
def command(root, graph_path, out_dir, top, measures, betweenness_k, seed, community_method,
            path_names, no_write):
    """Centrality, k-core and communities of the entity graph.

    \b
    Prints the top entities per measure; with --out DIR, also writes metrics.csv and
    metrics.ttl (the measures as RDF, graph <https://w3id.org/cppcc-kg/graph/metrics>)
    into DIR. A build folder is refused: cppcc-kg build writes its own metrics.*, which its
    summary.json and graph.html match.

    \b
    Examples:
        cppcc-kg analyze --top 5 --measure betweenness --measure pagerank
        cppcc-kg analyze --seed 7 --communities greedy --out /tmp/metrics
        cppcc-kg analyze --graph build/graph.ttl --path 全国政协 "Chifeng"
    """
    with exit_on_error():
        out = None if no_write or out_dir is None else Path(out_dir)
        if out is not None:
            _check_out(out, Path(root))
        g = load_rdf(graph_path) if graph_path is not None else load(root).store
        G = build_entity_graph(g)
        ends = [find_entity(G, name) for name in path_names or ()]  # an unknown name: before any table
        if out is None:
            k = auto_k(G, betweenness_k or "auto")
            df = all_measures(G, betweenness_k=k, seed=seed, community_method=community_method)
        else:
            res = write_metrics(None, out, entity_graph=G, seed=seed,
                                betweenness_k=betweenness_k or "auto", community_method=community_method)
            df, k = res["frame"], res["betweenness_k"]
        _print_report(G, df, top=top, measures=measures or [m for m in MEASURES if m != "community"],
                      k=k, seed=seed, community_method=community_method)
        if ends:
            _print_path(G, path_names, ends)
        if out is not None:
            click.echo(f"\nwrote {out / 'metrics.csv'} and {out / 'metrics.ttl'} "
                       f"({len(df)} entities; graph <{METRICS_GRAPH}>)")


def _check_out(out: Path, root: Path) -> None:
    """Refuse to write into or below a build folder (or ROOT/build, where the build writes), and into
    the folders the build reads (ROOT/graph, ROOT/sources): a metrics.ttl there would become data."""
    target = out.resolve()
    build_dir = (root / "build").resolve()
    holder = within_build(out)
    if target == build_dir or build_dir in target.parents or holder is not None:
        raise ProjectLayoutError(
            f"{out} is in a build folder ({holder or build_dir}; or where `cppcc-kg build` writes one): its "
            "metrics.csv and metrics.ttl are the build's, listed with their digests in its summary.json and "
            "drawn in its graph.html, and the next build replaces the whole folder, so analyze does not write there",
            "pass another folder with --out (for example --out /tmp/metrics); cppcc-kg build writes the "
            "build's metrics with the default options.")
    for name in ("graph", "sources"):
        inputs = (root / name).resolve()
        if target == inputs or inputs in target.parents:
            raise ProjectLayoutError(
                f"{out} is in {root / name}, which the build reads: a metrics.ttl there would be loaded as "
                "curated data",
                "pass a folder outside the project's inputs with --out (for example --out /tmp/metrics).")


def _print_report(G, df, *, top, measures, k, seed, community_method):
    pd.set_option("display.unicode.east_asian_width", True)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 60)
    click.echo(f"entity graph: {G.number_of_nodes()} entities, {G.number_of_edges()} relations, "
               f"{nx.number_weakly_connected_components(G) if len(G) else 0} connected component(s)")
    if len(df) == 0:
        click.echo("no entities: nothing to rank.")
        return
    for m in measures:
        note = f" (approximate: k={k}, seed={seed})" if m == "betweenness" and k else ""
        click.echo(f"\n== top {top} by {m}{note}")
        click.echo(_shorten(top_table(df, m, top)).to_string())
    cut, br = articulation_points(G), bridges(G)
    click.echo(f"\n== structure: {len(cut)} articulation points, {len(br)} bridges; "
               f"top {min(top, len(cut))} articulation points (pieces = parts left without it)")
    if len(cut):
        click.echo(_shorten(cut.head(top)[["label_zh", "label_en", "class", "degree", "pieces"]]).to_string(index=False))
    q = df.attrs.get("modularity")
    click.echo(f"\n== communities ({community_method}, seed={seed}): "
               f"{df['community'].nunique()} communities, modularity {q}")
    summary = community_summary(G, df, top=3).head(top)
    click.echo(_shorten(summary, 90, ("members_zh", "members_en")).to_string(index=False))


def _shorten(df: pd.DataFrame, width: int = 40, columns=("label_zh", "label_en")) -> pd.DataFrame:
    out = df.copy()
    for c in columns:
        if c in out:
            limit = width // 2 if c.endswith("_zh") else width
            out[c] = [x if len(x) <= limit else x[: limit - 1] + "…" for x in out[c].astype(str)]
    return out


def _print_path(G, names, ends):
    """The shortest path(s) between the entities *ends* (found by :func:`find_entity`) named *names*."""
    p = shortest_paths(G, *ends)
    click.echo(f"\n== shortest path {names[0]} -> {names[1]}")
    if len(p) == 0:
        click.echo("not connected.")
    else:
        click.echo(_shorten(p[["step", "label_zh", "label_en", "class", "via"]]).to_string(index=False))
