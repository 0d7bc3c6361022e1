"""NB140 heterogeneous-list: only literal items, only categories Numba cannot unify, and only
the uses of such a list that Numba rejects (measured in the rule's module docstring; the
fixtures of test_false_alarm_causes.py prove them with Numba)."""

from __future__ import annotations

from pathlib import Path

from lint_support import lint_files, lint_source


def test_failing_uses_are_flagged_and_one_list_is_one_finding(tmp_path: Path) -> None:
    [found] = lint_files(
        tmp_path,
        {
            "module.py": """
            from numba import njit

            @njit
            def f(i):
                a = [1, "a"]
                for x in a:
                    pass
                a.append(3)
                return a[i]
            """
        },
        ["NB140"],
    )
    assert (found.location.row, found.location.column) == (6, 14)
    assert found.detail["also_at"] == [{"row": 8, "column": 5}, {"row": 9, "column": 12}]
    assert found.message.startswith("'a' (the list at line 5) mixes number and str")
    assert "iterate over it" in found.message and "(also used at lines 8, 9)" in found.message


def test_each_failing_use_of_a_literal(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit

        @njit
        def f(i):
            b = [b"x", "y", 2.0][i]
            c = [-1, "z" "w"][1:]
            d, e = [1, "q"]
            g = tuple([1, "a"])
            h = [1, "a"] + [2]
            k = [x for x in [1, "a"]]
            m = "a" in [1, "a", 2.5]
            if [1, "a"]:
                pass
            return [1, "a"]
        """,
        ["NB140"],
    )
    assert [row for row, _ in found] == [5, 6, 7, 8, 9, 10, 11, 12, 14]


def test_supported_uses_unifiable_or_unknown_items_are_not_flagged(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import literal_unroll, njit

        def plain():
            return [1, "a"][0]

        @njit
        def g(x):
            return len(x)

        @njit
        def f(x, names):
            a = [1, 2.0, True, 3j, -4]
            for v in a:
                pass
            b = [1, None][x]
            c = [x, "a"][x]
            d = [*names, 1][x]
            e = ["a", f"{x}"][x]
            mixed = [1, "a", 2.0]
            k = 1
            n = len(mixed) + len([1, "b"]) + mixed[0] + len(mixed[k]) + mixed[-1] + g(mixed)
            for item in literal_unroll(mixed):
                n += 1
            labels = [1, "a"]
            return n + ("a" in labels) + labels.count(1) + len(a) + b + c + d + len(e)
        """,
        ["NB140"],
    )
    assert found == []


def test_a_rebound_local_is_left_alone(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit

        @njit
        def f(i):
            a = [1, "a"]
            a = [1, 2]
            for x in a:
                pass
            return a[i]
        """,
        ["NB140"],
    )
    assert found == []
