"""@vectorize, @guvectorize (and layouts), @cfunc, @jitclass (spec and methods), parallel=True."""

from __future__ import annotations

import pytest
from dynamic_support import FIXTURES, check_files

from numba_lint.dynamic import DynamicResult

KINDS = FIXTURES / "kinds"


@pytest.fixture(scope="module")
def result() -> DynamicResult:
    return check_files([KINDS / "kinds.py"], KINDS)


@pytest.mark.parametrize(
    ("function", "code", "row", "column"),
    [
        ("vec_bad", "NB904", 10, 12),  # compiled when decorated: the error is caught and mapped
        ("guv_bad", "NB904", 16, 18),
        ("guv_bad_layout", "NB908", 19, 14),  # "(n)->(n),(k)": the decorator's arguments
        ("cf_bad", "NB904", 26, 12),
        ("BadSpec.__init__", "NB908", 29, 11),  # the spec
        ("Counter.add", "NB904", 41, 25),  # annotated method: self is the instance type
        ("par", "NB904", 48, 14),  # parfor passes run in the typing-only pipeline
        ("Broken.__init__", "NB904", 55, 18),  # compiled by `BROKEN = Broken(3)` at import
    ],
)
def test_each_kind_is_checked(
    result: DynamicResult, function: str, code: str, row: int, column: int
) -> None:
    found = [
        (d.code, d.location.row, d.location.column)
        for d in result.diagnostics
        if d.function == function
    ]
    assert found == [(code, row, column)]
    entry = next(f for f in result.functions if f.name == function)
    assert entry.checked


def test_jitclass_constructor_without_types_is_listed(result: DynamicResult) -> None:
    entry = next(f for f in result.functions if f.name == "Counter.__init__")
    assert not entry.checked and "no argument types" in (entry.reason or "")
