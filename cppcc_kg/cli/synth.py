"""The ``cppcc-kg synth`` command."""
from __future__ import annotations

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.project.synth import write_corpus


@click.command("synth")
@click.option("--scale", type=click.IntRange(min=1), default=1, show_default=True, help="Number of synthetic sources.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random choice.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Project root to write: new, empty, or a previous output of synth.")
def command(scale: int, seed: int, out_dir: str) -> None:
    """Write a synthetic corpus that follows the ontology, for benchmarks.

    --out must be a new or empty folder, or a previous output of synth (replaced as a whole);
    any other folder is refused and left untouched.

    \b
    Example:
        cppcc-kg synth --scale 100 --out /tmp/synth100
        cppcc-kg build --root /tmp/synth100 --out /tmp/synth100/build
    """
    with exit_on_error(out_dir):
        counts = write_corpus(out_dir, scale=scale, seed=seed)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
