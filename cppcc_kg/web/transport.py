"""The connections of the project's local servers (the SPARQL endpoint, the review page): uvicorn's
HTTP/1.1 protocol (h11) with the limits it lacks.

* A read time limit: a client has ``read_timeout`` seconds to send a whole request (its
  headers and its body), counted from the moment it connects or the previous answer ends.
  A client that sends nothing, or its headers or body too slowly, gets 408 and is
  disconnected, so slow sockets cannot hold the server's connections.
* A write time limit: a client that stops reading its answer (the send buffer stays full and
  does not shrink for ``read_timeout`` seconds) is disconnected, and the buffered answer freed,
  so clients that never read cannot make the server hold their replies.
* A cap on open connections: a connection beyond ``max_connections`` gets a 503 at once
  (with ``Retry-After``) and is closed; it never waits in a queue. A connection counts
  until it closes, so once slow clients go, the next client is served at once.

uvicorn itself answers the requests that are not HTTP (400 with a text message); the
time limit of a query, once received, is the worker pool's.
"""
from __future__ import annotations

from uvicorn.protocols.http.h11_impl import H11Protocol

from cppcc_kg.web.http import error_body


def canned(status: int, message: str) -> bytes:
    """A whole HTTP/1.1 answer that closes the connection (written without parsing the request).

    >>> canned(408, "too slow").split(b"\\r\\n")[0]
    b'HTTP/1.1 408 Request Timeout'
    """
    body = error_body(status, message)
    phrase = body.split(b"\n", 1)[0].split(b" ", 1)[1]
    head = (f"HTTP/1.1 {status} ".encode() + phrase + b"\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\nRetry-After: 1\r\n"
            b"X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n")
    return head + body


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a read time limit per request and a cap on open connections.

    Parameters
    ----------
    read_timeout : float
        Seconds to receive a whole request.
    max_connections : int
        Connections open at once (this one included) beyond which a new one is refused.
    """

    def __init__(self, *args, read_timeout: float, max_connections: int, connections_option: str = "--max-connections",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.read_timeout, self.max_connections = read_timeout, max_connections
        self.connections_option = connections_option
        self.refused = False
        self.partial = False  # bytes of a request arrived since the time limit started
        self.read_timer = None
        self.cycle_when_armed = None
        self.write_timer = None
        self.buffered = 0  # bytes waiting in the send buffer at the last check

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self.refused = True
            transport.write(canned(503, f"the server has {self.max_connections} connections open, its limit"
                                        + (f" ({self.connections_option})" if self.connections_option else "")
                                        + ": try again in a moment"))
            transport.write_eof()  # the client reads the answer, then closes; until then its data is discarded
            self.arm()
            return
        self.arm()

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        self.partial = True
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not self.cycle_when_armed and not cycle.more_body:
            self.disarm()  # the whole request has arrived: the query's own time limit applies now

    def on_response_complete(self) -> None:
        self.arm()  # before the next request (pipelined ones are handled by the call below)
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        self.disarm()
        self.stop_write_timer()
        super().connection_lost(exc)

    def pause_writing(self) -> None:  # the send buffer is full: the client reads slower than we write
        super().pause_writing()
        if self.write_timer is None:
            self.buffered = self.transport.get_write_buffer_size()
            self.write_timer = self.loop.call_later(self.read_timeout, self.check_reader)

    def resume_writing(self) -> None:
        self.stop_write_timer()
        super().resume_writing()

    def stop_write_timer(self) -> None:
        if self.write_timer is not None:
            self.write_timer.cancel()
            self.write_timer = None

    def check_reader(self) -> None:
        """Disconnect a client that read nothing of its answer for ``read_timeout`` seconds (it frees the buffer)."""
        self.write_timer = None  # (a closing transport still waits for its buffer to drain: checked too)
        now = self.transport.get_write_buffer_size()
        if now >= self.buffered:  # no progress: the client stopped reading
            self.transport.abort()
            return
        self.buffered = now
        self.write_timer = self.loop.call_later(self.read_timeout, self.check_reader)

    def arm(self) -> None:
        """Start the read time limit for the next request."""
        self.disarm()
        self.cycle_when_armed, self.partial = self.cycle, False
        self.read_timer = self.loop.call_later(self.read_timeout, self.too_slow)

    def disarm(self) -> None:
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None

    def too_slow(self) -> None:
        """The client did not send its request in time: say so if it had begun one, and disconnect."""
        self.read_timer = None
        if self.transport.is_closing():
            return
        waiting = self.cycle is self.cycle_when_armed or not self.cycle.response_started
        if self.partial and not self.refused and waiting:
            self.transport.write(canned(408, f"the request was not received within {self.read_timeout:g} s "
                                             "(--read-timeout)"))
        self.transport.close()
