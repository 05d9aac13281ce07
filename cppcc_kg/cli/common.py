"""What every command shares: errors become a message on stderr and an exit code.

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
import sys

import click

from cppcc_kg.errors import EXIT_INPUT, KGError

__all__ = ["exit_on_error", "fail"]


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
