"""The worker factory: a fresh interpreter that preloads Numba, then forks one child per job.

Started by parent/trial.py as `python -m numba_lint.dynamic.worker.zygote`; speaks JSON lines on
stdin/stdout (forking.py: the requests and answers). The zygote itself never runs user code, so
every plain worker starts from a process that only imported Numba. A package factory
(package_factory.py) is forked from it on request: it imports one package's skeleton once, and
the workers of that package's modules fork from it instead.
"""

from __future__ import annotations

import signal
import sys


def serve() -> None:
    # Ctrl-C reaches the whole process group. The linter decides what an interrupt ends; it
    # ends this process by closing its input, and then no worker may outlive it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import warm  # imports and warms Numba once, before any fork
    from .forking import Server, send

    out = sys.stdout.fileno()
    if warm.CORE_PROBLEM is not None:
        # No trial compile can work: one answer for the whole run, no worker per module.
        send(out, {"ready": False, "unsupported": warm.CORE_PROBLEM})
        return
    # The worker's own modules (no user code, no effect on Numba when imported), once here
    # rather than in every forked worker: about 0.08 s of CPU per module checked.
    from . import worker  # noqa: F401

    send(out, {"ready": True})
    Server(sys.stdin.fileno(), out, factories=True).run()


if __name__ == "__main__":
    serve()
