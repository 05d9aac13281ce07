"""The validation of a clean build in a process of its own, forked once the store is loaded.

In a thread, the validation's Python (the labels check, the rows of SHACL and of the rules) takes the GIL from
the output stages, and igraph's measures hold it while the validation waits: at scale 1000 the two threads
keep the 2 cores of the bench machine busy for only ~1.5 of them (``bench/README.md``). A forked process has
its own GIL. It validates a copy-on-write image of the project: the store as loaded, without the generated
pinyin (still being computed by the helper worker, loaded into the parent's store only: the checks do not read
it, :mod:`cppcc_kg.validate.rule_cache`). It runs the same checks as the thread, with the same problems: the rules
with ``GRAPH`` too when the pipeline asks for them with the others; when they are ``"later"``, the parent runs them
on its own store as the thread does (once the stages free it, the generated pinyin in it, and only if the child's
checks found no problem: :class:`~cppcc_kg.build.validation.BackgroundValidation`).

Only a build whose store is loaded when the validation starts may fork: a store still loading has a thread in
Oxigraph, whose locks a fork could copy held. That is a clean build (``--no-cache``); a build with the cache
loads its store beside the stages and validates in a thread (:mod:`cppcc_kg.build.validation`). The other
threads alive at the fork (the helper worker pool's, the progress bars') hold nothing the child uses: it takes
new ``sys.stdout`` and ``sys.stderr`` objects (one of theirs might have held the inherited ones' lock).

The child ignores Ctrl-C (the parent stops it: SIGINT is blocked in the forking thread around the fork, so that
a Ctrl-C then is the parent's alone), is killed if the parent dies first (Linux: ``PR_SET_PDEATHSIG``), writes
nothing on the parent's standard output (its standard error stays the parent's: the warnings of the checks are
seen as in the thread), and sends one pickled message on a pipe: the report, or the error the validation raised (the same type and message in the parent, tried in the
child before it is sent; the child's traceback as a note). It ends with ``os._exit`` whatever happens (code 0
once the message is sent, 1 if it could not be): none of the parent's exit code runs twice. A child that ends
without a message (killed, out of memory) is :class:`ValidationDied`. The parent kills it (SIGKILL) when the
build fails or is interrupted, and always reaps it.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import time
import traceback

from cppcc_kg.errors import EXIT_STAGE, KGError
from cppcc_kg.project.workers import die_with_parent, ended_how, find_prctl, worker_count
from cppcc_kg.validate import validate

__all__ = ["ValidationDied", "ValidationProcess", "may_fork"]


class ValidationDied(KGError):
    """The validation's process ended without sending its report (killed, out of memory, a crash): exit code 3,
    as a worker process that dies (:class:`~cppcc_kg.project.workers.WorkerDied`), not a problem of the data."""

    exit_code = EXIT_STAGE


def may_fork(project, engine: str) -> bool:
    """Whether the validation of *project* may run in a forked process: the fast SHACL engine, a store loaded
    whole (no loading thread), no cache (a clean build: the checks keep nothing) and worker processes allowed
    (``fork`` available, more than one CPU, ``CPPCC_KG_WORKERS`` not ``0``: :func:`worker_count`)."""
    cache = getattr(project, "cache", None)
    return (engine == "fast" and worker_count() > 0 and not getattr(project, "store_loading", True)
            and (cache is None or not cache.enabled))


class ValidationProcess:
    """:func:`cppcc_kg.validate.validate` of *project* in a child forked now; :meth:`wait` gives
    ``(report, seconds)`` or raises what the validation raised; :meth:`stop` kills the child.

    *graph_rules* as in :class:`~cppcc_kg.build.validation.BackgroundValidation`: with ``"later"`` the rules
    with ``GRAPH`` are not run here (the parent runs them on its store, the generated pinyin in it)."""

    def __init__(self, project, *, engine: str, graph_rules: bool | str = True):
        self._lock = threading.Lock()  # the pid is killed only while it is not reaped (not yet another's)
        self._pid: int | None = None
        self._read, write = os.pipe()
        try:
            parent = os.getpid()
            find_prctl()  # (looked up here: the child looks nothing up)
            with _sigint_blocked():  # a Ctrl-C during the fork is the parent's (and raises here, after it)
                self._pid = os.fork()
                if self._pid == 0:
                    _child(write, self._read, project, engine, graph_rules, parent)  # (never returns)
                os.close(write)
                write = None
        except BaseException:  # (a Ctrl-C, or no fork): no child left behind, no descriptor
            if write is not None:
                os.close(write)
            self.abandon()
            raise

    def wait(self) -> tuple[dict, float]:
        """Wait for the child's message and its end; ``(report, seconds)`` of the validation."""
        with open(self._read, "rb") as pipe:  # (EOF once the child has ended, or was killed)
            data = pipe.read()
        status = self._reaped()
        try:
            kind, value, seconds = pickle.loads(data)
        except Exception:  # noqa: BLE001 (no message, or a message cut short: the child died)
            raise ValidationDied(
                f"the validation's process ended without a report ({_how(status)})",
                "build again; if it happens again, build with CPPCC_KG_WORKERS=0 (the validation then runs in "
                "a thread) and report it (a bug, or the machine out of memory).") from None
        if kind == "error":
            raise _rebuilt(value)
        return value, seconds

    def stop(self) -> None:
        """Kill the child if it has not ended (a failed or interrupted build); :meth:`wait` then raises."""
        with self._lock:
            if self._pid:
                try:
                    os.kill(self._pid, signal.SIGKILL)
                except ProcessLookupError:  # (ended, not reaped yet: wait() reaps it)
                    pass

    def abandon(self) -> None:
        """Kill the child and reap it, when :meth:`wait` will not be called (its thread could not start)."""
        self.stop()
        self._reaped()
        os.close(self._read)

    def _reaped(self) -> int | None:
        """Wait for the child's end and reap it (under the lock: :meth:`stop` never kills a pid reused since);
        its wait status, or None (none forked, or reaped by another: ``SIGCHLD`` ignored)."""
        with self._lock:
            pid, self._pid = self._pid, None
            if not pid:
                return None
            try:
                return os.waitpid(pid, 0)[1]
            except ChildProcessError:
                return None


def _how(status: int | None) -> str:
    """How the child ended, in words."""
    return "how is not known" if status is None else ended_how(os.waitstatus_to_exitcode(status))


@contextlib.contextmanager
def _sigint_blocked():
    """SIGINT blocked in this thread for the block: the child forked in it starts with none pending (a fork
    drops them) and sets its own handler before unblocking it; the parent's arrives after the block."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _child(write: int, read: int, project, engine: str, graph_rules: bool | str, parent: int) -> None:
    """The forked child: validate, send the message, end at once (whatever happens: exit code 0 once the
    message is sent, 1 if it could not be)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the parent stops this one
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        die_with_parent(parent)
        os.close(read)
        _quiet()
        t = time.perf_counter()
        try:
            report = _validated(project, engine, graph_rules)
            message = ("report", report, time.perf_counter() - t)
        except BaseException as exc:  # noqa: BLE001 (sent to the parent, which raises it)
            message = ("error", _portable(exc), time.perf_counter() - t)
        data = _pickled(message)
        with open(write, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()  # (a last warning without its end of line)
        os._exit(code)


def _quiet() -> None:
    """Nothing of the child on the parent's standard output (it goes to ``/dev/null``); its standard error stays the
    parent's (the warnings of the checks, as in the thread). ``sys.stdout`` and ``sys.stderr`` are new objects: a
    thread of the parent (the progress bars) may have held the lock of the inherited ones at the fork."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(null, fd)
    os.close(null)
    sys.stdout = sys.__stdout__ = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (to the child's end)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace",  # noqa: SIM115
                                       buffering=1, closefd=False)


def _validated(project, engine: str, graph_rules: bool | str) -> dict:
    """The checks of the thread (:class:`~cppcc_kg.build.validation.BackgroundValidation`) without its wait for the
    store, and without the rules with ``GRAPH`` of ``"later"`` (the parent runs them, on its store)."""
    report = validate(project, shacl_engine=engine, graph_rules=graph_rules is True)
    report["rules_later"] = None  # (verdicts on the child's project: the parent runs those rules without them)
    return report


def _pickled(message: tuple) -> bytes:
    try:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 (a report or an error that does not pickle: a bug, said as one)
        error = KGError(f"the validation's process could not send its {message[0]}: {type(exc).__name__}: {exc}",
                        "a bug: build with CPPCC_KG_WORKERS=0 (the validation then runs in a thread) and report it.")
        return pickle.dumps(("error", _portable(error), message[2]), protocol=pickle.HIGHEST_PROTOCOL)


def _portable(exc: BaseException) -> tuple:
    """*exc* as ``(how, what, the child's traceback)``, made again by :func:`_rebuilt` with the same type and
    message (tried here): ``("parts", (class, args, attributes))``, made again without calling its ``__init__``
    (a :class:`KGError` subclass may take other arguments than its ``args``); else ``("pickle", exc)`` (an
    ``OSError`` keeps its file name so); else a :class:`KGError` that says it in words."""
    text = "".join(traceback.format_exception(exc))
    parts = (type(exc), exc.args, {k: v for k, v in vars(exc).items() if not k.startswith("__")})
    for how, what in (("parts", parts), ("pickle", exc)):
        try:
            again = _made(how, pickle.loads(pickle.dumps(what, protocol=pickle.HIGHEST_PROTOCOL)))
        except Exception:  # noqa: BLE001 (what does not pickle, or not back: the next way)
            continue
        if type(again) is type(exc) and str(again) == str(exc):
            return how, what, text
    said = f"{type(exc).__name__}: {exc}"
    return "parts", (KGError, (said,), {"message": said, "hint": None}), text


def _made(how: str, what) -> BaseException:
    if how == "pickle":
        return what
    cls, args, state = what
    exc = cls.__new__(cls, *args)
    exc.args = args
    vars(exc).update(state)
    return exc


def _rebuilt(value: tuple) -> BaseException:
    """The error of the child (from :func:`_portable`), with its traceback as a note."""
    how, what, text = value
    exc = _made(how, what)
    exc.add_note("(raised in the validation's process:)\n" + text.rstrip())
    return exc
