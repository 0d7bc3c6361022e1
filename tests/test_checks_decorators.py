"""NB301, NB302, NB303, NB305, NB401: decorator configuration, in every decorator form."""

from __future__ import annotations

from pathlib import Path

from lint_support import lint_source

CODES = ["NB301", "NB302", "NB303", "NB305", "NB401"]


def test_forceobj_and_nopython_false_in_decorator_and_call_forms(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import numba
        from numba import jit

        @numba.jit(forceobj=True)
        def a(x):
            return x

        def b(x):
            return x

        b_fast = jit(forceobj=True)(b)

        @jit(nopython=False)
        def c(x):
            return x

        @jit(nopython=True, forceobj=False)
        def d(x):
            return x
        """,
        CODES,
    )
    assert found == [(4, "NB301"), (8, "NB301"), (13, "NB305")]


def test_prange_needs_parallel(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange
        from numba import prange as pr

        PARALLEL = True

        @njit
        def a(n):
            for i in pr(n):
                pass
            return n

        @njit(parallel=True)
        def b(n):
            for i in prange(n):
                pass
            return n

        @njit(parallel=PARALLEL)
        def c(n):
            for i in prange(n):
                pass
            return n

        @njit(inline="always")
        def d(n):
            for i in prange(n):
                pass
            return n

        OPTIONS = {"parallel": True}

        @njit(**OPTIONS)
        def e(n):
            for i in prange(n):
                pass
            return n

        def range_like(n):
            return prange(n)
        """,
        CODES,
    )
    assert found == [(8, "NB302")]


def test_parallel_without_parallelism_is_off_by_default(tmp_path: Path) -> None:
    source = """
        import numpy as np
        from numba import njit

        @njit(parallel=True)
        def nothing(n):
            s = 0
            for i in range(n):
                s += i
            return s

        @njit(parallel=True)
        def array_expression(a, b):
            return a + b

        @njit(parallel=True)
        def numpy_call(n):
            return np.ones(n).sum()
        """
    assert lint_source(tmp_path, source, CODES, default_selection=True) == []
    assert lint_source(tmp_path, source, ["NB303"]) == [(4, "NB303")]


def test_generated_jit_is_reported_at_its_decorator(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import numba

        @numba.generated_jit(nopython=True)
        def zero(x):
            return lambda x: 0
        """,
        CODES,
    )
    assert found == [(3, "NB401")]


def test_cache_is_flagged_only_where_numba_rejects_it(tmp_path: Path) -> None:
    # Measured with 0.68.1: closures, lambdas and __main__ scripts cache fine; @stencil raises.
    found = lint_source(
        tmp_path,
        """
        import numba
        from numba import njit, stencil

        @numba.stencil(cache=True)
        def blur(a):
            return a[0, 1]

        def make(k):
            @njit(cache=True)
            def add(x):
                return x + k
            return add

        square = njit(cache=True)(lambda x: x * x)

        @stencil
        def plain(a):
            return a[0, 1]
        """,
        CODES + ["NB304"],
    )
    assert found == [(4, "NB304")]
