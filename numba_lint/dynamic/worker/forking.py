"""The request loop shared by the worker factory and the package factories: JSON lines in ->
one forked worker per job, its pid and its end reported as JSON lines out.

Used by zygote.py (the factory that only imported Numba) and package_factory.py (a factory
forked from it after a package's skeleton import). A request {"id", "job", "result", "log"}
(file paths) -> {"id", "pid"} when forked and {"id", "status"} when the child ended. The
zygote's Server also accepts {"id", "prepare": true, ...} (fork a package factory, whose
messages go straight to the same output), {"id", "via": factory id, ...} (a job for that
factory: the line is passed on to it) and {"close": factory id}.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from typing import Any

# Seconds a package factory has, after the linter went away, to kill its workers and exit.
_FACTORY_GRACE = 2.0


def send(out: int, message: dict[str, Any]) -> None:
    """One message, one write: the zygote and its package factories share the output pipe, and
    a write of less than PIPE_BUF bytes is never interleaved with another."""
    try:
        os.write(out, (json.dumps(message) + "\n").encode())
    except OSError:
        pass  # the linter is gone: its workers are being killed, nobody reads


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


class Server:
    """Forks a child per request read from `source` and reports on `out`; `factories` says
    whether package factories may be requested (only the zygote's server)."""

    def __init__(self, source: int, out: int, factories: bool = False) -> None:
        self.source = source
        self.out = out
        self.allow_factories = factories
        self.children: dict[int, Any] = {}  # pid -> request id (workers and factories)
        self.factory_pids: dict[int, Any] = {}  # pid -> request id, package factories only
        self.factory_inputs: dict[Any, int] = {}  # request id -> the write end of its input
        self.grace_until: float | None = None

    def run(self) -> None:
        """Until the input closes and every child has ended."""
        buffer = b""
        open_input = True
        while open_input or self.children:
            if open_input:
                readable, _, _ = select.select([self.source], [], [], 0.02)
                if readable:
                    chunk = os.read(self.source, 65536)
                    if not chunk:
                        open_input = False
                        self._input_closed()
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        self._handle(json.loads(line))
            else:
                select.select([], [], [], 0.02)
                self._overdue_factories()
            self._reap()

    def _input_closed(self) -> None:
        """The linter ended (normally with no child left), was interrupted or killed: a worker
        still running would be an orphan. Each child leads its own session (so a hung one can be
        killed with everything it started): kill each group. A package factory is told by its
        input closing, and kills its own workers; one that does not exit in time is killed."""
        for pid in self.children:
            if pid not in self.factory_pids:
                _kill_group(pid)
        for fd in self.factory_inputs.values():
            os.close(fd)
        self.factory_inputs.clear()
        self.grace_until = time.monotonic() + _FACTORY_GRACE

    def _overdue_factories(self) -> None:
        if self.grace_until is not None and time.monotonic() > self.grace_until:
            for pid in self.factory_pids:
                _kill_group(pid)

    def _handle(self, request: dict[str, Any]) -> None:
        if "close" in request:
            fd = self.factory_inputs.pop(request["close"], None)
            if fd is not None:
                os.close(fd)
            return
        via = request.pop("via", None)
        if via is not None:
            self._pass_on(via, request)
        elif request.get("prepare") and self.allow_factories:
            self._fork(request, factory=True)
        else:
            self._fork(request, factory=False)

    def _pass_on(self, via: Any, request: dict[str, Any]) -> None:
        """A job for a package factory: its line goes to that factory's input. A factory that is
        gone makes it "lost" (the linter runs the job on a plain worker instead)."""
        fd = self.factory_inputs.get(via)
        try:
            if fd is None:
                raise OSError("no such factory")
            os.write(fd, (json.dumps(request) + "\n").encode())
        except OSError:
            send(self.out, {"id": request["id"], "lost": True})

    def _fork(self, request: dict[str, Any], factory: bool) -> None:
        read_end = write_end = -1
        if factory:
            read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                # The child must not hold a factory's input open (it would never see its end).
                for fd in self.factory_inputs.values():
                    os.close(fd)
                if factory:
                    os.close(write_end)
                    from .package_factory import run_factory

                    run_factory(request, read_end, self.out)
                else:
                    # A package factory's input and its copy of the linter's pipe (the
                    # zygote's are stdin and stdout, which the child redirects).
                    for fd in {self.source, self.out} - {0, 1, 2}:
                        os.close(fd)
                    child_job(request)
            finally:
                os._exit(0)
        self.children[pid] = request["id"]
        if factory:
            os.close(read_end)
            self.factory_pids[pid] = request["id"]
            self.factory_inputs[request["id"]] = write_end
        send(self.out, {"id": request["id"], "pid": pid})

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                break
            if pid == 0:
                break
            ident = self.children.pop(pid, None)
            if pid in self.factory_pids:
                del self.factory_pids[pid]
                fd = self.factory_inputs.pop(ident, None)
                if fd is not None:
                    os.close(fd)
            if ident is not None:
                send(self.out, {"id": ident, "status": os.waitstatus_to_exitcode(status)})


def redirect(log: str) -> None:
    """In a forked child: its own session, no input, stdout and stderr to the log file."""
    os.setsid()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    import faulthandler

    faulthandler.enable(file=sys.stderr)


def child_job(request: dict[str, str]) -> None:
    """In the forked child: own session, output to the log, result to a file, then exit."""
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the factories ignore it
    redirect(request["log"])
    import faulthandler
    import traceback

    memory = 0
    saved: tuple[int, int] | None = None
    try:
        with open(request["job"], encoding="utf-8") as handle:
            job = json.load(handle)
        limit = float(job.get("timeout", 0))
        if limit > 1:
            # Leaves the stack of a hang in the log before the parent's SIGKILL.
            faulthandler.dump_traceback_later(limit - 0.5, exit=False, file=sys.stderr)
        memory = int(job.get("memory_limit_mib", 0))
        saved = limit_memory(memory)
        from .worker import run_job

        payload: dict[str, object] = {"status": "ok", "result": run_job(job)}
    except MemoryError:
        restore_memory(saved)  # room to write the report
        payload = {"status": "out-of-memory", "limit_mib": memory}
        traceback.print_exc()
    except BaseException:  # noqa: BLE001 - everything becomes a report, SystemExit included
        payload = {"status": "error", "error": traceback.format_exc()}
    write_result(request["result"], payload)


def write_result(path: str, payload: dict[str, Any]) -> None:
    temporary = path + ".part"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, default=str)
    os.replace(temporary, path)


def limit_memory(mebibytes: int) -> tuple[int, int] | None:
    """Cap what this worker may allocate (the soft limit only, so the report can still be
    written after a MemoryError); returns the limits to restore, None when none was set.

    RLIMIT_DATA, not RLIMIT_AS: since Linux 4.7 it counts the heap and every private writable
    mapping, which is where malloc, NumPy arrays and LLVM's code buffers live, and not address
    space that is only reserved or mapped read-only: the shared libraries of Numba, LLVM and
    SciPy, glibc's per-thread malloc arenas (64 MiB reserved each) and BLAS thread buffers. An
    address-space limit would depend on the number of cores and libraries, not on what the
    module allocates. A module past the limit gets MemoryError: one "out of memory" for it."""
    if mebibytes <= 0:
        return None
    try:
        import resource

        saved = resource.getrlimit(resource.RLIMIT_DATA)
        wanted = mebibytes * 1024 * 1024
        hard = saved[1]
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    except (ImportError, ValueError, OSError):  # no such limit on this system: run without it
        return None
    return saved


def restore_memory(saved: tuple[int, int] | None) -> None:
    if saved is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, saved)
