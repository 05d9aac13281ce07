"""jieba's dictionary read on demand: the same words, frequencies and tags, without building a dict.

The pinyin of a label cuts it into words with jieba, which first builds (or unmarshals from its cache
in the temporary folder) a dict of 498 000 words and prefixes, and :mod:`cppcc_kg.project.pinyin`
reads the tags of its 350 000 dictionary lines: about 1.5 s of CPU in the helper worker before the
first label, when the repository has 153 labels to read. :func:`sorted_words` keeps jieba's
dictionary as it was loaded, once per machine, in a text file beside jieba's own cache: one line per
key of jieba's prefix dictionary, sorted, with its frequency and its tag (``word<TAB>freq<TAB>tag``),
the total first. Reading it takes a split of the text; a lookup is a bisection (then remembered).
The first line of the file names its format and the sha256 of the rest, and the file
is read only if it is this process's user's: the file is in the shared temporary folder under a name
anyone can compute, so a file cut short, altered or left by another user is not read (jieba's dictionary
is loaded instead, and the file written again).

:class:`Words` is a read-only mapping with jieba's ``FREQ`` for keys and values (a word: its
frequency; a proper prefix of a word: 0; anything else: absent); :class:`Tags` gives the tag of each
line of the dictionary that has one, as ``pinyin._tags`` read it. The file is named by the sha256 of
jieba's dictionary file and of this format, written atomically, and is made again from jieba's own
loading when absent or unreadable; the tests compare both mappings with jieba's, key by key.

>>> w = Words(["2", "中\\t0\\t", "中国\\t2\\tns"])
>>> "中" in w, w["中国"], w.get("中"), w.get("国"), len(w), Words.total_of(["2"])
(True, 2, 0, None, 2, 2)
>>> dict(Tags(w._lines))
{'中国': 'ns'}
"""
from __future__ import annotations

import bisect
import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from cppcc_kg.rdf.files import write_atomic

__all__ = ["FORMAT", "Tags", "Words", "sorted_words", "words_file", "write_words"]

#: the version of the file's format (part of its name)
FORMAT = "2"


class Words(Mapping):
    """jieba's prefix dictionary (``Tokenizer.FREQ``) over the sorted lines of :func:`write_words`."""

    def __init__(self, lines: list[str]):
        self._lines = lines  # lines[0] is the total
        self._seen: dict[str, str | None] = {}

    @staticmethod
    def total_of(lines: list[str]) -> int:
        return int(lines[0])

    def line(self, word) -> str | None:
        """The line of *word* (None if it is not a key)."""
        try:
            return self._seen[word]
        except KeyError:
            pass
        found = None
        if isinstance(word, str):
            key = word + "\t"  # a tab sorts before every character of a word: the word's own line first
            i = bisect.bisect_left(self._lines, key, 1)
            if i < len(self._lines) and self._lines[i].startswith(key):
                found = self._lines[i]
        self._seen[word] = found
        return found

    def __contains__(self, word) -> bool:
        return self.line(word) is not None

    def __getitem__(self, word) -> int:
        line = self.line(word)
        if line is None:
            raise KeyError(word)
        return int(line.split("\t", 2)[1])

    def get(self, word, default=None):
        line = self.line(word)
        return default if line is None else int(line.split("\t", 2)[1])

    def __iter__(self) -> Iterator[str]:
        return (line.split("\t", 1)[0] for line in self._lines[1:])

    def __len__(self) -> int:
        return len(self._lines) - 1


class Tags(Mapping):
    """Word -> its tag in jieba's dictionary, for the words whose line has one."""

    def __init__(self, lines: list[str]):
        self._words = Words(lines)

    def __getitem__(self, word) -> str:
        tag = self.get(word)
        if tag is None:
            raise KeyError(word)
        return tag

    def get(self, word, default=None):
        line = self._words.line(word)
        tag = line.split("\t", 2)[2] if line is not None else ""
        return tag or default

    def __iter__(self) -> Iterator[str]:
        return (line.split("\t", 1)[0] for line in self._words._lines[1:] if not line.endswith("\t"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def words_file(dictionary: bytes, folder: Path | None = None) -> Path:
    """Where the sorted words of jieba's dictionary file *dictionary* (its bytes) are kept."""
    digest = hashlib.sha256(dictionary + b"\0" + FORMAT.encode()).hexdigest()[:24]
    return Path(folder or tempfile.gettempdir()) / f"cppcc-kg-jieba-{digest}.txt"


def write_words(path: Path, freq: dict[str, int], total: int, tags: dict[str, str]) -> None:
    """Write jieba's prefix dictionary *freq*, its *total* and the *tags* (word -> tag) to *path*.

    Refused (ValueError) if a word or a tag holds a tab or a line break, or a tag is of no word."""
    words = sorted(freq)
    joined = "\n".join(words) + "\n" + "\n".join(tags.values())
    if "\t" in joined or joined.count("\n") != len(words) + max(len(tags) - 1, 0) or not tags.keys() <= freq.keys():
        raise ValueError("jieba's dictionary does not fit the file (a tab, a line break, a tag of no word)")
    get = tags.get
    body = ("\n".join([str(total)] + [f"{w}\t{freq[w]}\t{get(w, '')}" for w in words]) + "\n").encode("utf-8")
    write_atomic(path, _header(body) + body)


def _header(body: bytes) -> bytes:
    """The first line of the file of *body*: the format and the sha256 of *body* (9 ms)."""
    return f"cppcc-kg-jieba-words\t{FORMAT}\t{hashlib.sha256(body).hexdigest()}\n".encode()


def sorted_words(path: Path) -> list[str] | None:
    """The lines of *path* (written by :func:`write_words`, its first line apart), or None if it is absent,
    unreadable, not this user's, or not the bytes its first line describes."""
    try:
        with open(path, "rb") as f:
            if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
                return None
            data = f.read()
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    if head + b"\n" != _header(body):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if len(lines) < 2 or lines[-1] != "" or not lines[0].isdigit():
        return None
    return lines[:-1]
