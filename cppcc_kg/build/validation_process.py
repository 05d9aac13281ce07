"""The validation of a clean build in a process of its own, forked once the store is loaded.

In a thread, the validation's Python (the labels check, the rows of SHACL and of the rules) takes the GIL from
the output stages, and igraph's measures hold it while the validation waits: at scale 1000 the two threads
keep the 2 cores of the bench machine busy for only ~1.5 of them (``bench/README.md``). A forked process has
its own GIL. It validates a copy-on-write image of the project: the store as loaded, without the generated
pinyin (still being computed by the helper worker, loaded into the parent's store only: the checks do not read
it, :mod:`cppcc_kg.validate.rule_cache`), and it runs every rule at once, those with ``GRAPH`` included (the
triples they add for their time are added to its image, which no stage reads).

Only a build whose store is loaded when the validation starts may fork: a store still loading has a thread in
Oxigraph, whose locks a fork could copy held. That is a clean build (``--no-cache``); a build with the cache
loads its store beside the stages and validates in a thread (:mod:`cppcc_kg.build.validation`).

The child ignores Ctrl-C (the parent stops it), writes nothing on the parent's standard streams (they go to
``/dev/null``: a caller reading them to their end does not wait for it), and sends one pickled message on a pipe:
the report, or the error the validation raised (the same type and message in the parent, the child's traceback
as a note). It ends with ``os._exit``: none of the parent's exit code runs twice.
"""
from __future__ import annotations

import os
import pickle
import signal
import threading
import time
import traceback

from cppcc_kg.errors import KGError
from cppcc_kg.project.workers import worker_count
from cppcc_kg.validate import validate

__all__ = ["ValidationDied", "ValidationProcess", "may_fork"]


class ValidationDied(KGError):
    """The validation's process ended without sending its report (killed, out of memory, a crash)."""


def may_fork(project, engine: str) -> bool:
    """Whether the validation of *project* may run in a forked process: the fast SHACL engine, a store loaded
    whole (no loading thread), no cache (a clean build: the checks keep nothing) and worker processes allowed
    (``fork`` available, more than one CPU, ``CPPCC_KG_WORKERS`` not ``0``: :func:`worker_count`)."""
    cache = getattr(project, "cache", None)
    return (engine == "fast" and worker_count() > 0 and not getattr(project, "store_loading", True)
            and (cache is None or not cache.enabled))


class ValidationProcess:
    """:func:`cppcc_kg.validate.validate` of *project* (every rule) in a child forked now; :meth:`wait` gives
    ``(report, seconds)`` or raises what the validation raised; :meth:`stop` kills the child."""

    def __init__(self, project, *, engine: str):
        self._lock = threading.Lock()  # the pid is killed only while it is not reaped (not yet another's)
        read, write = os.pipe()
        self._pid: int | None = os.fork()
        if self._pid == 0:
            _child(write, read, project, engine)  # (never returns)
        os.close(write)
        self._read = read

    def wait(self) -> tuple[dict, float]:
        """Wait for the child's message and its end; ``(report, seconds)`` of the validation."""
        with open(self._read, "rb") as pipe:  # (EOF once the child has ended, or was killed)
            data = pipe.read()
        with self._lock:
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        try:
            kind, value, seconds = pickle.loads(data)
        except Exception:  # noqa: BLE001 (no message, or a message cut short: the child died)
            code = os.waitstatus_to_exitcode(status)
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            raise ValidationDied(
                f"the validation's process ended without a report ({how})",
                "build again; if it happens again, build with CPPCC_KG_WORKERS=0 (the validation then runs in "
                "a thread) and report it (a bug, or the machine out of memory).") from None
        if kind == "error":
            raise _rebuilt(*value)
        return value, seconds

    def stop(self) -> None:
        """Kill the child if it has not ended (a failed or interrupted build); :meth:`wait` then raises."""
        with self._lock:
            if self._pid is not None:
                try:
                    os.kill(self._pid, signal.SIGKILL)
                except ProcessLookupError:  # (ended, not reaped yet: wait() reaps it)
                    pass


def _child(write: int, read: int, project, engine: str) -> None:
    """The forked child: validate, send the message, end at once (whatever happens)."""
    try:
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the parent stops this one
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        t = time.perf_counter()
        try:
            report = validate(project, shacl_engine=engine, graph_rules=True)
            at = report["store_read"]["at"]
            report["after_store"] = None if at is None else time.perf_counter() - at
            message = ("report", report, time.perf_counter() - t)
        except BaseException as exc:  # noqa: BLE001 (sent to the parent, which raises it)
            message = ("error", _portable(exc), time.perf_counter() - t)
        data = _pickled(message)
        with open(write, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def _pickled(message: tuple) -> bytes:
    try:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 (a report or an error that does not pickle: a bug, said as one)
        error = KGError(f"the validation's process could not send its {message[0]}: {type(exc).__name__}: {exc}",
                        "a bug: build with CPPCC_KG_WORKERS=0 (the validation then runs in a thread) and report it.")
        return pickle.dumps(("error", _portable(error), message[2]), protocol=pickle.HIGHEST_PROTOCOL)


def _portable(exc: BaseException) -> tuple:
    """*exc* as (its class, its args, its attributes, the child's traceback): what :func:`_rebuilt` makes again
    without calling its ``__init__`` (a :class:`KGError` subclass may take other arguments than its ``args``)."""
    text = "".join(traceback.format_exception(exc))
    state = {k: v for k, v in vars(exc).items() if not k.startswith("__")}
    try:
        pickle.dumps((type(exc), exc.args, state))
    except Exception:  # noqa: BLE001 (what does not pickle is said in words)
        return KGError, (f"{type(exc).__name__}: {exc}",), {"message": f"{type(exc).__name__}: {exc}",
                                                            "hint": None}, text
    return type(exc), exc.args, state, text


def _rebuilt(cls: type, args: tuple, state: dict, text: str) -> BaseException:
    exc = cls.__new__(cls)
    exc.args = args
    vars(exc).update(state)
    exc.add_note("(raised in the validation's process:)\n" + text.rstrip())
    return exc
