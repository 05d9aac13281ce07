"""The ``cppcc-kg visualize`` command."""
from __future__ import annotations

from pathlib import Path

import click

from cppcc_kg.build.outdir import within_build
from cppcc_kg.cli.common import exit_on_error, fail
from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.network import build_entity_graph
from cppcc_kg.schema import Schema
from cppcc_kg.viz import (
    MAX_NODES,
    PHYSICS_MAX_NODES,
    load_input,
    load_metrics,
    measure_table,
    unread_sources,
    view_of,
    write_html,
)


@click.command("visualize")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("graph.html"), show_default=True,
              help="The HTML file to write (not inside a build folder: the build writes its own graph.html).")
@click.option("--ontology", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The ontology, when INPUT does not hold it (default: ontology.ttl beside or above INPUT).")
@click.option("--metrics", "metrics_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="metrics.csv or metrics.ttl of the same graph (default: measures in INPUT, else computed).")
@click.option("--sources-root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder against which cppcc:localPath of the sources is resolved "
                   "(default: INPUT's folder or the nearest folder above it that has the file).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=MAX_NODES, show_default=True,
              help="Above this many entities, draw only this many (highest --view-measure).")
@click.option("--view-measure", default="pagerank", show_default=True,
              help="The measure that chooses the entities drawn when the graph is too large.")
@click.option("--community", type=int, default=None,
              help="Draw only this community (the column community of the measures).")
@click.option("--around", default=None, metavar="ENTITY",
              help="Draw only the neighbourhood of ENTITY (an IRI, or a Chinese or English name).")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
              help="With --around: how many relations away from ENTITY.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the layout.")
@click.option("--physics/--no-physics", default=None,
              help=f"Refine the layout with physics in the browser (default: up to {PHYSICS_MAX_NODES} nodes).")
@click.option("--title", default="cppcc-kg", show_default=True, help="The page title.")
def command(input_path, out_path, ontology, metrics_path, sources_root, max_nodes, view_measure, community,
            around, hops, seed, physics, title):
    """Write the interactive HTML page of a graph that follows the ontology.

    INPUT is a project root, a folder of Turtle/TriG files, or one such file
    (for example build/graph.trig).

    \b
    Example:
        cppcc-kg visualize . -o graph.html
        cppcc-kg visualize build/graph.trig --metrics build/metrics.csv -o /tmp/g.html
        cppcc-kg visualize build/graph.trig --around 内蒙古自治区政协 --hops 2 -o /tmp/around.html
        cppcc-kg visualize build/graph.trig --metrics build/metrics.csv --community 3 -o /tmp/c3.html
    """
    if community is not None and around is not None:
        fail("give --community or --around, not both")

    with exit_on_error():
        _check_out(out_path)
        graph, texts, _roots = load_input(input_path, ontology=ontology, sources_root=sources_root)
        unread = unread_sources(graph, texts)
        if unread:
            click.echo(f"warning: the text of {len(unread)} source(s) was not found ({', '.join(unread[:3])}"
                       f"{', …' if len(unread) > 3 else ''}): their quotes are shown without their sentence; "
                       "pass --sources-root", err=True)
        metrics = load_metrics(metrics_path, graph)
        schema = Schema.from_graph(graph)
        G = build_entity_graph(graph, schema=schema)
        if G.number_of_nodes() == 0:
            click.echo(f"warning: {input_path} has no entity of a class with cppcc:displayAsNode true; "
                       "the page is empty", err=True)
        # the measures once (the page's view and the page take the same table)
        measures, table = measure_table(G, metrics)
        shown, view = view_of(G, measures, table, max_nodes=max_nodes, view_measure=view_measure,
                              community=community, around=around, hops=hops)
        write_html(G, out_path, False if metrics is False else table, sources=texts,
                   orders=schema.display_orders(), title=title, max_nodes=max_nodes, view_measure=view_measure,
                   seed=seed, physics=physics, community=community, around=around, hops=hops)
    counts = f"{shown.number_of_nodes()} entities, {shown.number_of_edges()} relations"
    if view is not None:
        counts += f": {_what(view)}; the graph has {G.number_of_nodes()} entities and {G.number_of_edges()} relations"
    click.echo(f"wrote {out_path} ({counts})")


def _check_out(out: Path) -> None:
    """Refuse to write into a build folder: its graph.html is the build's, with its digest in summary.json."""
    folder = within_build(out.parent)
    if folder is not None:
        raise ProjectLayoutError(
            f"{out} is in the build folder {folder}: its graph.html is the build's page, listed with its digest "
            "in its summary.json, and the next build replaces the whole folder, so visualize does not write there",
            "write the page elsewhere with -o (for example -o graph.html or -o /tmp/around.html); "
            "cppcc-kg build writes the build's page.")


def _what(view: dict) -> str:
    """The part of the graph a page shows, in words."""
    parts = []
    if view.get("kind") == "community":
        parts.append(f"community {view['community']}")
    elif view.get("kind") == "around":
        name = view.get("label_zh") or view.get("label_en") or view.get("entity")
        parts.append(f"{view['hops']} hop(s) around {name}")
    if "limit" in view:
        parts.append(f"the top {view['limit']} by {view['measure']}")
    return ", ".join(parts)
