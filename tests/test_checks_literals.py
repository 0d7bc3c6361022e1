"""NB140 heterogeneous-list: only literal items, only categories Numba cannot unify."""

from __future__ import annotations

from pathlib import Path

from lint_support import lint_source


def test_mixed_categories_are_flagged_once_per_list(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit

        @njit
        def f(x):
            a = [1, "a"]
            b = [b"x", "y", 2.0]
            c = [-1, "z" "w"]
            return len(a) + len(b) + len(c)
        """,
        ["NB140"],
    )
    assert found == [(5, "NB140"), (6, "NB140"), (7, "NB140")]


def test_unifiable_or_unknown_items_are_not_flagged(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit

        def plain():
            return [1, "a"]

        @njit
        def f(x, names):
            a = [1, 2.0, True, 3j, -4]
            b = [1, None]
            c = [x, "a"]
            d = [*names, 1]
            e = ["a", f"{x}"]
            return len(a) + len(b) + len(c) + len(d) + len(e)
        """,
        ["NB140"],
    )
    assert found == []
