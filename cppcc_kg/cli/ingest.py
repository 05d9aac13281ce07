"""The ``cppcc-kg ingest`` command."""
from __future__ import annotations

from pathlib import Path

import click

from cppcc_kg.cli.common import exit_on_error
from cppcc_kg.ingest.pipeline import MAX_CHARS, ingest_file, summary


@click.command("ingest")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Project root (with ontology.ttl).")
@click.option("--title", default=None, help="Title of the document (default: guessed from its first lines).")
@click.option("--source-id", default=None, help="Source id (default: from the file name): lower-case ASCII letters, digits and '-'.")
@click.option("--max-chars", type=int, default=MAX_CHARS, show_default=True,
              help="Refuse texts longer than this many characters.")
@click.option("--no-html", is_flag=True, help="Do not write the review page.")
@click.option("--recognizers", default=None, metavar="PARTS",
              help="Parts of the recognizer, comma-separated, among forms, graph, tagger, gazetteer "
                   "(default: forms,graph,tagger, and gazetteer when --gazetteer is given).")
@click.option("--gazetteer", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Table of divisions: jionlp's china_location.zip (default: an installed jionlp's, "
                   "pip install 'cppcc-kg[gazetteer]').")
def command(path, root, title, source_id, max_chars, no_html, recognizers, gazetteer):
    """Propose entities, links, relations and figures of a new document, for review.

    \b
    Writes graph/proposed/SOURCE.ttl and review/SOURCE.html; nothing else.
    The text must be inside the project (copy it there first); a source id
    that holds the proposals of another text is refused.
    Example:
        cp ../shared/ingest-dev/dev_06.txt sources/
        cppcc-kg ingest sources/dev_06.txt
        cppcc-kg ingest sources/dev_06.txt --recognizers forms,graph
    """
    with exit_on_error(path):
        result = ingest_file(path, root=root, title=title, source_id=source_id, max_chars=max_chars,
                             html=not no_html, recognizers=recognizers, gazetteer=gazetteer)
    click.echo(summary(result))
