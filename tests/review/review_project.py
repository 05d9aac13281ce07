"""The review tests' project: a small project (tests/fixtures/build/minimal) with a short text of our own ingested.

A module of its own (not ``conftest``), so that the tests can import it by a name no other folder uses."""
from __future__ import annotations

from pathlib import Path

from support import copy_project

from cppcc_kg.ingest.pipeline import ingest_file

#: a text we wrote for these tests (made-up bodies of the made-up Test City of the minimal fixture)
TEXT = ("测试市政协召开“协商在基层”工作推进会。会上，测试市政协与青山区人民政府签署合作协议，设立委员工作站。"
        "北岭县政协建立委员联络机制，全年走访群众1200余人次。\n")
BEILING = "mention 51-56 北岭县政协"
LIAISON = "mention 58-64 委员联络机制"
QINGSHAN = "mention 29-36 青山区人民政府"
CITY = "mention 0-5 测试市政协"
CITY_AGAIN = "mention 23-28 测试市政协"
RELATION = "relation 51-79 北岭县政协 established 委员联络机制"
CITY_IRI = "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"


def make_project(root: Path, text: str = TEXT, name: str = "doc.txt", encoding: str = "utf-8") -> Path:
    """A copy of the minimal project with *text* in ``sources/NAME``, ingested."""
    copy_project(root)
    (root / "sources" / name).write_bytes(text.encode(encoding))
    ingest_file(root / "sources" / name, root=root)
    return root

