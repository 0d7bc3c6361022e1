"""Runs probes through one worker process, restarting it after a crash or a hang.

Called by the knowledge builder (and by the tests, for a handful of probes). Input: probes;
output: name -> result dict (`compiled`, `supported`, `error`, `seconds`). Must never import
Numba in the calling process.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .probes import Probe

WORKER = "numba_lint.knowledge_build.probe_worker"


class _Worker:
    def __init__(self, startup_timeout: float) -> None:
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        # The worker must import this very copy of numba_lint, installed or not.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = self.read(startup_timeout)
        if ready is None or not ready.get("ready"):
            self.close()
            raise RuntimeError("probe worker did not start (is numba importable?)")

    def read(self, timeout: float) -> dict[str, Any] | None:
        assert self.process.stdout is not None
        if not self.selector.select(timeout):
            return None
        line = self.process.stdout.readline()
        return json.loads(line) if line else None

    def ask(self, probe: Probe, timeout: float) -> dict[str, Any] | None:
        assert self.process.stdin is not None
        request = {
            "name": probe.name,
            "source": probe.source,
            "call": probe.call,
            "expect": probe.expect,
        }
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            return None
        return self.read(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.selector.close()


def run_probes(
    probes: Iterable[Probe], timeout: float = 120.0, startup_timeout: float = 120.0
) -> dict[str, dict[str, Any]]:
    """Compile every probe with real Numba; a probe that crashes or hangs the worker fails."""
    results: dict[str, dict[str, Any]] = {}
    worker: _Worker | None = None
    try:
        for probe in probes:
            if worker is None:
                worker = _Worker(startup_timeout)
            started = time.perf_counter()
            answer = worker.ask(probe, timeout)
            if answer is None:  # crashed or hung: record it, start a fresh worker
                worker.close()
                worker = None
                answer = {
                    "name": probe.name,
                    "compiled": False,
                    "supported": False,
                    "error": "probe crashed or timed out the worker",
                    "seconds": round(time.perf_counter() - started, 3),
                }
            results[probe.name] = answer
    finally:
        if worker is not None:
            worker.close()
    return results
