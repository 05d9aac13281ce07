"""``cppcc-kg push URL``: load the built graph into a SPARQL server through the Graph Store Protocol.

The dataset is the one every store of cppcc-kg queries (:mod:`cppcc_kg.sparql.dataset`):
``graph.nt`` (or ``graph.ttl``) into the server's default graph, the named
graphs of ``graph.trig`` and ``metrics.ttl`` (in
``https://w3id.org/cppcc-kg/graph/metrics``) into named graphs. *URL* is the
server's Graph Store endpoint (Oxigraph: ``http://host:7878/store``, Virtuoso:
``http://host:8890/sparql-graph-crud-auth``); graphs are addressed as ``URL?default``
and ``URL?graph=IRI``.

Servers differ in two ways that the push takes as options, not as special cases:

* *default_graph* (``--default-graph IRI``): push the default graph's triples into
  the named graph *IRI* instead. For a server whose default graph is not a graph of
  its own (Virtuoso's is the union of all its graphs, system graphs included, and
  its Graph Store refuses ``?default``). Query it then with that graph as the
  dataset's default graph (``default-graph-uri``, see
  :class:`cppcc_kg.sparql.engines.EndpointEngine`).
* *user* and *password* (``--user NAME``, the password in the environment variable
  ``CPPCC_KG_PUSH_PASSWORD``): HTTP authentication, Basic or Digest as the server
  asks (Virtuoso's ``/sparql-graph-crud-auth`` asks Digest).

It sends N-Triples in batches (``--batch-size`` triples). The first batch of each
graph is a ``PUT`` (it replaces what the graph held), the others are ``POST``
(they add). Before the first batch, an empty ``POST`` (it adds nothing) meets the
server's authentication challenge or refusal while no large body is on the wire
(:func:`probe`). Triples with blank nodes all go into the first batch of their graph,
so that a batch sent twice never duplicates a blank node.

Resuming: after each batch the server acknowledged, the push records it in a
state file (default ``BUILD/push-state.json``). If the push stops (network
error, server restart, Ctrl-C), run the same command again: it skips the
acknowledged batches and goes on. The state is keyed by URL and by a
fingerprint of the batches, so a rebuilt graph starts over; ``--restart``
starts over anyway.

Checking: an acknowledged batch is not a kept one (a server that keeps its data
in memory and restarts loses it, and still answers). So before resuming and at the
end, the push asks the server's SPARQL endpoint (``--query-url``; by default *URL*
with its last segment ``store`` or ``data`` replaced by ``query``, the layouts of
Oxigraph and Fuseki) how many triples each graph it sent to holds, and raises
:class:`PushMismatch` (exit code 4) when a count differs from what was acknowledged.

>>> batches = plan_batches([(None, ['<a> <b> "1" .', '<a> <b> "2" .', '_:x <b> <a> .'])], batch_size=1)
>>> [(b.graph, b.method, len(b.lines)) for b in batches]
[(None, 'PUT', 1), (None, 'POST', 1), (None, 'POST', 1)]
>>> batches[0].lines
['_:x <b> <a> .']
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

import pyoxigraph as ox

from cppcc_kg.errors import KGError
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.sparql.dataset import built_files, read_quads
from cppcc_kg.sparql.engines import EndpointEngine, http_url_problem, shown_url
from cppcc_kg.sparql.guard import QueryError, QueryInfo

DEFAULT_BATCH_SIZE = 5000


class PushError(KGError):
    """The push cannot go on; the state file says how far it got."""

    exit_code = 1


class PushMismatch(PushError):
    """The server does not hold the triples it acknowledged (it restarted in memory, or another client wrote)."""

    exit_code = 4


@dataclass
class Batch:
    """One request: N-Triples *lines* for *graph* (None: the default graph), sent with *method*."""

    index: int
    graph: str | None
    method: str
    lines: list[str]

    @property
    def body(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


def dataset_lines(build_dir: str | Path = "build") -> list[tuple[str | None, list[str]]]:
    """``[(graph IRI or None, sorted N-Triples lines)]`` of the built dataset, default graph first.

    The files are read and written again as N-Triples by Oxigraph (a million triples in
    seconds, as bytes). Blank nodes keep the labels of the files, which the build writes
    the same every time (``_:FILE_bN``), so the same build always gives the same batches.
    """
    nt = ox.RdfFormat.N_TRIPLES
    parts: dict[str | None, list[bytes]] = {}
    for path, fmt, graph in built_files(build_dir):
        if graph == "named":
            by_graph: dict[str, list] = {}
            for q in read_quads(path, fmt):
                if not isinstance(q.graph_name, ox.DefaultGraph):
                    by_graph.setdefault(q.graph_name.value, []).append(q.triple)
            for name, triples in by_graph.items():
                parts.setdefault(name, []).append(ox.serialize(triples, format=nt))
            del by_graph
        else:
            parts.setdefault(graph, []).append(ox.serialize(read_quads(path, fmt), format=nt))
    order = sorted(parts, key=lambda g: (g is not None, g or ""))
    out = []
    for g in order:
        lines = set()
        for data in parts.pop(g):
            lines.update(data.decode("utf-8").split("\n"))
        lines.discard("")
        out.append((g, sorted(lines)))
    return out


def plan_batches(graphs, batch_size: int = DEFAULT_BATCH_SIZE) -> list[Batch]:
    """Split each graph's lines into batches: blank-node lines first (in the PUT), then the rest."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    out: list[Batch] = []
    for graph, lines in graphs:
        bnode = [line for line in lines if "_:" in line and _has_bnode(line)]
        plain = [line for line in lines if not ("_:" in line and _has_bnode(line))]
        first = bnode + plain[: max(0, batch_size - len(bnode))]
        rest = plain[len(first) - len(bnode):]
        out.append(Batch(len(out), graph, "PUT", first))
        for i in range(0, len(rest), batch_size):
            out.append(Batch(len(out), graph, "POST", rest[i:i + batch_size]))
    return out


def _has_bnode(line: str) -> bool:
    """True if an N-Triples line has a blank node as subject or object (not inside a literal)."""
    if line.startswith("_:"):
        return True
    rest = line.rsplit(" .", 1)[0]
    # the object is the last term: a blank node there starts with _:
    head = rest.split(" ", 2)
    return len(head) == 3 and head[2].startswith("_:")


def fingerprint(batches: list[Batch]) -> str:
    h = hashlib.sha256()
    for b in batches:
        h.update(f"{b.index}\t{b.graph}\t{b.method}\n".encode())
        h.update(b.body)
    return h.hexdigest()


def graph_url(url: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of *graph* (indirect identification).

    >>> graph_url("http://h:7878/store", None)
    'http://h:7878/store?default'
    >>> graph_url("http://h:7878/store", "https://w3id.org/cppcc-kg/graph/metrics")
    'http://h:7878/store?graph=https%3A%2F%2Fw3id.org%2Fcppcc-kg%2Fgraph%2Fmetrics'
    """
    sep = "&" if "?" in url else "?"
    if graph is None:
        return f"{url}{sep}default"
    return f"{url}{sep}graph={urllib.parse.quote(graph, safe='')}"


def _load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_state(path: Path, state: dict) -> None:
    write_atomic(path, json.dumps(state, indent=1, sort_keys=True) + "\n")


class _SignedDigest(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that, once challenged, signs every later request at once.

    A server that answers 401 before it reads a large body (Virtuoso) closes the
    connection while the body is still being sent: urllib's handler, which waits for
    the 401 of each request, would fail with a broken pipe.
    """

    challenge: dict | None = None

    def retry_http_digest_auth(self, req, auth):
        _, challenge = auth.split(" ", 1)
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):
        if self.challenge is not None and not req.has_header(self.auth_header):
            auth = self.get_authorization(req, self.challenge)
            if auth:
                req.add_unredirected_header(self.auth_header, f"Digest {auth}")
        return req

    https_request = http_request


class _SignedBasic(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication that, once the server asked for it, sends the credentials with every later request."""

    challenged = False

    def retry_http_basic_auth(self, host, req, realm):
        self.challenged = True
        return super().retry_http_basic_auth(host, req, realm)

    def http_request(self, req):
        if self.challenged and not req.has_header(self.auth_header):
            user, password = self.passwd.find_user_password(None, req.full_url)
            if user is not None:
                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                req.add_unredirected_header(self.auth_header, f"Basic {token}")
        return req

    https_request = http_request


def opener(url: str, user: str | None = None, password: str | None = None) -> urllib.request.OpenerDirector:
    """A URL opener that answers the server's Basic or Digest challenge with *user* and *password* (if given),
    then sends them with every request (see :func:`authenticate`)."""
    if user is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    return urllib.request.build_opener(_SignedBasic(passwords), _SignedDigest(passwords))


def probe(url: str, graph: str | None, timeout: float, http: urllib.request.OpenerDirector) -> None:
    """Send an empty ``POST`` to *graph* (it adds nothing) before the first batch.

    It meets the server's authentication challenge, and a refusal (a wrong URL, no
    default graph), before a large body is on the wire: a server that answers before
    it has read the body (Virtuoso) closes the connection while the body is being
    sent, and the client sees a broken pipe instead of the answer.
    """
    _send(Batch(-1, graph, "POST", []), url, timeout, http, what="the first request (empty)")


def _send(batch: Batch, url: str, timeout: float, http: urllib.request.OpenerDirector, what: str = "") -> None:
    what = what or f"batch {batch.index + 1} ({batch.method})"
    body = batch.body if batch.lines else b""
    req = urllib.request.Request(graph_url(url, batch.graph), data=body, method=batch.method,
                                 headers={"Content-Type": "application/n-triples"})
    try:
        with http.open(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        text = " ".join(re.sub(r"<[^>]*>", " ", exc.read().decode("utf-8", "replace")).split())  # HTML pages too
        raise PushError(f"{graph_url(url, batch.graph)}: the server answered {exc.code} {exc.reason} to {what}: "
                        f"{text[:300]}", _refusal_hint(exc.code, text)) from None
    except ValueError as exc:  # urllib: a challenge of a scheme it does not know, or wrong credentials for Digest
        raise PushError(f"{url}: cannot authenticate at {what} ({exc})", _refusal_hint(401, "")) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise PushError(f"{url}: no answer within {timeout:g} s at {what}",
                            "give the server more time (--timeout SECONDS) or smaller batches (--batch-size), then "
                            "run the same command again to resume where it stopped.") from None
        raise PushError(f"{url}: cannot reach the server ({reason}) at {what}",
                        "run the same command again to resume where it stopped.") from None
    except HTTPException as exc:  # not an HTTP server, or an answer Python cannot read
        raise PushError(f"{url}: its answer cannot be read at {what} ({type(exc).__name__}: {str(exc)[:200]})",
                        "check that the URL is the server's Graph Store endpoint (an HTTP server).") from None


def _refusal_hint(code: int, body: str) -> str:
    """What to do when the server refused a batch.

    >>> _refusal_hint(500, 'contains "default" param but the endpoint is not configured to have default graph')[:22]
    'the server has no defa'
    """
    if "default" in body and "default graph" in body:
        return ("the server has no default graph of its own (Virtuoso): push it into a named graph with "
                "--default-graph IRI, then query with that graph as default-graph-uri.")
    if code in (401, 403):
        return ("the server wants a user allowed to write: give --user NAME and the password in "
                "CPPCC_KG_PUSH_PASSWORD (Virtuoso: the URL /sparql-graph-crud-auth), then run the same command again.")
    return ("check the URL (the Graph Store endpoint, e.g. http://host:7878/store), then run the same "
            "command again to resume.")


#: last segment of a Graph Store endpoint -> that of the query endpoint beside it (Oxigraph, Fuseki, Virtuoso)
QUERY_SEGMENTS = {"store": "query", "data": "query", "sparql-graph-crud": "sparql", "sparql-graph-crud-auth": "sparql"}


def query_url_of(url: str) -> str | None:
    """The SPARQL query endpoint beside the Graph Store endpoint *url* (Oxigraph, Fuseki, Virtuoso), or None.

    >>> query_url_of("http://h:7878/store?x=1")
    'http://h:7878/query?x=1'
    >>> query_url_of("http://h:8890/sparql-graph-crud-auth")
    'http://h:8890/sparql'
    """
    parts = urllib.parse.urlsplit(url)
    head, _, last = parts.path.rpartition("/")
    if last not in QUERY_SEGMENTS:
        return None
    return urllib.parse.urlunsplit(parts._replace(path=f"{head}/{QUERY_SEGMENTS[last]}"))


def expected_counts(batches: list[Batch]) -> dict[str | None, int]:
    """Triples per graph (None: the default graph) that *batches* put on the server."""
    out: dict[str | None, int] = {}
    for b in batches:
        out[b.graph] = out.get(b.graph, 0) + len(b.lines)
    return out


#: up to this many named graphs are counted by name (one query); more, by one query over every graph
COUNT_BY_NAME = 100


def server_counts(query_url: str, graphs, timeout: float = 120.0) -> dict[str | None, int]:
    """Triples per graph that the server at the SPARQL endpoint *query_url* holds (None: its default graph).

    Up to :data:`COUNT_BY_NAME` named graphs are counted in one query that names them
    (``VALUES ?g``: the server reads only them); more are counted in one query over every
    graph of the server (``GRAPH ?g … GROUP BY ?g``), whose cost is one pass over the
    server's data: Virtuoso reads its whole store for each ``VALUES`` query, so counting the
    4 004 graphs of scale 1000 by 100 took 41 passes (122 s), where one pass takes seconds.
    """
    engine = EndpointEngine(query_url, timeout=timeout)
    out: dict[str | None, int] = {}
    select = QueryInfo("SELECT")
    try:
        if None in graphs:
            rows = engine.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", select).rows
            out[None] = int(str(rows[0][0]))
        named = sorted(g for g in graphs if g is not None)
        if named:
            values = ("" if len(named) > COUNT_BY_NAME else
                      f"VALUES ?g {{ {' '.join(f'<{g}>' for g in named)} }} ")
            q = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {values}GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            out.update({str(g): int(str(n)) for g, n in engine.execute(q, select).rows})
    except (QueryError, ValueError, IndexError) as exc:
        raise PushError(f"{query_url}: cannot count the triples the server holds ({exc})",
                        "check --query-url (the server's SPARQL query endpoint, e.g. http://host:7878/query) "
                        "and give a slow server more time (--timeout SECONDS), then run the same command "
                        "again.") from None
    return {g: out.get(g, 0) for g in graphs}


def _mismatch_hint(wrong: list, held: dict, expected: dict) -> str:
    """What a difference of counts most likely means, and what to do.

    >>> _mismatch_hint([None], {None: 30}, {None: 10}).split(":")[0]
    'the default graph holds more than was pushed into it'
    """
    if wrong == [None] and held[None] > expected[None] and all(held[g] == expected[g] for g in expected if g):
        return ("the default graph holds more than was pushed into it: the server's default graph is probably "
                "the union of its graphs (oxigraph serve --union-default-graph, Fuseki's unionDefaultGraph), or "
                "it held data before; push to a server whose default graph is a graph of its own, or push the default "
                "graph into a named graph with --default-graph IRI (pushing again as before would not change this).")
    return ("it lost data (a server that keeps its data in memory and restarted) or another client changed it: "
            "push everything again with --restart (and give the server a persistent store, e.g. "
            "oxigraph serve --location DIR).")


def check_counts(query_url: str, batches: list[Batch], when: str, timeout: float = 120.0) -> dict[str | None, int]:
    """Raise :class:`PushMismatch` unless the server holds, per graph, the triples of the acknowledged *batches*."""
    expected = expected_counts(batches)
    held = server_counts(query_url, list(expected), timeout)
    wrong = [g for g in expected if held[g] != expected[g]]
    if wrong:
        lines = [f"{'the default graph' if g is None else f'<{g}>'} holds {held[g]} triples, {expected[g]} were pushed"
                 for g in wrong[:10]] + ([f"… and {len(wrong) - 10} more graphs"] if len(wrong) > 10 else [])
        raise PushMismatch(
            f"{when}, the server does not hold what it acknowledged ({len(wrong)} of {len(expected)} graphs differ; "
            f"counted at {query_url}):\n  " + "\n  ".join(lines), _mismatch_hint(wrong, held, expected))
    return held


def dataset_to_push(build_dir: str | Path, default_graph: str | None = None) -> list[tuple[str | None, list[str]]]:
    """:func:`dataset_lines`, the default graph's lines moved into the named graph *default_graph* if given.

    >>> try:
    ...     dataset_to_push("build", "default")
    ... except PushError as exc:
    ...     print(str(exc).splitlines()[0])
    --default-graph default: not an absolute IRI
    """
    if default_graph is not None and (not default_graph.startswith(("http://", "https://", "urn:"))
                                      or any(c in default_graph for c in '<> "{}|\\^`')):
        raise PushError(f"--default-graph {default_graph}: not an absolute IRI",
                        "give an IRI such as https://w3id.org/cppcc-kg/graph/default.")
    graphs = dataset_lines(build_dir)
    if default_graph is None:
        return graphs
    if any(g == default_graph for g, _ in graphs):
        raise PushError(f"--default-graph {default_graph}: the build already has a named graph of that name",
                        "choose another IRI.")
    return [(default_graph if g is None else g, lines) for g, lines in graphs]


def push(build_dir: str | Path, url: str, *, batch_size: int = DEFAULT_BATCH_SIZE, state_file: str | Path | None = None,
         restart: bool = False, timeout: float = 120.0, stop_after: int | None = None, progress=None,
         query_url: str | None = None, default_graph: str | None = None, user: str | None = None,
         password: str | None = None) -> dict:
    """Push the built dataset to the Graph Store at *url*; return ``{"batches", "sent", "skipped", "triples",
    "done", "held"}`` (*held*: the triples per graph the server holds, checked at *query_url*).

    *stop_after* stops after that many batches were sent in this call (to test
    resuming); *progress* is called as ``progress(batch, total)`` before each request.
    *default_graph*: the named graph to push the default graph into (a server without
    a default graph of its own); *user*, *password*: HTTP Basic or Digest authentication.
    Raises :class:`PushMismatch` if the server does not hold what it acknowledged,
    before resuming or at the end.
    """
    if (problem := http_url_problem(url)) is not None:
        raise PushError(f"{shown_url(url)}: {problem}", "give the Graph Store endpoint, e.g. http://127.0.0.1:7878/store")
    if query_url and (problem := http_url_problem(query_url)) is not None:
        raise PushError(f"--query-url {shown_url(query_url)}: {problem}",
                        "give the server's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query")
    query_url = query_url or query_url_of(url)
    if query_url is None:
        raise PushError(f"{url}: cannot tell the server's SPARQL query endpoint, which the push needs to check that "
                        "the server holds what it acknowledged", "give it with --query-url URL.")
    build_dir = Path(build_dir)
    batches = plan_batches(dataset_to_push(build_dir, default_graph), batch_size)
    fp = fingerprint(batches)
    state_path = Path(state_file) if state_file else build_dir / "push-state.json"
    states = {} if restart else _load_state(state_path)
    entry = states.get(url, {})
    if entry.get("fingerprint") != fp or entry.get("batch_size") != batch_size:
        entry = {"fingerprint": fp, "batch_size": batch_size, "done": 0, "total": len(batches)}
    skipped = entry["done"]
    if 0 < skipped < len(batches):
        check_counts(query_url, batches[:skipped], "before resuming", timeout)
    http = opener(url, user, password)
    if entry["done"] < len(batches) and (stop_after is None or stop_after > 0):
        probe(url, batches[entry["done"]].graph, timeout, http)
    sent = 0
    for batch in batches[entry["done"]:]:
        if stop_after is not None and sent >= stop_after:
            break
        if progress:
            progress(batch, len(batches))
        _send(batch, url, timeout, http)
        sent += 1
        entry["done"] = batch.index + 1
        states[url] = entry
        _save_state(state_path, states)
    states[url] = entry
    _save_state(state_path, states)
    held = check_counts(query_url, batches[:entry["done"]], "after the push", timeout)
    return {"batches": len(batches), "sent": sent, "skipped": skipped, "held": held,
            "triples": sum(len(b.lines) for b in batches), "done": entry["done"] == len(batches)}
