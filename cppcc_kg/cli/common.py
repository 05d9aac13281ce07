"""What every command shares: errors become a message on stderr and an exit code; Ctrl-C becomes
``interrupted`` and exit code 130 (:class:`Interruptible`).

>>> from click.testing import CliRunner
>>> @click.command()
... def fail():
...     with exit_on_error():
...         raise KGError("graph/a.ttl: no such file", "run from the project root.")
>>> r = CliRunner().invoke(fail)
>>> r.exit_code, r.output.splitlines()[0]
(2, 'error: graph/a.ttl: no such file')
"""
from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading

import click

from cppcc_kg.errors import EXIT_INPUT, EXIT_INTERRUPTED, KGError

__all__ = ["INTERRUPTED", "Interruptible", "InterruptibleCommand", "end_at_once", "exit_on_error", "fail"]

#: the line printed on stderr when Ctrl-C stops a command
INTERRUPTED = "interrupted (Ctrl-C); every output is written whole or not at all"


def fail(message: str, exit_code: int = EXIT_INPUT):
    """Print ``error: MESSAGE`` on stderr and exit with *exit_code* (never returns)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(exit_code)


@contextlib.contextmanager
def exit_on_error(path: str | None = None):
    """Turn a :class:`~cppcc_kg.errors.KGError` into its message and exit code, and an ``OSError``
    into ``error: FILE: reason`` and exit code 2 (*path* names the file when the error does not).
    Never a traceback for bad input."""
    try:
        yield
    except KGError as exc:
        fail(str(exc), exc.exit_code)
    except OSError as exc:
        fail(f"{exc.filename or path or ''}: {exc.strerror or exc}", EXIT_INPUT)


#: True once a command asked the process to end at once after it (:func:`end_at_once`)
_AT_ONCE: list[bool] = []
#: True while a command runs as the process's entry (:meth:`Interruptible.main` without *args*, main thread)
_ENTRY: list[bool] = []


def end_at_once() -> bool:
    """Ask that the process end at once when the command has returned, without tearing down its objects; whether
    it will (the command runs as the process's entry): then the command may leave what the process's end stops
    and frees (``cppcc-kg build``: ``build(..., process_ends=True)``).

    Only when the command is the process's entry (:class:`Interruptible`, ``main()`` without *args*; never
    under ``CliRunner`` or a caller of the library): then, once the command exited (``sys.exit``, any code),
    the process does what the interpreter does before it tears down its objects (:func:`_end_process`) and
    ends with that code. A build's objects (1.5 GB at a million triples: the project, its graphs, millions of
    strings) took ~1 s of wall to free one by one, for nothing: the process ends anyway. Its outputs are
    written whole and renamed in place before the command returns (files closed: :mod:`cppcc_kg.rdf.files`),
    and its worker processes stopped (``Project.close``)."""
    if not _AT_ONCE:
        _AT_ONCE.append(True)
    return bool(_ENTRY)


def _end_process(code: int):
    """End the process with *code* as the interpreter would (Python's ``Py_FinalizeEx``), without freeing
    its objects: wait for the threads that are not daemons (and run what ``concurrent.futures`` registered
    for that: ``threading._shutdown``), run the :mod:`atexit` functions (``multiprocessing``'s, which stops
    the pools' processes, the finalizers of ``weakref.finalize``, logging's), flush ``sys.stdout`` and
    ``sys.stderr``, then ``os._exit(code)``. When the standard streams cannot be flushed (a closed pipe),
    returns: the caller exits the usual way (which reports it as Python does)."""
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    atexit._clear()  # (run once: if this returns, the interpreter's exit does not run them again)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _exit_code(exc: SystemExit) -> int | None:
    """The exit code of *exc* when it is a number (None: 0), else None (a message: Python prints it).

    >>> _exit_code(SystemExit()), _exit_code(SystemExit(3)), _exit_code(SystemExit("why"))
    (0, 3, None)
    """
    code = exc.code
    if code is None:
        return 0
    return code if isinstance(code, int) and not isinstance(code, bool) and 0 <= code <= 255 else None


def _first_interrupt(signum, frame):
    """Ctrl-C: unwind (the command removes what it had not finished); a second one while it
    cleans up is ignored, so that the cleanup ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _late_interrupt(signum, frame):
    """Ctrl-C after the command ended (while the interpreter exits): say so and exit 130 at once."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        os.write(2, f"{INTERRUPTED}\n".encode())
    except OSError:
        pass
    os._exit(EXIT_INTERRUPTED)


class Interruptible:
    """A click command or group on which Ctrl-C (SIGINT) prints :data:`INTERRUPTED` on stderr and
    exits with code 130, never a traceback: click's own handling (``Aborted!``, exit code 1) is
    replaced. When ``main()`` is the process's entry (no *args*: the ``cppcc-kg`` script,
    ``python -m cppcc_kg.cli``, ``build_graph.py``), a Ctrl-C after the command ended (the
    interpreter shutting down, worker pools closing) exits 130 too; and a command that asked for it
    (:func:`end_at_once`) ends the process at once once it exited.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            sys.exit(EXIT_INTERRUPTED)

    def main(self, args=None, *rest, **extra):
        entry = args is None and threading.current_thread() is threading.main_thread()
        if entry:
            signal.signal(signal.SIGINT, _first_interrupt)
            # the process ends with the command only in click's standalone mode (``main()`` exits); a caller of
            # ``main(standalone_mode=False)`` gets the command's value back and goes on (``click.Command.main``'s
            # fourth parameter)
            if extra.get("standalone_mode", rest[2] if len(rest) > 2 else True):
                _ENTRY.append(True)
        try:
            return super().main(args, *rest, **extra)
        except SystemExit as exc:
            code = _exit_code(exc)
            if entry and _AT_ONCE and code is not None:
                signal.signal(signal.SIGINT, _late_interrupt)
                _end_process(code)
            raise
        finally:
            if entry:
                _ENTRY.clear()
                signal.signal(signal.SIGINT, _late_interrupt)


class InterruptibleCommand(Interruptible, click.Command):
    """A :class:`click.Command` that is :class:`Interruptible` (for a command run on its own)."""
