"""One run's package factories: which job goes to which, when each is asked for and closed.

Used by trial.py's batch in the linter's process. package_groups.py says which modules may fork
from their package's factory (and why that checks them alike); the factory is requested from
the zygote when the first of them is due, takes a worker's place while it imports the package,
serves their jobs once ready and is closed when the last of them ended. A factory that cannot
start (its import failed or started a thread, no answer within the module timeout) or that dies
sends its modules to plain workers, which import the package themselves as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..protocol import Job
from .package_groups import PackageImport, groups

PLAIN, VIA, WAIT = "plain", "via", "wait"


@dataclass
class Factory:
    """A package factory of this run: "starting" (importing), "ready", "failed" or "closed"."""

    ident: int
    files: dict[str, str]
    state: str = "starting"
    pid: int | None = None
    started: float = field(default_factory=time.perf_counter)
    reason: str = ""


class Factories:
    """The factories of one batch of jobs, talking to the zygote through `send`."""

    def __init__(
        self,
        send: Callable[[dict[str, Any]], None],
        new_ident: Callable[[], int],
        jobs: Sequence[Job],
        folder: str,
        extra: dict[str, Any],
    ) -> None:
        self.send = send
        self.new_ident = new_ident
        self.jobs = jobs
        self.folder = folder
        self.extra = extra  # the timeout and memory limit every job file carries
        self.members: dict[int, PackageImport] = groups(list(jobs))
        self.remaining = Counter(item.key for item in self.members.values())
        self.packages: dict[str, Factory] = {}
        self.idents: dict[int, Factory] = {}

    def starting(self) -> int:
        """Factories still importing their package: each takes a worker's place."""
        return sum(1 for f in self.packages.values() if f.state == "starting")

    def place(self, number: int) -> tuple[str, Factory | None]:
        """Where job `number` runs now: PLAIN, VIA its ready factory, or WAIT for it (asked
        for now when it is the package's first module due)."""
        item = self.members.get(number)
        if item is None:
            return PLAIN, None
        factory = self.packages.get(item.key)
        if factory is None:
            self.packages[item.key] = self._request(number)
            return WAIT, None
        if factory.state == "ready":
            return VIA, factory
        return (WAIT, None) if factory.state == "starting" else (PLAIN, None)

    def job_file(self, number: int) -> dict[str, Any]:
        """What a job routed through a factory adds to its job file."""
        return {"preloaded_line": self.members[number].line}

    def _request(self, number: int) -> Factory:
        ident = self.new_ident()
        files = {k: os.path.join(self.folder, f"f{ident}.{k}") for k in ("job", "result", "log")}
        Path(files["job"]).write_text(
            json.dumps({**self.jobs[number], **self.extra}), encoding="utf-8"
        )
        factory = Factory(ident, files)
        self.idents[ident] = factory
        self.send({"id": ident, "prepare": True, **files})
        return factory

    def message(self, message: dict[str, Any]) -> Factory | None:
        """A factory's message (its pid, readiness or end); the factory when it ended after it
        was ready (its modules still running or waiting must move to plain workers)."""
        factory = self.idents.get(message.get("id", -1))
        if factory is None:
            return None
        if "pid" in message:
            factory.pid = int(message["pid"])
        elif "ready" in message:
            if message["ready"] and factory.state == "starting":
                factory.state = "ready"
            elif factory.state == "starting":
                factory.state = "failed"
                factory.reason = self._reason(factory)
        elif "status" in message:
            was = factory.state
            factory.state = "closed" if was == "closed" else "failed"
            return factory if was == "ready" else None
        return None

    def release(self, number: int) -> None:
        """Job `number` ended: the package's factory closes after its last module."""
        item = self.members.get(number)
        if item is None:
            return
        self.remaining[item.key] -= 1
        factory = self.packages.get(item.key)
        if self.remaining[item.key] <= 0 and factory is not None and factory.state == "ready":
            factory.state = "closed"
            self.send({"close": factory.ident})

    def leave(self, number: int) -> None:
        """Job `number` goes to a plain worker from now on (its factory is gone)."""
        item = self.members.pop(number, None)
        if item is not None:
            self.remaining[item.key] -= 1

    def deadlines(self, timeout: float) -> list[float]:
        return [f.started + timeout for f in self.packages.values() if f.state == "starting"]

    def overdue(self, timeout: float, kill: Callable[[int], None]) -> None:
        """A factory still importing after the module timeout is killed; its modules go plain."""
        now = time.perf_counter()
        for factory in self.packages.values():
            if factory.state == "starting" and now - factory.started >= timeout:
                factory.state = "failed"
                factory.reason = f"no answer after {timeout:g} s"
                if factory.pid:
                    kill(factory.pid)

    def close_all(self, kill: Callable[[int], None]) -> None:
        """At the end of the run (normal or not): none outlives it."""
        for factory in self.packages.values():
            if factory.state == "starting" and factory.pid:
                kill(factory.pid)
            elif factory.state == "ready":
                with contextlib.suppress(OSError, ValueError):
                    self.send({"close": factory.ident})
            factory.state = "closed"

    @staticmethod
    def _reason(factory: Factory) -> str:
        try:
            payload = json.loads(Path(factory.files["result"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "no result"
        return str(payload.get("error", ""))
