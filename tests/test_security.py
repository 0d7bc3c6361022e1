"""SECURITY.md's promise, measured: a full check writes nothing in the checked tree.

Runs the real CLI (static pass and trial compile, then --full-compile, which compiles
`cache=True` functions for real) on a copy of the examples, a cross-module package and valid
code that uses `cache=True` and `@cfunc`, and compares every file of the tree (content, size and
modification time) before and after. numba-lint's own cache goes to $NUMBA_LINT_CACHE_DIR; the
home folder must stay empty.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

VALID = ROOT / "tests" / "fixtures" / "valid_corpus"


def _listing(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every entry under `root`: relative path -> (kind and content hash, size, mtime in ns)."""
    found: dict[str, tuple[str, int, int]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            if path.is_file() and not path.is_symlink():
                kind = "file " + hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                kind = "dir" if path.is_dir() else "other"
            found[path.relative_to(root).as_posix()] = (kind, info.st_size, info.st_mtime_ns)
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(ROOT / "examples", root / "examples")
    shutil.copytree(ROOT / "tests" / "fixtures" / "cross_module", root / "cross_module")
    for name in ("numba_stats_expon.py", "cfunc_callbacks.py", "factory_return_njit.py"):
        shutil.copy(VALID / name, root / name)
    (root / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    return root


def test_a_full_check_writes_nothing_in_the_checked_tree(tree: Path, tmp_path: Path) -> None:
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    env = {"HOME": str(home), "NUMBA_LINT_CACHE_DIR": str(cache), "XDG_CACHE_HOME": ""}
    before = _listing(tree)
    for extra in ([], ["--full-compile"]):
        done = run_cli("check", *extra, "--format", "json", ".", cwd=tree, env=env)
        assert done.returncode in (0, 1), done.stderr
        assert '"dynamically_checked": 0' not in done.stdout, done.stdout[-400:]
    assert _listing(tree) == before
    # Its cache (results, the knowledge tables, Numba's cache of a --full-compile) went where it
    # was told, and nothing else was written in the home folder.
    assert list(home.iterdir()) == []
    assert any(cache.iterdir())


def test_static_only_environment_variable_never_starts_a_worker(tree: Path) -> None:
    # A module that would leave a file behind if it were imported at all.
    (tree / "marker.py").write_text(
        "import pathlib\nfrom numba import njit\npathlib.Path('imported').write_text('x')\n\n"
        "@njit\ndef f(x: int) -> int:\n    return x\n",
        encoding="utf-8",
    )
    done = run_cli("check", "--format", "json", ".", cwd=tree, env={"NUMBA_LINT_STATIC_ONLY": "1"})
    assert done.returncode in (0, 1), done.stderr
    assert '"dynamically_checked": 0' in done.stdout
    assert (
        "static pass only"
        in run_cli("check", ".", cwd=tree, env={"NUMBA_LINT_STATIC_ONLY": "yes"}).stdout
    )
    assert not (tree / "imported").exists()


def test_static_only_environment_variable_rejects_unclear_values(tree: Path) -> None:
    done = run_cli("check", ".", cwd=tree, env={"NUMBA_LINT_STATIC_ONLY": "maybe"})
    assert done.returncode == 2
    assert "NUMBA_LINT_STATIC_ONLY='maybe'" in done.stderr and "Traceback" not in done.stderr


def test_harvest_writes_the_signatures_file_only(tree: Path, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "NUMBA_LINT_CACHE_DIR": str(tmp_path / "cache")}
    before = _listing(tree)
    # -B: the harvested command itself writes no bytecode (what it writes is its own business).
    script = (
        "import sys; sys.path.insert(0, 'examples'); import numpy as np; import clean; "
        "clean.scale(np.ones(3), 2.0)"
    )
    done = run_cli("harvest", "--", sys.executable, "-B", "-c", script, cwd=tree, env=env)
    assert done.returncode == 0, done.stderr
    after = _listing(tree)
    added = sorted(set(after) - set(before))
    assert added == [".numba-lint", ".numba-lint/signatures.json"], added
    assert {k: v for k, v in after.items() if k in before} == before
