"""Each notebook is a jupytext script and its .ipynb, in step, without outputs or volatile metadata;
``cppcc-kg notebooks`` re-syncs them after an edit of either side and pairs a new one."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO_ROOT

from cppcc_kg.build.notebooks import (
    REQUIRED_MODULES,
    VOLATILE_CELL_METADATA,
    check_notebooks,
    external_resources,
    sync_notebooks,
)
from cppcc_kg.cli import main

NOTEBOOKS = REPO_ROOT / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("*.py"))


def test_every_notebook_is_a_pair_in_step():
    assert SCRIPTS, "no notebook in notebooks/"
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == [p.stem for p in SCRIPTS]
    assert check_notebooks(NOTEBOOKS) == [], "run: cppcc-kg notebooks"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_ipynb_holds_no_output_and_no_volatile_metadata(script):
    path = script.with_suffix(".ipynb")
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    # the JSON Jupyter writes (indent 1, sorted keys, UTF-8 as is), so that a re-sync changes nothing
    assert text == json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert set(nb["metadata"]) <= {"jupytext", "kernelspec"}, "language_info and the like name one machine"
    assert "jupytext_version" not in nb["metadata"]["jupytext"].get("text_representation", {})
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids)
    for cell in nb["cells"]:
        assert not set(cell["metadata"]) & VOLATILE_CELL_METADATA, cell["id"]
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["id"]
    assert "jupytext_version:" not in script.read_text(encoding="utf-8")  # it changes with jupytext


def _as_saved_by_jupyterlab(ipynb: Path, old: str, new: str) -> None:
    """*ipynb* as JupyterLab saves it after a run: a cell edited, outputs, counts, timings."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.2"}
    for n, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = n + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["out\n"]}]
        cell["metadata"]["ExecuteTime"] = {"end_time": "2026-01-01T00:00:00Z"}
        cell["id"] = f"random{n}"
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    first["source"] = "".join(first["source"]).replace(old, new)
    ipynb.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    later = ipynb.with_suffix(".py").stat().st_mtime + 5
    os.utime(ipynb, (later, later))


def test_sync_takes_the_cells_saved_last_and_strips_the_outputs(tmp_path):
    shutil.copytree(NOTEBOOKS, tmp_path / "nb")
    folder = tmp_path / "nb"
    _as_saved_by_jupyterlab(folder / "sparql.ipynb", "import os\n", "import os  # edited in JupyterLab\n")
    problems = check_notebooks(folder)
    assert problems == [f"{folder / 'sparql.ipynb'}: not the cells of sparql.py without outputs and volatile metadata"]
    done = sync_notebooks(folder)
    assert done == ["sparql.py: written from sparql.ipynb", "sparql.ipynb: written from sparql.ipynb"]
    assert "import os  # edited in JupyterLab\n" in (folder / "sparql.py").read_text(encoding="utf-8")
    assert check_notebooks(folder) == []
    assert sync_notebooks(folder) == []  # a second sync changes nothing
    # the .ipynb is the one the repository would hold for that script: only the edited cell differs
    before = json.loads((NOTEBOOKS / "sparql.ipynb").read_text(encoding="utf-8"))["cells"]
    after = json.loads((folder / "sparql.ipynb").read_text(encoding="utf-8"))["cells"]
    assert [c["id"] for c in before] != [c["id"] for c in after]
    assert sum(a != b for a, b in zip(before, after)) == 1


def test_sync_writes_the_ipynb_of_an_edited_script(tmp_path):
    shutil.copytree(NOTEBOOKS, tmp_path / "nb")
    script = tmp_path / "nb" / "centrality.py"
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nprint('one more cell')\n", encoding="utf-8")
    later = script.stat().st_mtime + 5
    os.utime(script, (later, later))
    assert sync_notebooks(tmp_path / "nb") == ["centrality.ipynb: written from centrality.py"]
    cells = json.loads((tmp_path / "nb" / "centrality.ipynb").read_text(encoding="utf-8"))["cells"]
    assert cells[-1]["source"] == ["print('one more cell')"]


def test_a_new_notebook_is_paired_in_one_step(tmp_path):
    (tmp_path / "classes.py").write_text('# %% [markdown]\n# # Classes\n\n# %%\nx = 1\nx\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["notebooks", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "classes.ipynb: written from classes.py" in result.output
    script = (tmp_path / "classes.py").read_text(encoding="utf-8")
    assert "formats: ipynb,py:percent" in script and script.endswith("# %%\nx = 1\nx\n")
    nb = json.loads((tmp_path / "classes.ipynb").read_text(encoding="utf-8"))
    assert [c["cell_type"] for c in nb["cells"]] == ["markdown", "code"]
    assert CliRunner().invoke(main, ["notebooks", "--folder", str(tmp_path), "--check"]).exit_code == 0


def test_a_notebook_made_in_jupyterlab_gets_its_script(tmp_path):
    shutil.copy(NOTEBOOKS / "sparql.ipynb", tmp_path / "made.ipynb")
    sync_notebooks(tmp_path)
    assert (tmp_path / "made.py").read_text(encoding="utf-8") == (NOTEBOOKS / "sparql.py").read_text(encoding="utf-8")
    assert check_notebooks(tmp_path) == []


def test_check_exits_1_and_names_the_notebook(tmp_path):
    shutil.copytree(NOTEBOOKS, tmp_path / "nb")
    (tmp_path / "nb" / "centrality.ipynb").unlink()
    result = CliRunner().invoke(main, ["notebooks", "--folder", str(tmp_path / "nb"), "--check"])
    assert result.exit_code == 1
    assert "centrality.ipynb: missing" in result.output and "run cppcc-kg notebooks" in result.output
    assert not (tmp_path / "nb" / "centrality.ipynb").exists()  # --check writes nothing


@pytest.mark.parametrize("module", ["nbconvert", "jupytext"])
def test_without_the_extra_a_clear_message_and_exit_2(module, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "--root", str(REPO_ROOT), "--out", str(out), "--notebooks"])
    assert result.exit_code == 2, result.output
    assert f"{module} is not installed" in result.output and "pip install -e '.[notebooks]'" in result.output
    assert "Traceback" not in result.output and not out.exists()  # said before building anything
    result = CliRunner().invoke(main, ["notebooks", "--folder", str(NOTEBOOKS)])
    assert result.exit_code == 2 and "pip install -e '.[notebooks]'" in result.output


def test_the_extra_brings_jupyterlab_and_what_the_pages_need():
    extra = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {req.split(">")[0].split("=")[0].split("<")[0].strip().lower()
             for req in extra["project"]["optional-dependencies"]["notebooks"]}
    assert {"jupyterlab", "jupytext"} <= names
    assert set(REQUIRED_MODULES) <= names
    assert "mplfonts" in names  # the notebooks draw Chinese names


def test_external_resources_are_the_loads_not_the_links():
    html = """<html><head><script src="https://cdn.example/require.js"></script>
    <link rel="stylesheet" href="//fonts.example/css"><style>@import 'http://x.example/a.css';
    body { background: url("https://img.example/b.png") }</style></head>
    <body><img src="data:image/png;base64,AAAA"><img src="local.png">
    <a href="https://jupytext.readthedocs.io">a link</a><a href="#top">top</a></body></html>"""
    assert external_resources(html) == ["//fonts.example/css", "http://x.example/a.css",
                                        "https://cdn.example/require.js", "https://img.example/b.png"]


def test_jupytext_sync_of_a_pair_in_step_changes_nothing(tmp_path):
    """JupyterLab's jupytext and ``jupytext --sync`` write the pair as the repository holds it."""
    shutil.copytree(NOTEBOOKS, tmp_path / "nb")
    done = subprocess.run([sys.executable, "-m", "jupytext", "--sync", *(p.name for p in SCRIPTS)],
                          cwd=tmp_path / "nb", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for path in sorted(NOTEBOOKS.glob("*.*")):
        assert (tmp_path / "nb" / path.name).read_bytes() == path.read_bytes(), path.name
