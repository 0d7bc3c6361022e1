"""The trial compile on save, in the dynamic pass's warm worker factory, newest save first.

The worker factory (dynamic/parent/trial.py's `zygote()`, running `python -m
numba_lint.dynamic.worker.zygote`) is the one the CLI uses: it imports Numba once and forks a
fresh worker for each check. The language server keeps that factory for its whole session:
`warm_factory` starts it before the first save, and starts a new one when it died
(trial.zygote() checks it is alive). One check per save: the pipeline runs with the type
recorder on, so the same compile gives the diagnostics and hover's types. A newer save of the
document being checked supersedes the running check: its worker is killed (trial.SUPERSEDED)
and its result is never published.

Runs in the server process and imports no Numba: only the factory and its workers do.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..diagnostic import Diagnostic
from ..dynamic.parent import trial
from ..pipeline import Options, run
from .typeinfo import collect


@dataclass(frozen=True)
class Factory:
    """The worker factory a check ran in: its process and how long importing Numba took."""

    pid: int
    startup_seconds: float


@dataclass(frozen=True)
class SaveCheck:
    """One save's trial compile: the text checked, its findings, and the typings for hover."""

    text: str
    diagnostics: list[Diagnostic]
    # {"functions": {qualname: [typing, ...]}}, what hover.TypeStore.update reads.
    types: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    factory: Factory | None = None


def warm_factory() -> Factory | None:
    """Start the worker factory unless it is running; None when it cannot start (the check
    then reports why, as the CLI does)."""
    try:
        factory = trial.zygote()
    except (trial.ZygoteError, OSError):
        return None
    return Factory(factory.process.pid, factory.startup_seconds)


def factory_in_use() -> Factory | None:
    """The factory the last check ran in (the run starts a new one when the last died)."""
    factory = trial.running_factory()
    if factory is None:
        return None
    return Factory(factory.process.pid, factory.startup_seconds)


def check_saved(
    path: Path, config: Config, record_types: bool = True
) -> tuple[str, list[Diagnostic], dict[str, Any]]:
    """The saved file through the whole pipeline: (the text checked, its findings, the
    typings of its functions for hover, from the same compile)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    # No type recorder when the user asked for no imports: there is no compile to read.
    wanted = record_types and not config.static_only
    report = run(config, Options(paths=[str(path)], record_types=wanted))
    mine = path.resolve()
    found = [d for d in report.diagnostics if Path(d.filename).resolve() == mine]
    types = {"functions": collect(report.types, mine)} if wanted else {}
    return text, found, types


class SaveChecks:
    """The saves of every document, checked one at a time (the server's dynamic thread).

    `new_save` (the event loop) numbers each save; `check` (the dynamic thread) runs the
    newest one of its document and drops a superseded one. One lock orders the two, so a
    save that arrives while its document is checked always stops that check.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latest: dict[str, int] = {}
        self.running: str | None = None  # the document whose check is in the worker now

    def new_save(self, uri: str) -> int:
        with self.lock:
            number = self.latest.get(uri, 0) + 1
            self.latest[uri] = number
            if self.running == uri:
                trial.SUPERSEDED.set()  # its worker is killed, its result dropped
        return number

    def is_current(self, uri: str, number: int) -> bool:
        with self.lock:
            return self.latest.get(uri) == number

    def forget(self, uri: str) -> None:
        """The document closed: a check of it still running is superseded."""
        self.new_save(uri)

    def check(self, uri: str, number: int, path: Path, config: Config) -> SaveCheck | None:
        """Save `number` of `uri`, in the dynamic thread; None when a newer save superseded it
        (before it started or while it ran)."""
        with self.lock:
            if self.latest.get(uri) != number:
                return None
            self.running = uri
            trial.SUPERSEDED.clear()
        try:
            if not config.static_only:
                warm_factory()  # its start-up is not the check's time
            started = time.perf_counter()
            text, found, types = check_saved(path, config)
            seconds = time.perf_counter() - started
            factory = None if config.static_only else factory_in_use()
        finally:
            with self.lock:
                self.running = None
                # A supersede that came too late to stop anything must not stop the next run.
                trial.SUPERSEDED.clear()
        if not self.is_current(uri, number):
            return None
        return SaveCheck(text, found, types, seconds, factory)
