"""Numba's own pipeline, stopped before lowering: type a dispatcher for a signature, make no code.

Used inside worker processes only (it imports Numba). `typing_only()` swaps Dispatcher.compile
so that the checked function and every jitted callee or @overload implementation it reaches is
typed but never lowered; `check()` types one (dispatcher, signature). It never loads or writes
Numba's on-disk cache, and it leaves stubs behind: a worker that used it must not run user code.
While active it also applies patches.py (remembered call resolutions, no colorama set-up per
message, fewer full garbage collections, variable lifetimes computed only when read, passes run
without Numba's bookkeeping, builtin functions' types remembered), drops the typed
`NopythonRewrites` pass of non-parallel functions and checks IR legality without writing the
`del`s only lowering reads: speed only, the findings stay the same.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from . import passrun, patches
from .modes import ORIGINAL_COMPILE, TypedLog, TypedResult, check, full_compile, stencils_logged
from .numba_compat import (
    AnalysisPass,
    CompilerBase,
    DefaultPassBuilder,
    Dispatcher,
    NopythonRewrites,
    NoPythonSupportedFeatureValidation,
    NopythonTypeInference,
    PassManager,
    check_and_legalize_ir,
    enforce_no_dels,
    enforce_no_phis,
    errors,
    global_compiler_lock,
    numba,
    register_pass,
    sigutils,
)

# Shared with the full-compile mode (modes.py); kept importable from here.
__all__ = ["TypedLog", "TypedResult", "check", "full_compile", "typing_only"]

_NUMBA_DIR = os.path.dirname(os.path.abspath(numba.__file__)) + os.sep


def _is_numba_internal(filename: str | None) -> bool:
    return bool(filename) and os.path.abspath(str(filename)).startswith(_NUMBA_DIR)


@register_pass(mutates_CFG=False, analysis_only=True)
class _StopBeforeLowering(AnalysisPass):
    """Ends the pipeline with a result that carries the types but no machine code."""

    _name = "numba_lint_stop_before_lowering"

    def __init__(self) -> None:
        AnalysisPass.__init__(self)

    def run_pass(self, state: Any) -> bool:
        func_id = state.func_id
        state.cr = TypedResult(
            signature=state.typemap and _signature(state),
            typemap=state.typemap,
            calltypes=state.calltypes,
            func_ir=state.func_ir,
            fndesc=SimpleNamespace(
                modname=func_id.modname,
                qualname=func_id.func_qualname,
                uid=func_id.unique_id,
                mangled_name=f"numba_lint_typed_{func_id.unique_id}",
            ),
        )
        return False


@register_pass(mutates_CFG=True, analysis_only=False)
class _LegalIR(AnalysisPass):
    """IRLegalization's checks, without the `del`s it inserts for lowering alone.

    `check_and_legalize_ir` raises when a phi or a `del` is left (broken Numba invariants, kept
    here), then runs the post-processor with `emit_dels`: that computes the variable lifetimes
    and writes the `del` statements that lowering reads and nothing before it. Without that run
    the typing-only corpus run went from 2.33 s to 2.19 s of CPU (three runs each). A generator
    keeps the whole legalisation: its post-processing also works out the generator's state (and
    asserts on it). The typed IR left in `TypedResult.func_ir` therefore has no `del`s.
    """

    _name = "numba_lint_ir_legality"

    def __init__(self) -> None:
        AnalysisPass.__init__(self)

    def run_pass(self, state: Any) -> bool:
        if state.func_ir.is_generator:
            check_and_legalize_ir(state.func_ir, flags=state.flags)
        else:
            enforce_no_phis(state.func_ir)
            enforce_no_dels(state.func_ir)
        return True


def _signature(state: Any) -> Any:
    from .numba_compat import signature

    return signature(state.return_type, *state.args)


class TypingOnlyCompiler(CompilerBase):
    """The untyped pipeline, nopython type inference and the typed passes; then stop."""

    def define_pipelines(self) -> list[PassManager]:
        state = self.state
        manager = PassManager("nopython")
        manager.passes.extend(DefaultPassBuilder.define_untyped_pipeline(state).passes)
        if _is_numba_internal(state.func_id.filename):
            # Numba's own @overload implementations: their callers need only the return type,
            # and their typed passes cannot fail because of user code (a large share of the time).
            manager.add_pass(NopythonTypeInference, "nopython frontend")
        else:
            manager.passes.extend(_typed_passes(state))
            # The legality checks of the lowering pipeline, without lowering itself: they reject
            # reflected lists and typed containers used as globals.
            manager.add_pass(NoPythonSupportedFeatureValidation, "ensure features are valid")
            manager.add_pass(_LegalIR, "ensure IR is legal prior to lowering")
        manager.add_pass(_StopBeforeLowering, "numba-lint: stop before lowering")
        manager.finalize()
        passrun.mark(manager)
        if not state.flags.auto_parallel.enabled:
            patches.lazy_lifetimes(manager)
        return [manager]


def _typed_passes(state: Any) -> list[tuple[Any, str]]:
    """Numba's typed pipeline; without `NopythonRewrites` unless the function is parallel.

    Its 'after-inference' rewrites (constant getitems to static ones, array expressions, arrays
    of constants) only reshape typed IR for lowering: in Numba 0.68 they raise only an internal
    "Internal error in post-inference rewriting", and they add or remove no global, closure or
    argument that the feature validation after them looks at. They were about 8 % of the
    typing-only time on the corpus. Parallel functions keep them: the parfor passes (which do
    raise and warn) build on the array expressions they make.
    """
    passes = DefaultPassBuilder.define_typed_pipeline(state).passes
    if state.flags.auto_parallel.enabled:
        return list(passes)
    return [entry for entry in passes if entry[0] is not NopythonRewrites]


_ACTIVE_LOG: list[TypedLog] = []


def _typing_only_compile(self: Dispatcher, sig: Any) -> Any:
    if self.targetoptions.get("forceobj"):
        return ORIGINAL_COMPILE(self, sig)
    with global_compiler_lock:
        if not self._can_compile:
            raise RuntimeError("compilation disabled")
        with self._compiling_counter:
            args, return_type = sigutils.normalize_signature(sig)
            existing = self.overloads.get(tuple(args))
            if existing is not None:
                return existing.entry_point
            if _ACTIVE_LOG:
                # Logged before typing: a callee that fails was still checked.
                _ACTIVE_LOG[-1].typed.append((self, tuple(args)))
            compiler = self._compiler
            saved = compiler.pipeline_class
            compiler.pipeline_class = TypingOnlyCompiler
            try:
                result = compiler.compile(tuple(args), return_type)
            except errors.ForceLiteralArg as exc:

                def folded(args: Any, kws: Any) -> Any:
                    return compiler.fold_argument_types(args, kws)[1]

                raise exc.bind_fold_arguments(folded) from None
            finally:
                compiler.pipeline_class = saved
            # Record without `_insert`: there is no entry point to register.
            self.overloads[tuple(args)] = result
            return None


@contextlib.contextmanager
def typing_only() -> Iterator[TypedLog]:
    """While active, every Dispatcher.compile types its function and stops before lowering."""
    log = TypedLog()
    _ACTIVE_LOG.append(log)
    Dispatcher.compile = _typing_only_compile  # type: ignore[method-assign]
    try:
        with patches.applied(), stencils_logged(log):
            yield log
    finally:
        Dispatcher.compile = ORIGINAL_COMPILE  # type: ignore[method-assign]
        _ACTIVE_LOG.pop()
