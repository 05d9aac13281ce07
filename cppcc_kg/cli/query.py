"""``cppcc-kg query``: run a SPARQL query on the built graph (or a remote endpoint) and print the result.

What it prints (table, CSV, TSV, JSON, Turtle) is :mod:`cppcc_kg.sparql.formats`. A query
with a syntax error is shown with the line and column of the error and the text around it
(exit code 2); a refused query (update, SERVICE, foreign FROM) exits with 2 too.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.sparql.formats import FORMATS, render
from cppcc_kg.sparql.query import iris_of, open_engine, run


@click.command("query")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-e", "--expression", "expression", metavar="SPARQL", help="The query text (instead of FILE).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help="table, csv and tsv add zh/en labels; json is SPARQL results JSON "
              "(JSON-LD for CONSTRUCT); turtle is for CONSTRUCT/DESCRIBE.")
@click.option("--store", type=click.Choice(["memory", "oxigraph"]), default="memory", show_default=True,
              help="Engine that runs the query on the built graph.")
@click.option("--endpoint", metavar="URL", help="Send the query to this SPARQL endpoint instead.")
@click.option("--default-graph-uri", "default_graphs", metavar="IRI", multiple=True, help="With --endpoint: the "
              "dataset's default graph (repeatable), e.g. the graph that push --default-graph filled.")
@click.option("--named-graph-uri", "named_graphs", metavar="IRI", multiple=True, help="With --endpoint: a named "
              "graph of the dataset (repeatable).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Folder of the built graph (graph.nt or graph.ttl, graph.trig, metrics.ttl).")
@click.option("--no-labels", is_flag=True, help="Do not add the zh/en label columns.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically) instead of stdout.")
def command(file, expression, fmt, store, endpoint, build_dir, no_labels, output, default_graphs, named_graphs):
    """Run a SPARQL query (FILE.rq, '-' for stdin, or -e 'SELECT …') and print the result.

    \b
    Examples:
        cppcc-kg query queries/06-firsts.rq
        cppcc-kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --store oxigraph
        cppcc-kg query queries/13-entity-with-evidence.rq --format turtle
        cppcc-kg query --endpoint http://127.0.0.1:7878/query queries/01-bodies-of-inner-mongolia-cppcc.rq
    """

    if (file is None) == (expression is None):
        raise click.UsageError("give either a query FILE or -e 'SPARQL' (exactly one).")
    if expression is not None:
        sparql = expression
    elif file == "-":
        sparql = sys.stdin.read()
    else:
        path = Path(file)
        if not path.is_file():
            raise click.UsageError(f"{file}: no such query file.")
        sparql = path
    with exit_on_error():
        engine = open_engine(store=store, endpoint=endpoint, build_dir=build_dir, default_graphs=default_graphs,
                             named_graphs=named_graphs)
        result = run(sparql, engine)
        if fmt == "turtle" and result.form not in ("CONSTRUCT", "DESCRIBE"):
            raise click.UsageError(f"--format turtle is for CONSTRUCT and DESCRIBE queries; this is a {result.form} "
                                   "query (use table, csv, tsv or json).")
        labels = None if no_labels else engine.labels(iris_of(result))
        data = render(result, fmt, labels)
    with exit_on_error(output):
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            write_atomic(output, data)
