"""The ``cppcc-kg`` command line: a thin layer over the library.

Each subcommand lives in its own module of this package and is loaded only
when it runs, so that ``cppcc-kg --help`` stays fast. A module exposes a
click command named ``command``.
"""
from __future__ import annotations

import importlib

import click

#: subcommand name -> module that defines ``command``
SUBCOMMANDS: dict[str, str] = {
    "build": "cppcc_kg.cli.build",
    "analyze": "cppcc_kg.cli.analyze",
    "visualize": "cppcc_kg.cli.visualize",
    "query": "cppcc_kg.cli.query",
    "serve": "cppcc_kg.cli.serve",
    "push": "cppcc_kg.cli.push",
    "ingest": "cppcc_kg.cli.ingest",
    "synth": "cppcc_kg.cli.synth",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(name for name in SUBCOMMANDS if self._load(name) is not None)

    def get_command(self, ctx, name):
        return self._load(name)

    @staticmethod
    def _load(name):
        module = SUBCOMMANDS.get(name)
        if module is None:
            return None
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                return None
            raise
        return getattr(mod, "command", None)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cppcc-kg")
def main():
    """cppcc-kg: a knowledge graph of CPPCC (政协) institutions and initiatives.

    \b
    Example:
        cppcc-kg build            # load, validate, analyse and export to build/
        cppcc-kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """

