"""The type recorder's records -> the Numba type of every variable, for hover and explain.

`variables_of` runs in the dynamic pass's workers (dynamic/explain_types.py calls it while Numba
types a function: it takes Numba's IR and typemap, and imports Numba only then). `collect` runs
in the language server: it keeps the complete typings of one module's functions from the
records of a save's trial compile, as {qualname: [{"signature", "return", "variables"}]}.
"""

from __future__ import annotations

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
