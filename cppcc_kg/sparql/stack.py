"""Run a parser or an evaluator on a thread with a large stack, so that no query can overflow it.

Oxigraph's SPARQL parser and evaluator are recursive Rust code: on the 8 MiB stack of
a main thread, a chain of 8,000 ``UNION`` or 10,000 ``!`` (80 KB of text, under the
length limit) overflowed it, and the process died of a segmentation fault. On a thread
with :data:`STACK_BYTES` of stack the longest query the guard accepts
(:data:`~cppcc_kg.sparql.guard.DEFAULT_MAX_QUERY_CHARS`) parses and runs: the stack is
reserved address space, used only as deep as the recursion goes.

The caller waits in short joins, so Ctrl-C still reaches the main thread while Oxigraph
runs (it releases the GIL); the thread is a daemon and dies with the process.
"""
from __future__ import annotations

import threading

#: stack of the thread that parses or runs a query (virtual memory, committed only as used)
STACK_BYTES = 256 * 2**20

_SIZE_LOCK = threading.Lock()


def on_big_stack(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on a new thread with a :data:`STACK_BYTES` stack: its result, or its exception.

    >>> on_big_stack(sum, [1, 2, 3])
    6
    >>> on_big_stack(int, "x")
    Traceback (most recent call last):
    ...
    ValueError: invalid literal for int() with base 10: 'x'
    """
    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            out["error"] = exc

    with _SIZE_LOCK:
        previous = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=run, name="cppcc-kg-sparql-deep", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    while thread.is_alive():
        thread.join(0.05)
    if "error" in out:
        raise out.pop("error")
    return out["value"]
