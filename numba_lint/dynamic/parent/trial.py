"""Job dicts -> one Outcome per module, each computed in its own worker process.

Called by the dynamic pass in the linter's process, which never imports Numba: workers are
forked by a zygote interpreter that preloaded Numba (`zygote.py`), one per module, at most
`workers` at a time; the modules of a package may fork from that package's factory instead
(package_factories.py). A worker that hangs past the timeout, exits early or dies (segfault,
os._exit) becomes an Outcome with a reason (outcome.py); the other modules are still checked.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
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

from ..protocol import Job
from .outcome import Outcome, finished
from .package_factories import PLAIN, VIA, Factories, Factory

# The string-hash seed of the worker factory and so of every worker (see Zygote.__init__).
WORKER_HASH_SEED = "0"


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
        self.ready = False
        # Seconds to import and warm Numba once (reported by the benchmark); set when ready.
        self.startup_seconds = 0.0

    def wait_ready(self) -> None:
        """Block until the factory has imported and warmed Numba (once); ZygoteError if not."""
        if self.ready:
            return
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
        self.ready = True
        self.startup_seconds = time.perf_counter() - self.started

    def last_error(self) -> str:
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "no error output"

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(message) + "\n").encode())
            self.process.stdin.flush()
        except OSError as exc:  # its end of the pipe is gone: it died (killed from outside)
            raise ZygoteError("the worker process ended unexpectedly") from exc

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
        if self.process.poll() is None and not self.ready:
            # Started early for a run that never needed it (early_start.py): its import of
            # Numba is of no use, and waiting for it would delay the exit.
            self.process.kill()
            self.process.wait(5)
            return
        if self.process.poll() is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


_ZYGOTE: Zygote | None = None
_STARTING = threading.Lock()


def prestart() -> None:
    """Start the factory now without waiting for it: it imports and warms Numba (about a
    second of CPU) on the other core while the linter plans the trial compile."""
    global _ZYGOTE
    with _STARTING:
        if _ZYGOTE is None or not _ZYGOTE.alive():
            _ZYGOTE = Zygote()
            atexit.register(_ZYGOTE.close)


def running_factory() -> Zygote | None:
    """The factory the last run used, if one was started; never starts one (`zygote()` does)."""
    return _ZYGOTE


def zygote() -> Zygote:
    """The running factory, ready to fork workers (started now unless prestart() did)."""
    global _ZYGOTE
    prestart()
    with _STARTING:
        factory = _ZYGOTE
        assert factory is not None
        try:
            factory.wait_ready()
        except ZygoteError:
            _ZYGOTE = None
            raise
    return factory


@dataclass
class _Running:
    job: Job
    files: dict[str, str]
    ident: int  # the request's id
    via: int | None = None  # the package factory that forked it, if one did
    pid: int | None = None
    status: int | None = None
    started: float = field(default_factory=time.perf_counter)


def _finished_run(run: _Running, timed_out: float | None) -> Outcome:
    elapsed = time.perf_counter() - run.started
    return finished(run.job, run.files, run.status, elapsed, timed_out)


def _kill(pid: int) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


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
    """The jobs in the factory; if it dies during the run (killed from outside: the OOM
    killer, a user, the editor's session), the jobs without an outcome run once more in a new
    one, and fail with the reason only if that one dies too. User code never runs in the
    factory itself, only in the workers it forks."""
    outcomes: dict[int, Outcome] = {}
    for attempt in range(2):
        remaining = [number for number in range(len(jobs)) if number not in outcomes]
        try:
            factory = zygote()
        except (ZygoteError, OSError) as exc:
            outcomes.update({n: Outcome(jobs[n], None, "unavailable", str(exc)) for n in remaining})
            break
        batch = _Batch(
            factory,
            [jobs[number] for number in remaining],
            timeout,
            memory_limit,
            tempfile.mkdtemp(prefix="numba-lint-"),
        )
        died = _run_batch(batch, workers)
        outcomes.update({remaining[place]: found for place, found in batch.outcomes.items()})
        if died is None:
            break
        _discard(factory)
        if attempt == 1:
            batch.fail_unfinished(died)
            outcomes.update({remaining[place]: found for place, found in batch.outcomes.items()})
    return [outcomes[number] for number in range(len(jobs))]


def _run_batch(batch: _Batch, workers: int) -> str | None:
    """Runs the batch to its end; the reason if the factory died on the way, else None."""
    try:
        while batch.pending or batch.running:
            batch.start_workers(max(1, workers))
            batch.collect_messages()
            batch.stop_overdue()
    except ZygoteError as exc:
        batch.kill_running()
        return str(exc)
    except BaseException:
        # Interrupted (Ctrl-C): leave no worker behind.
        batch.kill_running()
        raise
    finally:
        batch.factories.close_all(_kill)
        shutil.rmtree(batch.folder, ignore_errors=True)
    return None


def _discard(factory: Zygote) -> None:
    """Forget a factory that died: the next run starts a new one, even if the dying process
    has not been reaped yet (`alive()` could still say yes)."""
    global _ZYGOTE
    with _STARTING:
        factory.close()
        if _ZYGOTE is factory:
            _ZYGOTE = None


@dataclass
class _Batch:
    """One run's jobs, numbered by their place in `jobs`: those not started yet, those running
    (by number) and the outcomes so far. The factory tells a worker's pid and end by request id."""

    factory: Zygote
    jobs: Sequence[Job]
    timeout: float
    memory_limit: int
    folder: str  # the jobs' files: job, result and log of each (removed by _run_jobs)
    pending: list[tuple[int, Job]] = field(init=False)
    running: dict[int, _Running] = field(default_factory=dict)
    identities: dict[int, int] = field(default_factory=dict)  # request id -> number
    # number -> the timeout it was killed for; its end not yet reported by the factory.
    killed: dict[int, float] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    factories: Factories = field(init=False)

    def __post_init__(self) -> None:
        self.pending = list(enumerate(self.jobs))
        extra = {"timeout": self.timeout, "memory_limit_mib": self.memory_limit}
        self.factories = Factories(
            self.factory.send, lambda: next(_IDS), self.jobs, self.folder, extra
        )

    def start_workers(self, workers: int) -> None:
        """Asks the factory for workers until `workers` run (a package factory importing its
        package counts as one) or no job can start: the modules of a package whose factory is
        still importing wait for it (package_factories.py)."""
        while len(self.running) + self.factories.starting() < workers:
            chosen: tuple[int, Factory | None] | None = None
            for position, (number, _) in enumerate(self.pending):
                how, via = self.factories.place(number)
                if how in (PLAIN, VIA):
                    chosen = position, via
                    break
                if len(self.running) + self.factories.starting() >= workers:
                    return
            if chosen is None:
                return
            number, job = self.pending.pop(chosen[0])
            self._start(number, job, chosen[1])

    def _start(self, number: int, job: Job, via: Factory | None) -> None:
        files = {k: os.path.join(self.folder, f"{number}.{k}") for k in ("job", "result", "log")}
        content: dict[str, Any] = {
            **job,
            "timeout": self.timeout,
            "memory_limit_mib": self.memory_limit,
        }
        request: dict[str, Any] = {}
        if via is not None:
            content.update(self.factories.job_file(number))
            request["via"] = via.ident
        Path(files["job"]).write_text(json.dumps(content), encoding="utf-8")
        ident = next(_IDS)
        self.identities[ident] = number
        self.factory.send({"id": ident, **files, **request})
        self.running[number] = _Running(job, files, ident, via.ident if via else None)

    def _to_plain(self, number: int) -> None:
        """A job whose package factory is gone: killed if it started, then run again by a
        plain worker (first, to keep the order)."""
        run = self.running.pop(number)
        if run.pid:
            _kill(run.pid)
        self.identities.pop(run.ident, None)
        self.killed.pop(number, None)
        self.factories.leave(number)
        self.pending.insert(0, (number, run.job))

    def collect_messages(self) -> None:
        """Reads the factory's messages until the nearest deadline (at most _POLL_SECONDS): a
        worker's pid starts its clock, its status ends it."""
        from ... import progress  # the CLI's progress line (off unless stderr is a terminal)

        now = time.perf_counter()
        deadline = min(
            [r.started + self.timeout for n, r in self.running.items() if n not in self.killed]
            + self.factories.deadlines(self.timeout),
            default=now + 0.1,
        )
        for message in self.factory.read(timeout=min(deadline - now, _POLL_SECONDS)):
            gone = self.factories.message(message)
            if gone is not None:
                for number in [n for n, r in self.running.items() if r.via == gone.ident]:
                    self._to_plain(number)
                continue
            number = self.identities.get(message.get("id", -1), -1)
            run = self.running.get(number)
            if run is None:
                continue
            if "lost" in message:
                self._to_plain(number)
            elif "pid" in message:
                run.pid = int(message["pid"])
                run.started = time.perf_counter()
            elif "status" in message:
                run.status = int(message["status"])
                self.outcomes[number] = _finished_run(run, self.killed.pop(number, None))
                del self.running[number]
                self.factories.release(number)
                progress.advance("modules trial-compiled", len(self.outcomes), len(self.jobs))

    def stop_overdue(self) -> None:
        """Kills the workers past the timeout (all of them once the run is superseded) and gives
        up on a killed one whose end the factory never reports."""
        now = time.perf_counter()
        self.factories.overdue(self.timeout, _kill)
        if SUPERSEDED.is_set():
            for number, job in self.pending:
                self.outcomes[number] = Outcome(job, None, "unavailable", "superseded")
            self.pending.clear()
        for number, run in list(self.running.items()):
            overdue = now - run.started >= self.timeout or SUPERSEDED.is_set()
            if number not in self.killed and run.pid and overdue:
                self.killed[number] = self.timeout
                run.started = now  # from here: how long the factory takes to confirm it
                _kill(run.pid)
            elif number in self.killed and now - run.started >= _CONFIRM_SECONDS:
                # The factory never reported the killed worker's end: do not wait forever.
                self.outcomes[number] = _finished_run(run, self.killed.pop(number))
                del self.running[number]
                self.factories.release(number)

    def kill_running(self) -> None:
        for run in self.running.values():
            if run.pid:
                _kill(run.pid)

    def fail_unfinished(self, reason: str) -> None:
        """The factory died: every job without an outcome fails with `reason`."""
        for number, run in self.running.items():
            self.outcomes[number] = Outcome(run.job, None, "error", reason)
        for number, job in self.pending:
            self.outcomes[number] = Outcome(job, None, "error", reason)
