"""Prove the valid corpus (tests/fixtures/valid_corpus) with real Numba, module by module.

Each corpus module is imported (never as `__main__`) in its own process forked from one that
imported Numba once and compiled two small functions (`_warm_up`), with every Numba warning
turned into an error *in-process*. Its module-level calls run for real, so the module compiles
what they reach. While it runs, every
function Numba is given to compile is recorded (`Dispatcher.__init__`,
`UFuncDispatcher.__init__`, `CFunc.__init__`, `StencilFunc.__init__`); the recorded functions
defined in the module's own file are its jitted functions: one per `def` (a def jitted twice,
serial and parallel, is one), closures nested in jitted code excluded (they compile inside their
parent), `@overload` implementations included once typed.

The outcome of a module is "compiled" when the import raised nothing, no Numba warning was
raised, at least one of its jitted functions compiled and every one of them compiled except CUDA
kernels (no GPU here: they are defined lazily and never launched). Otherwise: "error" (the
exception, with the corpus line it came from), "nothing-compiled", "not-all-compiled", "died".

Run as a script it prints {module name: result} as JSON; tests call `prove_corpus()`, which runs
it in a fresh process so that Numba is never imported by pytest itself.
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import multiprocessing.connection
import os
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "fixtures" / "valid_corpus"
# A module that neither answers nor dies within this is "died: timed out".
CHILD_SECONDS = 300.0


def corpus_modules(root: Path = CORPUS) -> dict[str, Path]:
    """Importable module name -> file, for every module of the corpus (sub-packages included)."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def prove_corpus(
    names: list[str] | None = None, jobs: int = 2, timeout: float = 600
) -> dict[str, dict[str, Any]]:
    """{module name: result} from real Numba, in a fresh process (see the module docstring)."""
    with tempfile.TemporaryDirectory() as cache:
        # cache=True functions write their cache here, never next to the corpus files.
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        done = subprocess.run(
            [sys.executable, __file__, "--jobs", str(jobs), *(names or [])],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=True,
        )
    return json.loads(done.stdout)


def expected_functions(results: dict[str, dict[str, Any]]) -> dict[str, list[tuple[int, str]]]:
    """Corpus file (relative to the corpus root, '/'-separated) -> sorted (def line, name) of
    its jitted functions, as the prover counted them."""
    return {
        result["file"]: sorted((f["line"], f["name"]) for f in result["functions"])
        for result in results.values()
    }


# ---- in the proving process -----------------------------------------------------------------

_CREATED: list[tuple[str, Any, Any]] = []  # (kind, python function, compiled object)


def _install_recorders() -> None:
    from numba.core import ccallback, dispatcher
    from numba.np.ufunc import ufuncbuilder
    from numba.stencils import stencil

    original_dispatcher = dispatcher.Dispatcher.__init__
    original_cfunc = ccallback.CFunc.__init__
    original_stencil = stencil.StencilFunc.__init__
    original_ufunc = ufuncbuilder.UFuncDispatcher.__init__

    def dispatcher_init(self: Any, py_func: Any, *args: Any, **kwargs: Any) -> None:
        _CREATED.append(("dispatcher", py_func, self))
        original_dispatcher(self, py_func, *args, **kwargs)

    def ufunc_init(self: Any, py_func: Any, *args: Any, **kwargs: Any) -> None:
        # @vectorize / @guvectorize (any target): not a Dispatcher subclass.
        _CREATED.append(("ufunc", py_func, self))
        original_ufunc(self, py_func, *args, **kwargs)

    def cfunc_init(self: Any, pyfunc: Any, *args: Any, **kwargs: Any) -> None:
        _CREATED.append(("cfunc", pyfunc, self))
        original_cfunc(self, pyfunc, *args, **kwargs)

    def stencil_init(self: Any, kernel_ir: Any, *args: Any, **kwargs: Any) -> None:
        _CREATED.append(("stencil", kernel_ir.func_id.func, self))
        original_stencil(self, kernel_ir, *args, **kwargs)

    dispatcher.Dispatcher.__init__ = dispatcher_init  # type: ignore[method-assign]
    ccallback.CFunc.__init__ = cfunc_init  # type: ignore[method-assign]
    stencil.StencilFunc.__init__ = stencil_init  # type: ignore[method-assign]
    ufuncbuilder.UFuncDispatcher.__init__ = ufunc_init  # type: ignore[method-assign]


def _compiled(kind: str, obj: Any) -> bool:
    if kind == "cfunc":
        return True  # compiled when decorated
    if kind == "stencil":
        return bool(getattr(obj, "_type_cache", None))
    return bool(obj.overloads)


def _def_lines(path: Path) -> dict[tuple[int, str], int]:
    """(first line of the def with its decorators, name) -> line of `def`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines: dict[tuple[int, str], int] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines[(first, node.name)] = node.lineno
            lines[(node.lineno, node.name)] = node.lineno
    return lines


def _prove_in_child(name: str, path: Path, root: Path) -> dict[str, Any]:
    import importlib

    from numba.core.errors import NumbaWarning

    relative = path.relative_to(root).as_posix()
    warnings.simplefilter("error", NumbaWarning)
    _install_recorders()
    sys.path.insert(0, str(root))
    result: dict[str, Any] = {"file": relative, "outcome": "compiled", "detail": ""}
    try:
        importlib.import_module(name)
    except BaseException as exc:  # noqa: BLE001 - the outcome is the exception, reported
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
        where = f" (line {frames[-1].lineno})" if frames else ""
        result["outcome"] = "error"
        result["detail"] = f"{type(exc).__name__}{where}: {exc}"[:3000]
    by_def: dict[int, dict[str, Any]] = {}
    def_lines = _def_lines(path)
    for kind, function, obj in _CREATED:
        code = getattr(function, "__code__", None)
        if code is None or Path(code.co_filename).resolve() != path.resolve():
            continue
        line = def_lines.get((code.co_firstlineno, code.co_name), code.co_firstlineno)
        kind_name = "cuda" if type(obj).__module__.startswith("numba.cuda") else kind
        entry = by_def.setdefault(
            line, {"name": code.co_name, "line": line, "kind": kind_name, "compiled": False}
        )
        entry["compiled"] = entry["compiled"] or _compiled(kind, obj)
    functions = sorted(by_def.values(), key=lambda f: f["line"])
    result["functions"] = functions
    if result["outcome"] == "compiled":
        uncompiled = [f for f in functions if not f["compiled"] and f["kind"] != "cuda"]
        if not any(f["compiled"] for f in functions):
            result["outcome"] = "nothing-compiled"
        elif uncompiled:
            result["outcome"] = "not-all-compiled"
            result["detail"] = "never compiled: " + ", ".join(
                f"{f['name']} (line {f['line']})" for f in uncompiled
            )
    return result


def _child(name: str, path: Path, root: Path, sender: Any) -> None:
    # Corpus modules may print: keep stdout for the JSON answer of the parent.
    sys.stdout = sys.stderr
    try:
        sender.send(_prove_in_child(name, path, root))
    finally:
        sender.close()


def _warm_up() -> None:
    """Compile a scalar and an array function before forking: Numba initialises its CPU target
    and its array typing on the first compiles of a process (about 1.5 s), so every child
    inherits that done instead of paying it per module. Nothing here runs in parallel (no
    threading layer is started, so forking stays safe), and the recorders are installed in the
    children only, so these functions are never counted."""
    import numba
    import numpy as np

    numba.njit(lambda x: x + 1)(1)
    numba.njit(lambda a: a.sum() * 2.0)(np.ones(3))


def _start(context: Any, name: str, path: Path) -> tuple[str, Any, Any, float]:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(name, path, CORPUS, sender))
    process.start()
    sender.close()
    return name, process, receiver, time.monotonic() + CHILD_SECONDS


def _finish(name: str, process: Any, receiver: Any) -> dict[str, Any]:
    try:
        result = receiver.recv() if receiver.poll(0) else _died(name, "timed out")
    except EOFError:
        result = _died(name, "no answer")
    receiver.close()
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    return result


def main(argv: list[str]) -> None:
    jobs = 2
    if argv[:1] == ["--jobs"]:
        jobs, argv = int(argv[1]), argv[2:]
    modules = corpus_modules()
    wanted = argv or list(modules)
    # cache=True functions must never write next to the corpus files.
    os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="valid-corpus-cache-"))
    # Import Numba and warm it up once; each module is then proven in a process forked from
    # this one (no parallel region has run here, so forking is safe).
    _warm_up()

    context = multiprocessing.get_context("fork")
    pending = list(wanted)
    running: list[tuple[str, Any, Any, float]] = []
    results: dict[str, dict[str, Any]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            name = pending.pop(0)
            running.append(_start(context, name, modules[name]))
        # Whichever child answers (or dies) first frees its slot: a slow module never holds
        # the other slot idle.
        soonest = min(deadline for *_, deadline in running)
        ready = multiprocessing.connection.wait(
            [receiver for _, _, receiver, _ in running],
            timeout=max(0.0, soonest - time.monotonic()),
        )
        for entry in list(running):
            name, process, receiver, deadline = entry
            if receiver in ready or time.monotonic() >= deadline:
                running.remove(entry)
                results[name] = _finish(name, process, receiver)
    json.dump(dict(sorted(results.items())), sys.stdout, indent=1)


def _died(name: str, why: str) -> dict[str, Any]:
    path = corpus_modules()[name]
    return {
        "file": path.relative_to(CORPUS).as_posix(),
        "outcome": "died",
        "detail": why,
        "functions": [],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
