"""Job dicts -> one Outcome per module, each computed in its own worker process.

Called by the dynamic pass in the linter's process, which never imports Numba: workers are
forked by a zygote interpreter that preloaded Numba (`zygote.py`), one per module, at most
`workers` at a time. A worker that hangs past the timeout, exits early or dies (segfault,
os._exit) becomes an Outcome with a reason; the other modules are still checked.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..protocol import Job, WorkerResult

_FRAME = re.compile(r'File "([^"]+)", line (\d+)')
# The string-hash seed of the worker factory and so of every worker (see Zygote.__init__).
WORKER_HASH_SEED = "0"


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


class ZygoteError(RuntimeError):
    """The worker factory could not start or died."""


class Zygote:
    """The long-lived factory process; reused by every run of this linter process."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # The zygote must import this package from where the parent imported it.
        package_root = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        # Numba's type inference iterates over sets of types and names (the order of "Can't
        # unify return type" candidates, of overload templates tried, ...), so with Python's
        # per-process string hashing one module could fail differently from run to run. Every
        # worker is forked from this process and inherits its hash seed: one fixed seed makes
        # every worker of every run hash alike, whatever the user's PYTHONHASHSEED. (The parent
        # also chooses among Numba's candidates by source order, see locate.py.)
        env["PYTHONHASHSEED"] = WORKER_HASH_SEED
        self.started = time.perf_counter()
        # Its own stderr (import errors) goes to a file: said in the error, never on our output.
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "numba_lint.dynamic.worker.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
            close_fds=True,
        )
        self.buffer = b""
        try:
            ready = self.read(timeout=120.0)
        except ZygoteError:
            ready = []
        if not ready or not ready[0].get("ready"):
            self.close()
            if ready and ready[0].get("unsupported"):
                raise ZygoteError(
                    f"{ready[0]['unsupported']}, which the trial compile needs "
                    "(use --static-only to run the static pass alone)"
                )
            raise ZygoteError(f"the worker process could not start: {self.last_error()}")
        # Seconds to import and warm Numba once (reported by the benchmark).
        self.startup_seconds = time.perf_counter() - self.started

    def last_error(self) -> str:
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "no error output"

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def read(self, timeout: float) -> list[dict[str, Any]]:
        """Messages available within `timeout` seconds (possibly none)."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        readable, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if readable:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise ZygoteError("the worker process ended unexpectedly")
            self.buffer += chunk
        messages = []
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            messages.append(json.loads(line))
        return messages

    def close(self) -> None:
        if self.process.poll() is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


_ZYGOTE: Zygote | None = None


def zygote() -> Zygote:
    global _ZYGOTE
    if _ZYGOTE is None or not _ZYGOTE.alive():
        _ZYGOTE = Zygote()
        atexit.register(_ZYGOTE.close)
    return _ZYGOTE


@dataclass
class _Running:
    job: Job
    files: dict[str, str]
    pid: int | None = None
    status: int | None = None
    started: float = field(default_factory=time.perf_counter)


def _kill(pid: int) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _last_user_frame(log: str, user_files: set[str]) -> tuple[str, int] | None:
    try:
        text = Path(log).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for filename, line in reversed(_FRAME.findall(text)):
        if str(Path(filename).resolve()) in user_files:
            return filename, int(line)
    return None


def _finished(run: _Running, timed_out: float | None) -> Outcome:
    elapsed = time.perf_counter() - run.started
    user_files = {str(Path(run.job["path"]).resolve())}
    where = _last_user_frame(run.files["log"], user_files)
    if timed_out is not None:
        return Outcome(run.job, None, "timeout", f"no result after {timed_out:g} s", where, elapsed)
    try:
        payload = json.loads(Path(run.files["result"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        payload = None
    if payload is not None and payload.get("status") == "ok":
        return Outcome(run.job, payload["result"], seconds=elapsed)
    if payload is not None and payload.get("status") == "out-of-memory":
        limit = f"limit {payload.get('limit_mib')} MiB"
        return Outcome(run.job, None, "memory", f"out of memory ({limit})", where, elapsed)
    if payload is not None:
        last = payload.get("error", "").strip().splitlines() or ["unknown error"]
        return Outcome(run.job, None, "error", last[-1], where, elapsed)
    code = run.status
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return Outcome(run.job, None, "crashed", f"the worker was killed by {name}", where, elapsed)
    return Outcome(run.job, None, "exited", f"the worker exited with status {code}", where, elapsed)


_LOCK = threading.Lock()
# Seconds to wait for the factory to report a killed worker's end before giving up on it.
_CONFIRM_SECONDS = 10.0
# Longest wait for the factory's messages: how soon a superseded run notices (SUPERSEDED).
_POLL_SECONDS = 0.25
# Request ids unique for the zygote's lifetime: a late message of an earlier run never matches.
_IDS = itertools.count()
# Set by the language server when a newer save supersedes the running check: the run kills
# its workers and returns at once (its result is dropped); the server clears it before a run.
SUPERSEDED = threading.Event()


def run_jobs(
    jobs: Sequence[Job], workers: int, timeout: float, memory_limit: int = 0
) -> list[Outcome]:
    """Run every job, `workers` at a time; outcomes in the order of `jobs`. Each worker may
    allocate `memory_limit` MiB (0: no limit; zygote.py applies it).

    Runs are serialised (the language server may ask from several threads): one zygote, one
    conversation at a time.
    """
    if not jobs:
        return []
    with _LOCK:
        return _run_jobs(jobs, workers, timeout, memory_limit)


def _run_jobs(
    jobs: Sequence[Job], workers: int, timeout: float, memory_limit: int
) -> list[Outcome]:
    from ... import progress  # the CLI's progress line (off unless stderr is a terminal)

    try:
        factory = zygote()
    except (ZygoteError, OSError) as exc:
        return [Outcome(job, None, "unavailable", str(exc)) for job in jobs]
    pending = list(enumerate(jobs))
    running: dict[int, _Running] = {}
    identities: dict[int, int] = {}
    killed: dict[int, float] = {}
    outcomes: dict[int, Outcome] = {}
    folder = tempfile.mkdtemp(prefix="numba-lint-")
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                number, job = pending.pop(0)
                files = {k: os.path.join(folder, f"{number}.{k}") for k in ("job", "result", "log")}
                Path(files["job"]).write_text(
                    json.dumps({**job, "timeout": timeout, "memory_limit_mib": memory_limit}),
                    encoding="utf-8",
                )
                ident = next(_IDS)
                identities[ident] = number
                factory.send({"id": ident, **files})
                running[number] = _Running(job, files)
            now = time.perf_counter()
            deadline = min(
                (r.started + timeout for n, r in running.items() if n not in killed),
                default=now + 0.1,
            )
            for message in factory.read(timeout=min(deadline - now, _POLL_SECONDS)):
                number = identities.get(message.get("id", -1), -1)
                run = running.get(number)
                if run is None:
                    continue
                if "pid" in message:
                    run.pid = int(message["pid"])
                    run.started = time.perf_counter()
                elif "status" in message:
                    run.status = int(message["status"])
                    outcomes[number] = _finished(run, killed.pop(number, None))
                    del running[number]
                    progress.advance("modules trial-compiled", len(outcomes), len(jobs))
            now = time.perf_counter()
            if SUPERSEDED.is_set():
                for number, job in pending:
                    outcomes[number] = Outcome(job, None, "unavailable", "superseded")
                pending.clear()
            for number, run in list(running.items()):
                overdue = now - run.started >= timeout or SUPERSEDED.is_set()
                if number not in killed and run.pid and overdue:
                    killed[number] = timeout
                    run.started = now  # from here: how long the factory takes to confirm it
                    _kill(run.pid)
                elif number in killed and now - run.started >= _CONFIRM_SECONDS:
                    # The factory never reported the killed worker's end: do not wait forever.
                    outcomes[number] = _finished(run, killed.pop(number))
                    del running[number]
    except ZygoteError as exc:
        for number, run in running.items():
            if run.pid:
                _kill(run.pid)
            outcomes[number] = Outcome(run.job, None, "error", str(exc))
        for number, job in pending:
            outcomes[number] = Outcome(job, None, "error", str(exc))
    except BaseException:
        # Interrupted (Ctrl-C): leave no worker behind.
        for run in running.values():
            if run.pid:
                _kill(run.pid)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [outcomes[number] for number in range(len(jobs))]
