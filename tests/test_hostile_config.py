"""Broken configuration and broken files that numba-lint owns, through the real command line.

A bad pyproject.toml, signatures file or baseline is the user's to fix: one line naming the
file and the problem, exit 2, no traceback. A damaged cache is numba-lint's own: it is
ignored (the run gives the findings it gives without a cache), never trusted, never a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from numba_lint.atomic import TEMPORARY_SUFFIX

MODULE = (
    "from numba import njit\n\n\nclass P:\n    def __init__(self, x):\n        self.x = x\n\n\n"
    "@njit\ndef f(a):\n    return a.x + 1\n\n\n"
    '@njit("int64(int64)")\ndef g(n):\n    return n + 1\n'
)


def make_project(root: Path, pyproject: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "m.py").write_text(MODULE, encoding="utf-8")
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def _fails_cleanly(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("pyproject", "words"),
    [
        ("[tool.numba-lint\n", "is not valid TOML"),
        ("tool = 3\n", "'tool' in"),
        ("[tool]\nnumba-lint = 3\n", "must be a table"),
        ("[tool.numba-lint]\nselect = 3\n", "'select' must be a list of strings"),
        ('[tool.numba-lint]\njobs = "2"\n', "'jobs' must be a positive integer"),
        ("[tool.numba-lint]\ntimeout = nan\n", "'timeout' must be a positive number"),
        ("[tool.numba-lint]\ntimeout = inf\n", "'timeout' must be a positive number"),
        ("[tool.numba-lint]\nmemory-limit = 100000000000000\n", "'memory-limit' must be"),
        ('[tool.numba-lint]\nper-file-ignores = {"a" = 3}\n', "'per-file-ignores.a'"),
        ("[tool.numba-lint]\nstatic-only = 1\n", "'static-only' must be true or false"),
        ("[tool.numba-lint]\nnot-an-option = 1\n", "unknown option 'not-an-option'"),
    ],
)
def test_a_bad_pyproject_is_one_clear_line(tmp_path: Path, pyproject: str, words: str) -> None:
    root = make_project(tmp_path, pyproject)
    _fails_cleanly(run_cli("check", "--static-only", "m.py", cwd=root), words)


def test_a_pyproject_that_is_not_utf8(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "pyproject.toml").write_bytes(b"\xff\xfe[tool]")
    _fails_cleanly(run_cli("check", "--static-only", "m.py", cwd=root), "cannot read")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{", "is not valid JSON"),
        (b"\xff\xfe", "cannot read"),
        (b"[]", "is not a version 1 numba-lint signatures file"),
        (b'{"format": 99}', "is not a version 1 numba-lint signatures file"),
        (b'{"format": 1, "functions": 3}', "'functions' must be an object"),
        (b'{"format": 1, "functions": {"m.py::f": 3}}', "entry 'm.py::f' is malformed"),
        (b'{"format": 1, "functions": {"m.py::f": {"signatures": 3}}}', "is malformed"),
    ],
)
def test_a_corrupt_signatures_file(tmp_path: Path, content: bytes, words: str) -> None:
    root = make_project(tmp_path, '[tool.numba-lint]\nsignatures-file = "sig.json"\n')
    (root / "sig.json").write_bytes(content)
    # The static pass needs no signatures: the run says why it is incomplete, and exits 2.
    done = run_cli("check", "--no-cache", "m.py", cwd=root)
    _fails_cleanly(done, "sig.json", words)
    assert "m.py:11:12: NB101" in done.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "not a numba-lint baseline"),
        (b'{"version": 99, "tool": "numba-lint"}', "written in baseline format 99"),
        (b'{"version": 1, "findings": 3}', "malformed entry"),
        (b'{"version": 1, "findings": [{"file": 3}]}', "malformed entry"),
    ],
)
def test_a_corrupt_or_foreign_baseline(tmp_path: Path, content: bytes, words: str) -> None:
    root = make_project(tmp_path)
    (root / "baseline.json").write_bytes(content)
    done = run_cli("check", "--static-only", "--baseline", "baseline.json", "m.py", cwd=root)
    _fails_cleanly(done, "baseline.json", words)


def test_a_baseline_that_cannot_be_written(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "a_file").write_text("", encoding="utf-8")
    done = run_cli("check", "--static-only", "--write-baseline", "a_file/b.json", "m.py", cwd=root)
    _fails_cleanly(done, "cannot write the baseline a_file/b.json")


def _findings(done: subprocess.CompletedProcess) -> list[tuple[str, int, int]]:
    assert "Traceback" not in done.stderr, done.stderr
    data = json.loads(done.stdout)
    return [(d["code"], d["location"]["row"], d["location"]["column"]) for d in data["diagnostics"]]


def _cached_check(root: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {"NUMBA_LINT_CACHE_DIR": str(cache)}
    return run_cli("check", "--format", "json", "m.py", cwd=root, env=env)


@pytest.fixture(scope="module")
def cached_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    """(project, the cache its first run filled, that run's findings): one cold run for all the
    damages below. Tests only read them; each damages a copy of the cache."""
    folder = tmp_path_factory.mktemp("cached")
    root = make_project(folder / "project")
    cache = folder / "cache"
    return root, cache, _findings(_cached_check(root, cache))


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "[]",
        '{"dependencies": 3, "result": 4}',
        '{"dependencies": {}, "result": 4}',
        '{"dependencies": {}, "result": {"failures": 3}}',
    ],
)
def test_a_damaged_cache_entry_is_a_miss(
    tmp_path: Path, damage: str, cached_project: tuple[Path, Path, list]
) -> None:
    root, filled, expected = cached_project
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache)
    entries = list((cache / "dynamic").glob("*.json"))
    assert entries, "the first run cached nothing: the test would prove nothing"
    for entry in entries:
        entry.write_text(damage, encoding="utf-8")
    assert _findings(_cached_check(root, cache)) == expected


def test_an_unwritable_cache_folder_costs_nothing_but_the_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("", encoding="utf-8")  # even root cannot create a folder below a file
    done = _cached_check(root, blocked)
    assert done.returncode == 1, done.stderr
    assert ("NB101", 11, 12) in _findings(done)


def test_a_read_only_project(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: a read-only folder does not stop root from writing")
    root = make_project(tmp_path / "project")
    root.chmod(0o555)
    try:
        done = _cached_check(root, tmp_path / "cache")
    finally:
        root.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert ("NB101", 11, 12) in _findings(done)


def test_two_runs_at_once_share_the_cache_safely(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    cache = tmp_path / "cache"
    env = {**os.environ, "NO_COLOR": "1", "NUMBA_LINT_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "numba_lint", "check", "--format", "json", "m.py"]
    runs = [
        subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = []
    for process in runs:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 1, err
        outputs.append(
            _findings(subprocess.CompletedProcess(command, 1, out.decode(), err.decode()))
        )
    assert outputs[0] == outputs[1]
    assert ("NB101", 11, 12) in outputs[0]
    # Both wrote the same entries: each one whole, no temporary file left.
    assert not list(cache.rglob(f"*{TEMPORARY_SUFFIX}"))
    for entry in (cache / "dynamic").glob("*.json"):
        json.loads(entry.read_text(encoding="utf-8"))
    assert _findings(_cached_check(root, cache)) == outputs[0]
