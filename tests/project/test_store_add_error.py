"""Hostile review of issue 15: an error of the store's loader met while the files are still read (in
``StoreLoader.add``) is the same clean InputError as one met at the end, not a bare exception."""
from __future__ import annotations

import threading
import time

import pytest

import cppcc_kg.rdf.store as store_module
from cppcc_kg.errors import InputError
from cppcc_kg.project.files import project_files
from cppcc_kg.project.load import load


@pytest.mark.parametrize("beside", [False, True])
def test_an_error_of_the_loader_before_the_last_file_is_an_input_error(make_project, monkeypatch, beside):
    root = make_project()
    rels = project_files(root)
    assert len(rels) >= 2
    real = store_module._load_graphs

    def broken(graphs, store):
        graphs = list(graphs)
        if threading.current_thread().name == "cppcc-kg-store-loader" and any(iri.endswith(rels[0]) for iri, _ in graphs):
            raise ValueError("boom")
        return real(graphs, store)

    real_add = store_module.StoreLoader.add

    def add(self, iri, nt):  # the second file comes once the thread has failed on the first
        if self._thread is not None:
            deadline = time.monotonic() + 10
            while self.error is None and time.monotonic() < deadline:
                time.sleep(0.001)
        return real_add(self, iri, nt)

    monkeypatch.setattr(store_module, "_load_graphs", broken)
    monkeypatch.setattr(store_module.StoreLoader, "add", add)
    with pytest.raises(InputError) as caught:
        project = load(root, cache=False, store_beside=beside)
        _ = project.store
    assert str(caught.value).startswith(f"{rels[0]}: Oxigraph could not load") and "boom" in str(caught.value)
