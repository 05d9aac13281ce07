"""Heavy packages imported without an optional package they would import for a feature the caller never uses.

igraph imports ``matplotlib.pyplot`` for its drawing (0.8 s) and jieba imports ``pkg_resources`` to open its own
files (0.15 s); the build uses neither feature. :func:`import_hiding` imports the package while the optional one is
taken as absent (``sys.modules[name] = None`` makes ``import name`` raise ImportError, which both packages handle),
then puts it back, so the optional package imports as usual afterwards.

>>> import_hiding("json", "this_module_does_not_exist").dumps([1])
'[1]'
"""
from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType

__all__ = ["import_hiding"]

_LOCK = threading.Lock()


def import_hiding(package: str, hidden: str) -> ModuleType:
    """``import package`` with the module *hidden* taken as absent while it is imported.

    When *package* or *hidden* is imported already, *package* is imported as usual (nothing is hidden)."""
    if package in sys.modules or hidden in sys.modules:
        return importlib.import_module(package)
    with _LOCK:
        sys.modules[hidden] = None  # ``import hidden`` raises ImportError: the package goes without
        try:
            return importlib.import_module(package)
        finally:
            if hidden in sys.modules and sys.modules[hidden] is None:
                del sys.modules[hidden]
