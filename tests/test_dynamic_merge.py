"""merge(): one diagnostic per problem; static findings confirmed by the trial compile."""

from __future__ import annotations

from numba_lint.diagnostic import Diagnostic, Location, Pass, Severity
from numba_lint.merge import collapse, fold, merge


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


def caused(code: str, row: int, col: int, cause: str, pass_: Pass = Pass.STATIC) -> Diagnostic:
    return diag(code, row, col, col + 3, pass_, message=f"{code} at {row}", cause=cause)


def test_fold_keeps_the_finding_at_the_cause_and_lists_the_rest_in_source_order() -> None:
    root = diag("NB103", 12, 9, 14, Pass.STATIC, message="plain class")
    uses = [caused("NB101", row, 9, "at:12:9") for row in (16, 13, 14, 14)]
    other = diag("NB205", 20, 5, 9, Pass.STATIC)
    [kept, untouched] = fold([*uses, root, other])
    assert kept.code == "NB103" and kept.location == Location(12, 9)
    assert kept.detail["also_at"] == [
        {"row": 13, "column": 9},
        {"row": 14, "column": 9},
        {"row": 14, "column": 9},
        {"row": 16, "column": 9},
    ]
    assert kept.message == "plain class (also used at lines 13, 14, 16)"
    assert "cause" not in kept.detail and untouched is other


def test_fold_without_a_finding_at_the_cause_keeps_the_first_and_chains_causes() -> None:
    # Two findings on a parameter (no finding at its key) and one whose cause is the position
    # of the second: all three are one problem, said at the first use.
    first = caused("NB101", 5, 12, "variable:f.<locals>:q")
    second = caused("NB101", 7, 3, "variable:f.<locals>:q")
    chained = caused("NB140", 9, 1, "at:7:3")
    lone = caused("NB101", 11, 1, "variable:g.<locals>:q")
    folded = fold([second, chained, first, lone])
    assert [(d.location.row, d.detail.get("also_at")) for d in folded] == [
        (5, [{"row": 7, "column": 3}, {"row": 9, "column": 1}]),
        (11, None),
    ]
    assert folded[0].message.endswith("(also used at lines 7, 9)")
    assert all("cause" not in d.detail for d in folded)


def test_fold_never_joins_files_and_leaves_uncaused_findings_alone() -> None:
    a = caused("NB101", 5, 1, "variable:f:q")
    b = caused("NB101", 6, 1, "variable:f:q").with_changes(filename="g.py")
    plain = [diag("NB101", 5, 1, 4, Pass.STATIC), diag("NB101", 6, 1, 4, Pass.STATIC)]
    assert fold(plain) == plain
    assert [d.detail for d in fold([a, b])] == [{}, {}]


def test_dynamic_finding_on_a_folded_place_confirms_the_cause() -> None:
    root = diag("NB103", 12, 9, 14, Pass.STATIC, message="plain class")
    [kept] = fold([root, caused("NB101", 15, 10, "at:12:9")])
    dynamic = diag("NB904", 15, 5, 30, Pass.DYNAMIC, message="Unknown attribute 'norm'")
    [merged] = merge([kept], [dynamic])
    assert merged.code == "NB103" and merged.confirmed
    assert merged.detail["dynamic"]["code"] == "NB904"


def test_trial_compile_argument_before_the_static_attribute_is_one_finding() -> None:
    # `n = h.size` (an attribute some Numba type has: the static pass is silent) comes before
    # `h.first` (NB101): the trial compile names the argument at its first use.
    static = diag("NB101", 13, 16, 23, Pass.STATIC, also_at=[{"row": 13, "column": 26}])
    static = static.with_changes(function="use", detail={**static.detail, "object": "h"})
    argument = diag(
        "NB901", 12, 9, 15, Pass.DYNAMIC, message="argument 'h' is a plain class instance"
    ).with_changes(function="use", detail={"arguments": [{"param": "h"}]})
    other = argument.with_changes(
        function="other", location=Location(20, 9), end_location=Location(20, 15)
    )
    merged = merge([static], [argument, other])
    assert [(d.code, d.location.row, d.function) for d in merged] == [
        ("NB901", 12, "use"),
        ("NB901", 20, "other"),
    ]
    assert merged[0].detail["also_at"] == [{"row": 13, "column": 16}, {"row": 13, "column": 26}]
    assert merged[0].message == "argument 'h' is a plain class instance (also used at line 13)"


def test_static_findings_on_every_untypable_argument_of_one_call_are_one_finding() -> None:
    # examples/plain_class.py: `return a.x + b.x` with `a` and `b` both plain objects. The trial
    # compile names both arguments in one failure; the static NB101 on `b.x` is the same cause.
    on_a = diag("NB101", 14, 12, 15, Pass.STATIC, message="a.x").with_changes(
        function="add", detail={"object": "a"}
    )
    on_b = diag("NB101", 14, 18, 21, Pass.STATIC, message="b.x").with_changes(
        function="add", detail={"object": "b"}
    )
    arguments = diag("NB901", 14, 12, 15, Pass.DYNAMIC, message="arguments 'a' and 'b'")
    arguments = arguments.with_changes(
        function="add",
        detail={
            "arguments": [{"param": "a"}, {"param": "b"}],
            "also_at": [{"row": 14, "column": 18}],
        },
    )
    for static in ([on_a, on_b], [on_b, on_a]):
        merged = merge(static, [arguments])
        assert [(d.code, d.location.column, d.confirmed) for d in merged] == [("NB101", 12, True)]
        assert merged[0].detail["also_at"] == [{"row": 14, "column": 18}]
        assert merged[0].message.endswith("(also used at line 14)")
