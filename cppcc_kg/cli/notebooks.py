"""The ``cppcc-kg notebooks`` command."""
from __future__ import annotations

from pathlib import Path

import click

from cppcc_kg.build.notebooks import check_notebooks, sync_notebooks
from cppcc_kg.cli.common import InterruptibleCommand, exit_on_error, fail
from cppcc_kg.errors import EXIT_VALIDATION


@click.command("notebooks", cls=InterruptibleCommand)
@click.option("--folder", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=Path("notebooks"), show_default=True, help="The folder of the notebooks.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 and list the notebooks that a sync would change.")
def command(folder: Path, check: bool) -> None:
    """Pair each notebook of notebooks/ (jupytext script and .ipynb), without outputs.

    \b
    The side edited last gives the cells (as jupytext --sync does); the
    script gets the pair's jupytext header; the .ipynb is written from it
    without outputs, execution counts or volatile metadata, the same JSON
    every time, so that git shows only what changed. A new notebook is
    NAME.py (percent cells, "# %%") or NAME.ipynb put in the folder, then
    this command. Exit codes: 0 in sync (or synced); 1 out of sync (--check);
    2 the notebooks extra is missing or a file cannot be read.

    \b
    Example:
        cppcc-kg notebooks
        cppcc-kg notebooks --check
    """
    with exit_on_error():
        if check:
            problems = check_notebooks(folder)
            if problems:
                fail("the notebooks are out of sync (run cppcc-kg notebooks):\n  " + "\n  ".join(problems),
                     EXIT_VALIDATION)
            click.echo(f"{folder}: every notebook is paired, without outputs")
            return
        done = sync_notebooks(folder)
    for line in done:
        click.echo(line)
    click.echo(f"{folder}: {len(done)} file(s) written" if done else f"{folder}: already in sync")
