"""Simulates a Numba release whose internals moved (tests/test_numba_compat.py).

Copied as `sitecustomize.py` into a folder put first on PYTHONPATH: Python imports it at the
start of every process, the worker factory included, before numba-lint imports Numba names.
NUMBA_LINT_TEST_DELETE=module.attr[.attr] deletes a name; NUMBA_LINT_TEST_BREAK replaces a
callable with one that raises (an internal whose behaviour changed); NUMBA_LINT_TEST_VERSION
sets numba.__version__.
"""

import importlib
import os


def _owner(dotted: str) -> tuple[object, str]:
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1]
    raise ImportError(dotted)


def _broken(*args: object, **kwargs: object) -> object:
    raise TypeError("simulated change of a Numba internal")


if os.environ.get("NUMBA_LINT_TEST_DELETE"):
    owner, name = _owner(os.environ["NUMBA_LINT_TEST_DELETE"])
    delattr(owner, name)
if os.environ.get("NUMBA_LINT_TEST_BREAK"):
    owner, name = _owner(os.environ["NUMBA_LINT_TEST_BREAK"])
    setattr(owner, name, _broken)
if os.environ.get("NUMBA_LINT_TEST_VERSION"):
    import numba

    numba.__version__ = os.environ["NUMBA_LINT_TEST_VERSION"]
