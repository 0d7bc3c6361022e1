"""numba-lint's own code passes numba-lint (the fixtures and examples are wrong on purpose)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import run_cli


def test_this_project_is_clean() -> None:
    done = run_cli(
        "check",
        "--static-only",
        "numba_lint",
        "benchmarks/bench_static.py",
        "benchmarks/bench_dynamic.py",
        "benchmarks/bench_harvest.py",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_and_mypy_are_clean() -> None:
    """The code style and the type checks CI enforces: `ruff check`, `ruff format --check` and
    mypy with the module ratchet in pyproject.toml's [tool.mypy]."""
    root = Path(__file__).resolve().parents[1]
    for command in (
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *command], cwd=root, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}{done.stderr}"
