"""The worker factory starts while the dynamic pass plans, and only when a module needs it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from dynamic_support import load

from numba_lint.config import Config
from numba_lint.dynamic import run_dynamic
from numba_lint.dynamic.parent import run as dynamic_run
from numba_lint.dynamic.parent import trial

CODE = """
from numba import njit


@njit("float64(float64)")
def twice(x):
    return 2.0 * x


@njit("float64(float64)")
def broken(x):
    return x.nope
"""


def _check(tmp_path: Path, cache: bool) -> list[tuple[str, int]]:
    path = tmp_path / "example.py"
    path.write_text(textwrap.dedent(CODE).lstrip("\n"), encoding="utf-8")
    config = Config(project_root=tmp_path, cache=cache, jobs=1)
    result = run_dynamic([load(path, tmp_path)], config)
    return sorted((d.code, d.location.row) for d in result.diagnostics)


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    monkeypatch.setenv("NUMBA_LINT_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[int] = []
    real = trial.prestart

    def counted() -> None:
        calls.append(1)
        real()

    monkeypatch.setattr(dynamic_run, "prestart", counted)
    return calls


def test_started_before_the_jobs_and_findings_unchanged(tmp_path: Path, starts: list[int]) -> None:
    first = _check(tmp_path, cache=True)
    assert starts == [1]
    assert first and all(code.startswith("NB") for code, _ in first)
    # The second run is served from the cache: no factory start, the same findings.
    assert _check(tmp_path, cache=True) == first
    assert starts == [1]
    # Without a cache it starts before planning (and again, idle, at the first module).
    assert _check(tmp_path, cache=False) == first
    assert len(starts) > 1


def test_a_prestarted_factory_is_the_one_used() -> None:
    trial.prestart()
    started = trial._ZYGOTE
    assert started is not None
    assert trial.zygote() is started and started.ready and started.startup_seconds > 0
    trial.prestart()  # running: nothing new
    assert trial._ZYGOTE is started


def test_a_factory_killed_from_outside_is_replaced_and_the_run_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The factory dies between runs (the OOM killer, a user) and the next run reaches it
    before the process is reaped (`alive()` still says yes, as right after a SIGKILL): the
    run starts a new factory and checks its jobs there, instead of failing them."""
    import os
    import signal

    expected = _check(tmp_path, cache=False)
    dead = trial.zygote()
    os.kill(dead.process.pid, signal.SIGKILL)
    dead.process.wait()
    monkeypatch.setattr(dead, "alive", lambda: True)
    assert _check(tmp_path, cache=False) == expected
    assert trial._ZYGOTE is not None and trial._ZYGOTE is not dead
