"""``cppcc-kg query``: run a SPARQL query on the built graph (or a remote endpoint) and print the result.

In the terminal the result is a table, IRIs shortened with our prefixes and
each IRI column followed by its Chinese and English labels. ``--format`` gives
CSV or TSV (the same table, full IRIs), SPARQL 1.1 Query Results JSON, or
Turtle for ``CONSTRUCT`` and ``DESCRIBE``. A query with a syntax error is
shown with the line and column of the error and the text around it (exit
code 2); a refused query (update, SERVICE, foreign FROM) exits with 2 too.

>>> print(format_table(__import__("pandas").DataFrame({"名称": ["赤峰市", None], "n": [1, 22]})))
名称    n
------  --
赤峰市  1
        22
"""
from __future__ import annotations

import os
import sys
import tempfile
import unicodedata
from pathlib import Path

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.sparql.query import iris_of, open_engine, prefixed, run, to_frame
from cppcc_kg.sparql.results import serialize


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""

    text = str(value)
    if text.startswith(("http://", "https://")):
        text = prefixed(text)
    return " ".join(text.split())


def format_table(df, max_width: int = 48) -> str:
    """A plain-text table of a data frame, aligned for wide (CJK) characters."""
    columns = [str(c) for c in df.columns]
    rows = [[_clip(_cell(v), max_width) for v in row] for row in df.itertuples(index=False, name=None)]
    widths = [max([_width(c)] + [_width(r[i]) for r in rows]) for i, c in enumerate(columns)]

    def line(cells):
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths).rstrip()]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _write(text: str | bytes, output: str | None) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output)
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def render(result, fmt: str, labels: dict | None) -> bytes:
    """The bytes to print for a :class:`~cppcc_kg.sparql.results.QueryResult` in format *fmt*."""

    graph_form = result.form in ("CONSTRUCT", "DESCRIBE")
    if fmt == "turtle":
        if not graph_form:
            raise click.UsageError(f"--format turtle is for CONSTRUCT and DESCRIBE queries; this is a {result.form} query "
                                   "(use table, csv, tsv or json).")
        return serialize(result, "turtle")
    if fmt == "json":
        return serialize(result, "jsonld" if graph_form else "json")
    df = to_frame(result, labels)
    if fmt in ("csv", "tsv"):
        return df.to_csv(index=False, sep="," if fmt == "csv" else "\t", lineterminator="\n").encode("utf-8")
    text = format_table(df)
    footer = f"\n({len(df)} row{'s' if len(df) != 1 else ''})\n" if not result.form == "ASK" else "\n"
    return (text + footer).encode("utf-8")


@click.command("query")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-e", "--expression", "expression", metavar="SPARQL", help="The query text (instead of FILE).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle"]), default="table",
              show_default=True, help="table, csv and tsv add zh/en labels; json is SPARQL results JSON "
              "(JSON-LD for CONSTRUCT); turtle is for CONSTRUCT/DESCRIBE.")
@click.option("--store", type=click.Choice(["memory", "oxigraph"]), default="memory", show_default=True,
              help="Engine that runs the query on the built graph.")
@click.option("--endpoint", metavar="URL", help="Send the query to this SPARQL endpoint instead.")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Folder of the built graph (graph.nt or graph.ttl, graph.trig, metrics.ttl).")
@click.option("--no-labels", is_flag=True, help="Do not add the zh/en label columns.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically) instead of stdout.")
def command(file, expression, fmt, store, endpoint, build_dir, no_labels, output):
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
        engine = open_engine(store=store, endpoint=endpoint, build_dir=build_dir)
        result = run(sparql, engine)
        labels = None if no_labels else engine.labels(iris_of(result))
        data = render(result, fmt, labels)
    _write(data, output)
