"""Type or compile every dispatcher of a module, in a fresh process: argv -> JSON on stdout.

argv: MODE (typing|full) PATH. Reports per function: ok or the failure's root line and first
message line, and how many functions Numba lowered and LLVM functions it made. Used by
tests/test_dynamic_typing_only.py; never imported by the package.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

from numba.core import codegen, typed_passes, utils
from numba.core.dispatcher import Dispatcher

from numba_lint.dynamic.worker import typing_only as engine
from numba_lint.dynamic.worker.describe import describe_error
from numba_lint.dynamic.worker.skeleton_import import EagerDeferral

utils.DEVELOPER_MODE = True
lowered: list[str] = []
libraries: list[str] = []
_lower = typed_passes.BaseNativeLowering.run_pass
_library = codegen.JITCPUCodegen._create_empty_module


def counting_lower(self, state):  # type: ignore[no-untyped-def]
    lowered.append(state.func_id.func_qualname)
    return _lower(self, state)


def counting_library(self, name):  # type: ignore[no-untyped-def]
    libraries.append(name)
    return _library(self, name)


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    module = types.ModuleType("cases")
    module.__file__ = str(path)
    sys.modules["cases"] = module
    with EagerDeferral():
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)
    typed_passes.BaseNativeLowering.run_pass = counting_lower
    codegen.JITCPUCodegen._create_empty_module = counting_library
    context = engine.typing_only if mode == "typing" else engine.full_compile
    results = {}
    for name, value in vars(module).items():
        if not isinstance(value, Dispatcher) or "_numba_lint_declared" not in value.__dict__:
            continue
        for sig in value.__dict__["_numba_lint_declared"]:
            with context():
                try:
                    engine.check(value, sig)
                    results[name] = "ok"
                except Exception as exc:  # noqa: BLE001
                    raw = describe_error(exc)
                    root = raw["chain"][-1]["line"] if raw["chain"] else None
                    head = [line for line in raw["root_text"].splitlines() if line.strip()][0]
                    results[name] = {"type": raw["types"][0], "line": root, "message": head}
    json.dump({"results": results, "lowered": lowered, "llvm_modules": len(libraries)}, sys.stdout)


if __name__ == "__main__":
    main()
