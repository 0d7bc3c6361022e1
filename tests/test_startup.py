"""`numba-lint --version` and building the command line's parser import nothing heavy."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from numba_lint.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
print(sorted(m for m in ("libcst", "numba", "numpy", "pathspec") if m in sys.modules))
"""


def test_version_imports_no_heavy_module() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "[]"
    assert done.stdout.startswith("numba-lint ")


def test_check_help_imports_no_heavy_module() -> None:
    probe = PROBE.replace('["--version"]', '["check", "--help"]')
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "[]"
    assert "--format" in done.stdout
