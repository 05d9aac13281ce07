"""The build: load, check, validate and export the project into ``build/``, atomically.

``cppcc-kg build`` (and ``python build_graph.py``) runs :func:`build`:

1. load every file strictly and check the sources (:func:`cppcc_kg.project.load.load`);
   files that did not change since the last build are taken from the cache
   ``ROOT/.cache/cppcc-kg`` instead of being parsed and checked again;
2. validate: evidence, labels, SHACL shapes, data rules (:func:`cppcc_kg.validate.validate`),
   on the project's Oxigraph store, in a thread (:mod:`cppcc_kg.build.validation`; a clean build's in a
   forked process: :mod:`cppcc_kg.build.validation_process`) while
3. the output stages of :data:`cppcc_kg.build.stages.STAGES` write into a temporary folder
   beside the output folder (:mod:`cppcc_kg.build.outdir`), then the summary
   (:mod:`cppcc_kg.build.summary`);
4. the temporary folder is swapped in place of the output folder.

Before all this, :func:`cppcc_kg.build.fingerprint.check_build`: when the inputs, the options and
the code are those the previous build recorded and its outputs are there unchanged, nothing is
done (the result says ``up_to_date``). On any error the output folder is left exactly as it was. Exit codes: 0 built,
1 validation failed, 2 bad input (syntax, missing or changed source, …), 3 an
output stage failed (a bug or a missing dependency).

The RDF files come last: a helper worker makes their Turtle and JSON-LD while the
others run (:func:`cppcc_kg.build.rdf_files.start_bodies`).
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Callable

from cppcc_kg.build.fingerprint import BuildCheck, build_options, check_build
from cppcc_kg.build.outdir import check_out_dir, staging_folder, swap_in, write_marker
from cppcc_kg.build.progress import step
from cppcc_kg.build.rdf_files import start_bodies
from cppcc_kg.build.stages import NOTEBOOKS, STAGES, Stage, StageContext, graph_files
from cppcc_kg.build.summary import write_summary
from cppcc_kg.build.validation import BackgroundValidation
from cppcc_kg.build.validation_process import may_fork
from cppcc_kg.errors import KGError, StageError
from cppcc_kg.project.load import load
from cppcc_kg.validate import resolve_engine

__all__ = ["build"]


def build(root: Path | str = Path("."), out_dir: Path | str | None = None, *,
          echo: Callable[[str], None] | None = None,
          progress: Callable[[int, int, str], None] | None = None,
          stages: list[Stage] | None = None, shacl_engine: str = "auto", cache: bool = True,
          force: bool = False, checked: BuildCheck | None = None, process_ends: bool = False) -> dict:
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
        ``progress(done, total, path)`` while files are parsed; and ``begin``/``end`` of each step (if any).
    stages : list of Stage, optional
        The output stages (default :data:`cppcc_kg.build.stages.STAGES`).
    shacl_engine : {'auto', 'fast', 'pyshacl'}
        See :func:`cppcc_kg.validate.validate`.
    cache : bool
        Skip the files (and pinyin) already checked by an earlier build
        (``ROOT/.cache/cppcc-kg``); the outputs are the same either way. ``False``: a clean build.
    force : bool
        Build even when the previous build is up to date.
    checked : BuildCheck, optional
        What :func:`cppcc_kg.build.fingerprint.check_build` found just before (as ``cppcc-kg build`` does).
    process_ends : bool
        The process ends when this returns (``cppcc-kg build``): ``Project.close(process_ends=True)``; same outputs.

    Returns
    -------
    dict
        ``out`` (Path), ``summary`` (the dict of ``summary.json``), ``report``
        (validation), ``seconds`` (per step), ``stages`` (name -> ``ok`` or
        ``skipped``), ``load`` (files parsed and taken from the cache) and ``wall``
        (seconds from start to end; validation overlaps the output stages, so it is less
        than the sum of ``seconds``), ``warnings`` (what did not stop the build: a cache
        that could not be updated), ``up_to_date`` and ``reason`` (why it was built). Up to date: only
        ``out``, ``up_to_date``, ``reason``, ``outputs`` (files), ``summary``, ``seconds``, ``wall``, ...

    Raises
    ------
    cppcc_kg.errors.KGError
        ``InputError`` (exit code 2), ``ValidationError`` (exit code 1) or ``StageError`` (exit code 3).
    """
    root = Path(root)
    out = Path(out_dir) if out_dir is not None else root / "build"
    check_out_dir(out)
    started = time.perf_counter()  # first: is the build up to date?
    checked = _check(root, out, stages, shacl_engine, cache=cache, force=force, checked=checked)
    if checked.up_to_date and not force and cache:
        return _up_to_date(checked, time.perf_counter() - started)
    check_seconds = time.perf_counter() - started
    # millions of objects live to the build's end: the cyclic collector would walk them again and again (seconds)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        project, bodies_job = _load(root, stages, progress, cache)
        try:
            result = _build_loaded(project, root, out, echo or (lambda msg: None),
                                   STAGES if stages is None else stages, shacl_engine, bodies_job,
                                   checked=checked, progress=progress)
        except BaseException:
            project.discard_cache()
            project.close()
            raise
        project.close(process_ends=process_ends)  # (the CLI's process: nothing freed, the store's loading left)
        result.update(wall=time.perf_counter() - started, up_to_date=False, reason=checked.reason)  # wall: not a sum
        result["seconds"]["check"] = check_seconds  # 0 when the caller checked (cppcc-kg build)
        return result
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(root: Path, stages: list[Stage] | None, progress, cache: bool):
    """``(project, bodies_job)``: the project loaded with its helper worker (pinyin, Turtle, JSON-LD), and the
    helper's job of the graph files' Turtle and JSON-LD (:func:`start_bodies`) when a stage writes them.

    With the cache, the store loads beside the build, on idle cores. Without (a clean build), :func:`load` waits
    for the store: the helper is given the Turtle and JSON-LD as soon as the files are parsed, and makes them on
    the core the store's loading leaves idle.
    """
    writes_graph = any(s.run is graph_files for s in (stages or STAGES))
    early: list = []

    def parsed(files) -> None:
        if writes_graph and files.helper is not None:
            early.append(start_bodies(files, files.helper))
    with step(progress, "load"):
        project = load(root, progress=progress, cache=cache, write_cache=cache, background=True,
                       store_beside=cache, idle_store=cache, while_store_loads=parsed)
    try:
        if early:
            return project, early[0]
        return project, (start_bodies(project, project.helper)
                         if project.helper is not None and writes_graph else None)
    except BaseException:
        project.discard_cache()
        project.close()
        raise


def _load_line(project) -> str:
    st = project.stats
    read = st.get("triples_read")
    read = sum(nt.count(b"\n") for nt in project.nt.values()) if read is None else read
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in st.get("seconds", {}).items())
    return (f"load      {len(project.nt)} files ({st.get('parsed', 0)} parsed, {st.get('cached', 0)} unchanged), "
            f"{read} triples read, {len(project.sources)} source(s) checked ({steps})")


def _check(root: Path, out: Path, stages: list[Stage] | None, shacl_engine: str, *, cache: bool, force: bool,
           checked: BuildCheck | None) -> BuildCheck:
    """Whether the build in *out* is up to date (:mod:`cppcc_kg.build.fingerprint`); a list of stages
    other than the default ones (with or without the notebooks) is never taken as up to date."""
    if checked is not None:
        return checked
    key = _stages_key(stages)
    return check_build(root, out, build_options(shacl_engine=shacl_engine, stages=key or _custom(stages)),
                       cache=cache, force=force or key is None)


def _stages_key(stages: list[Stage] | None) -> str | None:
    """The name of a stage list in the fingerprint: ``default``, ``default+notebooks``, or None (others)."""
    if stages is None or list(stages) == STAGES:
        return "default"
    return "default+notebooks" if list(stages) == [*STAGES, NOTEBOOKS] else None


def _custom(stages: list[Stage]) -> str:
    return "custom: " + ", ".join(f"{s.name}={s.run.__module__}.{s.run.__qualname__}" for s in stages)


def _up_to_date(checked: BuildCheck, seconds: float) -> dict:
    try:
        summary = json.loads((checked.out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = None
    return {"out": checked.out, "up_to_date": True, "reason": checked.reason, "outputs": checked.outputs,
            "summary": summary, "seconds": {"check": seconds}, "wall": seconds, "stages": {}, "warnings": []}


def _build_loaded(project, root: Path, out: Path, say, stages: list[Stage], shacl_engine: str,
                  bodies_job=None, *, checked: BuildCheck, progress=None) -> dict:
    seconds: dict[str, float] = {"load": sum(project.stats.get("seconds", {}).values())}
    say(_load_line(project))
    # The rules that use GRAPH may add triples to the store for their time: when the project
    # has triples that several files hold, they run once no stage reads the store (beside the graph files).
    graph_rules = True if not project.duplicates else "later"
    engine = resolve_engine(project, shacl_engine)
    if engine != "fast":
        project.finish_pinyin()  # pySHACL reads the whole graph in memory, pinyin included
    validation = BackgroundValidation(project, engine=engine, graph_rules=graph_rules, say=say,
                                      process=may_fork(project, engine))
    validating = step(progress, "validate", until=lambda: validation.seconds is not None)
    def stop() -> None:  # a failed or interrupted build: the validation may wait for the store, stopped here
        project.stop_loading()
        validation.join()

    # (stopped also if the staging folder cannot be made: the validation's process is not left running)
    with _stopped_on_error(stop), staging_folder(out) as tmp, validating:
        ctx = StageContext(root, tmp, project, validation.report, bodies_job=bodies_job,
                           previous=out if out.is_dir() else None, previous_record=checked.previous,
                           code=json.dumps(checked.fingerprint.get("code"), sort_keys=True))
        # the stages that do not read the pinyin run while the helper worker computes it
        early = [s for s in stages if s.before_pinyin] if project.pinyin_computing else []
        status, held = _run_stages(early, ctx, seconds, progress)
        t0 = time.perf_counter()
        with step(progress, "pinyin"):
            project.finish_pinyin()
            ctx.pinyin_loaded()
        seconds["pinyin"] = time.perf_counter() - t0  # what was left to wait for
        late_status, late_held = _run_stages([s for s in stages if s not in early], ctx, seconds, progress,
                                             store_free=validation.store_free)
        status, held = {s.name: {**status, **late_status}[s.name] for s in stages}, {**held, **late_held}
        report = validation.report()
        seconds["validate"] = validation.seconds
        for s in stages:
            say(held[s.name])
        t0 = time.perf_counter()
        with step(progress, "summary"):
            summary = write_summary(project, tmp, report=report, stages=status, schema=ctx.schema, code=ctx.code)
        seconds["summary"] = time.perf_counter() - t0
        texts = {s.path: hashlib.sha256(s.text.encode("utf-8")).hexdigest() for s in project.sources.values()}
        # the digests of the bytes the loader read, not of those the check saw: a Turtle file edited (or
        # added) after the check and undone before the next build must not leave this build up to date
        loaded = project.stats.get("digests", {})
        checked.fingerprint["inputs"] = {**{r: d for r, d in checked.fingerprint["inputs"].items() if r not in loaded
                                            and not r.endswith(".ttl")}, **loaded}
        write_marker(tmp, checked.record(texts, tmp, ctx.stage_keys))  # not an output: the summary does not list it
        swap_in(tmp, out)
    # nothing after the swap may fail: keeping the caches is best effort (they say what they could not keep)
    warnings = project.save_cache()
    warnings += [w for w in [checked.warm(sorted(texts))] if w]
    return {"out": out, "summary": summary, "report": report, "seconds": seconds, "stages": status,
            "load": dict(project.stats), "warnings": warnings}


@contextlib.contextmanager
def _stopped_on_error(stop: Callable[[], None]):
    """Call *stop* if the block fails (or is interrupted)."""
    try:
        yield
    except BaseException:
        stop()
        raise


def _run_stages(stages: list[Stage], ctx: StageContext, seconds: dict, progress=None, *,
                store_free: Callable[[], None] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Run each stage into ``ctx.out``; return each one's status and the line to show for it after the
    validation line. *store_free* is called before the first stage from which on no stage reads the
    store (:attr:`Stage.reads_store`)."""
    status: dict[str, str] = {}
    held: dict[str, str] = {}
    for i, stage in enumerate(stages):
        if store_free is not None and not any(s.reads_store for s in stages[i:]):
            store_free()
            store_free = None
        t0 = time.perf_counter()
        with step(progress, stage.name):
            missing = _run_stage(stage, ctx)
        if missing:
            status[stage.name] = "skipped: module not installed"
            held[stage.name] = f"{stage.name:<9} skipped ({missing} is not installed)"
            continue
        status[stage.name] = "ok"
        seconds[stage.name] = time.perf_counter() - t0
        made = ""
        if ctx.entity_graph_seconds and "entity graph" not in seconds:  # made in this stage: told apart
            seconds["entity graph"] = ctx.entity_graph_seconds
            seconds[stage.name] -= ctx.entity_graph_seconds
            made = f", after the entity graph ({ctx.entity_graph_seconds:.1f} s)"
        held[stage.name] = f"{stage.name:<9} done ({seconds[stage.name]:.1f} s{made})"
    return status, held


def _run_stage(stage: Stage, ctx: StageContext) -> str | None:
    """Run *stage*; return the name of the missing module of an optional stage that cannot run."""
    try:
        ctx.results[stage.name] = stage.run(ctx)
    except ModuleNotFoundError as exc:
        ctx.validated()  # invalid data explains a failed stage better than the stage does
        if stage.optional and exc.name:
            return exc.name
        raise KGError(f"build stage {stage.name!r}: module {exc.name} is missing",
                      "install the complete package: pip install -e .") from None
    except KGError:
        ctx.validated()
        raise
    except Exception as exc:
        ctx.validated()
        if os.environ.get("CPPCC_KG_TRACEBACK"):
            raise
        raise StageError(
            f"build stage {stage.name!r} ({stage.run.__module__}.{stage.run.__qualname__}) failed: "
            f"{type(exc).__name__}: {exc}",
            "a bug or a missing dependency, not a problem of the data: reinstall with "
            "pip install -e . and build again; CPPCC_KG_TRACEBACK=1 shows the traceback.") from exc
    return None
