"""``cppcc-kg review``'s server: the review application on the project's web server (:mod:`cppcc_kg.web`).

Only one review writes a project at a time (:mod:`cppcc_kg.review.lock`). It binds 127.0.0.1 by default (``port=0``: a free port), makes a new secret token for the run, and
gives the URL of the page with the token in it. The limits of the connections are those of the
SPARQL endpoint (:mod:`cppcc_kg.web.transport`); a request body is at most 64 KiB.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from cppcc_kg.review.app import build_app
from cppcc_kg.review.decisions import DecisionError
from cppcc_kg.review.lock import acquire_lock, release_lock
from cppcc_kg.review.proposals import ReviewInputError
from cppcc_kg.review.session import ReviewSession, open_review
from cppcc_kg.web.server import WebServer, bind

__all__ = ["ReviewServer", "make_review_server"]

#: the limits of the review server's connections and requests
READ_TIMEOUT, MAX_CONNECTIONS, MAX_BODY_BYTES, KEEP_ALIVE = 10.0, 64, 64 * 1024, 5
#: addresses that mean "every address of the machine": refused (the page's Host check names one address)
WILDCARDS = ("0.0.0.0", "::", "")


@dataclass
class ReviewServer:
    server: WebServer
    session: ReviewSession
    token: str
    lock: Path | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/?token={self.token}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.release()

    def release(self) -> None:
        """Give the project's review lock back."""
        if self.lock is not None:
            release_lock(self.lock)
            self.lock = None


def make_review_server(root: Path, sid: str, *, host: str = "127.0.0.1", port: int = 0,
                       session: ReviewSession | None = None) -> ReviewServer:
    """The review server of the proposals of *sid* in the project *root*, bound and ready for ``serve_forever()``."""
    if host.strip("[]") in WILDCARDS:
        raise ReviewInputError(f"--host {host}: the review listens on one address, not on all of them",
                               "give the address the browser will use (127.0.0.1, the default).")
    session = session if session is not None else open_review(Path(root), sid)
    lock = acquire_lock(Path(root), sid)
    try:
        if session.decisions.items:  # the files match the decisions kept, even after an interruption
            session.write_all()
        sock = bind((host, port))
    except DecisionError as exc:
        release_lock(lock)
        raise ReviewInputError(f"the decisions of {sid} cannot be written: {exc.message}",
                               "fix what the message names, then run cppcc-kg review again.") from None
    except OSError as exc:
        release_lock(lock)
        raise ReviewInputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                               "choose another --port (0 picks a free one).") from None
    token = secrets.token_urlsafe(24)
    bound_host, bound_port = sock.getsockname()[:2]
    app = build_app(session, token, bound_port, bound_host, max_body_bytes=MAX_BODY_BYTES)
    server = WebServer(app, sock, read_timeout=READ_TIMEOUT, max_connections=MAX_CONNECTIONS,
                       max_body_bytes=MAX_BODY_BYTES, keep_alive=KEEP_ALIVE, connections_option="")
    return ReviewServer(server, session, token, lock)
