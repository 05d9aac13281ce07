"""The ``cppcc-kg push`` command."""
from __future__ import annotations

import os
import time
from pathlib import Path

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.sparql.push import DEFAULT_BATCH_SIZE, PushError, push

#: the environment variable that holds the password of ``--user`` (never on the command line, where ps shows it)
PASSWORD_VARIABLE = "CPPCC_KG_PUSH_PASSWORD"


@click.command("push")
@click.argument("url")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Folder of the built graph to push (graph.nt or graph.ttl, graph.trig, metrics.ttl).")
@click.option("--query-url", metavar="URL", help="The server's SPARQL query endpoint, where the push counts the "
              "triples the server holds [default: URL with its last segment store or data replaced by query, "
              "sparql-graph-crud(-auth) by sparql].")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, None),
              help="Triples per request.")
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to record the acknowledged batches (default: BUILD/push-state.json).")
@click.option("--restart", is_flag=True, help="Ignore the recorded progress and push everything again.")
@click.option("--default-graph", metavar="IRI", help="Push the default graph into this named graph instead, for a "
              "server without a default graph of its own (Virtuoso); query it then with it as default-graph-uri.")
@click.option("--user", metavar="NAME", help="Authenticate as NAME (HTTP Basic or Digest, as the server asks); the "
              f"password is read from the environment variable {PASSWORD_VARIABLE}.")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(1, None), help="Seconds per request.")
def command(url, build_dir, batch_size, state_file, restart, timeout, query_url, default_graph, user):
    """Load the built graph into the SPARQL server whose Graph Store endpoint is URL, in batches.

    Interrupted? Run the same command again: it resumes after the last batch the
    server acknowledged. Before resuming and at the end, it counts the triples of
    each graph on the server (SPARQL, --query-url) and fails if the server does not
    hold what it acknowledged (a server that restarted with its data in memory).

    Exit codes: 0 pushed, and the server holds every triple; 1 the push stopped (the
    server cannot be reached or refused a batch: run the same command again to
    resume); 2 no build; 4 the server does not hold what it acknowledged (push
    again with --restart).

    \b
    Example (Oxigraph):
        oxigraph serve --location /tmp/kg --bind 127.0.0.1:7878 &
        cppcc-kg push http://127.0.0.1:7878/store
        cppcc-kg query --endpoint http://127.0.0.1:7878/query queries/06-firsts.rq

    \b
    Example (Virtuoso, whose default graph is the union of its graphs):
        CPPCC_KG_PUSH_PASSWORD=dba cppcc-kg push http://127.0.0.1:8890/sparql-graph-crud-auth \\
            --user dba --default-graph https://w3id.org/cppcc-kg/graph/default
        cppcc-kg query --endpoint http://127.0.0.1:8890/sparql \\
            --default-graph-uri https://w3id.org/cppcc-kg/graph/default queries/06-firsts.rq
    """
    started = time.perf_counter()

    def progress(batch, total):
        target = f"<{batch.graph}>" if batch.graph else "default graph"
        click.echo(f"batch {batch.index + 1}/{total}: {batch.method} {len(batch.lines)} triples to {target}", err=True)

    with exit_on_error():
        password = os.environ.get(PASSWORD_VARIABLE) if user else None
        if user and password is None:
            raise PushError(f"--user {user}: the password is not in the environment variable {PASSWORD_VARIABLE}",
                            f"set it first, e.g. read -s {PASSWORD_VARIABLE}; export {PASSWORD_VARIABLE}")
        out = push(build_dir, url, batch_size=batch_size, state_file=state_file, restart=restart, timeout=timeout,
                   progress=progress, query_url=query_url, default_graph=default_graph, user=user, password=password)
    if out["skipped"]:
        click.echo(f"resumed: {out['skipped']} batches had been acknowledged before", err=True)
    click.echo(f"pushed {out['triples']} triples in {out['batches']} batches ({out['sent']} sent now) "
               f"to {url} in {time.perf_counter() - started:.1f} s", err=True)
    held = out["held"]
    click.echo(f"checked: the server holds the {sum(held.values())} triples of the {len(held)} graphs pushed", err=True)
