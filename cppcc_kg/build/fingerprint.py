"""Whether a build is up to date: the fingerprint of its inputs, recorded in the build's marker.

The fingerprint of a build is what its outputs depend on:

* every input file: the files the loader reads (:func:`cppcc_kg.project.layout.project_files`),
  the source texts they name (as the previous build read them), the data rules (every file of
  ``rules/``), and with ``--notebooks`` every file of ``notebooks/`` and ``queries/``;
* the options that change outputs: the stages and the SHACL engine;
* the code: the files of the ``cppcc_kg`` package that runs, the name and version of every
  installed distribution (a superset of the dependencies that shape the outputs: pyoxigraph,
  rdflib, networkx, igraph, pyvis, pandas, pypinyin, …) and the Python version.

The build records it in its marker (:data:`cppcc_kg.project.layout.BUILD_MARKER`, after the
marker's line) with the size, mtime and inode of each output file. The next build first
calls :func:`check_build`: same fingerprint, and every output there and unchanged (no file
added or removed either), means up to date and nothing is written. Each file's sha256 is kept
in a stat cache (``ROOT/.cache/cppcc-kg/fingerprint/stat.json``: path, size, mtime, ctime,
inode -> digest) so that a build with nothing changed makes only ``stat`` calls; a file whose
mtime is within :data:`RACY_SECONDS` of the moment it was hashed is not cached (it could
change again within the clock's resolution), so it is hashed again the next time.

This module imports nothing heavy (no rdflib, pyoxigraph, pandas or networkx):
``cppcc-kg build`` with nothing changed ends before any of them would be imported.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "ontology.ttl").write_text("# none\\n", encoding="utf-8")
>>> check_build(root, root / "build", build_options()).reason
'no previous build in build/'
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cppcc_kg
from cppcc_kg.project.layout import (
    BUILD_MARKER,
    BUILD_MARKER_TEXT,
    CACHE_DIR,
    is_build_marker,
    project_files,
)
from cppcc_kg.rdf.files import sha256_of_file, write_atomic

__all__ = ["FORMAT", "RACY_SECONDS", "BuildCheck", "StatCache", "build_options", "check_build",
           "code_fingerprint", "folder_files", "input_files", "notebook_inputs", "output_files", "output_stamp",
           "read_record"]

#: the version of the record's form: a build that finds another one builds again
FORMAT = 2
#: a file modified less than this many seconds before it was hashed is not kept in the stat cache
RACY_SECONDS = 2.0
#: the stat cache, under the project root
STAT_CACHE = CACHE_DIR / "fingerprint" / "stat.json"
#: folders never part of an input folder (editor and Jupyter droppings)
_SKIPPED_FOLDERS = frozenset({"__pycache__", ".ipynb_checkpoints", ".git"})


def build_options(*, notebooks: bool = False, shacl_engine: str = "auto", stages: str | None = None) -> dict:
    """The options of a build that change its outputs.

    *stages* names a stage list other than the default (with or without the notebooks).

    >>> build_options(notebooks=True)
    {'stages': 'default+notebooks', 'shacl_engine': 'auto'}
    """
    options = {"stages": stages or ("default+notebooks" if notebooks else "default"), "shacl_engine": shacl_engine}
    # networkx reads these at import (a backend chosen runs k-cores and Louvain): they may change metrics
    env = {k: v for k, v in sorted(os.environ.items()) if k.startswith("NETWORKX_")}
    if env:
        options["env"] = env
    return options


class StatCache:
    """sha256 of files, kept by (size, mtime_ns, ctime_ns, inode, device) in a JSON file.

    Reading it is best effort (a broken or missing file is an empty cache); :meth:`save`
    writes it only when an entry changed, and never raises.
    """

    def __init__(self, path: Path | None, *, enabled: bool = True):
        self.path = Path(path) if path is not None else None
        self.entries: dict[str, list] = {}
        self.changed = False
        self.hashed: list[str] = []
        if enabled and self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("files"), dict):
                    self.entries = data["files"]
            except (OSError, ValueError):
                pass
        self.enabled = enabled

    def digest(self, path: Path | str) -> str | None:
        """The sha256 (hex) of the regular file *path*, or None when it is missing or not a file."""
        key = str(path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not _is_regular(st.st_mode):
            return None
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        known = self.entries.get(key)
        if known is not None and known[:5] == stamp:
            return known[5]
        started = time.time_ns()
        try:
            digest = sha256_of_file(path)
        except OSError:
            return None
        self.hashed.append(key)
        if self.enabled and st.st_mtime_ns < started - int(RACY_SECONDS * 1e9):
            self.entries[key] = [*stamp, digest]
            self.changed = True
        elif key in self.entries:
            del self.entries[key]
            self.changed = True
        return digest

    def forget_except(self, keep: set[str]) -> None:
        """Drop the entries of files not in *keep* (a file removed from the project)."""
        gone = [k for k in self.entries if k not in keep]
        for k in gone:
            del self.entries[k]
        self.changed = self.changed or bool(gone)

    def save(self) -> str | None:
        """Write the cache if an entry changed; best effort: the reason it could not, or None."""
        if not (self.enabled and self.changed and self.path is not None):
            return None
        try:
            write_atomic(self.path, json.dumps({"format": FORMAT, "files": self.entries}, sort_keys=True))
        except OSError as exc:
            return f"the stat cache {self.path} was not updated ({exc.strerror or exc})"
        self.changed = False
        return None


def _is_regular(mode: int) -> bool:
    return (mode & 0o170000) == 0o100000


def folder_files(root: Path, folder: str, *, recursive: bool) -> list[str]:
    """The files of ``ROOT/folder`` (relative posix paths, sorted); none if it is absent."""
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_FOLDERS) if recursive else []
        for name in filenames:
            found.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(found)


def input_files(root: Path, options: dict) -> list[str]:
    """The input files of a build of *root* (relative paths): what the loader reads, the data
    rules, and with the notebooks stage ``notebooks/`` and ``queries/`` (the source texts come
    from the record of the previous build: the Turtle names them)."""
    root = Path(root)
    rels = project_files(root) + folder_files(root, "rules", recursive=False)
    if options.get("stages") != "default":
        rels += notebook_inputs(root)
    return rels


def notebook_inputs(root: Path) -> list[str]:
    """The files the notebooks stage reads besides the outputs: ``notebooks/`` and ``queries/``."""
    return folder_files(root, "notebooks", recursive=True) + folder_files(root, "queries", recursive=True)


def _distributions() -> list[str]:
    """``name==version`` of every distribution installed on ``sys.path`` (from the names of their
    ``.dist-info`` / ``.egg-info`` folders: one listing per folder, no metadata read)."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                dist, _, version = stem.partition("-")
                found.add(f"{re.sub(r'[-_.]+', '-', dist).lower()}=={version}")
    return sorted(found)


def code_fingerprint(stat_cache: StatCache | None = None) -> dict:
    """The code that makes the outputs: a digest of the files of the running ``cppcc_kg`` package,
    one of the installed distributions (names and versions), and the Python version."""
    cache = stat_cache or StatCache(None, enabled=False)
    package = Path(cppcc_kg.__file__).resolve().parent
    h = hashlib.sha256()
    for rel in folder_files(package.parent, package.name, recursive=True):
        if rel.endswith((".pyc", ".pyo")):
            continue
        h.update(f"{rel}\0{cache.digest(package.parent / rel)}\n".encode())
    dists = hashlib.sha256("\n".join(_distributions()).encode()).hexdigest()
    return {"package": h.hexdigest(), "distributions": dists, "python": sys.version}


def output_stamp(st: os.stat_result) -> list[int]:
    """``[size, mtime_ns, inode, ctime_ns]`` of an output's ``lstat`` (size -1: a symbolic link or a special
    file, never a build's); the ctime too: an in-place edit whose mtime is put back (touch -d) still changes it."""
    return [st.st_size if _is_regular(st.st_mode) else -1, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


def output_files(out: Path) -> dict[str, list[int]]:
    """``{relative path: output_stamp}`` of every entry of the folder *out* but the marker
    (:func:`output_stamp`)."""
    out = Path(out)
    found: dict[str, list[int]] = {}
    for dirpath, dirnames, filenames in os.walk(out):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            rel = Path(path).relative_to(out).as_posix()
            if rel == BUILD_MARKER:
                continue
            try:
                st = os.lstat(path)
            except OSError:  # gone meanwhile (a concurrent build's swap): not the recorded output
                found[rel] = [-2, 0, 0, 0]
                continue
            found[rel] = output_stamp(st)
    return found


def read_record(out: Path) -> dict | None:
    """The record of the build in *out* (the JSON after the marker's line), or None."""
    marker = Path(out) / BUILD_MARKER
    try:
        if marker.is_symlink():
            return None
        data = marker.read_bytes()
    except OSError:
        return None
    if not is_build_marker(data):
        return None
    try:
        record = json.loads(data[len(BUILD_MARKER_TEXT):] or b"null")
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("format") == FORMAT else None


@dataclass
class BuildCheck:
    """What :func:`check_build` found: whether the build in ``out`` is up to date, and why not.

    ``fingerprint`` holds the parts measured before the build (the inputs' digests first: a file
    saved while the build runs then makes the next build run again); :meth:`record` adds the
    source texts the build read and its outputs.
    """

    root: Path
    out: Path
    up_to_date: bool
    reason: str
    fingerprint: dict = field(default_factory=dict)
    stat_cache: StatCache | None = None
    outputs: int = 0
    #: the input files (relative paths) whose digests the fingerprint holds
    inputs: list[str] = field(default_factory=list)
    #: the record of the build in ``out`` (None: none, or of an earlier version)
    previous: dict | None = None

    def record(self, texts: dict[str, str], folder: Path, stage_keys: dict[str, str] | None = None) -> bytes:
        """The marker's bytes for a build in *folder* that read the source *texts* (path -> sha256);
        *stage_keys*: the digest of the inputs of a stage whose output the next build may keep."""
        record = {**self.fingerprint, "format": FORMAT, "texts": dict(sorted(texts.items())),
                  "outputs": output_files(folder)}
        if stage_keys:
            record["stages"] = dict(sorted(stage_keys.items()))
        return BUILD_MARKER_TEXT + json.dumps(record, sort_keys=True, separators=(",", ":")).encode() + b"\n"

    def warm(self, texts: list[str]) -> str | None:
        """After a build: hash the source *texts* into the stat cache, drop the entries of files that are
        no longer inputs, and save it (best effort: the reason it could not, or None)."""
        if self.stat_cache is None or not self.stat_cache.enabled:
            return None
        for rel in texts:
            self.stat_cache.digest(os.path.join(str(self.root), rel))
        keep = {os.path.join(str(self.root), r) for r in [*self.inputs, *texts]} | _code_keys(self.stat_cache)
        self.stat_cache.forget_except(keep)
        return self.stat_cache.save()


def _digests(root: Path, rels: list[str], cache: StatCache) -> dict[str, str | None]:
    base = str(root)  # joined as strings: pathlib's joins were half of the check's time at 5 000 files
    return {rel: cache.digest(os.path.join(base, rel)) for rel in rels}


def _first_difference(old: dict, new: dict, what: str) -> str | None:
    for rel in sorted(set(old) | set(new)):
        if rel not in new:
            return f"{what} {rel} was removed"
        if rel not in old:
            return f"{what} {rel} was added"
        if old[rel] != new[rel]:
            return f"{what} {rel} changed"
    return None


def _reason(record: dict | None, now: dict, outputs: dict, out_name: str) -> str | None:
    """Why the build recorded as *record* is not up to date (None: it is)."""
    if record is None:
        return f"the marker of {out_name}/ records no fingerprint (an earlier version built it)"
    if record.get("options") != now["options"]:
        return f"the options changed ({record.get('options')} -> {now['options']})"
    code = record.get("code") or {}
    for part, said in (("package", "the cppcc_kg code"), ("distributions", "the installed packages"),
                       ("python", "the Python version")):
        if code.get(part) != now["code"][part]:
            return f"{said} changed"
    changed = _first_difference(record.get("inputs") or {}, now["inputs"], "input")
    changed = changed or _first_difference(record.get("texts") or {}, now["texts"], "source text")
    changed = changed or _first_difference(record.get("outputs") or {}, outputs, f"output {out_name}/")
    return changed


def check_build(root: Path, out: Path, options: dict, *, cache: bool = True, force: bool = False) -> BuildCheck:
    """Whether the build in *out* is up to date for the project *root* built with *options*
    (:func:`build_options`); *force* (or ``cache=False``, a clean build) says it is not.

    Writes nothing but the stat cache, and that only when a file's stat changed but its bytes did
    not (then the build is still up to date) or when it is not up to date; see the module docstring.
    """
    root, out = Path(root), Path(out)
    stat_cache = StatCache(root / STAT_CACHE, enabled=cache)
    out_name = out.name
    record = read_record(out) if out.is_dir() and not out.is_symlink() else None
    outputs = output_files(out) if record is not None else {}
    rels = input_files(root, options)
    now = {"options": options, "code": code_fingerprint(stat_cache), "inputs": _digests(root, rels, stat_cache),
           "texts": _digests(root, sorted((record or {}).get("texts") or {}), stat_cache)}
    fingerprint = {k: now[k] for k in ("options", "code", "inputs")}
    check = BuildCheck(root, out, False, "", fingerprint, stat_cache, len(outputs))
    if force or not cache:
        check.reason = "--force" if force else "a clean build (--no-cache)"
    elif not out.is_dir() or not (out / BUILD_MARKER).exists():
        check.reason = f"no previous build in {out_name}/"
    else:
        reason = _reason(record, now, outputs, out_name)
        check.up_to_date, check.reason = reason is None, reason or "nothing changed"
    if check.up_to_date:
        stat_cache.save()  # only if a file was touched but its bytes did not change
    check.inputs, check.previous = rels, record
    return check


def _code_keys(stat_cache: StatCache) -> set[str]:
    package = str(Path(cppcc_kg.__file__).resolve().parent)
    return {k for k in stat_cache.entries if k.startswith(package + os.sep)}
