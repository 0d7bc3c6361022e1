"""`collector.paused()`: the cyclic collector off in the block, as it was after it."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from numba_lint import collector


def test_paused_turns_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():  # also when the block raises
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


PROBE = """
import gc, sys
from numba_lint.cli import main

seen = {}


class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("libcst", "numba_lint.checks", "numba_lint.static.engine"):
            seen[name] = gc.isenabled()
        return None


sys.meta_path.insert(0, Watch())
main(sys.argv[1:])
print(sorted(seen.items()), gc.isenabled())
"""


def test_a_check_imports_libcst_and_the_rules_with_the_collector_paused(tmp_path: Path) -> None:
    """The pipeline's static step pauses the collector for those imports only."""
    (tmp_path / "jitted.py").write_text(
        "from numba import njit\n\n\n@njit\ndef f(x):\n    return x\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "check", "--static-only", "--no-cache", "jitted.py"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    last = done.stdout.splitlines()[-1]
    paused = [("libcst", False), ("numba_lint.checks", False), ("numba_lint.static.engine", False)]
    assert last == f"{paused} True", done.stderr
