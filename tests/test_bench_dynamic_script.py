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
