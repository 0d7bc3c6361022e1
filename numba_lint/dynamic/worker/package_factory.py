"""A package factory: forked from the zygote, imports one package's skeleton, then forks the
workers of that package's modules, so the package's import is paid once per run, not once per
module.

Started by forking.Server on a {"id", "prepare": true, "job", "result", "log"} request (the job
is that of one of the package's modules: its sys.path and finder are the same for all of them).
Answers {"id", "ready": true|false} on the linter's pipe (why not, in the result file), then
serves the job lines the zygote passes on, as the zygote does. Which modules may use it, and
why their findings do not change, is parent/package_groups.py's docstring.
"""

from __future__ import annotations

import json
import os
import traceback

from .forking import Server, limit_memory, redirect, restore_memory, send, write_result


def run_factory(request: dict[str, str], source: int, out: int) -> None:
    """The factory's whole life: preload, answer, serve until its input closes."""
    out = os.dup(out)  # the linter's pipe, kept apart from stdout, which goes to the log
    redirect(request["log"])
    problem: str | None
    try:
        with open(request["job"], encoding="utf-8") as handle:
            job = json.load(handle)
        # The package's import is user code: under the workers' memory limit, which is then
        # lifted again so each worker applies it (and restores it) as a plain worker does.
        saved = limit_memory(int(job.get("memory_limit_mib", 0)))
        try:
            from .skeleton_import import preload

            problem = preload(job)
        finally:
            restore_memory(saved)
    except BaseException:  # noqa: BLE001 - any failure: its modules get plain workers
        traceback.print_exc()
        problem = (traceback.format_exc().strip().splitlines() or ["error"])[-1]
    payload = {"status": "ready"} if problem is None else {"status": "error", "error": problem}
    write_result(request["result"], payload)
    send(out, {"id": request["id"], "ready": problem is None})
    if problem is None:
        Server(source, out).run()
