"""The ``cppcc-kg`` command line: a thin layer over the library.

Each subcommand lives in its own module of this package and is loaded only
when it runs, so that ``cppcc-kg --help`` stays fast. A module exposes a
click command named ``command``.
"""
from __future__ import annotations

import importlib

import click

from cppcc_kg.cli.common import Interruptible

#: subcommand name -> its summary, the first sentence of its help (``cppcc-kg --help`` lists these
#: without importing the commands; tests/cli checks that they match). Each is the click command
#: ``command`` of the module ``cppcc_kg.cli.NAME`` (a hyphen of the name is an underscore there).
SUBCOMMANDS: dict[str, str] = {
    "analyze": "Centrality, k-core and communities of the entity graph.",
    "build": "Load, check, validate and export the graph into build/.",
    "compact-evidence": "Rewrite the evidence of curated Turtle files in the compact form the project uses.",
    "ingest": "Propose entities, links, relations and figures of a new document, for review.",
    "notebooks": "Pair each notebook of notebooks/ (jupytext script and .ipynb), without outputs.",
    "push": "Load the built graph into the SPARQL server whose Graph Store endpoint is URL, in batches.",
    "query": "Run a SPARQL query (FILE.rq, '-' for stdin, or -e 'SELECT …') and print the result.",
    "review": "Review the proposals of ingest in a local page; accepted ones are written as curated Turtle.",
    "serve": "Serve the built graph: SPARQL 1.1 endpoint at /sparql, query page at /.",
    "synth": "Write a synthetic corpus that follows the ontology, for benchmarks.",
    "visualize": "Write the interactive HTML page of a graph that follows the ontology.",
}


def load_command(name: str) -> click.Command | None:
    """The click command *name* (its module imported now), or None for an unknown name."""
    if name not in SUBCOMMANDS:
        return None
    return importlib.import_module(f"cppcc_kg.cli.{name.replace('-', '_')}").command


class LazyGroup(Interruptible, click.Group):
    """A group whose commands are imported only when one runs or shows its own help; Ctrl-C in
    any of them exits with code 130 (:class:`cppcc_kg.cli.common.Interruptible`)."""

    _listing = False

    def list_commands(self, ctx):
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx, name):
        if self._listing:  # the list of commands needs only their summaries
            return click.Command(name, help=SUBCOMMANDS[name]) if name in SUBCOMMANDS else None
        return load_command(name)

    def format_commands(self, ctx, formatter):
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cppcc-kg")
def main():
    """cppcc-kg: a knowledge graph of CPPCC (政协) institutions and initiatives.

    \b
    Example:
        cppcc-kg build            # load, validate, analyse and export to build/
        cppcc-kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """

