"""numba-lint's own code passes numba-lint (the fixtures and examples are wrong on purpose)."""

from __future__ import annotations

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
