"""Run rule examples through real Numba, one process per share: stdin JSON list -> stdout JSON list.

Each example is executed as its own module (a fresh namespace under a real file name), then its
`call` runs. The outcome is what Numba did: "fails" (a NumbaError), "compiles" (some dispatcher
compiled a signature, no Numba warning), "warns" (compiled with a NumbaWarning), "syntax-error",
"import-fails" (an import fails: a removed Numba API, a missing module), or "other" (any other
exception: the example itself is broken).
Tests call `prove_examples(examples)`, which runs this file in fresh processes (two for a long
list, each proving its share in order); never imported by the package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import traceback
import types
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Lists at least this long are shared between two processes, one per CPU of a small CI machine
# (each imports Numba once, about a second, and the compiles are the rest).
SHARED_FROM = 6
PROCESSES = 2


def prove_examples(examples: list[dict], timeout: int = 600) -> list[dict]:
    """The outcome of each example ({"code": ..., "call": ...}), in order, from real Numba in
    fresh processes (Numba is imported once per process). A long list is dealt out to two
    processes (example i to process i % 2), each proving its share in order; an example keeps
    its number, so its module and file names are those of a one-process run."""
    numbered = [{**example, "index": index} for index, example in enumerate(examples)]
    shares = PROCESSES if len(examples) >= SHARED_FROM else 1
    with ThreadPoolExecutor(max_workers=shares) as pool:
        answers = list(
            pool.map(
                lambda share: _prove_in_process(numbered[share::shares], timeout), range(shares)
            )
        )
    results: list[dict] = [{}] * len(examples)
    for share, answer in enumerate(answers):
        results[share::shares] = answer
    return results


def _prove_in_process(examples: list[dict], timeout: int) -> list[dict]:
    done = subprocess.run(
        [sys.executable, __file__],
        input=json.dumps(examples),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    answer: list[dict] = json.loads(done.stdout)
    return answer


def compiled_something(namespace: dict) -> bool:
    from numba.core.dispatcher import Dispatcher

    for value in namespace.values():
        if isinstance(value, Dispatcher) and value.signatures:
            return True
        # vectorize/guvectorize/cfunc/jitclass objects compile eagerly or expose no signatures.
        kind = type(value).__module__
        if kind.startswith(("numba.np.ufunc", "numba.core.ccallback", "numba.experimental")):
            return True
        if isinstance(value, type) and hasattr(value, "class_type"):
            return True
    return False


def rejected_by_numba(exc: BaseException) -> bool:
    """A compile rejection: a NumbaError, or (as Numba 0.68 also does) UnsupportedBytecodeError,
    which is not a NumbaError, or a plain exception raised from inside the numba package itself
    (e.g. "Multiple argument raise is not supported." for `raise ... from ...`)."""
    from numba.core import errors

    if isinstance(exc, (errors.NumbaError, getattr(errors, "UnsupportedBytecodeError", ()))):
        return True
    # The dispatcher (C code, so no numba frame) rejects a call it cannot bind, e.g. to a
    # function with a **kwargs parameter; CPython's own wording would be "missing ... argument".
    if isinstance(exc, TypeError) and str(exc).startswith("not enough arguments: expected"):
        return True
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and f"{os.sep}numba{os.sep}" in frames[-1].filename


def prove(
    index: int, code: str, call: str | None, folder: Path, modules: dict[str, str] | None = None
) -> dict:
    from numba.core.errors import NumbaWarning

    if modules:
        # The example's other modules, importable from its own folder, fresh for each example.
        folder = folder / f"project_{index}"
        folder.mkdir()
        for name, text in modules.items():
            (folder / f"{name}.py").write_text(text, encoding="utf-8")
            sys.modules.pop(name, None)
        sys.path.insert(0, str(folder))
    try:
        return _prove(index, code, call, folder, NumbaWarning)
    finally:
        if modules:
            sys.path.remove(str(folder))


def _prove(index: int, code: str, call: str | None, folder: Path, numba_warning: type) -> dict:
    NumbaWarning = numba_warning  # noqa: N806 - the class, imported with Numba by `prove`
    path = folder / f"example_{index}.py"
    path.write_text(code, encoding="utf-8")
    module = types.ModuleType(f"example_{index}")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(code, str(path), "exec"), module.__dict__)
            if call:
                exec(compile(call, f"<call {index}>", "exec"), module.__dict__)
        except SyntaxError as exc:
            return {"outcome": "syntax-error", "detail": str(exc)}
        except ImportError as exc:
            # e.g. `from numba import generated_jit`, removed in 0.59: Numba no longer has it.
            return {"outcome": "import-fails", "detail": str(exc)}
        except Exception as exc:  # noqa: BLE001 - classified below
            if rejected_by_numba(exc):
                return {"outcome": "fails", "detail": f"{type(exc).__name__}: {exc}"[:2000]}
            # Any other error means the example itself is broken.
            return {"outcome": "other", "detail": traceback.format_exc()[-2000:] + repr(exc)}
    numba_warnings = [str(w.message) for w in caught if issubclass(w.category, NumbaWarning)]
    if not compiled_something(module.__dict__):
        return {"outcome": "nothing-compiled", "detail": "no dispatcher compiled a signature"}
    if numba_warnings:
        return {"outcome": "warns", "detail": numba_warnings[0][:2000]}
    return {"outcome": "compiles", "detail": ""}


def main() -> None:
    examples = json.load(sys.stdin)
    results = []
    # Examples may print: keep their output away from the JSON answer.
    answer = sys.stdout
    sys.stdout = sys.stderr
    with tempfile.TemporaryDirectory() as folder:
        for position, example in enumerate(examples):
            results.append(
                prove(
                    example.get("index", position),
                    example["code"],
                    example.get("call"),
                    Path(folder),
                    example.get("modules"),
                )
            )
    json.dump(results, answer)


if __name__ == "__main__":
    main()
