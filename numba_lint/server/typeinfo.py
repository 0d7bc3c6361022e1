"""One module, trial-compiled in this (throw-away) process -> the Numba type of every variable.

Run by the language server as `python -m numba_lint.server.typeinfo` with the dynamic pass's job
on stdin; answers {"functions": {qualname: [{"signature", "return", "variables"}]}} on stdout.
It imports Numba and the module's skeleton exactly as a dynamic-pass worker does (so it must
never run inside the server process), types it typing-only, then reads the typemaps Numba left
on each dispatcher. It never runs the module's other top-level statements.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any


def _typed_parts(result: Any) -> tuple[Any, Any]:
    """(typemap, func_ir) of a typing-only result or of a full CompileResult."""
    typemap = getattr(result, "typemap", None)
    func_ir = getattr(result, "func_ir", None)
    annotation = getattr(result, "type_annotation", None)
    if typemap is None and annotation is not None:
        typemap = getattr(annotation, "typemap", None)
        func_ir = getattr(annotation, "func_ir", None)
    return typemap, func_ir


def variables_of(func_ir: Any, typemap: Any) -> list[dict[str, Any]]:
    """Each user-visible assignment (SSA versions folded to the source name) with its type."""
    from numba.core import ir

    found: dict[tuple[str, int], str] = {}
    for block in func_ir.blocks.values():
        for statement in block.body:
            if not isinstance(statement, ir.Assign):
                continue
            name = statement.target.name
            if name.startswith("$") or name not in typemap:
                continue
            line = getattr(statement.loc, "line", None) or 0
            found.setdefault((name.split(".")[0], line), str(typemap[name]))
    return [
        {"name": name, "line": line, "type": text}
        for (name, line), text in sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def collect(module: Any, path: Path) -> dict[str, list[dict[str, Any]]]:
    from numba.core.dispatcher import Dispatcher

    functions: dict[str, list[dict[str, Any]]] = {}
    for value in list(vars(module).values()) if module is not None else []:
        if not isinstance(value, Dispatcher):
            continue
        code = getattr(value.py_func, "__code__", None)
        if code is None or Path(code.co_filename).resolve() != path:
            continue
        for args, result in list(value.overloads.items()):
            typemap, func_ir = _typed_parts(result)
            if not typemap or func_ir is None:
                continue
            signature = getattr(result, "signature", None)
            functions.setdefault(value.py_func.__qualname__, []).append(
                {
                    "signature": "(" + ", ".join(str(a) for a in args) + ")",
                    "return": str(getattr(signature, "return_type", "")),
                    "variables": variables_of(func_ir, typemap),
                }
            )
    return functions


def main() -> None:
    job = json.load(sys.stdin)
    answer = sys.stdout
    # The module's own prints must not corrupt the answer.
    with contextlib.redirect_stdout(sys.stderr):
        from ..dynamic import warm  # noqa: F401 - Numba's environment, as in the workers
        from ..dynamic.worker import run_job

        run_job(job)
        functions = collect(sys.modules.get(job["module_name"]), Path(job["path"]).resolve())
    json.dump({"functions": functions}, answer)
    answer.flush()


if __name__ == "__main__":
    main()
