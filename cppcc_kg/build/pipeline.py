"""The build: load, check, validate and export the project into ``build/``, atomically.

``cppcc-kg build`` (and ``python build_graph.py``) runs :func:`build`:

1. load every file strictly and check the sources (:func:`cppcc_kg.project.load.load`);
   files that did not change since the last build are taken from the cache
   ``ROOT/.cache/cppcc-kg`` instead of being parsed and checked again;
2. validate: evidence, labels, SHACL shapes, data rules (:func:`cppcc_kg.validate.checks.validate`),
   on the project's Oxigraph store;
3. run the output stages of :data:`STAGES` into a temporary folder beside the
   output folder, then the summary;
4. swap the temporary folder in place of the output folder.

On any error the output folder is left exactly as it was. Exit codes: 0 built,
1 validation failed, 2 bad input (syntax, missing or changed source, …), 3 an
output stage failed (a bug or a missing dependency).

A stage is one line of :data:`STAGES`: ``Stage(name, "module:function")``. The
function is called as ``function(graph, out_dir, **kwargs)`` (*graph* is an rdflib
view of the project's store, :attr:`cppcc_kg.project.load.Project.view`), where *kwargs* are
those of its parameters named ``project``, ``entity_graph``, ``root``, ``report``
or ``metrics`` (the ``frame`` returned by the ``metrics`` stage), filled in by the
build. An ``optional`` stage is skipped when its module is not installed.

The RDF files come last: a helper worker makes their Turtle and JSON-LD while the
others run (:func:`cppcc_kg.build.exports.start_bodies`).

>>> [s.name for s in STAGES]
['entities', 'metrics', 'html', 'graph']
"""
from __future__ import annotations

import ctypes
import gc
import importlib
import inspect
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cppcc_kg.errors import KGError, ProjectLayoutError, StageError


@dataclass(frozen=True)
class Stage:
    """An output stage: ``target`` is ``"module:function"``."""

    name: str
    target: str
    optional: bool = False

    @property
    def module(self) -> str:
        return self.target.split(":")[0]


#: The output stages, in order; the summary is written after all of them.
STAGES: list[Stage] = [
    Stage("entities", "cppcc_kg.build.exports:write_entity_files"),
    Stage("metrics", "cppcc_kg.network.metrics:write_metrics", optional=True),
    Stage("html", "cppcc_kg.viz.page:write_project_page", optional=True),
    Stage("graph", "cppcc_kg.build.exports:write_graph_files"),
]

#: the file whose presence marks a folder as a build output (it may be replaced)
MARKER = "summary.json"


@dataclass
class _Context:
    root: Path
    out: Path
    project: object
    report: dict
    results: dict = field(default_factory=dict)
    _entity_graph: object = None

    #: seconds spent making the entity graph (in the first stage that asked for it)
    entity_graph_seconds: float = 0.0

    @property
    def entity_graph(self):
        if self._entity_graph is None:
            from cppcc_kg.network.entity_graph import build_entity_graph
            t0 = time.perf_counter()
            self._entity_graph = build_entity_graph(self.project.store)
            self.entity_graph_seconds = time.perf_counter() - t0
        return self._entity_graph

    def value(self, name: str):
        if name == "project":
            return self.project
        if name == "entity_graph":
            return self.entity_graph
        if name == "root":
            return self.root
        if name == "report":  # the validation report (a stage that asks for it waits for it)
            return self.report() if callable(self.report) else self.report
        if name == "metrics":
            res = self.results.get("metrics")
            return res.get("frame") if isinstance(res, dict) else None
        raise KeyError(name)


_INJECTED = ("project", "entity_graph", "root", "report", "metrics")


def _resolve(stage: Stage) -> Callable | None:
    module_name, _, func_name = stage.target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if stage.optional and exc.name is not None and module_name.startswith(exc.name):
            return None
        if exc.name is not None and module_name.startswith(exc.name):
            raise KGError(f"build stage {stage.name!r}: module {module_name} is missing",
                          "install the complete package: pip install -e .") from None
        raise
    func = getattr(module, func_name, None)
    if func is None:
        raise KGError(f"build stage {stage.name!r}: {module_name} has no function {func_name}")
    return func


def _run_stage(func: Callable, ctx: _Context):
    params = inspect.signature(func).parameters
    kwargs = {name: ctx.value(name) for name in _INJECTED if name in params}
    return func(ctx.project.view, ctx.out, **kwargs)


# ---------------------------------------------------------------- the output folder

def check_out_dir(out: Path) -> None:
    """Refuse to replace *out* unless it is absent, empty or a previous build (has ``summary.json``)."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ProjectLayoutError(f"{out}: the output must be a folder (not a file or a symbolic link)",
                                 "pass another --out.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ProjectLayoutError(
            f"{out}: the folder is not empty and is not a previous build (no {MARKER}); "
            "the build replaces its output folder as a whole, so it will not touch this one",
            "pass an empty or new folder with --out.")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def swap_in(new: Path, out: Path) -> None:
    """Put the folder *new* at *out*, replacing the old *out* (removed afterwards)."""
    new, out = Path(new), Path(out)
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # *new* now holds the old output
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- build

def build(root: Path | str = Path("."), out_dir: Path | str | None = None, *,
          echo: Callable[[str], None] | None = None,
          progress: Callable[[int, int, str], None] | None = None,
          stages: list[Stage] | None = None, shacl_engine: str = "auto", cache: bool = True) -> dict:
    """Build the project at *root* into *out_dir* (default ``ROOT/build``).

    Parameters
    ----------
    root : Path
        The project root, with ``ontology.ttl``, ``sources/`` and ``graph/``.
    out_dir : Path, optional
        The output folder; replaced as a whole, only if the build succeeds.
    echo : callable, optional
        Receives one line per step (progress for people).
    progress : callable, optional
        ``progress(done, total, path)`` while files are parsed.
    stages : list of Stage, optional
        The output stages (default :data:`STAGES`).
    shacl_engine : {'auto', 'fast', 'pyshacl'}
        See :func:`cppcc_kg.validate.checks.validate`.
    cache : bool
        Skip the files (and pinyin) already checked by an earlier build
        (``ROOT/.cache/cppcc-kg``); the outputs are the same either way.

    Returns
    -------
    dict
        ``out`` (Path), ``summary`` (the dict of ``summary.json``), ``report``
        (validation), ``seconds`` (per step), ``stages`` (name -> ``ok`` or
        ``skipped``), ``load`` (files parsed and taken from the cache) and ``wall``
        (seconds from start to end; validation overlaps the output stages, so it is less
        than the sum of ``seconds``).

    Raises
    ------
    cppcc_kg.errors.KGError
        ``InputError`` (exit code 2), ``ValidationError`` (exit code 1) or
        ``StageError`` (exit code 3).
    """
    root = Path(root)
    out = Path(out_dir) if out_dir is not None else root / "build"
    say = echo or (lambda msg: None)
    stages = STAGES if stages is None else stages
    check_out_dir(out)

    started = time.perf_counter()
    # the build makes millions of objects that live to its end: the cyclic collector would walk
    # them again and again (a few seconds at a million triples); it is back on when the build ends
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(root, out, say, stages, shacl_engine, cache, progress, started)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build(root, out, say, stages, shacl_engine, cache, progress, started) -> dict:
    from cppcc_kg.project.load import load

    # background: a helper worker computes the pinyin and the Turtle and JSON-LD of each
    # file (export.start_bodies) while this process validates
    project = load(root, progress=progress, cache=cache, write_cache=cache, background=True)
    try:
        if project.helper is not None and any(s.target.startswith("cppcc_kg.build.exports:write_graph_files")
                                              for s in stages):
            from cppcc_kg.build.exports import start_bodies
            start_bodies(project, project.helper)
        result = _build_loaded(project, root, out, say, stages, shacl_engine)
        result["wall"] = time.perf_counter() - started  # the steps overlap: not their sum
        return result
    except BaseException:
        project.discard_cache()
        raise
    finally:
        project.close()


def _build_loaded(project, root: Path, out: Path, say, stages, shacl_engine: str) -> dict:
    from cppcc_kg.build.exports import write_summary
    from cppcc_kg.validate.checks import (
        raise_for_problems,
        resolve_engine,
        validate,
        validate_graph_rules,
    )

    seconds: dict[str, float] = {}
    st = project.stats
    seconds["load"] = sum(st.get("seconds", {}).values())
    read = sum(nt.count(b"\n") for nt in project.nt.values())
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in st.get("seconds", {}).items())
    say(f"load      {len(project.nt)} files ({st.get('parsed', 0)} parsed, {st.get('cached', 0)} unchanged), "
        f"{read} triples read, {len(project.sources)} source(s) checked ({steps})")

    # Validation runs in a thread (its SPARQL runs in Oxigraph, without the GIL) while this
    # thread writes the outputs into a temporary folder; they are kept only if it passes.
    # The rules that use GRAPH may add triples to the store for their time: when the project
    # has triples that several files hold, they run after the outputs are written.
    graph_rules_now = not project.duplicates
    engine = resolve_engine(project, shacl_engine)
    if engine != "fast":
        project.finish_pinyin()  # pySHACL reads the whole graph in memory, pinyin included
    checked: dict = {}

    def check() -> None:
        t = time.perf_counter()
        try:
            checked["report"] = validate(project, shacl_engine=engine, graph_rules=graph_rules_now)
        except BaseException as exc:  # re-raised in the caller's thread
            checked["error"] = exc
        checked["seconds"] = time.perf_counter() - t

    worker = threading.Thread(target=check, name="cppcc-kg-validate", daemon=True)
    worker.start()
    held: list[str] = []  # the stage lines, shown after the validation line

    def validated() -> dict:
        worker.join()
        if "error" in checked:
            raise checked["error"]
        report = checked["report"]
        if "validate" not in seconds:
            seconds["validate"] = checked["seconds"]
            say(f"validate  {', '.join(f'{k} {v:.1f} s' for k, v in report['seconds'].items())}"
                f"{' (SHACL: ' + report['shacl_engine'] + ')' if report.get('shacl_engine') else ''}"
                f"{'' if graph_rules_now else ' (rules with GRAPH after the outputs)'}: "
                f"{'OK' if report['conforms'] else str(len(report['problems'])) + ' problem(s)'}")
            raise_for_problems(report, project.view)
        return report

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)
        t0 = time.perf_counter()
        project.finish_pinyin()
        seconds["pinyin"] = time.perf_counter() - t0  # what was left to wait for
        ctx = _Context(root, tmp, project, validated)
        status: dict[str, str] = {}
        for stage in stages:
            t0 = time.perf_counter()
            func = _resolve(stage)
            if func is None:
                status[stage.name] = "skipped: module not installed"
                held.append(f"{stage.name:<9} skipped ({stage.module} is not installed)")
                continue
            try:
                ctx.results[stage.name] = _run_stage(func, ctx)
            except KGError:
                validated()  # invalid data explains a failed stage better than the stage does
                raise
            except Exception as exc:
                validated()
                if os.environ.get("CPPCC_KG_TRACEBACK"):
                    raise
                raise StageError(
                    f"build stage {stage.name!r} ({stage.target}) failed: {type(exc).__name__}: {exc}",
                    "a bug or a missing dependency, not a problem of the data: reinstall with "
                    "pip install -e . and build again; CPPCC_KG_TRACEBACK=1 shows the traceback.") from exc
            status[stage.name] = "ok"
            seconds[stage.name] = time.perf_counter() - t0
            made = ""
            if ctx.entity_graph_seconds and "entity graph" not in seconds:  # made in this stage: told apart
                seconds["entity graph"] = ctx.entity_graph_seconds
                seconds[stage.name] -= ctx.entity_graph_seconds
                made = f", after the entity graph ({ctx.entity_graph_seconds:.1f} s)"
            held.append(f"{stage.name:<9} done ({seconds[stage.name]:.1f} s{made})")
        report = validated()
        if not graph_rules_now:
            t0 = time.perf_counter()
            validate_graph_rules(project, report)
            seconds["validate"] += time.perf_counter() - t0
            raise_for_problems(report, project.view)
        ctx.report = report
        for line in held:
            say(line)
        t0 = time.perf_counter()
        summary = write_summary(project.view, tmp, project=project, report=report, stages=status)
        seconds["summary"] = time.perf_counter() - t0
        for f in tmp.iterdir():  # some writers create their files 0600 (mkstemp)
            if f.is_file():
                os.chmod(f, 0o644)
        swap_in(tmp, out)
    except BaseException:
        worker.join()  # the validation thread reads the project: let it end first
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    project.save_cache()
    return {"out": out, "summary": summary, "report": report, "seconds": seconds, "stages": status,
            "load": dict(project.stats)}


# ---------------------------------------------------------------- command line

def progress_display(*, min_files: int = 20, stream=None) -> Callable[[int, int, str], None]:
    """A progress display for parsing many files (nothing below *min_files* files).

    On a terminal, one line redrawn in place; elsewhere (logs, CI), a line at
    every tenth of the files.
    """
    stream = stream or sys.stderr
    tty = stream.isatty()
    shown: set[int] = set()

    def show(done: int, total: int, path: str) -> None:
        if total < min_files:
            return
        if tty:
            width = 30
            filled = width * done // max(total, 1)
            line = f"\rparsing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path[-40:]:<40}"
            stream.write(line if done < total else "\r" + " " * len(line) + "\r")
        else:
            tenth = 10 * done // total
            if tenth in shown:
                return
            shown.add(tenth)
            stream.write(f"parsing   {done}/{total} files\n")
        stream.flush()
    return show


def short_summary(result: dict) -> str:
    """The few lines the command prints after a build."""
    s = result["summary"]
    seconds = result.get("wall") or sum(result["seconds"].values())
    v = s.get("validation", {})
    skipped = [k for k, st in result["stages"].items() if st != "ok"]
    lines = [
        f"built {result['out']}/ from {len(s['files'])} files ({s['triples']} triples) in {seconds:.1f} s",
        f"  entities {s['entities']} ({len(s['entities_per_class'])} classes), relations {s['relations']} "
        f"({sum(1 for n in s['relations_per_property'].values() if n)} properties), observations {s['observations']}, "
        f"firsts {s['firsts']}, evidence {s['evidence']}",
        f"  validation OK: evidence, labels, {v.get('shapes', 0)} SHACL shapes, {len(v.get('rules', []))} data rules",
        "  outputs: " + " ".join(sorted(s.get("outputs", {})) + ["summary.json", "summary.txt"]),
    ]
    if skipped:
        lines.append("  skipped stages: " + ", ".join(skipped))
    return "\n".join(lines)
