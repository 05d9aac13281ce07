"""The ``cppcc-kg review`` command."""
from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.review.proposals import resolve_source_id
from cppcc_kg.review.server import make_review_server


@click.command("review")
@click.argument("source")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The project root (with ontology.ttl, graph/ and sources/).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--browser/--no-browser", default=False, show_default=True,
              help="Open the page in the default browser.")
def command(source, root, host, port, browser):
    """Review the proposals of ingest in a local page; accepted ones are written as curated Turtle.

    SOURCE is a source id with proposals in graph/proposed/SOURCE.ttl, or the path of the text that was
    ingested. Every decision is kept in review/SOURCE.decisions.json and writes graph/SOURCE/*.ttl and
    sources/SOURCE.ttl again; then run 'cppcc-kg build'.

    \b
    Example:
        cppcc-kg ingest sources/beiling-report.txt
        cppcc-kg review beiling-report --port 8765
        cppcc-kg build
    """
    with exit_on_error():
        sid = resolve_source_id(root, source)
        review = make_review_server(root, sid, host=host, port=port)
    props = review.session.props
    click.echo(f"Reviewing {len(props.mentions)} mentions, {len(props.relations)} relations and "
               f"{len(props.figures)} figures of {sid}; decisions in {review.session.state()['decisions_file']}",
               err=True)
    for notice in review.session.decisions.notices:
        click.echo(f"note: {notice}", err=True)
    click.echo(f"Open {review.url}  — Ctrl-C to stop", err=True)
    click.echo(review.url)
    if browser:
        webbrowser.open(review.url)
    try:
        review.server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        review.server.server_close()
        review.release()
