"""Closure inlining skipped where idle (closures.py) and remembered attribute resolutions
(attrmemo.py): each keeps Numba's outcome and actually saves the work it claims to."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import pytest
from numba import types
from numba.core.inline_closurecall import InlineClosureCallPass
from numba.core.typing.context import BaseContext
from numba.core.typing.templates import AttributeTemplate, infer_getattr

from numba_lint.dynamic.worker import attrmemo, closures
from numba_lint.dynamic.worker import typing_only as engine

ARRAY = numba.float64[::1]


def plain(a):  # type: ignore[no-untyped-def]
    s = 0.0
    for i in range(a.shape[0]):
        if a[i] > 0:
            s += a[i]
    return s


def calls_closure(a):  # type: ignore[no-untyped-def]
    def inner(x):  # type: ignore[no-untyped-def]
        return x * 2.0

    return inner(a[0])


def comprehension(a):  # type: ignore[no-untyped-def]
    return np.array([a[i] * 2.0 for i in range(a.shape[0])])


def reduced(a):  # type: ignore[no-untyped-def]
    return functools.reduce(lambda x, y: x + y, a)


def bad_reduce(a):  # type: ignore[no-untyped-def]
    return functools.reduce(a)


def _outcome(function: Callable[..., Any], sig: tuple[Any, ...]) -> str:
    """The signature typed, or the failure's type and first line, under the typing-only engine."""
    dispatcher = numba.njit(function)
    try:
        with engine.typing_only():
            engine.check(dispatcher, sig)
    except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return str(dispatcher.overloads[sig].signature)


def _without_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(closures, "_run", closures._ORIGINAL_RUN)


def _original_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    runs: list[str] = []
    original = closures._ORIGINAL_RUN

    def counting(self: Any) -> None:
        runs.append(self.func_ir.func_id.func_qualname)
        original(self)

    monkeypatch.setattr(closures, "_ORIGINAL_RUN", counting)
    return runs


CASES = [
    (plain, (ARRAY,)),
    (calls_closure, (ARRAY,)),
    (comprehension, (ARRAY,)),
    (reduced, (ARRAY,)),
    (bad_reduce, (ARRAY,)),
]


@pytest.mark.parametrize(("function", "sig"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_closure_skip_keeps_the_outcome(
    monkeypatch: pytest.MonkeyPatch, function: Callable[..., Any], sig: tuple[Any, ...]
) -> None:
    skipped = _outcome(function, sig)
    with monkeypatch.context() as numbas:
        _without_skip(numbas)
        assert _outcome(function, sig) == skipped


def test_closure_pass_runs_only_where_it_can_act(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _original_runs(monkeypatch)
    assert _outcome(plain, (ARRAY,)).endswith("-> float64")
    assert "plain" not in runs
    for function in (calls_closure, comprehension, reduced):
        runs.clear()
        _outcome(function, (ARRAY,))
        assert function.__name__ in runs
    # The wrong argument count raises inside the pass itself: it must still run.
    runs.clear()
    assert _outcome(bad_reduce, (ARRAY,)).startswith("TypingError")
    assert "bad_reduce" in runs


def test_closure_pass_is_numbas_own_outside_checks() -> None:
    assert InlineClosureCallPass.run is closures._ORIGINAL_RUN
    with closures.skipped_where_idle(lambda: True):
        assert InlineClosureCallPass.run is closures._run
    assert InlineClosureCallPass.run is closures._ORIGINAL_RUN


# --- remembered attribute resolutions -------------------------------------------------------


class Gadget(types.Type):
    def __init__(self) -> None:
        super().__init__(name="Gadget")


GADGET = Gadget()


def _resolve(typ: Any, attr: str) -> Any:
    context = numba.core.registry.cpu_target.typing_context
    context.refresh()
    return context.resolve_getattr(typ, attr)


def test_a_repeat_is_answered_without_asking_the_templates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, str]] = []
    original = attrmemo._ORIGINAL

    def counting(self: Any, typ: Any, attr: str) -> Any:
        calls.append((typ, attr))
        return original(self, typ, attr)

    monkeypatch.setattr(attrmemo, "_ORIGINAL", counting)
    array = types.Array(types.float64, 2, "C")
    with attrmemo.remembered():
        first = _resolve(array, "T")
        assert _resolve(array, "T") is first
    assert calls == [(array, "T")]
    assert str(first) == "array(float64, 2d, F)"


def test_a_template_registered_later_is_asked() -> None:
    with attrmemo.remembered():
        assert _resolve(GADGET, "knob") is None

        @infer_getattr
        class GadgetAttributes(AttributeTemplate):
            key = Gadget

            def resolve_knob(self, gadget: Any) -> Any:
                return types.float64

        # The memo answered None before; the new template makes a new key.
        assert _resolve(GADGET, "knob") == types.float64


def test_module_attributes_and_warnings_are_not_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    raised: list[Warning] = []
    original = attrmemo._ORIGINAL

    def warning(self: Any, typ: Any, attr: str) -> Any:
        calls.append(attr)
        if attr == "shape":
            # Compared as objects: with colorama installed Numba wraps the text in ANSI bold.
            raised.append(numba.NumbaWarning("resolved"))
            warnings.warn(raised[-1], stacklevel=1)
        return original(self, typ, attr)

    monkeypatch.setattr(attrmemo, "_ORIGINAL", warning)
    module = types.Module(np)
    # A type no other test resolves an attribute of: the memo lasts for the whole process.
    array = types.Array(types.int16, 4, "A")
    with attrmemo.remembered(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            _resolve(module, "empty")
            _resolve(array, "shape")
    assert calls == ["empty", "shape", "empty", "shape"]
    # Each resolution's warning reaches the caller, as Numba raised it.
    assert len(raised) == 2
    assert [w.message for w in caught] == raised


def test_attribute_memo_is_numbas_own_outside_checks() -> None:
    assert BaseContext.resolve_getattr is attrmemo._ORIGINAL
    with attrmemo.remembered():
        assert BaseContext.resolve_getattr is attrmemo._resolve_getattr
    assert BaseContext.resolve_getattr is attrmemo._ORIGINAL
