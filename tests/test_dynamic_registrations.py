"""Overloads registered while a check runs: the typing-only engine's verdicts stay Numba's.

An `@overload` whose typing function imports a module registers new overloads of builtins (`len`,
`~`) halfway through one check, after the check's typing already looked their types up (and
valuememo.py remembered them). Each module runs in its own worker, so each sees the registration
happen in its own check. Without valuememo's `_remove_global` hook the first two functions
fail.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from dynamic_support import check_files

EXT = """
from numba.extending import overload


def load_ext():
    '''Does nothing; typing a call of it imports floatops, which registers overloads.'''


@overload(load_ext)
def _load_ext_typing():
    import floatops  # noqa: F401 - registered while the check's typing runs

    return lambda: 0
"""

FLOATOPS = """
import operator

from numba import types
from numba.extending import overload


@overload(len)
def _len_of_float(x):
    if isinstance(x, types.Float):
        return lambda x: 1


@overload(operator.invert)
def _invert_float(x):
    if isinstance(x, types.Float):
        return lambda x: -x
"""

# `~` is looked up again on each round of type inference: the new overload counts at once.
SAME_FUNCTION = """
import numba

from ext import load_ext


@numba.njit("float64(int64, float64)")
def same_function(i, v):
    j = ~i
    load_ext()
    return j + ~v
"""

# A callee's compile refreshes the typing context: its `len` has the new overload.
THROUGH_CALLEE = """
import numba

from ext import load_ext


@numba.njit
def float_len(v):
    return len(v)


@numba.njit("int64(UniTuple(int64, 2), float64)")
def through_callee(t, v):
    n = len(t)
    load_ext()
    return n + float_len(v)
"""

# A global's type is fixed before inference propagates: Numba itself misses the new overload.
LOCKED_GLOBAL = """
import numba

from ext import load_ext


@numba.njit("int64(UniTuple(int64, 2), float64)")
def locked_global(t, v):
    n = len(t)
    load_ext()
    return n + len(v)
"""

MODULES = {
    "ext.py": EXT,
    "floatops.py": FLOATOPS,
    "same_function.py": SAME_FUNCTION,
    "through_callee.py": THROUGH_CALLEE,
    "locked_global.py": LOCKED_GLOBAL,
}
CHECKED = ("same_function.py", "through_callee.py", "locked_global.py")


def _findings(root: Path, full_compile: bool) -> set[tuple[str, str, int, str]]:
    result = check_files([root / name for name in CHECKED], root, full_compile=full_compile)
    return {(d.code, d.function, d.location.row, d.message) for d in result.diagnostics}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("registrations")
    for name, source in MODULES.items():
        (root / name).write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return root


def test_an_overload_registered_mid_check_counts_as_in_numbas_compile(project: Path) -> None:
    typing_only = _findings(project, full_compile=False)
    assert typing_only == _findings(project, full_compile=True)
    # Only Numba's own miss: the new overloads were seen where Numba sees them.
    [(code, function, row, message)] = typing_only
    assert (code, function, row) == ("NB905", "locked_global", 10)
    assert "len(float64)" in message
