"""The ``cppcc-kg serve`` command."""
from __future__ import annotations

from pathlib import Path

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.sparql.guard import DEFAULT_MAX_QUERY_CHARS
from cppcc_kg.sparql.server import make_server
from cppcc_kg.sparql.service import (
    DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_READ_TIMEOUT,
)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, None),
              help="Time limit of a query in seconds; the query is stopped and the answer is 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1, None),
              help="Largest number of result rows (or triples) returned; larger results are refused.")
@click.option("--max-query-chars", default=DEFAULT_MAX_QUERY_CHARS, show_default=True, type=click.IntRange(1, None),
              help="Longest query accepted, in characters.")
@click.option("--store", type=click.Choice(["memory", "oxigraph"]), default="memory", show_default=True,
              help="Query engine of the workers: rdflib in memory, or the Oxigraph store (faster).")
@click.option("--workers", default=3, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each holds a copy of the graph; one slow query holds one).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="The build to serve (made by 'cppcc-kg build'): its graph.trig and metrics.ttl.")
@click.option("--queries", "queries_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("queries"),
              show_default=True, help="Folder of .rq files shown as examples on the query page.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Send CORS headers to this origin (repeatable; '*' for any). None by default.")
@click.option("--read-timeout", default=DEFAULT_READ_TIMEOUT, show_default=True, type=click.FloatRange(0.1, None),
              help="Seconds a client has to send a whole request (headers and body); a slower one is disconnected.")
@click.option("--max-connections", default=DEFAULT_MAX_CONNECTIONS, show_default=True, type=click.IntRange(1, None),
              help="Connections open at once; one more gets 503 at once.")
@click.option("--max-body-bytes", default=DEFAULT_MAX_BODY_BYTES, show_default=True, type=click.IntRange(1024, None),
              help="Largest request body (413 above), and largest request line and headers (400 above).")
@click.option("--keep-alive", default=DEFAULT_KEEP_ALIVE, show_default=True, type=click.IntRange(1, None),
              help="Seconds an idle connection is kept open for another request.")
@click.option("--max-reply-mb", default=64, show_default=True, type=click.IntRange(0, None),
              help="Largest answer in MiB, once serialized; a larger one is refused with 403 (0: no limit).")
@click.option("--worker-memory-mb", default=1024, show_default=True, type=click.IntRange(0, None),
              help="How many MiB a worker may grow past its loaded size; a query that needs more is stopped "
                   "with 503 (0: no limit).")
@click.option("--max-queue", default=128, show_default=True, type=click.IntRange(1, None),
              help="Queries waiting for a free worker; one more is answered 503 at once (Retry-After).")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def command(host, port, timeout, max_rows, max_query_chars, store, workers, build_dir, queries_dir, cors_origins,
            read_timeout, max_connections, max_body_bytes, keep_alive, max_reply_mb, worker_memory_mb, max_queue,
            quiet):
    """Serve the built graph: SPARQL 1.1 endpoint at /sparql, query page at /.

    \b
    Example:
        cppcc-kg serve --port 8000 --store oxigraph
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
             http://127.0.0.1:8000/sparql
    """
    with exit_on_error():
        server = make_server(build_dir, host=host, port=port, store=store, workers=workers, timeout=timeout,
                             max_rows=max_rows, max_query_chars=max_query_chars, cors_origins=cors_origins,
                             queries_dir=queries_dir, quiet=quiet, read_timeout=read_timeout,
                             max_connections=max_connections, max_body_bytes=max_body_bytes, keep_alive=keep_alive,
                             max_reply_bytes=max_reply_mb * 2**20, worker_memory_mb=worker_memory_mb,
                             max_queue=max_queue)
    h, p = server.server_address[:2]
    info = server.service.pool.info
    click.echo(f"Serving {info.get('triples', '?')} triples ({store} store, {workers} workers) at "
               f"http://{h}:{p}/  — SPARQL endpoint http://{h}:{p}/sparql — Ctrl-C to stop", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        server.server_close()
        server.service.pool.close()
