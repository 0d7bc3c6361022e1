"""A typed (not lowered) function -> the failures Numba's lowering would raise that its types show.

Used by worker.py after a typing-only check passed, for the checked function and every user
callee it reached. Covers the cases measured to fail only at lowering in Numba 0.68: a jitclass
instance, a `np.random.Generator` or a datetime64/timedelta64 array used as a global constant,
and returning a value the compiled function's Python wrapper cannot read back (an iterator such
as `zip`, `enumerate`, `iter(array)`, `np.ndenumerate`; not a generator, a `range` or a dict
view, which Numba returns fine). `--full-compile` finds the rest.
"""

from __future__ import annotations

from typing import Any

from ..protocol import KIND_LOWERING, FailureRecord, Where
from .describe import without_addresses
from .numba_compat import cpu_target, ir, llvm_ir, types


def _constant_problem(value_type: Any) -> bool:
    if isinstance(value_type, (types.ClassInstanceType, types.NumPyRandomGeneratorType)):
        return True
    return isinstance(value_type, types.Array) and isinstance(
        value_type.dtype, (types.NPDatetime, types.NPTimedelta)
    )


def _unreturnable(return_type: Any) -> bool:
    """True when lowering cannot return a value of `return_type` to a caller.

    Every compiled function gets a CPython wrapper that reads the returned value back through
    its data model's `from_return`; for iterators that keep their state behind an ephemeral
    pointer (zip, enumerate, array and range iterators, ...) that raises "use
    load_from_data_pointer() instead" at lowering, while generators, `range` objects and dict
    views pass. Asking the data model the same question on a throw-away llvmlite builder gives
    Numba's own answer, without LLVM (llvmlite's IR builder is pure Python).
    """
    try:
        model = cpu_target.target_context.data_model_manager[return_type]
    except Exception:  # noqa: BLE001 - a type without a data model fails elsewhere
        return False
    function = llvm_ir.Function(
        llvm_ir.Module(), llvm_ir.FunctionType(llvm_ir.VoidType(), []), "numba_lint_probe"
    )
    builder = llvm_ir.IRBuilder(function.append_basic_block())
    try:
        model.from_return(builder, llvm_ir.Constant(model.get_return_type(), None))
    except NotImplementedError:
        return True
    except Exception:  # noqa: BLE001 - not the failure this check is about
        return False
    return False


def _record(loc: Any, message: str) -> FailureRecord:
    where: Where = {"file": str(loc.filename), "line": int(loc.line)}
    return {
        "types": ["PreLoweringCheck"],
        "kind_hint": KIND_LOWERING,
        "text": message,
        "root_text": message,
        "text_locs": [],
        "chain": [where],
        "fallback": None,
        "numba_error": False,
    }


def lowering_hazards(typed: Any) -> list[FailureRecord]:
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
    if return_type is not None and returns and _unreturnable(return_type):
        what = "an iterator" if isinstance(return_type, types.IteratorType) else "a value"
        found.append(
            _record(
                returns[0].loc,
                without_addresses(
                    f"returning {what} ({return_type}) from a jitted function cannot be "
                    "compiled; return a tuple, list or array instead"
                ),
            )
        )
    return found
