"""The ``cppcc-kg build`` command."""
from __future__ import annotations

from pathlib import Path

import click

from cppcc_kg.build.notebooks import require_notebook_extra
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.progress import progress_display, short_summary
from cppcc_kg.build.stages import NOTEBOOKS, STAGES
from cppcc_kg.cli.common import InterruptibleCommand, exit_on_error


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
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and warnings.")
def command(root: Path, out_dir: Path | None, shacl_engine: str, no_cache: bool, notebooks: bool,
            quiet: bool) -> None:
    """Load, check, validate and export the graph into build/.

    \b
    Exit codes: 0 built; 1 validation failed; 2 bad input (syntax error,
    missing or changed source, unusable output folder); 3 an output stage
    failed (a bug or a missing dependency); 130 stopped by Ctrl-C. On error,
    the output folder is left as it was.

    \b
    Example:
        cppcc-kg build
        cppcc-kg build --root . --out /tmp/build --quiet
        cppcc-kg build --shacl-engine pyshacl --no-cache
        cppcc-kg build --notebooks    # and build/notebooks/*.html
    """
    def echo(msg: str) -> None:
        click.echo(msg, err=True)

    with exit_on_error():
        if notebooks:  # said before the build, not after it
            require_notebook_extra("cppcc-kg build --notebooks")
        result = build(root, out_dir, echo=None if quiet else echo,
                       progress=None if quiet else progress_display(),
                       stages=[*STAGES, NOTEBOOKS] if notebooks else None,
                       shacl_engine=shacl_engine, cache=not no_cache)
    for warning in result.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(short_summary(result))
