"""The triples that several files hold: found with one set of every line, or again from what the last load found.

The store holds each triple once (:func:`cppcc_kg.project.file_store.read_into_store`): a line of a file that an
earlier file (in load order) holds too is one of its *duplicates*, kept apart. :class:`Duplicates` finds them file by
file as the files are read, with the number of distinct lines (``distinct``) and the sum of each file's lines
(``read``). Two ways, with the same answers:

* **all the lines**: a set of every line seen (1.2 M lines at scale 1000: 0.6 CPU s, and 0.15 s to free it);
* **since the last load** (the loader's cache holds what it found: :data:`ENTRY`, the files and their keys in load
  order, each file's duplicates, ``distinct`` and ``read``): only the lines that changed are followed.

Why the second gives the first's answers. Let *D* be the lines of the old or the new version of each file whose key
changed, was added or removed, but not of both versions (the *changed lines*). A line *L* not in *D* is held now by
exactly the files that held it at the last load (an unchanged file holds the lines it held, a changed one holds *L*
in both versions or in neither), in the same order (both loads list the files sorted the same way: the files of both
keep their relative order, which is checked); so *L* is a duplicate of a file now exactly when it was, and counts
once in ``distinct`` now exactly when it did. For a line of *D*, the files are followed in load order with, for each
such line, whether a file before holds it: a file's duplicate exactly when one does, as with the set. A line joins
*D* at the (changed or added) file that changes it; the files before it hold it as at the last load (else it would
have joined *D* at one of them, or it is a line of a removed file, which joins *D* before the first file), so that
they are looked into for it once, then (their duplicates of it were right). ``distinct`` moves by the lines of *D*
held now but not at the last load, less those held then but not now; ``read`` by the lines of the versions that
went and came. Looking for a line in a file's canonical N-Triples is looking for the whole line (between two ends of
line, or first); a line's subject is looked for first, once per file (one ``bytes.find``: 70 ms for 195 MB), which
is why this way is taken for a few subjects only (:data:`MOST_SUBJECTS`; a label edited: one), else the set is made
from the files read so far and the rest goes on with it. The tests compare both ways on crafted edits.
"""
from __future__ import annotations

from cppcc_kg.project.cache import Cache, get_json, put_json
from cppcc_kg.project.files import nt_entry
from cppcc_kg.rdf.ntriples import canonical_lines, holds_line, line_set

__all__ = ["ENTRY", "MOST_SUBJECTS", "Duplicates"]

#: the loader's cache entry of what the last load found (JSON)
ENTRY = "duplicates-v1.json"
#: the most subjects of changed lines followed since the last load (each costs one look through every file)
MOST_SUBJECTS = 4
#: the most files added, removed or changed followed since the last load
MOST_FILES = 16


def _subject(line: bytes) -> bytes:
    return line.split(b" ", 1)[0] + b" "


def _has_subject(nt: bytes, lead: bytes) -> bool:
    return nt.startswith(lead) or b"\n" + lead in nt


class Duplicates:
    """The duplicates of each file, as the files come in load order (:meth:`of`); see the module docstring.

    Parameters
    ----------
    cache : Cache or None
        The loader's cache: what the last load found is read from it (:data:`ENTRY`) and what this one finds is
        staged there (:meth:`finish`); None: every line is compared (the set).
    keys : dict
        Relative path -> the file's cache key (filled before the first file comes, by the reader of the files).
    """

    def __init__(self, cache: Cache | None, keys: dict):
        self.cache, self.keys = cache, keys
        self.distinct = self.read = 0
        self.found: dict[str, bytes] = {}  # relative path -> its duplicates (canonical N-Triples)
        self.way = "set"
        self._seen: set[bytes] | None = None  # (the set)
        self._nt: dict[str, bytes] = {}  # the files so far (what the set is made from, if it comes to that)
        self._since = None  # (since the last load: _Since)
        self._started = False

    def of(self, rel: str, nt: bytes) -> bytes:
        """The duplicates of the file *rel* (its canonical N-Triples *nt*), the next file in load order: the lines that
        an earlier file holds too (canonical N-Triples; empty if none)."""
        if not self._started:
            self._started = True
            self._since = _Since.start(self.cache, self.keys)
            if self._since is not None:
                self.way = "since the last load"
        self._nt[rel] = nt
        if self._since is not None:
            again = self._since.of(rel, nt, self._nt)
            if again is not None:
                self._keep(rel, again)
                return again
            self._since, self.way = None, "set (since the last load: too many changes)"
            self._seen = set()  # the set, from the files before this one
            for done, data in self._nt.items():
                if done != rel:
                    lines = line_set(data)
                    self._seen |= lines
                    self.read += len(lines)
        if self._seen is None:
            self._seen = set()
        lines = line_set(nt)
        self.read += len(lines)
        again = lines & self._seen
        self._seen |= lines
        self._keep(rel, canonical_lines(again) if again else b"")
        return self.found.get(rel, b"")

    def _keep(self, rel: str, again: bytes) -> None:
        if again:
            self.found[rel] = again

    def finish(self) -> None:
        """After the last file: :attr:`distinct` and :attr:`read` (the lines of every file, each file's counted once),
        and what was found staged in the cache (for the next load)."""
        if self._since is not None:
            self.distinct, self.read = self._since.finish()
        elif self._seen is not None:
            self.distinct = len(self._seen)
        self._seen = None
        if self.cache is not None and all(rel in self.keys for rel in self._nt):
            put_json(self.cache, ENTRY, {"files": [[rel, self.keys[rel]] for rel in self._nt],
                                         "found": {rel: d.decode("utf-8") for rel, d in self.found.items()},
                                         "distinct": self.distinct, "read": self.read})
        self._nt = {}


class _Since:
    """The duplicates since the last load (see the module docstring)."""

    def __init__(self, old_found, distinct, read, changed):
        self.old_found, self.distinct, self.read = old_found, distinct, read
        self.changed = changed  # relative path -> its old N-Triples (b"" if added) for the files changed or added
        self.followed: dict[bytes, bool] = {}  # line of D -> whether a file before (in load order) holds it
        self.held_before: dict[bytes, bool] = {}  # line of D -> whether the last load held it
        self.subjects: set[bytes] = set()
        self.seen_files: list[str] = []

    @classmethod
    def start(cls, cache: Cache | None, keys: dict) -> _Since | None:
        """From what the last load found, or None when it is not there or not usable (then: the set)."""
        state = get_json(cache, ENTRY, keep=False) if cache is not None else None
        try:
            old_files = {rel: key for rel, key in state["files"]}
            order = [rel for rel, _key in state["files"]]
            old_found = {rel: line_set(text.encode("utf-8")) for rel, text in state["found"].items()}
            distinct, read = int(state["distinct"]), int(state["read"])
            if not all(isinstance(v, str) for v in [*old_files, *old_files.values(), *state["found"].values()]):
                raise TypeError("not a path, a key or lines")  # (an entry of another form: not used)
        except (TypeError, KeyError, ValueError, AttributeError):
            return None
        now = dict(keys)
        common = [rel for rel in order if rel in now]
        if common != [rel for rel in now if rel in old_files] or not set(old_found) <= set(old_files):
            return None  # (not the same relative order)
        gone = [rel for rel in order if rel not in now]
        changed = [rel for rel in now if old_files.get(rel) != now[rel]]
        if len(gone) + len(changed) > MOST_FILES:
            return None
        old = {}
        for rel in gone + [rel for rel in changed if rel in old_files]:
            data = cache.get(nt_entry(old_files[rel]), keep=False)
            if data is None:
                return None
            old[rel] = data
        since = cls(old_found, distinct, read, {rel: old.get(rel, b"") for rel in changed})
        for rel in gone:  # their lines: changed lines from the first file on
            lines = line_set(old[rel])
            since.read -= len(lines)
            if not since._follow(lines, {}):
                return None
            for line in lines:
                since.held_before[line] = True
        return since

    def _follow(self, lines, nt: dict[str, bytes]) -> bool:
        """Follow the changed *lines* from here on: whether a file read so far (*nt*) holds each, looked for; False
        when that makes too many subjects."""
        new = [line for line in lines if line not in self.followed]
        self.subjects |= {_subject(line) for line in new}
        if len(self.subjects) > MOST_SUBJECTS:
            return False
        for line in new:
            self.followed[line] = False
            self.held_before.setdefault(line, False)
        by_subject: dict[bytes, list[bytes]] = {}
        for line in new:
            by_subject.setdefault(_subject(line), []).append(line)
        for rel in self.seen_files:
            data = nt[rel]
            for lead, group in by_subject.items():
                if _has_subject(data, lead):
                    for line in group:
                        if holds_line(data, line):
                            self.followed[line] = True
                            if rel not in self.changed:
                                self.held_before[line] = True
        return True

    def of(self, rel: str, nt: bytes, files: dict[str, bytes]) -> bytes | None:
        """The duplicates of the next file (None: too many changed subjects)."""
        if rel in self.changed:
            old, new = line_set(self.changed[rel]), line_set(nt)
            self.read += len(new) - len(old)
            for line in old:
                self.held_before[line] = True
            if not self._follow(old ^ new, files):
                return None
        again = {line for line in self.old_found.get(rel, ()) if line not in self.followed}
        by_subject: dict[bytes, list[bytes]] = {}
        for line in self.followed:
            by_subject.setdefault(_subject(line), []).append(line)
        for lead, group in by_subject.items():
            if _has_subject(nt, lead):
                for line in group:
                    if holds_line(nt, line):
                        if self.followed[line]:
                            again.add(line)
                        self.followed[line] = True
                        if rel not in self.changed:
                            self.held_before[line] = True
        self.seen_files.append(rel)
        return canonical_lines(again) if again else b""

    def finish(self) -> tuple[int, int]:
        moved = sum(int(now) - int(self.held_before.get(line, False)) for line, now in self.followed.items())
        return self.distinct + moved, self.read
