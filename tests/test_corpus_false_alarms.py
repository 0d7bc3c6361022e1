"""Opt-in: the static pass on the real corpus reports no error-level finding.

The corpus's jitted code runs in production, so an error there is a false alarm unless it is
listed in PROVEN_BUGS (each proven by compiling with Numba). Fetch the corpus with
`python benchmarks/bench_static.py` and run:

    NUMBA_LINT_CORPUS=benchmarks/.corpus/src python -m pytest tests/test_corpus_false_alarms.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli

CORPUS = os.environ.get("NUMBA_LINT_CORPUS")

# (file suffix, row, code) of error-level findings proven real by a failing Numba compile.
# None so far: every error found on the corpus was a false alarm and its rule was fixed (see
# tests/test_corpus_regressions.py and benchmarks/README.md).
PROVEN_BUGS: set[tuple[str, int, str]] = set()

pytestmark = pytest.mark.skipif(not CORPUS, reason="set NUMBA_LINT_CORPUS=<folder> to run")


def test_no_unexplained_error_on_the_corpus() -> None:
    root = Path(CORPUS or ".").resolve()
    files = sorted(str(p) for p in root.rglob("*.py"))
    done = run_cli(
        "check",
        "--static-only",
        "--no-cache",
        "--exit-zero",
        "--format",
        "json",
        *files,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["summary"]["jit_functions"] > 500  # the corpus really was checked
    errors = [
        (d["filename"], d["location"]["row"], d["code"], d["message"])
        for d in report["diagnostics"]
        if d["severity"] == "error"
        and not any(
            d["filename"].endswith(f) and d["location"]["row"] == r and d["code"] == c
            for f, r, c in PROVEN_BUGS
        )
    ]
    assert errors == []
