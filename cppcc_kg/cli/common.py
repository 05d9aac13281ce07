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

import contextlib
import os
import signal
import sys
import threading

import click

from cppcc_kg.errors import EXIT_INPUT, EXIT_INTERRUPTED, KGError

__all__ = ["INTERRUPTED", "Interruptible", "InterruptibleCommand", "exit_on_error", "fail"]

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
    interpreter shutting down, worker pools closing) exits 130 too.
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
        try:
            return super().main(args, *rest, **extra)
        finally:
            if entry:
                signal.signal(signal.SIGINT, _late_interrupt)


class InterruptibleCommand(Interruptible, click.Command):
    """A :class:`click.Command` that is :class:`Interruptible` (for a command run on its own)."""
