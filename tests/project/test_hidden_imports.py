"""project.hidden_imports: a package imported while an optional package it would import is taken as absent."""
from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(tmp_path, body: str) -> str:
    (tmp_path / "optional_mod.py").write_text("VALUE = 1\n")
    (tmp_path / "uses_optional.py").write_text(textwrap.dedent("""
        try:
            import optional_mod
            HAS = True
        except ImportError:
            HAS = False
    """))
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_package_goes_without_the_hidden_one_which_imports_afterwards(tmp_path):
    out = _run(tmp_path, """
        import sys
        from cppcc_kg.project.hidden_imports import import_hiding
        m = import_hiding("uses_optional", "optional_mod")
        seen = "optional_mod" in sys.modules
        import optional_mod
        print(m.HAS, seen, optional_mod.VALUE)
    """)
    assert out == "False False 1"


def test_nothing_is_hidden_when_the_optional_package_is_imported_already(tmp_path):
    out = _run(tmp_path, """
        import optional_mod
        from cppcc_kg.project.hidden_imports import import_hiding
        print(import_hiding("uses_optional", "optional_mod").HAS)
    """)
    assert out == "True"
