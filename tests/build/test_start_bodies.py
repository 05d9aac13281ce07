"""``rdf_files.start_bodies``: the helper makes the Turtle and JSON-LD of exactly the files whose entries the
loader's cache lacks (read from one listing of the cache's folder and its staged entries), as ``Cache.has``
tells them (a test of each file)."""
from __future__ import annotations

from cppcc_kg.build import rdf_files
from cppcc_kg.build.pipeline import build
from cppcc_kg.project.files import graph_iri
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus


class Pool:
    """Records the graphs asked for instead of making them."""

    def __init__(self):
        self.asked: list[str] = []

    def map_async(self, fn, items, chunksize=1):
        self.asked = sorted(iri for iri, _ in items)
        return "job"


def _held(cache, name: str) -> bool:
    """The former ``Cache.has``: a test of the file in the staging folder and in the cache's (``Cache.has`` now
    answers from a listing of the folder made once, which does not see an entry removed after it)."""
    return any((folder / name).is_file() for folder in (cache._staging, cache.dir))


def _oracle(project) -> list[str]:
    """The graphs the cache lacks an entry of, by the former ``Cache.has`` (a test of each file)."""
    v = rdf_files.EXPORT_VERSION
    lacking = []
    for rel, nt in project.nt.items():
        key = project.keys.get(rel)
        if nt and not (key and _held(project.cache, f"{key}.v{v}.ttl") and _held(project.cache, f"{key}.v{v}.misread")):
            lacking.append(str(graph_iri(rel)))
    return sorted(lacking)


def test_only_the_files_the_cache_lacks(tmp_path):
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    build(root)
    project = load(root, cache=True, write_cache=True)
    try:
        pool = Pool()
        assert rdf_files.start_bodies(project, pool) is None and _oracle(project) == []
        rel = "graph/synth-0001/entities.ttl"
        key = project.keys[rel]
        (project.cache.dir / f"{key}.v{rdf_files.EXPORT_VERSION}.misread").unlink()  # one entry gone
        other = "graph/synth-0002/entities.ttl"
        (project.cache.dir / f"{project.keys[other]}.v{rdf_files.EXPORT_VERSION}.ttl").rename(
            project.cache.dir / "elsewhere")
        project.cache.put(f"{project.keys[other]}.v{rdf_files.EXPORT_VERSION}.ttl", b"staged")  # staged: held
        assert rdf_files.start_bodies(project, pool) == "job"
        assert pool.asked == _oracle(project) == [str(graph_iri(rel))]
    finally:
        project.discard_cache()
        project.close()


def test_a_disabled_cache_makes_every_file(tmp_path):
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    build(root)
    project = load(root, cache=False)
    try:
        pool = Pool()
        assert rdf_files.start_bodies(project, pool) == "job"
        assert pool.asked == sorted(str(graph_iri(rel)) for rel, nt in project.nt.items() if nt)
    finally:
        project.close()
