"""A bug inside numba-lint exits 2 with a message that says so, never 1 (which a CI gate or
pre-commit reads as "findings") and never a bare traceback alone. The fault is injected in a
real `numba-lint` process: no current input is known to crash it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FAULTY_RUN = """
import sys
import numba_lint.pipeline as pipeline
from numba_lint.cli import main

def broken(config, options):
    raise RuntimeError("injected fault")

pipeline.run = broken
sys.exit(main(["check", "--static-only", sys.argv[1]]))
"""


def _run_faulty(script: str, folder: Path, text: str) -> subprocess.CompletedProcess[str]:
    """`script` (a check with a fault injected) on one module holding `text`, in a real process."""
    module = folder / "mod.py"
    module.write_text(text, "utf-8")
    return subprocess.run(
        [sys.executable, "-c", script, str(module)], capture_output=True, text=True, timeout=120
    )


def test_an_internal_error_exits_2_and_says_it_is_a_bug(tmp_path: Path) -> None:
    jitted = "import numba\n\n\n@numba.njit\ndef f(x):\n    return x\n"
    done = _run_faulty(FAULTY_RUN, tmp_path, jitted)
    assert done.returncode == 2, done.stderr
    assert "numba-lint: internal error (a bug" in done.stderr
    assert "RuntimeError: injected fault" in done.stderr
    assert done.stdout == ""


WORKER_DIED = FAULTY_RUN.replace(
    '    raise RuntimeError("injected fault")',
    "    from numba_lint.static.pool import StaticWorkerFailure\n\n"
    '    raise StaticWorkerFailure("a static-pass worker process died")',
)


def test_a_dead_static_worker_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The CLI recognises the pool's failure without importing the pool itself (a run that
    never started one cannot have raised it)."""
    done = _run_faulty(WORKER_DIED, tmp_path, "x = 1\n")
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "numba-lint: error: a static-pass worker process died (please report it)\n"
    )
