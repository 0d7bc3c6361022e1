"""Paths -> files: recursion, default and configured excludes, explicit files, missing paths."""

from __future__ import annotations

from pathlib import Path

from numba_lint.config import DEFAULT_EXCLUDES
from numba_lint.discover import discover


def make(tmp_path: Path, *names: str) -> None:
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")


def names(found) -> list[str]:
    return sorted(f.display for f in found.files)


def test_recursive_with_default_excludes(tmp_path: Path, monkeypatch) -> None:
    make(
        tmp_path,
        "pkg/a.py",
        "pkg/sub/b.pyi",
        ".venv/lib/c.py",
        "build/d.py",
        "notes.txt",
        "pkg/__pycache__/e.py",
    )
    monkeypatch.chdir(tmp_path)
    found = discover(["."], DEFAULT_EXCLUDES, tmp_path)
    assert names(found) == ["pkg/a.py", "pkg/sub/b.pyi"]
    assert found.errors == [] and found.notes == []


def test_configured_exclude_patterns(tmp_path: Path, monkeypatch) -> None:
    make(tmp_path, "src/keep.py", "src/generated/skip.py", "tests/test_skip.py")
    monkeypatch.chdir(tmp_path)
    found = discover(["."], ["generated/", "tests/test_*.py"], tmp_path)
    assert names(found) == ["src/keep.py"]


def test_explicit_files_are_checked_unless_force_exclude(tmp_path: Path, monkeypatch) -> None:
    make(tmp_path, "build/gen.py")
    monkeypatch.chdir(tmp_path)
    assert names(discover(["build/gen.py"], ["build"], tmp_path)) == ["build/gen.py"]
    assert names(discover(["build/gen.py"], ["build"], tmp_path, force_exclude=True)) == []


def test_missing_paths_and_empty_folders(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    found = discover(["nope.py", "empty"], DEFAULT_EXCLUDES, tmp_path)
    assert found.errors == ["nope.py: no such file or directory"]
    assert found.notes == ["empty: no Python files found"]
