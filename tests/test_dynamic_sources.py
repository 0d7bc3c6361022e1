"""One signature source per function, callee coverage, and what is reported for each."""

from __future__ import annotations

from pathlib import Path

import pytest
from dynamic_support import FIXTURES, check_files

from numba_lint.dynamic import DynamicResult

PROJECT = FIXTURES / "project"


@pytest.fixture(scope="module")
def result() -> DynamicResult:
    files = [PROJECT / "sources.py", PROJECT / "pkg" / "callers.py", PROJECT / "pkg" / "helpers.py"]
    return check_files(files, PROJECT)


def finding(result: DynamicResult, function: str) -> list[tuple[str, int, int]]:
    return [
        (d.code, d.location.row, d.location.column)
        for d in result.diagnostics
        if d.function == function
    ]


def coverage(result: DynamicResult, name: str) -> tuple[bool, str | None]:
    entry = next(f for f in result.functions if f.name == name)
    return entry.checked, entry.signature_source


def test_decorator_signatures_deferred_and_checked(result: DynamicResult) -> None:
    assert finding(result, "eager_bad") == [("NB904", 10, 12)]
    assert coverage(result, "eager_bad") == (True, "decorator")
    assert coverage(result, "eager_ok") == (True, "decorator")
    assert finding(result, "eager_ok") == []
    signatures = next(f for f in result.functions if f.name == "eager_ok").signatures
    assert signatures == ("int64(int64)", "float64(float64)")


def test_harvested_signatures(result: DynamicResult) -> None:
    assert coverage(result, "harvested_bad") == (True, "harvest")
    assert finding(result, "harvested_bad") == [("NB904", 35, 12)]
    message = next(d.message for d in result.diagnostics if d.function == "harvested_bad")
    assert "real_part" in message and "complex128" in message


def test_annotations(result: DynamicResult) -> None:
    assert coverage(result, "annotated_bad") == (True, "annotations")
    assert finding(result, "annotated_bad") == [("NB903", 20, 16)]
    # NDArray without a shape tries 1-d, 2-d, 3-d: a[0, 0] works for 2-d, so no finding.
    assert coverage(result, "annotated_array") == (True, "annotations")
    assert finding(result, "annotated_array") == []


def test_module_level_call_site(result: DynamicResult) -> None:
    assert coverage(result, "called_bad") == (True, "callsite")
    assert finding(result, "called_bad") == [("NB905", 30, 12)]


def test_untyped_global_and_global_from_skipped_code(result: DynamicResult) -> None:
    assert finding(result, "uses_untyped_global") == [("NB902", 49, 12)]
    assert finding(result, "uses_loop_global") == [("NB961", 58, 12)]


def test_no_source_is_an_info_diagnostic(result: DynamicResult) -> None:
    assert coverage(result, "never_called") == (False, None)
    [info] = [d for d in result.diagnostics if d.function == "never_called"]
    assert info.code == "NB960" and info.severity.value == "info"
    # The project has a signatures file, read for `harvested_bad`: the advice is to harvest a
    # test that calls the function, not to add a file that is there.
    assert (
        "no argument types; add a signature or annotations, or a test that calls it and harvest "
        "again (the signatures file has no entry for it)" in info.message
    )


def test_failure_inside_nested_callee_maps_into_callee(result: DynamicResult) -> None:
    [found] = [d for d in result.diagnostics if d.filename == "pkg/helpers.py"]
    assert (found.code, found.location.row, found.location.column) == ("NB904", 9, 12)
    assert found.function == "inner_bad"
    assert "called from middle at pkg/callers.py:8" in found.message
    assert "called from outer at pkg/callers.py:13" in found.message
    # Reached from two callers: one diagnostic, both call chains in the detail.
    assert len(found.detail["called_from"]) == 2
    assert "outer_two at pkg/callers.py:18" in found.detail["called_from"][1]
    # Typing `outer` covered its callees transitively.
    assert coverage(result, "middle") == (True, "callee")
    assert coverage(result, "inner_bad") == (True, "callee")
    assert coverage(result, "inner_ok") == (True, "callee")


def test_imported_project_module_is_a_skeleton(result: DynamicResult) -> None:
    assert not Path(str(PROJECT / "pkg" / "helpers.py") + ".ran").exists()
    assert not result.errors


def test_call_site_with_names_from_dropped_code_says_why(result: DynamicResult) -> None:
    entry = next(f for f in result.functions if f.name == "main_only")
    assert not entry.checked and entry.reason == "no argument types"
    [info] = [d for d in result.diagnostics if d.function == "main_only"]
    assert "call at line 71 skipped: name 'big' is not defined" in info.message


def test_harvested_marker_and_stale_entries(result: DynamicResult) -> None:
    # `<not passed>` becomes Numba's omitted argument: the default (a float) is typed.
    assert coverage(result, "harvested_default") == (True, "harvest")
    assert finding(result, "harvested_default") == [("NB904", 76, 16)]
    stale = next(f for f in result.functions if f.name == "harvested_stale")
    assert not stale.checked
    [info] = [d for d in result.diagnostics if d.function == "harvested_stale"]
    assert "harvested signatures are stale" in info.message


def test_inline_always_helper_counts_as_checked_through_its_caller(tmp_path: Path) -> None:
    from dynamic_support import check_source

    from numba_lint.dynamic.parent.inline_callers import INLINE_UNREACHED

    result = check_source(
        tmp_path,
        """
        from numba import njit

        @njit(inline="always")
        def helper(x):
            return x + "a"

        @njit(inline="always")
        def unused(x):
            return x

        @njit("int64(int64)")
        def caller(x):
            return helper(x)
        """,
    )
    helper = next(f for f in result.functions if f.name == "helper")
    assert (helper.checked, helper.signature_source) == (True, "callee")
    assert helper.signatures == ("inlined into caller",)
    # Its body was typed inside the caller: the failure is reported in the helper.
    assert [
        (d.code, d.location.row) for d in result.diagnostics if d.severity.value == "error"
    ] == [("NB905", 5)]
    # An inline helper nobody checked calls is still listed as not checked, and says why.
    unused = next(f for f in result.functions if f.name == "unused")
    assert not unused.checked and unused.reason == INLINE_UNREACHED
