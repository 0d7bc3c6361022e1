"""Paths -> files: recursion, default and configured excludes, explicit files, missing paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from numba_lint.config import DEFAULT_EXCLUDES
from numba_lint.discover import ExcludeMatcher, component_globs, discover


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


NAMES = (
    "pkg", ".git", "build", "builds", "Build", "x.egg-info", "egg-info", ".venv", "venv2",
    "tests", "test_x.py", "a_test.py", "gen1", "gen12", "node_modules", "__pycache__",
    "site-packages", "ok.py", ".hidden.py", "dist.py",
)  # fmt: skip
GLOB_SETS = (
    DEFAULT_EXCLUDES,
    ["*.py"],
    ["tests", "*_test.py", "gen?"],
    ["build*", ".*"],
    ["dist*", "*-packages"],
    [],
)


@pytest.mark.parametrize("patterns", GLOB_SETS)
def test_globs_of_one_name_match_as_gitignore_does(tmp_path: Path, patterns: list[str]) -> None:
    """The exclude matcher skips pathspec for patterns that are globs of one name: on files
    and folders at every depth it must decide exactly as gitignore (pathspec) does."""
    paths = []
    for first in NAMES:
        for second in NAMES[::4]:
            for third in ("m.py", "x_test.py"):
                path = tmp_path / first / second / third
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
                paths.extend([path, path.parent, path.parent.parent])
    fast = ExcludeMatcher(patterns, tmp_path)
    slow = ExcludeMatcher(patterns, tmp_path)
    slow.names = None  # pathspec's gitignore matching
    assert fast.names is not None
    decisions = [(str(p.relative_to(tmp_path)), fast.excluded(p)) for p in paths]
    assert decisions == [(str(p.relative_to(tmp_path)), slow.excluded(p)) for p in paths]
    assert any(excluded for _, excluded in decisions) == bool(patterns)


@pytest.mark.parametrize(
    "pattern", ["/build", "build/", "!keep", "a/**", "**", "[ab]", "# note", " x", "x ", "a\\*"]
)
def test_other_gitignore_patterns_go_to_pathspec(pattern: str) -> None:
    assert component_globs(["build", pattern]) is None
    assert component_globs(["build", "*.egg-info"]) == ("build", "*.egg-info")
