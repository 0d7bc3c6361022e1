"""Modules that hang, exit or segfault on import: one diagnostic each, the rest still checked."""

from __future__ import annotations

import time

import pytest
from dynamic_support import FIXTURES, check_files

from numba_lint.dynamic.parent import run

CRASH = FIXTURES / "crash"


def test_hang_exit_and_segfault_are_reported_and_others_still_checked() -> None:
    files = [CRASH / name for name in ("hang.py", "exits.py", "segv.py", "healthy.py")]
    started = time.perf_counter()
    # 3 s is below the 5 s per-statement timer, so the parent's kill handles the hang.
    assert run.STATEMENT_SECONDS > 3.0
    result = check_files(files, CRASH, timeout=3.0)
    assert time.perf_counter() - started < 30
    found = {(d.filename, d.code, d.location.row) for d in result.diagnostics}
    assert ("hang.py", "NB951", 16) in found
    assert ("exits.py", "NB952", 11) in found
    assert ("segv.py", "NB952", 11) in found
    assert ("healthy.py", "NB904", 6) in found
    messages = {d.filename: d.message for d in result.diagnostics}
    assert "SIGSEGV" in messages["segv.py"]
    assert "status 3" in messages["exits.py"]
    assert "3 s" in messages["hang.py"]
    by_file = {f.filename: f for f in result.functions}
    assert by_file["healthy.py"].checked
    assert not by_file["segv.py"].checked and "SIGSEGV" in (by_file["segv.py"].reason or "")


def test_python_hang_in_a_kept_statement_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    # Below the module timeout, the per-statement timer (1 s here) stops the loop, and the rest
    # of the module is still checked.
    monkeypatch.setattr(run, "STATEMENT_SECONDS", 1.0)
    result = check_files([CRASH / "hang.py"], CRASH)
    [failed] = [d for d in result.diagnostics if d.code == "NB950"]
    assert failed.location.row == 16 and "TimeoutError" in failed.message
    assert result.functions[0].checked
