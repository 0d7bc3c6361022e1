"""Numba patched for speed while typing-only checks run (worker processes only); restored after.

`applied()` is entered by `typing_only()`. Each patch keeps what Numba reports (errors, their
text, warnings) and only skips repeated work; measured on the corpus of bench_dynamic.py.

1. Remembered call resolutions. Type inference re-resolves every call constraint on each round of
   its propagate loop, and every checked function resolves the same `operator.add(float64,
   float64)` again: `BaseFunction.get_call_type` ran 6948 times for 1068 distinct calls on the
   corpus. `BaseFunction.get_call_type` and `BoundFunction.get_call_type` return the signature
   first found for the same (function type, typing context, argument types, keyword types).
   What the original does besides returning is kept: `BaseFunction._impl_keys` (on the interned
   function type) is set again on a hit. A resolution that raised a warning is never remembered
   and is resolved by Numba every time: a warning raised while typing a Numba implementation
   for the first time is not raised again when Numba reuses that implementation (measured: of
   two functions computing `a @ b` on non-contiguous arrays, only the first warns, in both
   modes), so replaying it would report warnings a full compile does not. Not remembered
   either: failures (their text depends on `BaseFunction._depth`, which each failure changes),
   `ForceLiteralArg`, calls on `types.Dispatcher` (it has its own `get_call_type`, and is
   partial while recursion is being typed), calls with a dispatcher among the arguments (the
   result can depend on how far that dispatcher is typed) and unhashable arguments (the raw
   slice of a `static_setitem`).
2. No terminal set-up per message. With colorama installed, Numba wraps each piece of every error
   message it builds, including those of the templates that do not match and are thrown away, in
   `ColorShell()`, which runs colorama's `init()`/`deinit()` (stream wrapping) each time. The
   returned text does not depend on it, so `ColorShell` is a no-op while checks run.
3. Fewer full garbage collections. A check allocates many short-lived IR objects, so the
   collector's thresholds trigger full (oldest-generation) collections during it, and with
   Numba, NumPy, SciPy and the checked project imported each walks every object of the process
   (two of them cost 0.23 s of a 2.8 s corpus run). While checks run, a full collection waits
   for 1000 younger ones instead of 10; young collections are unchanged. Workers are
   short-lived, and the thresholds come back on exit.
4. Variable lifetimes worked out only when read. Numba's passes end with `PostProcessor.run()`,
   which computes the control-flow graph, the uses and definitions, the live and dead variables
   of every block and the variables live at each block's entry: 672 runs, 0.55 s of a 2.5 s
   corpus run. Only lowering and three analyses read them, so in a typing-only pipeline
   (`lazy_lifetimes()` marks it) a run without `emit_dels` only canonicalises the CFG and
   leaves a `VariableLifetime` that computes on first use (the typing-only corpus run went
   from 2.65 s to 2.34 s of CPU, three runs each). Numba's own run is kept where its results
   are read later, after the IR changed: in any other
   pipeline (the object-mode pipeline of an `objmode` block, whose lowering reads the entry
   variables; the `literal_unroll` and literal-propagation sub-pipelines), in a run by
   `with_lifting` (it edits blocks, then reads the lifetimes), on an IR that holds
   `literal_unroll` (the run before the unroll pass is the one it reads), for a generator (the
   run computes its state variables) and in parallel functions (not marked).
5. Two peepholes of Numba's bytecode translation skipped where they change nothing (the `with`
   exit clean-up without a `with` opcode, the dict fusion without a `build_map`): peepholes.py.
6. The passes of typing-only pipelines run without Numba's per-pass event data and timers:
   passrun.py. 7. The types of builtin functions (the operators above all) remembered:
   valuememo.py. 8. Context refreshes that would install nothing skipped: refreshes.py.
   9. Numba's per-instruction debug log calls made free while nobody listens: quietlogs.py.
   10. Type inference's per-constraint warning capture as a plain context manager: warncatch.py.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import (
    attrmemo,
    closures,
    passrun,
    peepholes,
    quietlogs,
    refreshes,
    valuememo,
    warncatch,
)
from .memo_support import UNHASHABLE, look_up, replay
from .numba_compat import (
    BaseFunction,
    BoundFunction,
    PassManager,
    errors,
    ir,
    literal_unroll,
    postproc,
    transforms,
    types,
)


@dataclass(frozen=True)
class _Resolved:
    signature: Any
    impl_key: Any


# Kept for the whole worker process: function types are interned and their templates are part
# of their key, so an @overload registered later makes a different function type.
_MEMO: dict[tuple[Any, ...], _Resolved] = {}
# Resolutions that raised a warning the first time: Numba resolves them every time.
_WARNED: set[tuple[Any, ...]] = set()
_ORIGINALS: dict[type, Callable[..., Any]] = {
    BaseFunction: BaseFunction.get_call_type,
    BoundFunction: BoundFunction.get_call_type,
}


def _mentions_dispatcher(argument: Any) -> bool:
    if isinstance(argument, types.Dispatcher):
        return True
    if isinstance(argument, types.BaseTuple):
        return any(_mentions_dispatcher(t) for t in argument.types)
    return False


def _key(fnty: Any, context: Any, args: Any, kws: Any) -> tuple[Any, ...] | None:
    """The memo key of one call resolution, or None when it must not be remembered. It may
    be unhashable (the raw slice of a static_setitem): `look_up()` tells."""
    arguments = tuple(args)
    keywords = tuple(kws.items()) if kws else ()
    if any(_mentions_dispatcher(a) for a in arguments) or any(
        _mentions_dispatcher(v) for _, v in keywords
    ):
        return None
    return (type(fnty), fnty, context, arguments, keywords)


def _resolve(owner: type, fnty: Any, context: Any, args: Any, kws: Any) -> Any:
    original = _ORIGINALS[owner]
    key = _key(fnty, context, args, kws)
    found = look_up(_MEMO, key)
    if key is None or found is UNHASHABLE:
        return original(fnty, context, args, kws)
    if found is not None:
        if owner is BaseFunction:
            fnty._impl_keys[found.signature.args] = found.impl_key
        return found.signature
    if key in _WARNED:  # never in _MEMO too: asked only when the memo has no answer
        return original(fnty, context, args, kws)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            signature = original(fnty, context, args, kws)
    finally:
        # Outside the recorder again, also when resolving failed: the caller sees them once.
        replay(caught)
    if caught:
        _WARNED.add(key)
    elif signature is not None:
        impl_key = fnty._impl_keys.get(signature.args) if owner is BaseFunction else None
        _MEMO[key] = _Resolved(signature, impl_key)
    return signature


def _base_function_call_type(self: Any, context: Any, args: Any, kws: Any) -> Any:
    return _resolve(BaseFunction, self, context, args, kws)


def _bound_function_call_type(self: Any, context: Any, args: Any, kws: Any) -> Any:
    return _resolve(BoundFunction, self, context, args, kws)


class _NoColorShell:
    """Stands in for numba.core.errors.ColorShell: no colorama set-up around a message."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


# Whether each running pass manager (innermost last) was marked by `lazy_lifetimes()`.
_LAZY_PIPELINES: list[bool] = []
_LAZY_MARK = "_numba_lint_lazy_lifetimes"
_ORIGINAL_PM_RUN = PassManager.run
_ORIGINAL_PP_RUN = postproc.PostProcessor.run
_WITH_LIFTING = transforms.with_lifting.__code__


def lazy_lifetimes(manager: PassManager) -> PassManager:
    """Mark a typing-only pass manager: its post-processing may defer the lifetimes (patch 4)."""
    setattr(manager, _LAZY_MARK, True)
    return manager


def _pass_manager_run(self: PassManager, state: Any) -> None:
    _LAZY_PIPELINES.append(getattr(self, _LAZY_MARK, False))
    try:
        _ORIGINAL_PM_RUN(self, state)
    finally:
        _LAZY_PIPELINES.pop()


def _in_typing_only_pipeline() -> bool:
    return bool(_LAZY_PIPELINES and _LAZY_PIPELINES[-1])


def _holds_literal_unroll(func_ir: Any) -> bool:
    """LiteralUnroll's own test: `literal_unroll` as a global or free variable."""
    for block in func_ir.blocks.values():
        for statement in block.body:
            if (
                isinstance(statement, ir.Assign)
                and isinstance(statement.value, (ir.Global, ir.FreeVar))
                and statement.value.value is literal_unroll
            ):
                return True
    return False


def _post_processor_run(self: Any, emit_dels: bool = False, extend_lifetimes: bool = False) -> None:
    func_ir = self.func_ir
    if (
        emit_dels
        or not (_LAZY_PIPELINES and _LAZY_PIPELINES[-1])
        or func_ir.is_generator
        or sys._getframe(1).f_code is _WITH_LIFTING
        or _holds_literal_unroll(func_ir)
    ):
        _ORIGINAL_PP_RUN(self, emit_dels, extend_lifetimes)
        return
    func_ir.blocks = transforms.canonicalize_cfg(func_ir.blocks)
    func_ir.variable_lifetime = postproc.VariableLifetime(func_ir.blocks)
    func_ir.generator_info = None


# Younger collections that make the collector run a full one while checks run (CPython: 10).
_FULL_COLLECTION_AFTER = 1000


@contextlib.contextmanager
def applied() -> Iterator[None]:
    """While active, Numba runs with the patches above; the previous state comes back on exit."""
    saved_calls = (BaseFunction.get_call_type, BoundFunction.get_call_type)
    # Absent when colorama is not installed (Numba then never sets up a terminal).
    saved_shell = getattr(errors, "ColorShell", None)
    BaseFunction.get_call_type = _base_function_call_type  # type: ignore[method-assign]
    BoundFunction.get_call_type = _bound_function_call_type  # type: ignore[method-assign]
    if saved_shell is not None:
        errors.ColorShell = _NoColorShell
    saved_runs = (PassManager.run, postproc.PostProcessor.run)
    PassManager.run = _pass_manager_run  # type: ignore[method-assign]
    postproc.PostProcessor.run = _post_processor_run  # type: ignore[method-assign]
    saved_thresholds = gc.get_threshold()
    young, middle, old = saved_thresholds
    gc.set_threshold(young, middle, max(old, _FULL_COLLECTION_AFTER))
    try:
        with (
            peepholes.skipped_where_idle(),
            closures.skipped_where_idle(_in_typing_only_pipeline),
            attrmemo.remembered(),
            valuememo.remembered(),
            passrun.lean(),
            refreshes.skipped_where_idle(),
            quietlogs.quietened(),
            warncatch.lighter(),
        ):
            yield
    finally:
        gc.set_threshold(*saved_thresholds)
        PassManager.run, postproc.PostProcessor.run = saved_runs  # type: ignore[method-assign]
        BaseFunction.get_call_type, BoundFunction.get_call_type = saved_calls  # type: ignore[method-assign]
        if saved_shell is not None:
            errors.ColorShell = saved_shell
