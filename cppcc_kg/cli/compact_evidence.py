"""The ``cppcc-kg compact-evidence`` command."""
from __future__ import annotations

import sys

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.project.compact_files import compact_files


@click.command("compact-evidence")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change, and exit 1 if any.")
def command(paths: tuple[str, ...], check: bool) -> None:
    """Rewrite the evidence of curated Turtle files in the compact form the project uses.

    Each quote written in the W3C Web Annotation form (oa:hasTarget, its oa:SpecificResource and two
    selectors) becomes one annotation with cppcc:quoteSource, cppcc:quoteStart, cppcc:quoteEnd and
    cppcc:quoteExact. The exports still give the full form. PATHS are files or folders (searched for *.ttl).
    A file is rewritten only if its new triples, expanded, are exactly its old ones. Exits 1 when full-form
    triples are left that it could not rewrite (or, with --check, when any file would change).

    \b
    Example:
        cppcc-kg compact-evidence graph/ sources/
        cppcc-kg compact-evidence --check graph/
    """
    with exit_on_error():
        done = compact_files(paths, check=check)
    verb = "would rewrite" if check else "rewrote"
    for d in done:
        if d.rewritten:
            click.echo(f"{d.path}: {verb} {d.rewritten} quote(s) in the compact form")
        if d.left:
            click.echo(f"{d.path}: {d.left} triple(s) of the full form left, in a layout this command does not "
                       "rewrite: write them in the compact form by hand (docs/curation.md, Evidence)", err=True)
    if not done:
        click.echo("no evidence in the full form: nothing to do")
    if any(d.left for d in done) or (check and done):
        sys.exit(1)
