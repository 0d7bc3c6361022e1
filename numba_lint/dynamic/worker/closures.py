"""Numba's closure-inlining pass skipped where it provably has nothing to inline.

Worker processes only, entered by patches.applied() while typing-only checks run. The untyped
pass `InlineClosureLikes` runs `InlineClosureCallPass` on every function typed (each checked
function, callee and `@overload` implementation). That pass first post-processes the IR with
`del` statements (its array-comprehension analysis reads them: the control-flow graph, uses and
definitions, live variables and the `del`s themselves, a walk over every statement), then looks
for four things, and finally strips every `del` again. It can change the IR only through:

- `_inline_closure`: a call of a `make_function` expression (a closure or lambda);
- `_inline_reduction`: a call resolved to `reduce` (`functools.reduce`), which also raises on a
  wrong argument count;
- `_inline_stencil`: a call of `numba.stencil` or of a `StencilFunc` global named `stencil`;
- `_inline_arraycall`: `np.array(lst)` after a loop that appends to an empty `build_list`.

An IR with no `make_function` or `build_list` expression, no `reduce` or `stencil` global or
attribute and no `del` (which the original would strip) gives each of them nothing to act on:
the original would leave the IR as it found it, but for the CFG canonicalisation of its
post-processing, done here too. Parallel functions (the pass also fuses there) and generators
(their post-processing works out the generator's state) keep the original, and so does every
pipeline that is not a typing-only one (a full compile while checks run). About 8 % of the
typing-only time on the corpus of bench_dynamic.py went to this pass, most of it to the `del`s.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

from .numba_compat import InlineClosureCallPass, StencilFunc, ir, numba_stencil, transforms

_ORIGINAL_RUN = InlineClosureCallPass.run
_MARKING_EXPRESSIONS = frozenset({"make_function", "build_list"})
# The names `find_callname` must resolve a call to before the pass inlines a reduce or stencil.
_MARKING_ATTRIBUTES = frozenset({"reduce", "stencil"})


def _marks(value: Any) -> bool:
    if isinstance(value, ir.Expr):
        if value.op in _MARKING_EXPRESSIONS:
            return True
        return value.op == "getattr" and value.attr in _MARKING_ATTRIBUTES
    if isinstance(value, (ir.Global, ir.FreeVar)):
        held = value.value
        return held is functools.reduce or held is numba_stencil or isinstance(held, StencilFunc)
    return False


def may_inline(func_ir: Any) -> bool:
    """Whether `InlineClosureCallPass` could change (or reject) this IR."""
    for block in func_ir.blocks.values():
        for statement in block.body:
            if isinstance(statement, ir.Del):
                return True
            if isinstance(statement, ir.Assign) and _marks(statement.value):
                return True
    return False


# Whether the innermost running pipeline is a typing-only one (set by `skipped_where_idle`).
_IN_TYPING_ONLY: list[Callable[[], bool]] = []


def _run(self: Any) -> None:
    func_ir = self.func_ir
    if (
        not (_IN_TYPING_ONLY and _IN_TYPING_ONLY[-1]())
        or self.parallel_options.enabled
        or func_ir.is_generator
        or may_inline(func_ir)
    ):
        _ORIGINAL_RUN(self)
        return
    func_ir.blocks = transforms.canonicalize_cfg(func_ir.blocks)


@contextlib.contextmanager
def skipped_where_idle(in_typing_only: Callable[[], bool]) -> Iterator[None]:
    """While active, closure inlining runs only on IR it could change, in the pipelines
    `in_typing_only()` answers True for (a full compile keeps Numba's own pass)."""
    saved = InlineClosureCallPass.run
    InlineClosureCallPass.run = _run  # type: ignore[method-assign]
    _IN_TYPING_ONLY.append(in_typing_only)
    try:
        yield
    finally:
        _IN_TYPING_ONLY.pop()
        InlineClosureCallPass.run = saved  # type: ignore[method-assign]
