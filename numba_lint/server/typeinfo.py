"""One module, trial-compiled in this (throw-away) process -> the Numba type of every variable.

Run by the language server as `python -m numba_lint.server.typeinfo` with the dynamic pass's job
on stdin; answers {"functions": {qualname: [{"signature", "return", "variables"}]}} on stdout.
It imports Numba and the module's skeleton exactly as a dynamic-pass worker does (so it must
never run inside the server process) and types it typing-only with the worker's type recorder
on (the one `numba-lint explain` uses); the typings that completed are the answer. It never
runs the module's other top-level statements.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any


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


def collect(records: list[dict[str, Any]], path: Path) -> dict[str, list[dict[str, Any]]]:
    """The complete typings of the module's functions, by qualified name, from the records the
    worker made while typing (dynamic/worker/explain_types.py, which `numba-lint explain` reads
    too)."""
    functions: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if not record["complete"] or Path(record["file"]) != path:
            continue
        functions.setdefault(record["qualname"], []).append(
            {
                "signature": record["signature"],
                "return": record["return"],
                "variables": record["variables"],
            }
        )
    return functions


def main() -> None:
    job = json.load(sys.stdin)
    answer = sys.stdout
    # The module's own prints must not corrupt the answer.
    with contextlib.redirect_stdout(sys.stderr):
        from ..dynamic.worker import warm  # noqa: F401 - Numba's environment, as in the workers
        from ..dynamic.worker.worker import run_job

        result = run_job({**job, "record_types": True})
        functions = collect(result.get("types", []), Path(job["path"]).resolve())
    json.dump({"functions": functions}, answer)
    answer.flush()


if __name__ == "__main__":
    main()
