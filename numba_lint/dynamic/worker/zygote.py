"""The worker factory: a fresh interpreter that preloads Numba, then forks one child per job.

Started by parent/trial.py as `python -m numba_lint.dynamic.worker.zygote`; speaks JSON lines on
stdin/stdout. Request {"id", "job", "result", "log"} (file paths) -> {"id", "pid"} when forked and
{"id", "status"} when the child ended. The zygote itself never runs user code, so every child
starts from a process that only imported Numba (forking after user code ran is unsafe).
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys


def _child(request: dict[str, str]) -> None:
    """In the forked child: own session, output to the log, result to a file, then exit."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the zygote ignores it
    fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    import faulthandler
    import traceback

    faulthandler.enable(file=sys.stderr)
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
        saved = _limit_memory(memory)
        from .worker import run_job

        payload: dict[str, object] = {"status": "ok", "result": run_job(job)}
    except MemoryError:
        _restore_memory(saved)  # room to write the report
        payload = {"status": "out-of-memory", "limit_mib": memory}
        traceback.print_exc()
    except BaseException:  # noqa: BLE001 - everything becomes a report, SystemExit included
        payload = {"status": "error", "error": traceback.format_exc()}
    temporary = request["result"] + ".part"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, default=str)
    os.replace(temporary, request["result"])


def _limit_memory(mebibytes: int) -> tuple[int, int] | None:
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


def _restore_memory(saved: tuple[int, int] | None) -> None:
    if saved is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, saved)


def _send(message: dict[str, object]) -> None:
    try:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()
    except OSError:
        pass  # the linter is gone: its workers are being killed, nobody reads


def _kill_children(children: dict[int, object]) -> None:
    """Each child leads its own session (so a hung one can be killed with everything it
    started): kill each group."""
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def serve() -> None:
    # Ctrl-C reaches the whole process group. The linter decides what an interrupt ends; it
    # ends this process by closing its input, and then no worker may outlive it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import warm  # imports and warms Numba once, before any fork

    if warm.CORE_PROBLEM is not None:
        # No trial compile can work: one answer for the whole run, no worker per module.
        _send({"ready": False, "unsupported": warm.CORE_PROBLEM})
        return
    _send({"ready": True})
    children: dict[int, object] = {}
    stdin = sys.stdin.fileno()
    buffer = b""
    open_input = True
    while open_input or children:
        if open_input:
            readable, _, _ = select.select([stdin], [], [], 0.02)
            if readable:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    open_input = False
                    # The linter ended (normally with no child left), was interrupted or
                    # killed: a worker still running would be an orphan.
                    _kill_children(children)
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    request = json.loads(line)
                    sys.stdout.flush()
                    pid = os.fork()
                    if pid == 0:
                        try:
                            _child(request)
                        finally:
                            os._exit(0)
                    children[pid] = request["id"]
                    _send({"id": request["id"], "pid": pid})
        else:
            select.select([], [], [], 0.02)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid == 0:
                break
            ident = children.pop(pid, None)
            if ident is not None:
                _send({"id": ident, "status": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    serve()
