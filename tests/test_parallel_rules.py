"""NB501-NB505 on prange loops: the races they report, and correct parallel code (proven to
compile cleanly with real Numba) they leave alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lint_support import lint_files, lint_source
from numba_prover import prove_examples

CODES = ["NB501", "NB502", "NB503", "NB504", "NB505"]

# Correct parallel code: every index below is one-to-one in the prange index, private to the
# iteration, or unknown to the rule (a permutation, CSR rows, per-thread storage).
CORRECT = {
    "injective": (
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def f(x, y, off):
            n = x.shape[0]
            for i in prange(n):
                y[2 * i + 1] = x[i]
                y[i + off] = x[i]
                y[n - 1 - i] += 1.0
                y[-i - 1] += 1.0
                k = i - 1
                y[k + 1] += x[i]
                y[(i + 1) % n] += 0.0
                y[int(i)] += 0.0
            return y
        """,
        "f(np.ones(4), np.zeros(12), 4)",
    ),
    "tuple_index": (
        """
        import numpy as np
        import numba as nb

        @nb.njit(parallel=True)
        def f(a):
            for i in nb.prange(a.shape[0]):
                for j in range(a.shape[1]):
                    a[i, j] = j
                    a[j, i] += 0.0
                a[i][0] = 1.0
                a[i, :] += 1.0
            return a
        """,
        "f(np.zeros((3, 3)))",
    ),
    "csr_rows_and_permutation": (
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def f(indptr, values, perm, out, moved):
            for i in prange(indptr.shape[0] - 1):
                for j in range(indptr[i], indptr[i + 1]):
                    out[j] = values[j] * 2.0
                moved[perm[i]] = values[i]
            return out, moved
        """,
        "f(np.array([0, 2, 3]), np.ones(3), np.array([1, 0]), np.zeros(3), np.zeros(3))",
    ),
    "private_arrays_and_stack": (
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def f(starts, out):
            for i in prange(starts.shape[0]):
                stack = np.empty(4, dtype=np.int64)
                stack[0] = starts[i]
                top = 1
                while top > 0:
                    top -= 1
                    node = stack[top]
                    out[node] = 1.0
                row = out[i:i + 1]
                row[0] += 0.0
            return out
        """,
        "f(np.array([2, 0, 1]), np.zeros(3))",
    ),
    "thread_local_and_guarded": (
        """
        import numpy as np
        import numba
        from numba import njit, prange

        @njit(parallel=True)
        def f(x, y):
            acc = np.zeros(numba.get_num_threads())
            for i in prange(x.shape[0]):
                acc[numba.get_thread_id()] += x[i]
                if i == 0:
                    y[0] = x[0]
            return acc.sum(), y
        """,
        "f(np.ones(8), np.zeros(2))",
    ),
    "neighbours_apart": (
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def f(a, y):
            for i in prange(a.shape[0] - 1):
                y[2 * i] += 1.0
                y[2 * i + 1] += 1.0
                a[i, 0] = 1.0
                a[i + 1, 1] = 2.0
            return a, y
        """,
        "f(np.zeros((4, 2)), np.zeros(8))",
    ),
    "reductions": (
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def f(x):
            s = 0.0
            m = 0.0
            p = 1.0
            hist = np.zeros(2)
            for i in prange(x.shape[0]):
                s += x[i]
                m = max(m, x[i])
                p = p * x[i]
                hist += x[i]
                t = 0.0
                for j in range(i):
                    t += x[j]
                x[i] = t
            return s, m, p, hist
        """,
        "f(np.ones(8))",
    ),
    "containers_inside_and_reads": (
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def f(x, out):
            d = {1: 2.0}
            for i in prange(x.shape[0]):
                local = {0: x[i]}
                local[1] = x[i]
                out[i] = np.add(local[1], d[1])
            return out
        """,
        "f(np.ones(4), np.zeros(4))",
    ),
    "not_parallel_and_sequential_loops": (
        """
        import numpy as np
        from numba import njit, prange

        @njit
        def serial(x, y):
            for i in prange(x.shape[0]):
                y[0] += x[i]
            return y

        @njit(parallel=True)
        def twice(a):
            for i in prange(a.shape[0]):
                a[i] = 1.0
            for i in prange(a.shape[0]):
                a[i] += 1.0
            i = 0
            return a, i
        """,
        "serial(np.ones(3), np.zeros(1)); twice(np.zeros(3))",
    ),
}


@pytest.fixture(scope="module")
def numba_outcomes() -> dict[str, dict]:
    names = list(CORRECT)
    payload = [
        {"code": textwrap.dedent(CORRECT[n][0]).strip() + "\n", "call": CORRECT[n][1]}
        for n in names
    ]
    return dict(zip(names, prove_examples(payload), strict=True))


@pytest.mark.parametrize("name", list(CORRECT))
def test_correct_parallel_code_compiles_and_is_silent(
    tmp_path: Path, numba_outcomes: dict, name: str
) -> None:
    outcome = numba_outcomes[name]
    assert outcome["outcome"] == "compiles", outcome["detail"]
    assert lint_source(tmp_path, CORRECT[name][0], CODES) == []


def test_shared_writes(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange
        from numba import prange as pr

        @njit(parallel=True)
        def f(x, a, b, c, d, e, g, mask, m):
            for i in pr(x.shape[0]):
                for j in range(m):
                    a[j] += x[i]
                b[i // 2] += 1.0
                c[i % 4, 0] = 0.0
                d[mask] = 0.0
                k = i % 3
                e[k] += 1.0
                g[0 if x[i] > 0 else 1] += 1.0
            return a
        """,
        ["NB501"],
    )
    assert found == [
        (8, "NB501"),
        (9, "NB501"),
        (10, "NB501"),
        (11, "NB501"),
        (13, "NB501"),
        (14, "NB501"),
    ]


def test_neighbouring_iterations_writing_one_element(tmp_path: Path) -> None:
    found = lint_files(
        tmp_path,
        {
            "module.py": """
                from numba import njit, prange

                @njit(parallel=True)
                def smooth(x, y, z):
                    for i in prange(1, x.shape[0] - 1):
                        y[i] += x[i]
                        y[i + 1] += x[i]
                        y[i - 1] += x[i]
                        z[i, 0] = x[i]
                        z[1 + i, 0] = x[i]
                    return y
            """
        },
        ["NB501"],
    )
    assert [(d.location.row, d.location.column) for d in found] == [(7, 9), (10, 9)]
    assert "iterations 1 apart" in found[0].message
    assert "also used at line 8" in found[0].message


def test_counter_race_is_a_shared_write_and_a_reduction_read(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange

        @njit(parallel=True)
        def pick(x, out):
            count = 0
            for i in prange(x.shape[0]):
                if x[i] > 0:
                    out[count] = i
                    count += 1
            return count
        """,
        CODES,
    )
    assert found == [(8, "NB501"), (8, "NB503")]


def test_writes_to_one_array_are_one_finding(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange

        @njit(parallel=True)
        def f(x, y):
            for i in prange(x.shape[0]):
                y[0] = x[i]
                y[1] = x[i]
            return y
        """,
        ["NB501"],
    )
    assert found == [(6, "NB501")]


def test_container_mutations(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import heapq
        from numba import njit, prange, types
        from numba.typed import Dict

        @njit(parallel=True)
        def f(x, seen, heap):
            d = Dict.empty(types.int64, types.float64)
            for i in prange(x.shape[0]):
                seen.add(i)
                heapq.heappush(heap, x[i])
                d[i] = x[i]
                d[0] += 1.0
            return d
        """,
        CODES,
    )
    assert found == [(9, "NB502"), (10, "NB502"), (11, "NB502")]


def test_reduction_reads(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange

        @njit(parallel=True)
        def f(x):
            s = 0.0
            t = 0.0
            for i in prange(x.shape[0]):
                s = s + x[i]
                if s > 10.0:
                    x[i] = 0.0
                t += x[i]
                for j in range(int(t)):
                    x[i] += j
            return s, t
        """,
        ["NB503"],
    )
    assert found == [(9, "NB503"), (12, "NB503")]


def test_index_rebinding(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange

        @njit(parallel=True)
        def f(a):
            for i in prange(a.shape[0]):
                for j in prange(a.shape[1]):
                    j = j + 0
                i, k = 0, 1
                a[k] = i
            for i in range(3):
                i = 2
            return a

        @njit
        def g(a):
            for i in prange(a.shape[0]):
                i += 1
            return a
        """,
        ["NB504"],
    )
    assert found == [(7, "NB504"), (8, "NB504")]


def test_nested_prange_once_per_outer_loop(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, prange

        @njit(parallel=True)
        def f(a):
            for i in prange(a.shape[0]):
                for j in prange(a.shape[1]):
                    for k in prange(2):
                        a[i, j] += k
            for i in prange(a.shape[0]):
                for j in prange(a.shape[1]):
                    a[i, j] += 1.0
            return a
        """,
        ["NB505"],
    )
    assert found == [(6, "NB505"), (10, "NB505")]
