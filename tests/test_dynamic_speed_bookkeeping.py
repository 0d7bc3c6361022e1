"""The lean pass runner (passrun.py), remembered types of builtin functions (valuememo.py) and
memo look-ups that hash a key once (memo_support.py): each keeps Numba's outcome, to the text of
its errors, and saves the work it claims to."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from typing import Any

import numba
import pytest
from numba import types
from numba.core import event as numba_event
from numba.core.compiler_lock import global_compiler_lock
from numba.core.compiler_machinery import PassManager
from numba.core.registry import cpu_target
from numba.core.typing.context import BaseContext

from numba_lint.dynamic.worker import (
    memo_support,
    passrun,
    patches,
    quietlogs,
    refreshes,
    valuememo,
    warncatch,
)
from numba_lint.dynamic.worker import typing_only as engine

ARRAY = numba.float64[::1]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def rooted(a):  # type: ignore[no-untyped-def]
    s = 0.0
    for i in range(a.shape[0]):
        s += math.sqrt(abs(a[i])) + len(a)
    return s


def unknown_attribute(a):  # type: ignore[no-untyped-def]
    return a.nope


def wrong_arguments(a):  # type: ignore[no-untyped-def]
    return math.sqrt(a, a)


def undefined_name(a):  # type: ignore[no-untyped-def]
    return missing_function(a)  # type: ignore[name-defined]  # noqa: F821


def _outcome(function: Callable[..., Any], sig: tuple[Any, ...]) -> str:
    """The signature typed, or the failure's type and whole text, under the typing-only engine.

    Each line without terminal markup and indentation: Numba indents the candidates a failed
    call tried by a depth that every failure leaves one deeper (the same check twice differs
    there alone)."""
    dispatcher = numba.njit(function)
    try:
        with engine.typing_only():
            engine.check(dispatcher, sig)
    except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
        plain = _ANSI.sub("", str(exc))  # colorama installed: Numba bolds parts of the text
        text = "\n".join(line.strip() for line in plain.splitlines())
        return f"{type(exc).__name__}: {text}"
    return str(dispatcher.overloads[sig].signature)


def _numbas_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The patches stand aside: Numba's runner, value typing, refreshes, loggers and warning
    capture are used."""

    def original_runner(self: Any, index: int, pss: Any, state: Any) -> None:
        passrun._ORIGINAL(self, index, pss, state)

    def original_value_type(self: Any, val: Any) -> Any:
        return valuememo._ORIGINAL(self, val)

    monkeypatch.setattr(passrun, "_run_pass", original_runner)
    monkeypatch.setattr(valuememo, "_resolve_value_type", original_value_type)
    monkeypatch.setattr(refreshes, "_typing_refresh", refreshes._ORIGINAL_TYPING)
    monkeypatch.setattr(refreshes, "_target_refresh", refreshes._ORIGINAL_TARGET)
    monkeypatch.setattr(quietlogs, "_MODULES", ())
    monkeypatch.setattr(warncatch, "_same_as_known", lambda function: False)


CASES = [rooted, unknown_attribute, wrong_arguments, undefined_name]


@pytest.mark.parametrize("function", CASES, ids=lambda f: f.__name__)
def test_the_outcome_and_its_text_are_numbas(
    monkeypatch: pytest.MonkeyPatch, function: Callable[..., Any]
) -> None:
    lean = _outcome(function, (ARRAY,))
    with monkeypatch.context() as numbas:
        _numbas_own(numbas)
        assert _outcome(function, (ARRAY,)) == lean
    if function is rooted:
        assert lean.endswith("-> float64")
    else:
        assert lean.startswith("TypingError")


def _counted_original_runner(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    runs: list[str] = []
    original = passrun._ORIGINAL

    def counting(self: Any, index: int, pss: Any, state: Any) -> None:
        runs.append(pss.name())
        original(self, index, pss, state)

    monkeypatch.setattr(passrun, "_ORIGINAL", counting)
    return runs


def test_typing_only_passes_skip_numbas_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _counted_original_runner(monkeypatch)
    assert _outcome(rooted, (ARRAY,)).endswith("-> float64")
    assert runs == []


def test_other_pipelines_keep_numbas_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _counted_original_runner(monkeypatch)
    with patches.applied():
        # A real compile while the patches are applied: Numba's own, unmarked pipeline.
        numba.njit(rooted).compile((ARRAY,))
    assert "nopython_type_inference" in runs
    assert "native_lowering" in runs


def test_a_run_pass_listener_gets_numbas_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _counted_original_runner(monkeypatch)
    with numba_event.install_recorder("numba:run_pass") as recorder:
        assert _outcome(rooted, (ARRAY,)).endswith("-> float64")
    assert "nopython_type_inference" in runs
    assert recorder.buffer, "the listener heard no pass"


def _counted_lock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    taken: list[int] = []
    original = type(global_compiler_lock).acquire

    def counting(self: Any) -> None:
        taken.append(1)
        original(self)

    monkeypatch.setattr(type(global_compiler_lock), "acquire", counting)
    return taken


def test_passes_run_under_the_compilers_lock_without_taking_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    passes: list[bool] = []
    original = passrun._run_lean

    def locked(self: Any, pss: Any, state: Any) -> None:
        passes.append(global_compiler_lock.is_locked())
        original(self, pss, state)

    monkeypatch.setattr(passrun, "_run_lean", locked)
    taken = _counted_lock(monkeypatch)
    assert _outcome(rooted, (ARRAY,)).endswith("-> float64")
    assert len(passes) > 10 and all(passes)
    # Taken by the compile itself (and what it does besides its passes), not once per pass.
    assert 0 < len(taken) < len(passes)
    with numba_event.install_recorder("numba:compiler_lock") as recorder:
        taken.clear()
        assert _outcome(wrong_arguments, (ARRAY,)).startswith("TypingError")
    # A listener of the lock's events hears every pass take it, as with Numba's runner.
    assert len(taken) > 10
    assert len(recorder.buffer) >= 2 * len(taken)


def test_the_runner_is_numbas_own_outside_checks() -> None:
    assert PassManager._runPass is passrun._ORIGINAL
    with passrun.lean():
        assert PassManager._runPass is passrun._run_pass
    assert PassManager._runPass is passrun._ORIGINAL


# --- remembered types of builtin functions ------------------------------------------------


def _counted_value_types(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    asked: list[Any] = []
    original = valuememo._ORIGINAL

    def counting(self: Any, val: Any) -> Any:
        asked.append(val)
        return original(self, val)

    monkeypatch.setattr(valuememo, "_ORIGINAL", counting)
    return asked


def test_a_builtin_is_typed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _counted_value_types(monkeypatch)
    context = cpu_target.typing_context
    with valuememo.remembered():
        first = context.resolve_value_type(len)
        assert context.resolve_value_type(len) is first
        # Other values are typed by Numba every time.
        context.resolve_value_type(3)
        context.resolve_value_type(3)
    assert asked == [len, 3, 3]
    assert isinstance(first, types.Function)


def test_a_registration_empties_the_memo() -> None:
    context = cpu_target.typing_context
    assert type(os.getpid) is type(len)  # a builtin function Numba does not type
    with valuememo.remembered():
        with pytest.raises(ValueError):
            context.resolve_value_type(os.getpid)
        context.insert_global(os.getpid, types.int32)
        try:
            assert context.resolve_value_type(os.getpid) == types.int32
            # What `install_registry` does to augment a global's type.
            context._remove_global(os.getpid)
            with pytest.raises(ValueError):
                context.resolve_value_type(os.getpid)
            context._insert_global(os.getpid, types.int64)
            assert context.resolve_value_type(os.getpid) == types.int64
        finally:
            context._remove_global(os.getpid)


def test_a_remembered_builtins_entry_cannot_be_written_over() -> None:
    # valuememo.py relies on it: an answer changes only through `_remove_global`.
    context = cpu_target.typing_context
    context.refresh()
    registered = context._lookup_global(len)
    with valuememo.remembered():
        assert context.resolve_value_type(len) is registered
        with pytest.raises(AssertionError, match="already in dictionary"):
            context.insert_global(len, types.int32)
        assert context.resolve_value_type(len) is registered
    assert context._lookup_global(len) is registered


def test_answers_not_among_the_globals_are_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []

    def typed_elsewhere(self: Any, val: Any) -> Any:
        # As `typeof` types a cffi function (from cffi's type map, which can change in place).
        asked.append(val)
        return types.int32

    monkeypatch.setattr(valuememo, "_ORIGINAL", typed_elsewhere)
    context = cpu_target.typing_context
    with valuememo.remembered():
        assert context.resolve_value_type(os.getpid) == types.int32
        assert context.resolve_value_type(os.getpid) == types.int32
    assert asked == [os.getpid, os.getpid]


def test_the_value_memo_is_numbas_own_outside_checks() -> None:
    assert BaseContext.resolve_value_type is valuememo._ORIGINAL
    with valuememo.remembered():
        assert BaseContext.resolve_value_type is valuememo._resolve_value_type
        assert BaseContext._remove_global is valuememo._remove_global
    assert BaseContext.resolve_value_type is valuememo._ORIGINAL
    assert BaseContext._remove_global is valuememo._ORIGINAL_REMOVE


# --- memo look-ups ------------------------------------------------------------------------


class _Counted:
    hashes = 0

    def __hash__(self) -> int:
        _Counted.hashes += 1
        return 7


def test_a_look_up_hashes_its_key_once() -> None:
    key = (_Counted(), "attr")
    memo = {key: "found"}
    _Counted.hashes = 0
    assert memo_support.look_up(memo, key) == "found"
    assert memo_support.look_up(memo, (_Counted(), "other")) is None
    assert _Counted.hashes == 2


def test_keys_that_cannot_be_remembered() -> None:
    assert memo_support.look_up({}, None) is memo_support.UNHASHABLE
    assert memo_support.look_up({}, ([],)) is memo_support.UNHASHABLE
