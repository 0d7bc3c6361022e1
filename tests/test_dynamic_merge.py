"""merge(): one diagnostic per problem; static findings confirmed by the trial compile."""

from __future__ import annotations

from numba_lint.diagnostic import Diagnostic, Location, Pass, Severity
from numba_lint.merge import collapse, merge


def diag(
    code: str,
    row: int,
    col: int,
    end: int,
    pass_: Pass,
    severity: Severity = Severity.ERROR,
    message: str = "m",
    **detail: object,
) -> Diagnostic:
    return Diagnostic(
        "f.py",
        Location(row, col),
        Location(row, end),
        code,
        message,
        severity,
        pass_,
        detail=dict(detail),
    )


def test_same_node_confirms_static_and_keeps_its_code() -> None:
    static = diag("NB101", 12, 12, 15, Pass.STATIC)
    dynamic = diag("NB904", 12, 12, 15, Pass.DYNAMIC, numba="Unknown attribute")
    [merged] = merge([static], [dynamic])
    assert merged.code == "NB101" and merged.confirmed
    assert merged.detail["dynamic"]["code"] == "NB904"


def test_line_level_dynamic_confirms_the_static_node_inside_it() -> None:
    static = diag("NB101", 12, 12, 15, Pass.STATIC)
    dynamic = diag("NB903", 12, 5, 30, Pass.DYNAMIC)
    [merged] = merge([static], [dynamic])
    assert merged.confirmed


def test_other_node_on_same_line_is_not_confirmed() -> None:
    static = diag("NB101", 12, 12, 15, Pass.STATIC)
    dynamic = diag("NB904", 12, 18, 21, Pass.DYNAMIC)
    merged = merge([static], [dynamic])
    assert [(d.code, d.confirmed) for d in merged] == [("NB101", False), ("NB904", False)]


def test_infos_and_warnings_never_confirm() -> None:
    static = diag("NB101", 3, 1, 9, Pass.STATIC)
    info = diag("NB960", 3, 1, 9, Pass.DYNAMIC, Severity.INFO)
    assert [d.confirmed for d in merge([static], [info])] == [False, False]


def test_duplicates_across_signatures_collapse_listing_them() -> None:
    one = diag("NB904", 5, 12, 18, Pass.DYNAMIC, signatures=["(int64,)"])
    two = diag("NB904", 5, 12, 18, Pass.DYNAMIC, signatures=["(float64,)"])
    [single] = collapse([one, two])
    assert single.detail["signatures"] == ["(int64,)", "(float64,)"]
    assert len(merge([], [one, two])) == 1
