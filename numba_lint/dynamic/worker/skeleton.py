"""A module's skeleton: its set-up, never its work, run one top-level statement at a time.

Used inside worker processes: `import_skeleton` executes each kept top-level statement under the
file's real name and line numbers (so Numba's locations match the file) and records what failed.
Which statements are kept is skeleton_rules.py's decision (`plan`); this module runs them, each
with its own timer and `try`, and tells a real failure from one that only the skeleton causes
(a statement that reads what dropped code defines or fills, or that needs a missing GPU).
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import linecache
import os
import signal
import sys
import time
import types
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .skeleton_rules import SkeletonPlan, bound_names, keep, plan

__all__ = ["Skeleton", "SkeletonFinder", "execute", "import_skeleton", "keep", "plan"]


@dataclass(frozen=True)
class StatementFailure:
    line: int
    names: tuple[str, ...]
    error: str
    exception: BaseException | None = field(default=None, compare=False)


@dataclass
class Skeleton:
    module: types.ModuleType
    failures: list[StatementFailure] = field(default_factory=list)
    # Names bound only by statements the skeleton dropped (or that failed).
    dropped_names: set[str] = field(default_factory=set)
    # Names a kept statement would have bound, had it been able to run here: why it could not
    # (it needs what dropped code defines or fills, or a GPU this machine lacks). Not failures
    # of the code: their functions are listed as not checked, with this reason.
    not_run: dict[str, str] = field(default_factory=dict)
    # Module-level names that dropped statements write into (`fill(ITEMS)`, a loop that calls a
    # user function): name -> line of the first such statement. Their values may be incomplete.
    filled_by_skipped: dict[str, int] = field(default_factory=dict)


class _CompileClock:
    """Seconds Numba has spent compiling (holding its global compiler lock) while active.

    Numba announces every acquisition of that lock as a "numba:compiler_lock" event; a
    listener adds up the outermost ones. Without Numba imported it always reads 0.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.total = 0.0
        self.since = 0.0
        self._event = sys.modules.get("numba.core.event")
        self._listener: Any = None

    def __enter__(self) -> _CompileClock:
        if self._event is not None:
            clock = self

            class _Listener(self._event.Listener):  # type: ignore[name-defined,misc]
                def on_start(self, event: Any) -> None:
                    if clock.depth == 0:
                        clock.since = time.perf_counter()
                    clock.depth += 1

                def on_end(self, event: Any) -> None:
                    clock.depth -= 1
                    if clock.depth == 0:
                        clock.total += time.perf_counter() - clock.since

            self._listener = _Listener()
            self._event.register("numba:compiler_lock", self._listener)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._event is not None:
            self._event.unregister("numba:compiler_lock", self._listener)

    def seconds(self) -> float:
        running = time.perf_counter() - self.since if self.depth else 0.0
        return self.total + running


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds` of the statement's own work: stops Python code (not native
    loops: the parent kills those).

    Numba's compile work does not count: a decorator that compiles at decoration
    (`@vectorize([...])`, `@guvectorize([...], layout)`, `@cfunc`, a jitclass built at module
    level) may take seconds on a loaded machine, and stopping it would turn a valid signature
    into a failure. When the alarm rings, the time Numba held its compiler lock is subtracted
    and the alarm is set again for what is left; the module's own timeout (in the parent)
    still bounds the whole worker.
    """
    started = time.perf_counter()

    with _CompileClock() as compiling:

        def expired(signum: int, frame: Any) -> None:
            own = time.perf_counter() - started - compiling.seconds()
            if own >= seconds * 0.999:
                raise TimeoutError(f"statement ran longer than {seconds:g} s")
            signal.setitimer(signal.ITIMER_REAL, seconds - own)

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def device_unavailable(exc: BaseException) -> str | None:
    """Why a statement failed for want of a GPU or its driver (CUDA's `CudaSupportError`,
    raised by `@cuda.jit("sig")`, `@vectorize(..., target="cuda")` and `cuda.to_device` on a
    machine without one), or None for any other failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(
            cls.__name__ == "CudaSupportError" and "cuda" in cls.__module__
            for cls in type(current).__mro__
        ):
            # "Error at driver init: CUDA driver library cannot be found. If you are sure..."
            text = " ".join(str(current).split())
            return text.split(". ")[0].rstrip(".:").strip() or "CUDA is not available"
        current = current.__cause__ or current.__context__
    return None


def _needs_skipped(statement: ast.stmt, decided: SkeletonPlan) -> tuple[str, int, str, int] | None:
    """(name, line read, "defines"/"fills", line of the dropped code) when `statement` reads a
    name that dropped code binds or fills: its failure then says nothing about the code, only
    about the skeleton."""
    reads = sorted(
        (node.lineno, node.col_offset, node.id)
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    )
    for line, _, name in reads:
        if name in decided.dropped:
            return name, line, "defines", decided.dropped[name]
        if name in decided.filled:
            return name, line, "fills", decided.filled[name]
    return None


def reads_filled(sources: Iterable[str], filled: Mapping[str, int]) -> str | None:
    """Why values computed from `sources` (call-site argument expressions) may be incomplete:
    they read a name that top-level code the skeleton does not run fills; None otherwise."""
    for source in sources:
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in filled:
                return (
                    f"'{node.id}' is filled by top-level code the skeleton does not run "
                    f"(line {filled[node.id]})"
                )
    return None


def execute(
    module: types.ModuleType,
    source: str,
    filename: str,
    jitted: Collection[str] = (),
    statement_seconds: float = 5.0,
    on_statement: Callable[[ast.stmt], None] | None = None,
) -> Skeleton:
    """Run the skeleton of `source` in `module`, statement by statement."""
    _remember_source(filename, source)
    tree = ast.parse(source, filename)
    decided = plan(tree.body, jitted)
    skeleton = Skeleton(
        module=module, dropped_names=set(decided.dropped), filled_by_skipped=dict(decided.filled)
    )
    for statement in decided.kept:
        code = compile(
            ast.fix_missing_locations(ast.Module(body=[statement], type_ignores=[])),
            filename,
            "exec",
        )
        if on_statement is not None:
            on_statement(statement)
        try:
            with time_limit(statement_seconds):
                exec(code, module.__dict__)
        except MemoryError:
            # Past the worker's memory limit (zygote.py): the module's check ends here, as one
            # "out of memory" for the module, not a finding about this statement.
            raise
        except (Exception, SystemExit, KeyboardInterrupt) as exc:  # noqa: BLE001 - user code
            names = tuple(sorted(bound_names(statement)))
            missing = [n for n in names if n not in module.__dict__]
            skeleton.dropped_names.update(missing)
            device = device_unavailable(exc)
            needs = _needs_skipped(statement, decided)
            if device is not None:
                why = f"no GPU or CUDA driver on this machine ({device})"
            elif needs is not None:
                name, read, verb, line = needs
                why = (
                    f"line {read} needs '{name}', which top-level code the skeleton does not "
                    f"run {verb} (line {line})"
                )
            else:
                first = (str(exc).strip().splitlines() or [""])[0]
                skeleton.failures.append(
                    StatementFailure(statement.lineno, names, f"{type(exc).__name__}: {first}", exc)
                )
                continue
            skeleton.not_run.update((n, why) for n in missing)
    return skeleton


def _remember_source(filename: str, source: str) -> None:
    """Numba quotes source lines from linecache (by the path relative to the working folder):
    give it the text checked, not the file on disk (an editor buffer, or a notebook's code
    cells whose file is JSON). An entry whose mtime is None is never dropped as stale."""
    entry = (len(source), None, source.splitlines(True), filename)
    linecache.cache[filename] = entry
    try:
        linecache.cache[os.path.relpath(filename)] = entry
    except ValueError:  # another drive (Windows)
        pass


class _SkeletonLoader(importlib.abc.Loader):
    def __init__(self, finder: SkeletonFinder, path: str) -> None:
        self.finder = finder
        self.path = path

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        given = self.finder.companions.get(module.__name__)
        source = given[1] if given else Path(self.path).read_text(encoding="utf-8")
        skeleton = execute(module, source, self.path, statement_seconds=self.finder.seconds)
        self.finder.loaded[module.__name__] = skeleton


class SkeletonFinder(importlib.abc.MetaPathFinder):
    """Imports project files (under `root`) as skeletons, so their top-level work never runs."""

    def __init__(
        self,
        root: Path,
        seconds: float = 5.0,
        companions: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.seconds = seconds
        self.loaded: dict[str, Skeleton] = {}
        # Module name -> (path, text) of modules given as text, not read from disk: the files a
        # notebook's %%writefile cells write, importable from its other cells before they exist.
        self.companions = dict(companions or {})

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname in self.companions:
            given = self.companions[fullname][0]
            return importlib.util.spec_from_file_location(
                fullname, given, loader=_SkeletonLoader(self, given)
            )
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        origin = Path(spec.origin).resolve()
        if self.root not in origin.parents:
            return None
        # An environment inside the project (`.venv/lib/.../site-packages`) holds dependencies,
        # not project code: they are imported whole, their set-up included.
        if {"site-packages", "dist-packages"} & set(origin.relative_to(self.root).parts):
            return None
        return importlib.util.spec_from_file_location(
            fullname,
            spec.origin,
            loader=_SkeletonLoader(self, spec.origin),
            submodule_search_locations=spec.submodule_search_locations,
        )


def import_skeleton(
    name: str,
    path: Path,
    jitted: Collection[str],
    statement_seconds: float = 5.0,
    on_statement: Callable[[ast.stmt], None] | None = None,
) -> Skeleton:
    """Create module `name` from the skeleton of `path`, registered in sys.modules."""
    module = types.ModuleType(name)
    module.__file__ = str(path)
    is_package = path.name == "__init__.py"
    module.__package__ = name if is_package else name.rpartition(".")[0]
    if is_package:
        module.__path__ = [str(path.parent)]
    # Self-recursion and `import pkg.mod` inside the module resolve through sys.modules.
    sys.modules[name] = module
    source = path.read_text(encoding="utf-8")
    return execute(module, source, str(path), jitted, statement_seconds, on_statement)
