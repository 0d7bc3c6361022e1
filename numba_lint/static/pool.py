"""The workers the static engine's stages run on: forked processes, or one in-process share.

`ProcessWorkers` forks one process per worker, each holding a `share.ModuleShare`, and talks
to it over a pipe; `LocalWorkers` holds one share in this process (the pool of one: small runs,
`-j 1`, and every run whose trees the parent needs). Both answer the same two calls, so the
stages (`stages.py`) never know which they drive. libcst trees never cross a process
boundary: only names, facts and diagnostics do.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from ..checks.base import StaticRule
from ..source_texts import TextChanged
from .share import ModuleShare

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .forecast import Preparsed

# multiprocessing and the replay are imported by the pool of processes only: a one-file check
# runs on the pool of one, without the cache.

# Below this many candidate files the fork and the messages cost more than they save.
MIN_FILES = 8

Job = tuple[str, Any]


class Workers(Protocol):
    def ask_all(self, command: str, payload: Any) -> list[Any]:
        """Every worker runs `command`; their answers."""

    def dispatch(
        self,
        pending: deque[Job],
        answered: Callable[[str, Any], None],
        first: Job | None = None,
    ) -> None:
        """Hand the jobs of `pending` out to whichever worker is free until all are answered;
        `answered(command, answer)` may add jobs to `pending`. `first`: a job every worker
        runs before taking any of `pending`."""


def worker_count(requested: int | None, files: int) -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    wanted = requested or available
    return max(1, min(wanted, files // MIN_FILES or 1))


class LocalWorkers:
    """One share in this process; jobs run in the order they are handed out."""

    def __init__(self, share: ModuleShare) -> None:
        self.share = share

    def ask_all(self, command: str, payload: Any) -> list[Any]:
        return [self.share.run(command, payload)]

    def dispatch(
        self,
        pending: deque[Job],
        answered: Callable[[str, Any], None],
        first: Job | None = None,
    ) -> None:
        if first is not None:
            answered(first[0], self.share.run(*first))
        while pending:
            command, payload = pending.popleft()
            answered(command, self.share.run(command, payload))


class StaticWorkerFailure(RuntimeError):
    """A static-pass worker raised or died (a crash in a native parser, the memory killer):
    the command line says so in one line instead of a traceback."""


def _serve(connection: Connection, share: ModuleShare) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the workers, which must not
    # print a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            command, payload = connection.recv()
        except EOFError:  # the parent is gone
            return
        if command == "stop":
            return
        try:
            connection.send(("ok", share.run(command, payload)))
        except TextChanged as changed:  # the parent checks the project again
            connection.send(("changed", changed.display))
        except Exception:  # noqa: BLE001 - reported by the parent as a crash of the pool
            import traceback

            connection.send(("error", traceback.format_exc()))


def _receive(connection: Connection) -> Any:
    try:
        status, answer = connection.recv()
    except (EOFError, OSError):
        raise StaticWorkerFailure("a static-pass worker process died") from None
    if status == "changed":
        raise TextChanged(answer)
    if status != "ok":
        raise StaticWorkerFailure(f"a static-pass worker failed:\n{answer}")
    return answer


class ProcessWorkers:
    """`count` forked processes, one share each; a context manager that stops them."""

    def __init__(
        self,
        count: int,
        rules: Sequence[type[StaticRule]],
        knowledge: Any,
        project_modules: frozenset[str],
        stored: tuple[Mapping[str, Any] | None, Mapping[str, Any]] = (None, {}),
        held_text: int | None = None,
        preparsed: Preparsed | None = None,
    ) -> None:
        """`stored`: the static cache's records, to replay, and every file's digest and module
        name (`replay.ReplayingShare`); `held_text`: each share's budget of trees held
        (`share.ModuleShare`); `preparsed`: parses the engine has done (the workers inherit
        them: whichever is handed the file uses its copy)."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connections: list[Connection] = []
        self.processes: list[BaseProcess] = []
        options: dict[str, Any] = {"reduce": True, "early_rules": True, "held_text": held_text}
        records, files = stored
        if records is None:
            share = ModuleShare(rules, knowledge, project_modules, **options)
        else:
            from .replay import ReplayingShare

            share = ReplayingShare(
                rules,
                records,
                files,
                knowledge=knowledge,
                project_modules=project_modules,
                **options,
            )
        share.preparsed = dict(preparsed or {})
        for _ in range(count):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_serve, args=(child_end, share), daemon=True)
            process.start()
            child_end.close()
            self.connections.append(parent_end)
            self.processes.append(process)

    def __enter__(self) -> ProcessWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        for connection in self.connections:
            try:
                connection.send(("stop", None))
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()

    def ask_all(self, command: str, payload: Any) -> list[Any]:
        for connection in self.connections:
            connection.send((command, payload))
        return [_receive(connection) for connection in self.connections]

    def dispatch(
        self,
        pending: deque[Job],
        answered: Callable[[str, Any], None],
        first: Job | None = None,
    ) -> None:
        from multiprocessing.connection import wait

        idle, busy = list(self.connections), {}
        if first is not None:
            for connection in idle:
                connection.send(first)
                busy[connection] = first[0]
            idle = []
        while pending or busy:
            while idle and pending:
                connection = idle.pop()
                command, payload = pending.popleft()
                connection.send((command, payload))
                busy[connection] = command
            for ready in wait(list(busy)):
                answering = cast("Connection", ready)  # `wait` is given connections only
                answer = _receive(answering)
                command = busy.pop(answering)
                idle.append(answering)
                answered(command, answer)
