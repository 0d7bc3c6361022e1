"""A worker's end -> its Outcome: the result it wrote, or why there is none (timeout, crash,
exit, error, out of memory) and the user-code line it was running, from its log.

Used by trial.py in the linter's process; reads the files a worker leaves (zygote protocol in
worker/forking.py).
"""

from __future__ import annotations

import json
import re
import signal
from dataclasses import dataclass
from pathlib import Path

from ..protocol import Job, WorkerResult

_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


@dataclass(frozen=True)
class Outcome:
    """What one module's worker produced: a result, or why there is none."""

    job: Job
    result: WorkerResult | None
    # "timeout", "crashed", "exited", "error", "memory" (past memory-limit), "unavailable" (no
    # worker) when result is None.
    failure: str | None = None
    reason: str = ""
    # The user-code line the worker was running when it died, from faulthandler's trace.
    where: tuple[str, int] | None = None
    seconds: float = 0.0


def _last_user_frame(log: str, user_files: set[str]) -> tuple[str, int] | None:
    try:
        text = Path(log).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for filename, line in reversed(_FRAME.findall(text)):
        if str(Path(filename).resolve()) in user_files:
            return filename, int(line)
    return None


def finished(
    job: Job, files: dict[str, str], status: int | None, elapsed: float, timed_out: float | None
) -> Outcome:
    """The outcome of a worker that ended (`status`: its exit code, when the factory said) or
    was killed for `timed_out` seconds, from its result and log files."""
    user_files = {str(Path(job["path"]).resolve())}
    where = _last_user_frame(files["log"], user_files)
    if timed_out is not None:
        return Outcome(job, None, "timeout", f"no result after {timed_out:g} s", where, elapsed)
    try:
        payload = json.loads(Path(files["result"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        payload = None
    if payload is not None and payload.get("status") == "ok":
        return Outcome(job, payload["result"], seconds=elapsed)
    if payload is not None and payload.get("status") == "out-of-memory":
        limit = f"limit {payload.get('limit_mib')} MiB"
        return Outcome(job, None, "memory", f"out of memory ({limit})", where, elapsed)
    if payload is not None:
        last = payload.get("error", "").strip().splitlines() or ["unknown error"]
        return Outcome(job, None, "error", last[-1], where, elapsed)
    code = status
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return Outcome(job, None, "crashed", f"the worker was killed by {name}", where, elapsed)
    return Outcome(job, None, "exited", f"the worker exited with status {code}", where, elapsed)
