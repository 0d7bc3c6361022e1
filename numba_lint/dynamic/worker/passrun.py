"""Numba's pass runner without its bookkeeping, for typing-only pipelines (worker processes only).

Entered by patches.applied(). `PassManager._runPass` runs each pass of each function typed (about
2,000 runs on the corpus of bench_dynamic.py) and around every run it builds the data of a
`numba:run_pass` event (the compile flags as a dict of every option, the argument types and the
return type as text; Numba 0.59 also pretty-prints the flags there), starts and ends that event
with no listener to hear it, and times the pass's three steps with three timers for
`exec_times`, which only Numba's own timing reports read. The typing-only run took 4-5 % less CPU
without them.

For the pipelines `mark()` marks (TypingOnlyCompiler's) `run_pass` keeps what decides a verdict:
the pass's `analysis`, its initialisation, run and finalizer, the check that each returns
True or False, the "Pass <name>" error context where Numba has it (0.68 adds it to an error's
text; 0.59 does not) and the check that a function pass left no `del`. Numba's runner is used as
it is for every other pipeline, when a listener waits for `numba:run_pass` events, when a
`NUMBA_DEBUG_PRINT_*` setting asks for IR dumps around passes and when Numba checks its IR
invariants after each pass (`_ENFORCING`). Numba takes its (re-entrant) compiler lock around
every pass; a pipeline run by a compile holds it already, so the lean runner takes it only when
this thread does not hold it or someone listens to the lock's events.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from .numba_compat import (
    FunctionPass,
    PassManager,
    enforce_no_dels,
    errors,
    global_compiler_lock,
    numba_event,
)

_ORIGINAL: Callable[..., Any] = PassManager._runPass
_MARK = "_numba_lint_lean_passes"
_EVENT = "numba:run_pass"
_LOCK_EVENT = "numba:compiler_lock"
_DEBUG_PRINTS = ("_print_before", "_print_after", "_print_wrap")
# Whether this Numba's runner wraps every pass in a "Pass <name>" error context (0.68 does).
_PASS_CONTEXT = "new_error_context" in inspect.unwrap(_ORIGINAL).__code__.co_names


def mark(manager: PassManager) -> PassManager:
    """Mark a finalized typing-only pass manager: its passes run without Numba's bookkeeping
    (unless a setting asks for IR dumps around its passes)."""
    # Lists of pass names (NUMBA_DEBUG_PRINT_BEFORE, _AFTER, _WRAP), set when finalized.
    dumps = any(getattr(manager, name, None) for name in _DEBUG_PRINTS)
    setattr(manager, _MARK, not dumps)
    return manager


def _wants_original(manager: PassManager) -> bool:
    return (
        not getattr(manager, _MARK, False)
        or bool(numba_event._registered.get(_EVENT))
        or bool(manager._ENFORCING)
    )


def _holds_lock() -> bool:
    """Whether this thread holds Numba's compiler lock already (a compile runs the pipeline)
    and no one listens to the lock's events: taking it again would only count up and fire them."""
    return global_compiler_lock.is_locked() and not numba_event._registered.get(_LOCK_EVENT)


def _checked(step: Callable[[Any], Any], state: Any, name: str) -> bool:
    mutated = step(state)
    if mutated not in (True, False):
        raise ValueError(
            "CompilerPass implementations should return True/False. "
            f"CompilerPass with name '{name}' did not."
        )
    return bool(mutated)


def _run_pass(self: PassManager, index: int, pss: Any, state: Any) -> None:
    if _wants_original(self):
        _ORIGINAL(self, index, pss, state)
        return
    if _holds_lock():
        _run_lean(self, pss, state)
        return
    with global_compiler_lock:
        _run_lean(self, pss, state)


def _run_lean(self: PassManager, pss: Any, state: Any) -> None:
    name = pss.name()
    pss.analysis = self._analysis
    context = (
        errors.new_error_context("Pass {name}", name=name)  # type: ignore[attr-defined]
        if _PASS_CONTEXT
        else contextlib.nullcontext()
    )
    with context:
        _checked(pss.run_initialization, state, name)
        _checked(pss.run_pass, state, name)
        _checked(pss.run_finalizer, state, name)
    if isinstance(pss, FunctionPass):
        enforce_no_dels(state.func_ir)


@contextlib.contextmanager
def lean() -> Iterator[None]:
    """While active, the passes of marked pipelines run without Numba's bookkeeping."""
    saved = PassManager._runPass
    PassManager._runPass = _run_pass  # type: ignore[method-assign]
    try:
        yield
    finally:
        PassManager._runPass = saved  # type: ignore[method-assign]
