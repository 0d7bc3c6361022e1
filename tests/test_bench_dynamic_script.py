"""The in-process timing script of benchmarks/bench_dynamic.py imports the worker's helpers by
their module paths: it must keep running when the worker side is reorganised (it once imported
EagerDeferral from worker.py after it had moved to skeleton_import.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_dynamic  # noqa: E402 - found through the path above


def test_in_process_script_runs_in_both_modes() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    # A module whose names carry no declared signatures: imported, nothing checked.
    spec = json.dumps([["json", ["dumps"]], ["no_such_module_here", []]])
    for mode in ("typing", "full"):
        done = subprocess.run(
            [sys.executable, "-c", bench_dynamic.IN_PROCESS, mode, spec],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["functions"] == {}
        assert list(report["broken"]) == ["no_such_module_here"]


def test_whole_pass_runs_the_dynamic_pass(tmp_path: Path) -> None:
    """The script's end-to-end timing calls numba-lint's dynamic pass with indexed modules; it
    must follow that call's signature (it once passed (parsed, index) pairs after the indexed
    module gained its bindings)."""
    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "signed.py"
    module.write_text(
        "from numba import njit\n\n\n"
        '@njit("float64(float64)")\n'
        "def twice(x):\n"
        "    return 2 * x\n\n\n"
        '@njit("float64(float64)")\n'
        "def broken(x):\n"
        "    return undefined_name + x\n",
        encoding="utf-8",
    )
    spec = [{"root": str(package), "path": str(module), "names": ["twice", "broken"]}]
    report = bench_dynamic.whole_pass_elsewhere(Path(sys.executable), spec, [])
    assert report["errors"] == []
    assert report["checked"] == {"pkg/signed.py:twice": True, "pkg/signed.py:broken": True}
    assert [(row[1], row[3]) for row in report["findings"]] == [("broken", "NB903")]
