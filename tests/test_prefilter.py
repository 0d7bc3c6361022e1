"""The prefilter: which files the static pass parses at all (static/prefilter.py)."""

from __future__ import annotations

import pytest

from numba_lint.static.prefilter import may_use_numba

REEXPORTING = ["pkg._jit"]
ALIASES = frozenset({"fast_jit"})


@pytest.mark.parametrize(
    "text",
    [
        "import numba\n",
        "from numba import njit\n",
        "from pkg._jit import fast_jit\n\n@fast_jit\ndef f(x):\n    return x\n",
        "from ._jit import fast_jit as fj\n",
        "from . import _jit\n\n@_jit.fast_jit\ndef f(x):\n    return x\n",
        "import pkg._jit\n\nf = pkg._jit.fast_jit(g)\n",
    ],
)
def test_files_that_may_jit_are_parsed(text: str) -> None:
    assert may_use_numba(text, REEXPORTING, ALIASES)


@pytest.mark.parametrize(
    "text",
    [
        "import numpy\n",
        "# numbat\nx = 1\n",
        # Imports the re-exporting module but never names an alias: nothing can be jitted here.
        "from pkg._jit import helper\n\nhelper(1)\n",
        "import pkg._jit\n",
        # Names an alias but imports no re-exporting module.
        "def fast_jit(f):\n    return f\n",
    ],
)
def test_files_that_cannot_jit_are_skipped(text: str) -> None:
    assert not may_use_numba(text, REEXPORTING, ALIASES)


def test_without_alias_names_any_import_of_a_reexporting_module_counts() -> None:
    assert may_use_numba("from pkg._jit import helper\n", REEXPORTING)
