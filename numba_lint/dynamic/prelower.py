"""A typed (not lowered) function -> the failures Numba's lowering would raise that its types show.

Used by worker.py after a typing-only check passed, for the checked function and every user
callee it reached. Covers the cases measured to fail only at lowering in Numba 0.68: a jitclass
instance, a `np.random.Generator` or a datetime64/timedelta64 array used as a global constant,
and returning an iterator (`zip`, `enumerate`, `iter(array)`). `--full-compile` finds the rest.
"""

from __future__ import annotations

from typing import Any

from numba.core import ir, types

from .describe import without_addresses


def _constant_problem(value_type: Any) -> bool:
    if isinstance(value_type, (types.ClassInstanceType, types.NumPyRandomGeneratorType)):
        return True
    return isinstance(value_type, types.Array) and isinstance(
        value_type.dtype, (types.NPDatetime, types.NPTimedelta)
    )


def _record(loc: Any, message: str) -> dict[str, Any]:
    where = {"file": str(loc.filename), "line": int(loc.line)}
    return {
        "types": ["PreLoweringCheck"],
        "kind_hint": "lowering",
        "text": message,
        "root_text": message,
        "text_locs": [],
        "chain": [where],
        "fallback": None,
        "numba_error": False,
    }


def lowering_hazards(typed: Any) -> list[dict[str, Any]]:
    """Failure records (worker format) for one TypedResult; [] when lowering should pass."""
    found = []
    typemap = typed.typemap or {}
    returns = []
    for block in typed.func_ir.blocks.values():
        for inst in block.body:
            if isinstance(inst, ir.Return):
                returns.append(inst)
            if not isinstance(inst, ir.Assign) or not isinstance(
                inst.value, (ir.Global, ir.FreeVar)
            ):
                continue
            value_type = typemap.get(inst.target.name)
            if value_type is not None and _constant_problem(value_type):
                found.append(
                    _record(
                        inst.loc,
                        without_addresses(
                            f"global '{inst.value.name}' of type {value_type} cannot be used as a "
                            "constant in compiled code"
                        ),
                    )
                )
    return_type = typed.signature.return_type if typed.signature is not None else None
    if isinstance(return_type, types.IteratorType) and returns:
        found.append(
            _record(
                returns[0].loc,
                (
                    f"returning an iterator ({return_type}) from a jitted function cannot be "
                    "compiled; return a tuple, list or array instead"
                ),
            )
        )
    return found
