"""The notebooks of ``notebooks/``: their ``.ipynb`` pairs, and their executed pages.

Each notebook is two files in git: a jupytext **py:percent** script (``NAME.py``, reviewed like
code) and its ``NAME.ipynb`` (what JupyterLab, VS Code and repository browsers open), without
outputs, execution counts or volatile metadata, its JSON written the same way every time.
:func:`sync_notebooks` (``cppcc-kg notebooks``) pairs and re-syncs them after an edit of either
side; :func:`check_notebooks` says which pairs are out of step.

:func:`write_notebook_pages` (``cppcc-kg build --notebooks``) executes each notebook on a build in
a fresh kernel and writes it as one self-contained HTML page (``build/notebooks/NAME.html``):
tables and PNG plots inline, no script, style or font fetched from the network, the same bytes
for the same build.

Jupytext, nbformat, nbclient, nbconvert and ipykernel come with the ``notebooks`` extra
(``pip install -e '.[notebooks]'``); without them, :func:`require_notebook_extra` says what to
install (exit code 2).

>>> notebook_id("code", "x = 1")
'c-8ff436de'
>>> external_resources('<img src="data:image/png;base64,AA"><script src="https://cdn.example/x.js"></script>')
['https://cdn.example/x.js']
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from cppcc_kg.errors import InputError, StageError
from cppcc_kg.rdf.files import write_atomic

__all__ = ["NOTEBOOK_EXTRA", "NotebookExtraMissing", "check_notebooks", "external_resources",
           "notebook_id", "notebook_scripts", "require_notebook_extra", "sync_notebooks",
           "write_notebook_pages"]

#: the command that installs what the notebooks need
NOTEBOOK_EXTRA = "pip install -e '.[notebooks]'"
#: the modules of the extra that pairing and rendering need
REQUIRED_MODULES = ("jupytext", "nbformat", "nbclient", "nbconvert", "ipykernel", "matplotlib")
#: the text format of the scripts, and the pair
SCRIPT_FORMAT = "py:percent"
PAIRED_FORMATS = "ipynb,py:percent"
#: jupytext would write its own version into each script's header: left out (it changes with jupytext)
METADATA_FILTER = "-jupytext.text_representation.jupytext_version"
#: the notebook metadata kept in the .ipynb (language_info names the Python of whoever saved it)
KEPT_METADATA = ("jupytext", "kernelspec")
#: cell metadata that front ends add while one works (timings, scroll and collapse state)
VOLATILE_CELL_METADATA = frozenset({"execution", "ExecuteTime", "collapsed", "scrolled", "trusted",
                                    "heading_collapsed", "hidden", "papermill", "vscode"})
#: run before the notebook's own cells (and dropped from the page): PNG figures without the
#: matplotlib version in their metadata, so that a page depends on the build only
SETUP_CELL = """%config InlineBackend.figure_formats = ["png"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": "tight", "metadata": {"Software": None}}"""
#: the lab template of nbconvert without what it would load from the network (require.js,
#: MathJax, Mermaid, the widget manager); its style sheets are inlined
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


class NotebookExtraMissing(InputError):
    """The ``notebooks`` extra is not installed (exit code 2)."""


def require_notebook_extra(what: str = "the notebooks") -> None:
    """Raise :class:`NotebookExtraMissing` unless every module of :data:`REQUIRED_MODULES` can be
    imported (checked without importing them)."""
    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a module set to None in sys.modules, or without a spec
            found = False
        if not found:
            missing.append(name)
    if missing:
        raise NotebookExtraMissing(f"{what} need(s) the notebooks extra: {', '.join(missing)} "
                                   f"{'is' if len(missing) == 1 else 'are'} not installed",
                                   f"install it from the repository root: {NOTEBOOK_EXTRA}")


def notebook_scripts(folder: Path) -> list[Path]:
    """The notebooks of *folder*: its ``*.py`` scripts, and the ``*.ipynb`` without a script
    (a notebook made in JupyterLab), by name."""
    folder = Path(folder)
    names = {p.stem for p in folder.glob("*.py")} | {p.stem for p in folder.glob("*.ipynb")}
    return [folder / f"{name}.py" for name in sorted(names)]


def notebook_id(cell_type: str, source: str, taken: set[str] | None = None) -> str:
    """A cell id made from the cell (so that a re-sync does not change it); ``-2``, ``-3`` … when
    *taken* already holds it."""
    base = f"{cell_type[0]}-{hashlib.sha256(source.encode('utf-8')).hexdigest()[:8]}"
    cid, n = base, 1
    while taken is not None and cid in taken:
        n += 1
        cid = f"{base}-{n}"
    if taken is not None:
        taken.add(cid)
    return cid


def _config():
    from jupytext.config import JupytextConfiguration

    return JupytextConfiguration(formats=PAIRED_FORMATS, notebook_metadata_filter=METADATA_FILTER)


def _paired(nb):
    """*nb* with the pairing of the project in its metadata (a notebook made in JupyterLab lacks it)."""
    meta = nb.metadata.setdefault("jupytext", {})
    meta["formats"] = PAIRED_FORMATS
    meta["notebook_metadata_filter"] = METADATA_FILTER
    nb.metadata.setdefault("kernelspec", {"display_name": "Python 3 (ipykernel)", "language": "python",
                                          "name": "python3"})
    return nb


def _clean(nb):
    """*nb* without outputs, execution counts or volatile metadata, with ids made from the cells."""
    taken: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_CELL_METADATA}
        cell.id = notebook_id(cell.cell_type, cell.source, taken)
    nb.metadata = {k: nb.metadata[k] for k in KEPT_METADATA if k in nb.metadata}
    nb.metadata.get("jupytext", {}).pop("text_representation", None)  # of the script, as jupytext does
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def _texts(nb) -> tuple[str, str]:
    """The script and the ``.ipynb`` text of notebook *nb*; the ``.ipynb`` is made from the script,
    so that both hold the same cells."""
    import jupytext
    import nbformat

    script = jupytext.writes(_paired(nb), fmt=SCRIPT_FORMAT, config=_config())
    clean = _clean(jupytext.reads(script, fmt=SCRIPT_FORMAT))
    return script, nbformat.writes(clean) + "\n"


def _read(path: Path):
    import jupytext

    try:
        return jupytext.read(path, config=_config())
    except Exception as exc:  # noqa: BLE001 (jupytext and nbformat raise many kinds on a damaged file)
        raise InputError(f"{path}: not a notebook jupytext can read: {type(exc).__name__}: {exc}",
                         "fix the file (or take it back from git) and run cppcc-kg notebooks again.") from None


def _source(script: Path, ipynb: Path, *, by_time: bool):
    """The notebook whose cells the pair should hold: the script's, unless only the ``.ipynb``
    exists or (*by_time*) the ``.ipynb`` was saved later with other cells."""
    if not script.exists():
        return _read(ipynb), "ipynb"
    nb = _read(script)
    if by_time and ipynb.exists() and ipynb.stat().st_mtime > script.stat().st_mtime:
        from_ipynb = _read(ipynb)
        if _texts(from_ipynb)[0] != _texts(nb)[0]:
            return from_ipynb, "ipynb"
    return nb, "py"


def _read_text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def sync_notebooks(folder: Path) -> list[str]:
    """Pair each notebook of *folder* (:func:`notebook_scripts`): the side edited last gives the
    cells (as ``jupytext --sync`` does), the script gets the jupytext header of the pair, the
    ``.ipynb`` is written from the script without outputs. Return one line per file written.

    A new notebook is one step: put ``NAME.py`` (percent cells, ``# %%``) or ``NAME.ipynb`` in
    the folder and run this (``cppcc-kg notebooks``).
    """
    require_notebook_extra("cppcc-kg notebooks")
    done = []
    for script in notebook_scripts(folder):
        ipynb = script.with_suffix(".ipynb")
        nb, side = _source(script, ipynb, by_time=True)
        script_text, ipynb_text = _texts(nb)
        for path, text in ((script, script_text), (ipynb, ipynb_text)):
            if _read_text(path) != text:
                write_atomic(path, text)
                done.append(f"{path.name}: written from {script.stem}.{side}")
    return done


def check_notebooks(folder: Path) -> list[str]:
    """What :func:`sync_notebooks` would change in *folder*, without writing: one line per
    notebook whose script lacks the pair's header, or whose ``.ipynb`` is missing, holds other
    cells, outputs, execution counts or volatile metadata."""
    require_notebook_extra("cppcc-kg notebooks --check")
    problems = []
    for script in notebook_scripts(folder):
        ipynb = script.with_suffix(".ipynb")
        for path in (script, ipynb):
            if not path.exists():
                problems.append(f"{path}: missing")
        if not script.exists():
            continue
        script_text, ipynb_text = _texts(_source(script, ipynb, by_time=False)[0])
        if _read_text(script) != script_text:
            problems.append(f"{script}: not as jupytext writes it with the pair's header")
        if ipynb.exists() and _read_text(ipynb) != ipynb_text:
            problems.append(f"{ipynb}: not the cells of {script.name} without outputs and volatile metadata")
    return problems


class _Resources(HTMLParser):
    """The URLs that a page would fetch: ``src``/``href``/``data`` of the elements that load, and
    ``url(…)``/``@import`` in its style."""

    LOADING = frozenset({"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object",
                         "input", "track", "image", "use"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for key, value in attrs:
            if value and (key in ("src", "data", "srcset", "poster", "xlink:href")
                          or (key == "href" and tag in self.LOADING)):
                self.urls.append(value)
            elif key == "style" and value:
                self.urls += _css_urls(value)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += _css_urls(data)


def _css_urls(css: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in
            re.finditer(r"url\(\s*['\"]?([^'\")\s]+)|@import\s+['\"]([^'\"]+)", css)]


def external_resources(html: str) -> list[str]:
    """The URLs outside the page that *html* would load (scripts, style sheets, images, frames,
    fonts in its CSS); links a reader may follow (``<a href>``) are not loads."""
    parser = _Resources()
    parser.feed(html)
    parser.close()
    return sorted({u for u in parser.urls if re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", u, re.IGNORECASE)
                   and not u.strip().lower().startswith("data:")})


def _kernel_env(build_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CPPCC_KG_BUILD": str(Path(build_dir).resolve()), "PYTHONHASHSEED": "0",
                "SOURCE_DATE_EPOCH": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
    return env


def execute_notebook(script: Path, build_dir: Path, *, timeout: int = 600):
    """The notebook of *script* executed in a fresh kernel on *build_dir* (``CPPCC_KG_BUILD``),
    run from its folder, with the cells and ids of its ``.ipynb``.

    Raises
    ------
    StageError
        A cell failed (its error and the cell's number), or the kernel did not answer in time.
    """
    import jupytext
    import nbclient
    import nbformat

    nb = _clean(jupytext.reads(_texts(_read(script))[0], fmt=SCRIPT_FORMAT))
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP_CELL, id="setup"))
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(Path(script).parent)}})
    try:
        client.execute(env=_kernel_env(build_dir), stderr=subprocess.DEVNULL)
    except (nbclient.exceptions.CellExecutionError, nbclient.exceptions.CellTimeoutError,
            nbclient.exceptions.DeadKernelError) as exc:
        failed = next((n for n, c in enumerate(nb.cells[1:], start=1)  # after the setup cell
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        if failed is not None and hasattr(exc, "ename"):
            first = nb.cells[failed].source.strip().splitlines()[0][:60]
            what = f"cell {failed} ({first}) failed: {exc.ename}: {exc.evalue}"
        else:
            what = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
        raise StageError(f"{script}: {what}",
                         f"open it with jupyter lab {Path(script).parent.name}/ and run it on the build "
                         "(CPPCC_KG_BUILD) to see the traceback; the build folder is left as it was.") from None
    del nb.cells[0]
    for cell in nb.cells:
        if cell.cell_type == "code":  # numbered from 1, as if the setup cell had not run
            cell.execution_count = cell.execution_count - 1 if cell.execution_count else cell.execution_count
            cell.outputs = _joined_streams(cell.outputs)
            for out in cell.outputs:
                if out.get("execution_count"):
                    out["execution_count"] = cell.execution_count
    return nb


def _joined_streams(outputs: list) -> list:
    """*outputs* with the consecutive pieces of one stream joined: the kernel sends printed text in
    pieces whose sizes depend on timing."""
    joined: list = []
    for out in outputs:
        prev = joined[-1] if joined else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] += out["text"]
        else:
            joined.append(out)
    return joined


def render_html(nb, name: str) -> str:
    """The page of executed notebook *nb*: nbconvert's lab template, inlined style, PNG figures as
    ``data:`` URLs, nothing loaded from the network."""
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file="offline.html.j2", embed_images=True,
                            extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})])
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return html if html.endswith("\n") else html + "\n"


def write_notebook_pages(folder: Path, build_dir: Path, out_dir: Path, *, timeout: int = 600) -> dict:
    """Execute each notebook of *folder* on *build_dir* and write ``out_dir/NAME.html``.

    Returns
    -------
    dict
        ``{NAME: {"path": Path, "cells": int, "outputs": int}}``.

    Raises
    ------
    NotebookExtraMissing
        The ``notebooks`` extra is not installed (exit code 2).
    InputError
        *folder* holds no notebook.
    StageError
        A notebook failed, or its page would load something from the network.
    """
    require_notebook_extra("cppcc-kg build --notebooks")
    scripts = [s for s in notebook_scripts(folder) if s.exists()]
    if not scripts:
        raise InputError(f"{folder}: no notebook (NAME.py, jupytext percent script) to execute",
                         "build without --notebooks, or add a notebook (notebooks/README.md).")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    pages = {}
    for script in scripts:
        nb = execute_notebook(script, build_dir, timeout=timeout)
        html = render_html(nb, script.stem)
        remote = external_resources(html)
        if remote:
            raise StageError(f"{script}: its page would load {', '.join(remote[:3])} from the network",
                             "a page of the build works offline: do not display outputs that load scripts.")
        path = write_atomic(Path(out_dir) / f"{script.stem}.html", html)
        pages[script.stem] = {"path": path, "cells": len(nb.cells),
                              "outputs": sum(len(c.get("outputs", [])) for c in nb.cells)}
    return pages

