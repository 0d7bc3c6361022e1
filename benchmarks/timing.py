"""One `numba-lint` command line, run in a subprocess -> its wall and CPU seconds and its output.

Shared by the benchmarks that time the real command line (bench_cache.py, bench_shard.py). CPU
is user + system time of the command and of the processes it waited for (its static and
trial-compile workers): on a shared machine it moves less with the load than the wall time.
Never part of the test suite.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Collection, Sequence
from pathlib import Path


def timed_cli(
    args: Sequence[str], cwd: Path, tree: Path | None = None, accepted: Collection[int] = (0,)
) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and standard output of `python -m numba_lint *args` in `cwd`:
    the numba-lint of the source `tree` (its folder above `numba_lint/`; None: whichever the
    environment imports). An exit code not `accepted` ends the benchmark with the error."""
    env = {**os.environ, "NO_COLOR": "1"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "numba_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in accepted:
        raise SystemExit(f"numba-lint {' '.join(args)} failed:\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, done.stdout
