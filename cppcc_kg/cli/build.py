"""The ``cppcc-kg build`` command."""
from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

import click

from cppcc_kg.build.fingerprint import build_options, check_build
from cppcc_kg.build.notebooks import require_notebook_extra
from cppcc_kg.build.progress import progress_display, short_summary, up_to_date_line
from cppcc_kg.cli.common import InterruptibleCommand, end_at_once, exit_on_error
from cppcc_kg.project.workers import start_helper

#: the modules that build, imported only when a build is needed (a build with nothing changed
#: imports none of rdflib, pyoxigraph, pandas, networkx: tests/build/test_up_to_date.py)
PIPELINE, STAGE_LIST = "cppcc_kg.build.pipeline", "cppcc_kg.build.stages"
#: igraph_without_drawing: this process never draws with igraph, so igraph need not import matplotlib (0.8 s)
KERNELS = "cppcc_kg.network.kernels"
#: the threads of numpy's OpenBLAS, read once as numpy is imported (import_pipeline)
BLAS_THREADS = "OPENBLAS_NUM_THREADS"
#: what the helper worker started before the imports loads (_early_helper): the pinyin, the bodies' module
PINYIN, BODIES = "cppcc_kg.project.pinyin", "cppcc_kg.build.rdf_files"


def _early_helper() -> None:
    """In the helper worker of a clean build, started before the imports: the pinyin's dictionaries and
    the module of its later jobs (the Turtle and JSON-LD bodies), loaded while the build starts."""
    importlib.import_module(PINYIN).warm_pinyin()
    importlib.import_module(BODIES)


def import_pipeline(*, clean: bool = False):
    """Import :mod:`cppcc_kg.build.pipeline` as ``cppcc-kg build`` does: numpy's OpenBLAS with one thread,
    and for a *clean* build (``--no-cache``: every label's pinyin to compute) the helper worker started first.

    The helper (``workers.start_helper``, taken by the loader) then imports pypinyin and loads jieba's
    dictionary (0.3 CPU s) beside this process's imports: once the measures took 0.4 s instead of 1.5 s
    (busy machine), the build of the repository waited 0.3 s for the pinyin of a helper started after them.

    The build's matrices are small (the dense eigenvectors of up to 400 entities) and its two cores are
    busy already (the validation thread, the helper worker): OpenBLAS's own threads, waiting for one
    another beside them, made one 86 x 86 ``eigh`` take 0.3 s instead of 0.001 s. OpenBLAS reads
    ``OPENBLAS_NUM_THREADS`` when numpy is imported: it is set to 1 for that import (unless set already, or
    numpy imported before), then removed again, so that the processes the build starts (the notebooks'
    kernels) get the environment as it was. The same numbers either way (tests/build/test_golden.py)."""
    own = BLAS_THREADS not in os.environ and "numpy" not in sys.modules
    if own:
        os.environ[BLAS_THREADS] = "1"
    try:
        if clean:
            start_helper(_early_helper)
        pipeline = importlib.import_module(PIPELINE)
        importlib.import_module(KERNELS).igraph_without_drawing()
    finally:
        if own:
            os.environ.pop(BLAS_THREADS, None)
    return pipeline


@click.command("build", cls=InterruptibleCommand)  # build_graph.py runs it on its own
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The project root (with ontology.ttl, sources/ and graph/).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="The output folder (default: ROOT/build). It is replaced only if the build succeeds.")
@click.option("--shacl-engine", type=click.Choice(["auto", "fast", "pyshacl"]), default="auto", show_default=True,
              help="SHACL engine: fast (shapes compiled to SPARQL on Oxigraph), pyshacl, or auto "
                   "(fast unless the shapes use a feature it lacks). Both report the same problems.")
@click.option("--no-cache", is_flag=True,
              help="Parse and check every file again, ignoring ROOT/.cache/cppcc-kg (the outputs are the same).")
@click.option("--notebooks", is_flag=True,
              help="Also execute the notebooks of ROOT/notebooks on this build and write "
                   "OUT/notebooks/NAME.html (a few seconds more; needs pip install -e '.[notebooks]').")
@click.option("--force", is_flag=True,
              help="Build even if nothing changed since the last build (which is otherwise kept as it is).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and warnings.")
def command(root: Path, out_dir: Path | None, shacl_engine: str, no_cache: bool, notebooks: bool,
            force: bool, quiet: bool) -> None:
    """Load, check, validate and export the graph into build/.

    When nothing changed since the last build (the input files, the options, the code and the
    outputs: see README, "Incremental builds"), it prints "up to date" and writes nothing.

    \b
    Exit codes: 0 built or up to date; 1 validation failed; 2 bad input (syntax error,
    missing or changed source, unusable output folder); 3 an output stage
    failed (a bug or a missing dependency); 130 stopped by Ctrl-C. On error,
    the output folder is left as it was.

    \b
    Example:
        cppcc-kg build
        cppcc-kg build --root . --out /tmp/build --quiet
        cppcc-kg build --shacl-engine pyshacl --no-cache
        cppcc-kg build --force        # even if nothing changed
    """
    started = time.perf_counter()
    out = out_dir if out_dir is not None else root / "build"
    with exit_on_error():
        checked = check_build(root, out, build_options(notebooks=notebooks, shacl_engine=shacl_engine),
                              cache=not no_cache, force=force)
        if checked.up_to_date:
            if not quiet:
                click.echo(up_to_date_line({"out": out, "outputs": checked.outputs,
                                            "wall": time.perf_counter() - started}))
            return
        if notebooks:  # said before the build, not after it
            require_notebook_extra("cppcc-kg build --notebooks")
        # a build's objects are not freed one by one as the process exits (cppcc-kg build as the process only)
        ending = end_at_once()
        result = _build(root, out, checked, notebooks=notebooks, shacl_engine=shacl_engine, no_cache=no_cache,
                        quiet=quiet, process_ends=ending)
    for warning in result.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(short_summary(result))


def _build(root: Path, out: Path, checked, *, notebooks: bool, shacl_engine: str, no_cache: bool,
           quiet: bool, process_ends: bool = False) -> dict:
    """Import the pipeline (seconds of imports) and build, with progress bars on a terminal."""
    build = import_pipeline(clean=no_cache).build
    stages = importlib.import_module(STAGE_LIST)
    display = None if quiet else progress_display()
    try:
        return build(root, out, echo=None if quiet else display.echo, progress=display,
                     stages=[*stages.STAGES, stages.NOTEBOOKS] if notebooks else None,
                     shacl_engine=shacl_engine, cache=not no_cache, checked=checked, process_ends=process_ends)
    finally:
        if display is not None:
            display.close()
