"""Numba warnings become findings (NB97x by category) at their source; results are cached
by content."""

from __future__ import annotations

from pathlib import Path

import pytest
from dynamic_support import by_code, check_source

WARNS = """
from numba import jit, njit


@njit
def total(values):
    s = 0
    for v in values:
        s += v
    return s


@njit(parallel=True)
def plus_one(x: float) -> float:
    return x + 1


total([1, 2, 3])


@jit("int64(int64)", nopython=False)
def legacy(x):
    return x
"""


def test_numba_warnings_are_warning_diagnostics(tmp_path: Path) -> None:
    result = check_source(tmp_path, WARNS)
    warnings = {
        (d.location.row, d.location.column): d
        for code in ("NB971", "NB972")
        for d in by_code(result, code)
    }
    assert by_code(result, "NB970") == []
    # Reflected list: at the first use of the argument; parallel: at the `parallel=True` keyword.
    reflected = warnings[(7, 14)]
    assert "NumbaPendingDeprecationWarning" in reflected.message
    assert "reflected list" in reflected.message and "For more information" not in reflected.message
    assert reflected.severity.value == "warning" and reflected.code == "NB972"
    parallel = warnings[(12, 7)]
    assert "NumbaPerformanceWarning" in parallel.message and parallel.code == "NB971"
    # Raised while the decorator ran: attributed to the keyword that caused it.
    legacy = warnings[(20, 22)]
    assert "NumbaDeprecationWarning" in legacy.message and "nopython=False" in legacy.message
    assert legacy.code == "NB972"
    assert all(d.severity.value == "warning" for d in result.diagnostics)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NUMBA_LINT_CACHE_DIR", str(folder))
    return folder


def test_results_cached_by_content(tmp_path: Path, cache_dir: Path) -> None:
    code = 'from numba import njit\n\n@njit("int64(int64)")\ndef f(x):\n    return x.nope\n'
    first = check_source(tmp_path, code, cache=True)
    assert first.timings and list(cache_dir.rglob("*.json"))
    second = check_source(tmp_path, code, cache=True)
    assert second.timings == {}  # no worker ran
    assert second.diagnostics == first.diagnostics
    changed = check_source(tmp_path, code.replace("nope", "other"), cache=True)
    assert changed.timings and "'other'" in by_code(changed, "NB904")[0].message


def test_cache_invalidated_by_imported_project_file(tmp_path: Path, cache_dir: Path) -> None:
    (tmp_path / "helper.py").write_text("SCALE = 2\n", encoding="utf-8")
    code = (
        'from numba import njit\nfrom helper import SCALE\n\n@njit("int64(int64)")\n'
        "def f(x):\n    return x * SCALE\n"
    )
    assert check_source(tmp_path, code, cache=True).diagnostics == []
    (tmp_path / "helper.py").write_text("SCALE = 'two'\nSCALE = [SCALE]\n", encoding="utf-8")
    again = check_source(tmp_path, code, cache=True)
    assert again.timings, "a changed imported project file must invalidate the cache"
    assert by_code(again, "NB961") == [] and again.diagnostics
