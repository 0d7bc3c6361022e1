"""The trial-compile cache lives in the user's cache folder, shared by every project, so it is
capped: the least recently used results go first, a hit counts as a use, and a bad cap is a
clear error (exit 2) while the run still reports its findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli

from numba_lint.dynamic.parent.cache import DEFAULT_MAX_MB, ResultCache, max_bytes

MODULE = """import numba


@numba.njit("float64(float64)")
def twice(x):
    return x * 2


@numba.njit("float64(float64)")
def broken(x):
    return x.nope
"""


def _entry(folder: Path, name: str, size: int, used: float) -> Path:
    path = folder / "dynamic" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    os.utime(path, (used, used))
    return path


def test_trim_removes_the_least_recently_used_entries_first(tmp_path: Path) -> None:
    old = _entry(tmp_path, "old", 400, 1_000)
    middle = _entry(tmp_path, "middle", 400, 2_000)
    new = _entry(tmp_path, "new", 400, 3_000)
    cache = ResultCache(tmp_path)
    assert cache.trim(900) == 1
    assert not old.exists() and middle.exists() and new.exists()
    assert cache.trim(900) == 0  # already under the cap
    assert cache.trim(0) == 2
    assert not list((tmp_path / "dynamic").iterdir())


def test_trim_of_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    assert ResultCache(tmp_path / "never-made").trim(0) == 0


def test_the_cap_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("NUMBA_LINT_CACHE_MAX_MB", raising=False)
    assert max_bytes() == DEFAULT_MAX_MB * 1024 * 1024
    monkeypatch.setenv("NUMBA_LINT_CACHE_MAX_MB", "3")
    assert max_bytes() == 3 * 1024 * 1024
    monkeypatch.setenv("NUMBA_LINT_CACHE_MAX_MB", "lots")
    assert max_bytes() == DEFAULT_MAX_MB * 1024 * 1024


def _check(folder: Path, cache: Path, cap: str):
    return run_cli(
        "check",
        "--format",
        "json",
        "mod.py",
        cwd=folder,
        env={"NUMBA_LINT_CACHE_DIR": str(cache), "NUMBA_LINT_CACHE_MAX_MB": cap},
    )


def test_a_hit_is_a_use_and_a_zero_cap_keeps_nothing(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(MODULE, encoding="utf-8")
    cache = tmp_path / "cache"
    first = _check(tmp_path, cache, "64")
    assert first.returncode == 1, first.stderr
    (entry,) = (cache / "dynamic").glob("*.json")
    os.utime(entry, (1_000, 1_000))
    again = _check(tmp_path, cache, "64")
    assert json.loads(again.stdout)["diagnostics"] == json.loads(first.stdout)["diagnostics"]
    assert entry.stat().st_mtime > 1_000  # the hit renewed its time of use

    (tmp_path / "mod.py").write_text(MODULE + "\n", encoding="utf-8")  # a miss: stored, trimmed
    capped = _check(tmp_path, cache, "0")
    assert capped.returncode == 1, capped.stderr
    assert not list((cache / "dynamic").glob("*.json"))


def test_a_bad_cap_is_an_error_and_the_findings_still_come(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(MODULE, encoding="utf-8")
    done = _check(tmp_path, tmp_path / "cache", "12GB")
    assert done.returncode == 2
    assert "NUMBA_LINT_CACHE_MAX_MB='12GB' is not a whole number of megabytes" in done.stderr
    codes = {d["code"] for d in json.loads(done.stdout)["diagnostics"]}
    assert codes  # `broken` is still reported
    assert "Traceback" not in done.stderr
