"""numba-lint on the project's corpus of VALID Numba code (tests/fixtures/valid_corpus).

Every corpus module is proven valid by real Numba (tests/valid_corpus_prover.py: each module
imported in its own process, every Numba warning an error, its module-level calls compiling
every jitted function it defines). On valid code numba-lint should say nothing and check
everything, so the measurement test below is a ratchet over what it does today:

- KNOWN_FALSE_ALARMS: every diagnostic other than NB960 that numba-lint reports on the corpus
  (any severity: on valid code each one is a defect), with the class of its cause;
- KNOWN_UNCHECKED: every jitted function numba-lint does not trial-compile, with why;
- KNOWN_MISSED / KNOWN_EXTRA: jitted functions the jit index does not find / finds where the
  prover saw none;
- COVERAGE_FLOOR: the share of jitted functions trial-compiled, in percent.

The findings must be *exactly* these lists: a new false alarm fails, and so does a fixed one
until it is removed from its list (the message says which). `python benchmarks/valid_corpus.py`
prints the per-module table.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from valid_corpus_prover import CORPUS, corpus_modules, expected_functions, prove_corpus

# Cause classes, one line each (the report groups findings by them).
CUDA = "CUDA kernel (not trial-compiled yet)"
PROXY = "njit getter called only from a structref proxy property (plain Python)"
WRAPPER = "called at module level only through a plain-Python wrapper"

# (corpus file, row, code, cause class) of every diagnostic other than NB960 on the corpus.
# Empty since f99e618 fixed the three NB950/NB961 in knn_pkg/__init__.py (relative imports
# in a package __init__ loaded without its package).
KNOWN_FALSE_ALARMS: set[tuple[str, int, str, str]] = set()

# (corpus file, def line, name) -> cause class, for every jitted function not trial-compiled.
KNOWN_UNCHECKED: dict[tuple[str, int, str], str] = {
    ("cuda_kernels_lazy.py", 13, "_squared_diff"): CUDA,
    ("cuda_kernels_lazy.py", 19, "gpu_sliding_distance"): CUDA,
    ("cuda_kernels_lazy.py", 30, "gpu_scale"): CUDA,
    ("cuda_kernels_lazy.py", 38, "cpu_sliding_distance"): WRAPPER,
    ("structref_global.py", 29, "counter_hits"): PROXY,
    ("structref_global.py", 34, "counter_misses"): PROXY,
    ("structref_point.py", 32, "particle_position"): PROXY,
    ("structref_point.py", 37, "particle_mass"): PROXY,
}

# Jitted functions (by the prover) the jit index does not find, and the other way round.
KNOWN_MISSED: dict[tuple[str, int, str], str] = {}
KNOWN_EXTRA: dict[tuple[str, int, str], str] = {}

# Percent of jitted functions trial-compiled (summary.dynamically_checked / jit_functions);
# raise it when numba-lint gets better.
COVERAGE_FLOOR = 97.0

# The corpus is large enough to say something: at least this many modules and functions.
MIN_MODULES = 55
MIN_FUNCTIONS = 225


@pytest.fixture(scope="module")
def proven() -> dict[str, dict[str, Any]]:
    return prove_corpus(jobs=2)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # @vectorize/@guvectorize with cache=True compile for real in the workers' skeleton import:
    # their cache goes to a temporary folder, never next to the corpus files.
    cache = tmp_path_factory.mktemp("numba-cache")
    done = run_cli(
        "check",
        "--format",
        "json",
        "--no-cache",
        "--exit-zero",
        str(CORPUS.relative_to(ROOT)),
        env={"NUMBA_CACHE_DIR": str(cache)},
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout)


def _relative(filename: str) -> str:
    return Path(os.path.relpath(ROOT / filename, CORPUS)).as_posix()


def _ratchet(name: str, found: Iterable[Any], known: Iterable[Any]) -> list[str]:
    found, known = set(found), set(known)
    problems = [
        f"new in {name} (fix numba-lint, or list it with its cause): {item}"
        for item in sorted(found - known)
    ]
    problems += [f"fixed, remove it from {name}: {item}" for item in sorted(known - found)]
    return problems


def test_every_corpus_module_compiles_with_numba(proven: dict[str, dict[str, Any]]) -> None:
    assert set(proven) == set(corpus_modules())
    failures = {
        name: f"{result['outcome']}: {result['detail']}"
        for name, result in proven.items()
        if result["outcome"] != "compiled"
    }
    assert failures == {}
    functions = expected_functions(proven)
    assert len(proven) >= MIN_MODULES
    assert sum(len(f) for f in functions.values()) >= MIN_FUNCTIONS
    # Realistic modules, not one-liners: every module defines at least one jitted function.
    assert all(functions.values())


def test_numba_lint_on_the_valid_corpus(
    proven: dict[str, dict[str, Any]], report: dict[str, Any]
) -> None:
    expected = {
        (file, line, name)
        for file, found in expected_functions(proven).items()
        for line, name in found
    }
    expected_keys = {(file, line) for file, line, _ in expected}
    listed = report["functions"]
    linted = {(_relative(f["filename"]), f["line"], f["name"].rsplit(".", 1)[-1]) for f in listed}
    linted_keys = {(file, line) for file, line, _ in linted}

    problems: list[str] = []
    # (c) the jitted functions numba-lint finds are the ones the corpus has, as sets of
    # (file, def line): a def jitted twice (serial and parallel variants) is one def for the
    # prover and one entry per variant in numba-lint's list.
    problems += _ratchet(
        "KNOWN_MISSED",
        {item for item in expected if item[:2] not in linted_keys},
        KNOWN_MISSED,
    )
    problems += _ratchet(
        "KNOWN_EXTRA",
        {item for item in linted if item[:2] not in expected_keys},
        KNOWN_EXTRA,
    )
    # (a) nothing to say on valid code, at any severity (NB960, "not trial-compiled", is
    # coverage: (b)). Warnings and errors are in KNOWN_FALSE_ALARMS only if listed there.
    findings = {
        (_relative(d["filename"]), d["location"]["row"], d["code"])
        for d in report["diagnostics"]
        if d["code"] != "NB960"
    }
    problems += _ratchet(
        "KNOWN_FALSE_ALARMS", findings, {entry[:3] for entry in KNOWN_FALSE_ALARMS}
    )
    # (b) every jitted function trial-compiled.
    unchecked = {
        (_relative(f["filename"]), f["line"], f["name"].rsplit(".", 1)[-1])
        for f in listed
        if not f["checked"]
    }
    problems += _ratchet("KNOWN_UNCHECKED", unchecked, KNOWN_UNCHECKED)
    summary = report["summary"]
    if summary["jit_functions"] != len(listed):
        problems.append(
            f"summary.jit_functions is {summary['jit_functions']} but {len(listed)} are listed"
        )
    coverage = 100.0 * summary["dynamically_checked"] / summary["jit_functions"]
    if coverage < COVERAGE_FLOOR:
        problems.append(f"coverage {coverage:.1f} % fell below the floor {COVERAGE_FLOOR} %")
    elif coverage > COVERAGE_FLOOR + 2.0:
        problems.append(
            f"coverage {coverage:.1f} % exceeds COVERAGE_FLOOR {COVERAGE_FLOOR} % by more than"
            " 2 points: raise the floor"
        )
    assert problems == []
