"""NB205 untyped-global-call, NB130 global-mutable-container, NB131 global-array-write."""

from __future__ import annotations

import shutil
from pathlib import Path

from lint_support import lint_files, lint_source, lint_tree, rows

FIXTURE = Path(__file__).parent / "fixtures" / "cross_module"
CODES = ["NB205", "NB130", "NB131", "NB103"]


def test_names_imported_from_other_project_modules(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "project")
    found = rows(lint_tree(tmp_path / "project", CODES))
    assert found == [
        ("kernels.py", 14, "NB205"),
        ("kernels.py", 15, "NB205"),
        ("kernels.py", 18, "NB103"),
        ("kernels.py", 19, "NB130"),
        ("kernels.py", 19, "NB130"),
        ("kernels.py", 24, "NB131"),
        ("kernels.py", 25, "NB131"),
        ("kernels.py", 26, "NB205"),
        # pure.py never mentions numba: not parsed, read with `ast` because kernels imports it.
        ("kernels.py", 31, "NB205"),
        ("kernels.py", 32, "NB205"),
        ("kernels.py", 33, "NB103"),
    ]


def test_same_module_helper_and_its_jitted_forms(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit
        from numba.extending import overload, register_jitable

        def helper(x):
            return x

        def twice(x):
            return 2 * x

        twice = njit(twice)

        @register_jitable
        def thrice(x):
            return 3 * x

        def taught(x):
            return x

        @overload(taught)
        def taught_impl(x):
            return lambda x: x

        @njit
        def f(x):
            return helper(x) + twice(x) + thrice(x) + taught(x)
        """,
        ["NB205"],
    )
    assert found == [(25, "NB205")]


def test_locals_shadowing_and_objmode_are_not_globals(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit, objmode

        def helper(x):
            return x

        TABLE = [1, 2]

        @njit
        def f(x):
            def helper(y):
                return y + 1
            TABLE = (1, 2)
            with objmode():
                helper(x)
            return helper(x) + TABLE[0]
        """,
        ["NB205", "NB130"],
    )
    assert found == []


def test_rebound_or_conditional_names_stay_silent(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import numpy as np
        from numba import njit

        try:
            from fastlib import helper
        except ImportError:
            def helper(x):
                return x

        CACHE = []
        CACHE = tuple(CACHE)
        ARR = np.zeros(3)
        ARR = ARR.copy()

        @njit
        def f(x):
            ARR[0] = 1.0
            return helper(x) + CACHE[0]
        """,
        ["NB205", "NB130", "NB131"],
    )
    assert found == []


def test_global_containers_all_forms(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import numpy as np
        from numba import njit

        L = [1, 2]
        D = dict(a=1)
        S = {x for x in range(3)}
        T = (1, 2)
        A = np.arange(3)

        @njit
        def f(i):
            A[i] += 1
            A.fill(0)
            return L[i] + D["a"] + len(S) + T[i] + A[i]
        """,
        ["NB130", "NB131"],
    )
    # The two writes into A are one finding (the first, listing line 13).
    assert found == [(12, "NB131"), (14, "NB130"), (14, "NB130"), (14, "NB130")]


def test_object_mode_functions_are_skipped(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import jit

        def helper(x):
            return x

        @jit(forceobj=True)
        def f(x):
            return helper(x)
        """,
        ["NB205"],
    )
    assert found == []


def test_one_module_name_in_two_projects_is_never_trusted(tmp_path: Path) -> None:
    # Two checkouts in one run both define `pkg.helpers`: which one `pkg.kernels` imports
    # depends on sys.path, so neither decides.
    kernels = """
        from numba import njit
        from .helpers import helper

        @njit
        def f(x):
            return helper(x)
        """
    plain = "import numba\n\ndef helper(x):\n    return x\n"
    jitted = "import numba\n\n@numba.njit\ndef helper(x):\n    return x\n"
    found = lint_files(
        tmp_path,
        {
            "one/pkg/__init__.py": "",
            "one/pkg/helpers.py": plain,
            "one/pkg/kernels.py": kernels,
            "two/pkg/__init__.py": "",
            "two/pkg/helpers.py": jitted,
            "two/pkg/kernels.py": kernels,
        },
        ["NB205"],
    )
    assert found == []


def test_uses_of_one_global_in_one_function_are_one_finding(tmp_path: Path) -> None:
    found = lint_files(
        tmp_path,
        {
            "module.py": """
            from numba import njit

            def helper(x):
                return x

            TABLE = [1, 2]

            @njit
            def f(x):
                a = helper(x) + TABLE[0]
                b = helper(a) + TABLE[1]
                return helper(b)

            @njit
            def g(x):
                return helper(x)
            """
        },
        ["NB205", "NB130"],
    )
    assert [(d.code, d.location.row, d.detail.get("also_at")) for d in found] == [
        ("NB205", 10, [{"row": 11, "column": 9}, {"row": 12, "column": 12}]),
        ("NB130", 10, [{"row": 11, "column": 21}]),
        ("NB205", 16, None),
    ]
    assert found[0].message.endswith("(also used at lines 11, 12)")
