"""False alarms the real-corpus check found, reduced to a few lines each.

Every case is code from a released package (named below) that Numba compiles: the static pass
must stay silent on it, and the real Numba proves it compiles.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lint_support import lint_source
from numba_prover import prove_examples

CASES = {
    # pynndescent 0.7.0, pynndescent_.py: an attribute of `self` in the decorator of a jitted
    # closure is evaluated by Python, not compiled (was NB101).
    "decorator-argument": (
        """
        from numba import njit

        class Index:
            parallel = False

            def build(self):
                @njit(parallel=self.parallel)
                def search(x):
                    return x + 1
                return search

        search = Index().build()
        """,
        "search(1)",
    ),
    # pynndescent 0.7.0, search.py: structref fields listed in a module-level variable (was
    # NB101 on every field).
    "structref-field-list": (
        """
        from numba import njit
        from numba.core import types
        from numba.experimental import structref

        @structref.register
        class SearchIndexType(types.StructRef):
            pass

        class SearchIndex(structref.StructRefProxy):
            pass

        _FIELDS = ["indptr", "n_neighbors"]
        structref.define_proxy(SearchIndex, SearchIndexType, _FIELDS)

        @njit
        def width(index):
            return index.indptr[0] + index.n_neighbors
        """,
        "import numpy as np; width(SearchIndex(np.zeros(2, np.int64), 3))",
    ),
    # interpolation 2.2.7, multilinear/fungen.py: a helper nested in an @overload function
    # runs at typing time in Python; only returned functions are compiled (was NB126).
    "overload-typing-helper": (
        """
        from numba import njit
        from numba.extending import overload

        def describe(t):
            pass

        @overload(describe)
        def ol_describe(t):
            def label(parts):
                return "({},)".format(", ".join(parts))

            text = label(["a", "b"])

            def impl(t):
                return len(text)
            return impl

        @njit
        def use(t):
            return describe(t)
        """,
        "use((1, 2))",
    ),
    # umap-learn 0.5.12, layouts.py: options passed next to the function in a call form, the
    # same function wrapped serial and parallel (was NB302).
    "call-form-options": (
        """
        import numba
        from numba import prange

        def epoch(n):
            s = 0
            for i in prange(n):
                s += i
            return s

        serial = numba.njit(epoch, fastmath=True, parallel=False)
        parallel = numba.njit(epoch, fastmath=True, parallel=True)
        """,
        "serial(10); parallel(10)",
    ),
}


@pytest.fixture(scope="module")
def numba_outcomes() -> dict[str, dict]:
    payload = [
        {"code": textwrap.dedent(code).lstrip("\n"), "call": call} for code, call in CASES.values()
    ]
    return dict(zip(CASES, prove_examples(payload), strict=True))


@pytest.mark.parametrize("case", list(CASES))
def test_corpus_code_is_not_flagged_and_compiles(tmp_path: Path, numba_outcomes, case) -> None:
    code, _ = CASES[case]
    findings = lint_source(tmp_path, code, ["NB101", "NB126", "NB302", "NB205", "NB103"])
    assert findings == []
    outcome = numba_outcomes[case]
    assert outcome["outcome"] in ("compiles", "warns"), outcome["detail"]
