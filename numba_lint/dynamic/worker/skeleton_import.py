"""The module's skeleton, imported inside the worker: sys.path and the project-module importer
set up, eager signatures deferred, the kept top-level statements run, and what they left
(failed statements, dropped names, warnings) recorded in the worker's result.

Used by worker.py; imports Numba (worker side only).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..protocol import Job, StatementRecord, WorkerResult
from . import skeleton as skeleton_mod
from .describe import describe_error, describe_warning
from .numba_compat import Dispatcher, typeinfer


class EagerDeferral:
    """While the skeleton runs, `@njit("sig")` records its signatures instead of compiling."""

    def __enter__(self) -> EagerDeferral:
        self.compile = Dispatcher.compile
        self.disable = Dispatcher.disable_compile
        original_compile, original_disable = self.compile, self.disable

        def deferred_compile(disp: Dispatcher, sig: Any) -> Any:
            eager = typeinfer._temporary_dispatcher_map.get(disp.py_func.__name__) is disp
            if eager:
                disp.__dict__.setdefault("_numba_lint_declared", []).append(sig)
                return None
            return original_compile(disp, sig)

        def deferred_disable(disp: Dispatcher, val: bool = True) -> None:
            if "_numba_lint_declared" in disp.__dict__:
                return None
            return original_disable(disp, val)

        Dispatcher.compile = deferred_compile  # type: ignore[method-assign,assignment]
        Dispatcher.disable_compile = deferred_disable  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: Any) -> None:
        Dispatcher.compile = self.compile  # type: ignore[method-assign]
        Dispatcher.disable_compile = self.disable  # type: ignore[method-assign]


def install_finder(job: Job, path: Path) -> skeleton_mod.SkeletonFinder:
    """Puts the module's package root and the project on sys.path, and the skeleton importer
    of project modules first on sys.meta_path."""
    root = Path(job["project_root"])
    # Where the top-level package lives (the folder above `pkg` for `pkg.sub.mod`), as Python
    # would put it on sys.path when running or importing the module.
    top = path.parent
    for _ in range(job["module_name"].count(".")):
        top = top.parent
    for folder in (str(top), str(root)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    companions = {name: (where, text) for name, where, text in job.get("companions", [])}
    finder = skeleton_mod.SkeletonFinder(root, job["statement_seconds"], companions)
    sys.meta_path.insert(0, finder)
    return finder


@dataclass
class Preloaded:
    """In a package factory and the workers forked from it: the package it imported, the
    finder that loaded its modules, and the warnings its import raised."""

    package: str
    finder: skeleton_mod.SkeletonFinder
    caught: list[warnings.WarningMessage]


PRELOADED: Preloaded | None = None


def preload(job: Job) -> str | None:
    """In a package factory (package_factory.py): imports the top-level package of the job's
    module as that module's own first package import would (same sys.path and skeleton finder,
    eager signatures deferred, warnings recorded, each statement under its time limit);
    returns why no worker may fork from this process, or None.

    Forking after user code ran is safe only while the process has a single thread (a thread
    holding a lock at the fork leaves it locked forever in the child): an import that started
    one is refused, and its modules are checked by plain workers."""
    global PRELOADED
    finder = install_finder(job, Path(job["path"]))
    threads = _threads()
    package = job["module_name"].partition(".")[0]
    with warnings.catch_warnings(record=True) as caught, EagerDeferral():
        warnings.simplefilter("always")
        importlib.import_module(package)
    if _threads() > threads:
        return f"importing {package} started a thread"
    PRELOADED = Preloaded(package, finder, list(caught))
    return None


def _threads() -> int:
    """The process's threads (native ones too, where /proc lists them)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def import_skeleton(job: Job, path: Path, result: WorkerResult) -> Any:
    """Runs the module's skeleton (eager signatures deferred); its warnings into `result`.

    Forked from a package factory, the package is already imported: the warnings its import
    raised are added when the module's statement that imports it (`preloaded_line`) runs, as
    they were caught there when that statement imported the package itself."""
    jitted = {
        p["dispatcher_name"] or p["name"] for p in job["functions"] if "." not in p["qualname"]
    }
    # (index of the first warning, line) per statement: a warning raised while a decorator ran
    # (no user-code location of its own) belongs to the statement being executed.
    marks: list[tuple[int, int]] = []
    with warnings.catch_warnings(record=True) as caught, EagerDeferral():
        warnings.simplefilter("always")
        progress = _progress(path)

        replay = job.get("preloaded_line") if PRELOADED is not None else None

        def on_statement(statement: Any) -> None:
            nonlocal replay
            marks.append((len(caught), statement.lineno))
            if PRELOADED is not None and statement.lineno == replay:
                caught.extend(PRELOADED.caught)
                replay = None
            progress(statement)

        skel = skeleton_mod.execute(
            _new_module(job["module_name"], path),
            job["text"],
            str(path),
            jitted,
            job["statement_seconds"],
            on_statement=on_statement,
        )
    for number, record in enumerate(caught):
        item = describe_warning(record, None)
        if item is not None:
            if item["where"] is None:
                lines = [line for first, line in marks if first <= number]
                if lines:
                    item["where"] = {"file": str(path.resolve()), "line": lines[-1]}
            result["warnings"].append(item)
    return skel


def record_skeleton(
    skel: Any, finder: skeleton_mod.SkeletonFinder, result: WorkerResult, name: str = ""
) -> None:
    """What the skeleton import left: failed statements, dropped names, project files (those
    a package factory loaded too, but not the module `name` itself: its own import would have
    found it in sys.modules)."""
    for failure in skel.failures:
        entry: StatementRecord = {
            "line": failure.line,
            "names": list(failure.names),
            "error": failure.error,
        }
        if failure.exception is not None:
            entry["detail"] = describe_error(failure.exception)
        result["statements"].append(entry)
    result["dropped_names"] = sorted(skel.dropped_names)
    # name -> why the kept statement binding it could not run here (needs skipped code, a GPU).
    result["not_run"] = dict(skel.not_run)
    # name -> line of dropped top-level code that fills it (its value may be incomplete).
    result["filled_by_skipped"] = dict(skel.filled_by_skipped)
    loaded = list(finder.loaded.values())
    if PRELOADED is not None:
        loaded += [s for key, s in PRELOADED.finder.loaded.items() if key != name]
    result["project_files"] = sorted(
        {
            str(Path(str(s.module.__file__)).resolve())
            for s in loaded
            if getattr(s.module, "__file__", None)
        }
    )


def _progress(path: Path) -> Any:
    """Writes each statement's line to the log, so a crash names the line it died on."""

    def mark(statement: Any) -> None:
        sys.stderr.write(f'numba-lint: running File "{path}", line {statement.lineno}\n')
        sys.stderr.flush()

    return mark


def _new_module(name: str, path: Path) -> Any:
    import types as pytypes

    module = pytypes.ModuleType(name)
    module.__file__ = str(path)
    if path.name == "__init__.py":
        # A package's own module: its relative imports resolve inside it, as on a real import.
        module.__package__ = name
        module.__path__ = [str(path.parent)]
    else:
        module.__package__ = name.rpartition(".")[0]
    # Self-recursion and `import pkg.mod` inside the module resolve through sys.modules.
    sys.modules[name] = module
    return module
