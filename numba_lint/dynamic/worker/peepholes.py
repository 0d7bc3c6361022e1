"""Two of Numba's bytecode-to-IR peepholes skipped where they provably change nothing.

Worker processes only, entered by patches.applied() while typing-only checks run. Numba's
interpreter ends every translation (each checked function, callee and `@overload`
implementation) with peepholes that walk every statement; two of them list the variables of
each statement (`list_vars`, a recursive walk) although they can act only on IR that holds
what they look for:

- `peep_hole_delete_with_exit` drops the statements that use a `$setup_with_exitfn` temporary.
  Numba's bytecode analysis makes such a temporary only for a `with` opcode (BEFORE_WITH,
  SETUP_WITH, LOAD_SPECIAL), so for code without one the pass keeps every statement.
- `peep_hole_fuse_dict_add_updates` fuses `build_map` expressions with later updates of the same
  map, and raises only for an `_update_from_bytecode` call on a tracked map: without any
  `build_map` in the IR it tracks nothing, changes nothing and cannot raise.

In both cases the original runs whenever the condition does not hold, so the IR, and every
finding built on it, stays the same. Together they were about 4 % of the typing-only time on the
corpus of bench_dynamic.py (cProfile).
"""

from __future__ import annotations

import contextlib
import dis
from collections.abc import Iterator
from typing import Any

from .numba_compat import interpreter, ir

_ORIGINAL_DELETE_WITH_EXIT = interpreter.peep_hole_delete_with_exit
_ORIGINAL_FUSE_DICT_UPDATES = interpreter.peep_hole_fuse_dict_add_updates
# Opcodes after which Numba's bytecode analysis names a temporary `$setup_with_exitfn...`
# (byteflow.py); listing a few more only sends more code through the original.
_WITH_OPCODES = frozenset(
    dis.opmap[name]
    for name in ("BEFORE_WITH", "SETUP_WITH", "LOAD_SPECIAL", "BEFORE_ASYNC_WITH")
    if name in dis.opmap
)


def _may_hold_with(func_ir: Any) -> bool:
    code = getattr(func_ir.func_id, "code", None)
    raw = getattr(code, "co_code", None)
    if raw is None:
        return True
    # Opcodes sit at even offsets (arguments and inline caches at the others).
    return not _WITH_OPCODES.isdisjoint(raw[0::2])


def _holds_build_map(func_ir: Any) -> bool:
    for block in func_ir.blocks.values():
        for statement in block.body:
            if (
                isinstance(statement, ir.Assign)
                and isinstance(statement.value, ir.Expr)
                and statement.value.op == "build_map"
            ):
                return True
    return False


def _delete_with_exit(func_ir: Any) -> Any:
    if _may_hold_with(func_ir):
        return _ORIGINAL_DELETE_WITH_EXIT(func_ir)
    return func_ir


def _fuse_dict_add_updates(func_ir: Any) -> Any:
    if _holds_build_map(func_ir):
        return _ORIGINAL_FUSE_DICT_UPDATES(func_ir)
    return func_ir


@contextlib.contextmanager
def skipped_where_idle() -> Iterator[None]:
    """While active, the two peepholes run only on IR they could change."""
    saved = (interpreter.peep_hole_delete_with_exit, interpreter.peep_hole_fuse_dict_add_updates)
    interpreter.peep_hole_delete_with_exit = _delete_with_exit
    interpreter.peep_hole_fuse_dict_add_updates = _fuse_dict_add_updates
    try:
        yield
    finally:
        interpreter.peep_hole_delete_with_exit, interpreter.peep_hole_fuse_dict_add_updates = saved
