"""A gazetteer of China's administrative divisions, read as data: provinces down to villages and communities.

The table is jionlp's ``dictionary/china_location.zip`` (Apache-2.0; five levels: province, prefecture,
county, town or street, village or community, one name a line, its level given by the tabs before it; the
first three levels carry their division code and short form after a tab). It is read as a file, **without
importing jionlp** (whose dependency jiojio is GPLv3): from an installed ``jionlp`` distribution
(``pip install 'cppcc-kg[gazetteer]'``), found through its metadata, or from a path the user gives (a
``.zip`` holding one ``.txt``, or the ``.txt`` itself). Nothing of the table is kept in this repository.

Only names that end with an administrative last word (the lexicon's ``[recognizers].gazetteer_endings``)
and are not generic words (``[recognizers].generic``) are kept: the gazetteer proposes 草堂镇 and 欧营村,
never 乡村 or 社区, which are also the names of some villages.

>>> gaz = read_gazetteer_text("甲省\\t100000\\t甲\\n\\t乙市\\t100100\\t乙\\n\\t\\t丙县\\t100101\\t丙\\n"
...                           "\\t\\t\\t丁镇\\n\\t\\t\\t\\t戊村\\n\\t\\t\\t\\t社区\\n")
>>> sorted(gaz.levels.items())
[('丁镇', 3), ('丙县', 2), ('乙市', 1), ('戊村', 4), ('甲省', 0)]
>>> gaz.find("他从丙县丁镇到了戊村。")
[(2, 4, '丙县'), (4, 6, '丁镇'), (8, 10, '戊村')]
"""
from __future__ import annotations

import importlib.metadata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.text import IngestInputError

__all__ = ["GAZETTEER_DISTRIBUTION", "GAZETTEER_FILE", "Gazetteer", "find_gazetteer_file", "read_gazetteer",
           "read_gazetteer_text"]

#: the distribution that ships the table, and the table's path inside it
GAZETTEER_DISTRIBUTION = "jionlp"
GAZETTEER_FILE = "jionlp/dictionary/china_location.zip"
#: the names of divisions are 2 to 20 characters long; longer lines are not names
_MAX_NAME = 20


@dataclass(frozen=True)
class Gazetteer:
    """The names of divisions (with an administrative last word) -> their level (0 province … 4 village)."""

    levels: dict[str, int]
    lengths: tuple[int, ...]  # the lengths of the names, longest first

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every occurrence of a name in *text*, the longest at each position: ``(start, end, name)``."""
        out = []
        levels, n = self.levels, len(text)
        for i in range(n):
            for length in self.lengths:
                if i + length <= n and text[i:i + length] in levels:
                    out.append((i, i + length, text[i:i + length]))
                    break
        return out


def find_gazetteer_file(path: str | Path | None = None) -> Path | None:
    """The table: *path* when given (it must exist), else the file of the installed jionlp distribution (None
    when jionlp is not installed). jionlp is never imported: its file is found through its metadata."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise IngestInputError(f"{p}: gazetteer file not found",
                                   "give the path of jionlp's dictionary/china_location.zip (or its .txt), "
                                   "or install it with: pip install 'cppcc-kg[gazetteer]'.")
        return p
    try:
        dist = importlib.metadata.distribution(GAZETTEER_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    p = Path(str(dist.locate_file(GAZETTEER_FILE)))
    return p if p.is_file() else None


def read_gazetteer(path: str | Path) -> Gazetteer:
    """The gazetteer in the file *path* (a zip holding one ``.txt``, or the ``.txt``)."""
    p = Path(path)
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                members = [n for n in z.namelist() if n.endswith(".txt")]
                if len(members) != 1:
                    raise IngestInputError(f"{p}: expected one .txt in the zip, found {len(members)}",
                                           "give jionlp's dictionary/china_location.zip or the .txt it holds.")
                text = z.read(members[0]).decode("utf-8")
        else:
            text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as e:
        raise IngestInputError(f"{p}: cannot read the gazetteer ({e})",
                               "give jionlp's dictionary/china_location.zip, UTF-8 text inside.") from e
    gaz = read_gazetteer_text(text)
    if not gaz.levels:
        raise IngestInputError(f"{p}: no names of divisions found in the gazetteer",
                               "give jionlp's dictionary/china_location.zip (one name a line, levels by tabs).")
    return gaz


def read_gazetteer_text(text: str) -> Gazetteer:
    """The gazetteer in *text*: one division a line, its level the number of tabs before its name."""
    endings = tuple(LEXICON.recognizers["gazetteer_endings"])
    generic = set(LEXICON.recognizers["generic"])
    levels: dict[str, int] = {}
    for line in text.splitlines():
        stripped = line.lstrip("\t")
        name = stripped.split("\t", 1)[0].strip()
        if not (2 <= len(name) <= _MAX_NAME) or not name.endswith(endings) or name in generic \
                or name in endings:
            continue
        level = len(line) - len(stripped)
        levels[name] = min(level, levels.get(name, level))
    return Gazetteer(levels=levels, lengths=tuple(sorted({len(k) for k in levels}, reverse=True)))
