"""End to end on published packages: editable install, harvest on their own tests, then check.

Not a test: run by hand, takes minutes per package. For each package (sdist pinned in
shared/data/realcorpus-pins.tsv, fetched and hash-checked as in bench_harvest.py):

1. a fresh copy of the sdist and a virtualenv with this checkout of numba-lint and the package
   installed *editable*, plus its test dependencies;
2. its test suite (or the subset named below, where the whole suite is too slow on 2 cores) run
   once plain and once through `numba-lint harvest`, for the harvest's CPU overhead;
3. `numba-lint check --format json` on its library sources, cold (empty result cache) and warm.

It prints, per package: jitted functions, trial-compiled (by signature source), unchecked (by
reason), errors and warnings, check time cold and warm, and harvest overhead. Every error and
warning is written to WORK/NAME-findings.json to be read: on published, tested packages each one
is either a false alarm to fix in numba-lint or a real problem of the package, explained in
benchmarks/README.md; every function left unchecked, with its reason, to WORK/NAME-unchecked.json.

    python benchmarks/bench_realworld.py resampy numba-stats numbagg quantecon pynndescent
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_harvest import fetch, fresh_copy, package_options, pinned, timed  # noqa: E402


@dataclass(frozen=True)
class Package:
    """How to install, test and check one pinned package."""

    install: tuple[str, ...]  # pip arguments after the editable install of the sdist
    tests: tuple[str, ...]  # pytest arguments (paths, -k), run from the sdist's folder
    sources: str  # the library folder numba-lint checks


# pynndescent's suite takes far longer than a benchmark run on 2 cores (its time is Numba
# compiling, ~1 minute per index code path). Its distance and rank tests reach the distance
# kernels; these 11 index tests (chosen with `--durations` and the functions each file's harvest
# recorded) build and query one index per code path: dense, angular, sparse, bit-packed, int8
# quantized, updated, cached search. Five hub-search-tree cases (one per data kind, the
# level-synchronous kernels) add the sparse and bit-packed hub trees and their segment kernels
# (19 functions): the other 43 cases of that file, test_hub_trees.py (12 minutes here) and
# test_search_graph.py (2 minutes) reach no function these do not.
PYNNDESCENT_INDEX = (
    "test_int8_quantized_query_and_width_controls",
    "test_update_no_prepare_query_accuracy",
    "test_bitpacked_nn_descent_query_accuracy",
    "test_sparse_nn_descent_neighbor_accuracy",
    "test_sparse_nn_descent_query_accuracy",
    "test_sparse_nn_descent_query_accuracy_angular",
    "test_cached_search_matches_closure",
)
PYNNDESCENT_HUB = tuple(
    f"test_matches_serial_hub_tree[{case}-0]"
    for case in (
        "dense-euclidean-False",
        "dense-cosine-True",
        "sparse-euclidean-False",
        "sparse-cosine-True",
        "bit-bit_jaccard-False",
    )
)
PACKAGES = {
    "resampy": Package(("pytest", "scipy"), ("tests",), "resampy"),
    "quantecon": Package(("pytest", "sympy", "pandas"), ("quantecon",), "quantecon"),
    "numba-stats": Package(("pytest", "scipy"), ("tests",), "src/numba_stats"),
    "numbagg": Package(
        ("pytest", "pandas", "bottleneck", "pytest-benchmark", "tabulate", "hypothesis"),
        ("numbagg/test", "-m", "not slow and not nightly"),
        "numbagg",
    ),
    "pynndescent": Package(
        ("pytest", "scikit-learn"),
        (
            "pynndescent/tests/test_distances.py",
            "pynndescent/tests/test_rank.py",
            *(f"pynndescent/tests/test_pynndescent_.py::{test}" for test in PYNNDESCENT_INDEX),
            *(f"pynndescent/tests/test_hub_search_tree.py::{test}" for test in PYNNDESCENT_HUB),
        ),
        "pynndescent",
    ),
}
# Not here: interpolation (its poetry build backend pulls a build dependency that must be
# compiled from Rust sources for an editable install, which fails offline here); sparse,
# stumpy and umap-learn (their suites take far longer than a benchmark run on 2 cores).
PYTEST = ("-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider")


@dataclass
class Row:
    package: str
    version: str
    tests_exit: int = 0
    jitted: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    unchecked: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    warnings: int = 0
    cold: float = 0.0
    warm: float = 0.0
    plain_cpu: float = 0.0
    harvest_cpu: float = 0.0
    note: str = ""

    @property
    def overhead(self) -> float:
        return (self.harvest_cpu - self.plain_cpu) / self.plain_cpu if self.plain_cpu else 0.0


def environment(where: Path, project: Path, package: Package) -> Path:
    """A fresh venv with this checkout of numba-lint and the project installed editable (the
    harvest records only functions whose files lie inside the project)."""
    python = where / "bin" / "python"
    if not python.exists():
        venv.create(where, with_pip=True)
    install = ["install", "-q", "-e", str(REPO), "-e", str(project), *package.install]
    subprocess.run([str(python), "-m", "pip", *install], check=True)
    return python


def check(python: Path, project: Path, sources: str, cache: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(python), "-m", "numba_lint", "check", "--format", "json", "--exit-zero", sources],
        cwd=project,
        env={**os.environ, "NUMBA_LINT_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"numba-lint check failed in {project}:\n{done.stderr[-3000:]}")
    return seconds, json.loads(done.stdout)


def bench(name: str, work: Path, pins: Path) -> Row:
    package = PACKAGES[name]
    version, sha256 = pinned(pins, name)
    row = Row(name, version)
    archive = fetch(work, name, version, sha256)
    project = fresh_copy(archive, work / f"run-{name}")
    python = environment(work / f"venv-{name}", project, package)
    env = {**os.environ}
    with tempfile.TemporaryDirectory() as numba_cache:
        code, row.plain_cpu, _ = timed(
            [str(python), *PYTEST, *package.tests], project, {**env, "NUMBA_CACHE_DIR": numba_cache}
        )
    harvest = [str(python), "-m", "numba_lint", "harvest", "--replace", "--"]
    code_h, row.harvest_cpu, _ = timed(
        [*harvest, str(python), *PYTEST, *package.tests], project, env
    )
    row.tests_exit = max(code, code_h)
    with tempfile.TemporaryDirectory() as cache:
        row.cold, report = check(python, project, package.sources, Path(cache))
        row.warm, _ = check(python, project, package.sources, Path(cache))
    row.jitted = report["summary"]["jit_functions"]
    unchecked = []
    for function in report["functions"]:
        if function["checked"]:
            row.checked[function["signature_source"] or "?"] += 1
        else:
            row.unchecked[function.get("reason") or "?"] += 1
            unchecked.append(
                {
                    key: function.get(key)
                    for key in ("filename", "line", "name", "via", "reason")
                    if function.get(key) is not None
                }
            )
    # Each function left unchecked, with its reason, to be read when the table's counts move.
    (work / f"{name}-unchecked.json").write_text(json.dumps(unchecked, indent=2), encoding="utf-8")
    findings = [d for d in report["diagnostics"] if d["severity"] in ("error", "warning")]
    row.errors = sum(1 for d in findings if d["severity"] == "error")
    row.warnings = len(findings) - row.errors
    (work / f"{name}-findings.json").write_text(json.dumps(findings, indent=2), encoding="utf-8")
    return row


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {number}" for key, number in counter.most_common()) or "-"


def table(rows: list[Row]) -> str:
    lines = [
        "| package | jitted | trial-compiled (by source) | unchecked (by reason) | errors "
        "| warnings | check cold / warm s | harvest CPU overhead | tests exit |",
        "|---|---:|---|---|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        total = sum(r.checked.values())
        lines.append(
            f"| {r.package} {r.version} | {r.jitted} | {total} ({total / max(r.jitted, 1):.0%}): "
            f"{_counts(r.checked)} | {_counts(r.unchecked)} | {r.errors} | {r.warnings} | "
            f"{r.cold:.1f} / {r.warm:.1f} | {r.overhead:+.1%} | {r.tests_exit} |"
        )
    return "\n".join(lines)


def main() -> int:
    options = package_options(
        __doc__.splitlines()[0],
        list(PACKAGES),
        HERE / ".cache" / "realworld",
        "the sdists, venvs, copies and the findings/unchecked JSON files",
    )
    options.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in options.packages:
        rows.append(bench(name, options.work.resolve(), options.pins))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
