"""Binding a socket and running a Starlette application on uvicorn, with the transport limits.

:class:`WebServer` binds at once (so ``port=0`` reports its port and a busy port is a clean
error) and runs uvicorn in ``serve_forever()``, like the standard library's servers; its
connections are :class:`~cppcc_kg.web.transport.LimitedH11Protocol` (read time limit, cap on
connections). ``cppcc-kg serve`` and ``cppcc-kg review`` both run on it.
"""
from __future__ import annotations

import functools
import socket
import threading

import uvicorn

from cppcc_kg.web.transport import LimitedH11Protocol

__all__ = ["GRACEFUL_SECONDS", "WebServer", "bind", "serve_in_thread"]

#: seconds the server waits for the requests in progress when it stops
GRACEFUL_SECONDS = 3


def bind(address: tuple) -> socket.socket:
    """A listening TCP socket on *address* ``(host, port)``; raise :class:`OSError` if it cannot listen."""
    host, port = address[:2]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(sockaddr)
        sock.listen(2048)
        sock.set_inheritable(False)
    except OSError:
        sock.close()
        raise
    return sock


class WebServer:
    """The ASGI application *app* served on *sock* (a socket from :func:`bind`).

    ``server_address`` is the bound ``(host, port)``; ``serve_forever()`` serves until
    ``shutdown()`` (from another thread) or Ctrl-C (in the main thread: ``KeyboardInterrupt``
    is raised once the requests in progress are answered); ``server_close()`` closes the socket.
    The limits: *read_timeout* (seconds to send a whole request), *max_connections*,
    *max_body_bytes* (also the largest request line and headers), *keep_alive* (seconds).
    """

    def __init__(self, app, sock: socket.socket, *, read_timeout: float, max_connections: int,
                 max_body_bytes: int, keep_alive: int, connections_option: str = "--max-connections"):
        self.socket = sock
        self.server_address = self.socket.getsockname()[:2]
        protocol = functools.partial(LimitedH11Protocol, read_timeout=read_timeout, max_connections=max_connections,
                                     connections_option=connections_option)
        config = uvicorn.Config(app, http=protocol, ws="none", lifespan="off", loop="asyncio",
                                log_config=None, access_log=False, server_header=False, proxy_headers=False,
                                headers=[("Server", "cppcc-kg")], timeout_keep_alive=keep_alive,
                                timeout_graceful_shutdown=GRACEFUL_SECONDS,
                                h11_max_incomplete_event_size=max_body_bytes)
        self.uvicorn = uvicorn.Server(config)
        self.started = threading.Event()
        self.stopped = threading.Event()

    def serve_forever(self) -> None:
        self.started.set()
        try:
            self.uvicorn.run(sockets=[self.socket])
        finally:
            self.stopped.set()

    def shutdown(self) -> None:
        """Stop serving (the requests in progress get a few seconds) and wait until it has stopped."""
        self.uvicorn.should_exit = True
        if self.started.is_set():
            self.stopped.wait()

    def server_close(self) -> None:
        self.socket.close()


def serve_in_thread(server: WebServer, name: str = "cppcc-kg-server") -> threading.Thread:
    """Run ``server.serve_forever()`` in a daemon thread (for tests and notebooks)."""
    t = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    t.start()
    return t
