"""The speed patches of typing-only checks (patches.py) change no error, warning or signature."""

from __future__ import annotations

import gc
import importlib.util
import operator
import warnings
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest
from dynamic_support import by_code, check_source
from numba.core import errors, typed_passes
from numba.core.compiler_machinery import PassManager
from numba.core.postproc import PostProcessor
from numba.core.types.functions import BaseFunction, BoundFunction

from numba_lint.dynamic.worker import patches
from numba_lint.dynamic.worker import typing_only as engine

# Two functions resolve the same calls (`@` on non-contiguous arrays warns while Numba types its
# implementation, the first time only), then two fail on the same call.
REPEATS = """
import numpy as np
from numba import njit


@njit("float64[:, :](float64[:, :], float64[:, :])")
def first(a, b):
    return a @ b


@njit("float64[:, :](float64[:, :], float64[:, :])")
def second(a, b):
    c = a @ b
    return c + a.T


@njit("float64(float64[::1])")
def broken_one(a):
    return np.interp(a)


@njit("float64(float64[::1])")
def broken_two(a):
    x = a.sum()
    return np.interp(a) + x
"""


def _findings(result: object) -> set[tuple[str, int, int, str]]:
    return {
        (d.code, d.location.row, d.location.column, d.message)
        for d in result.diagnostics  # type: ignore[attr-defined]
    }


def test_remembered_calls_keep_warnings_and_errors(tmp_path: Path) -> None:
    typing_only = check_source(tmp_path, REPEATS)
    full = check_source(tmp_path, REPEATS, full_compile=True)
    # As in a full compile, only the first `@` warns (Numba reuses the typed implementation).
    rows = sorted(d.location.row for d in by_code(typing_only, "NB971"))
    assert rows == [7]
    assert all("faster on contiguous arrays" in d.message for d in by_code(typing_only, "NB971"))
    errors_found = [d for d in typing_only.diagnostics if d.code != "NB971"]
    assert sorted(d.location.row for d in errors_found) == [18, 24]
    assert len({d.message for d in errors_found}) == 1
    if importlib.util.find_spec("scipy") is not None:
        assert _findings(typing_only) == _findings(full)
    else:
        # Without SciPy, Numba cannot lower `@` (NB907 in a full compile, a difference
        # docs/dynamic-pass.md lists) and so never types it far enough to warn: the typing
        # findings still agree.
        typing_errors = {f for f in _findings(typing_only) if f[0] != "NB971"}
        assert typing_errors == {f for f in _findings(full) if f[0] != "NB907"}
        assert {f[1] for f in _findings(full) if f[0] == "NB907"} == {6, 11}


def _calls(key: tuple[Any, ...], function: object, args: tuple[Any, ...] | None = None) -> bool:
    """Whether a memo key is the resolution of a call of `function` (with `args`)."""
    return getattr(key[1], "typing_key", None) is function and args in (None, key[3])


def _typed(dispatcher: object, sig: tuple[object, ...]) -> object:
    with engine.typing_only():
        engine.check(dispatcher, sig)
    return dispatcher.overloads[sig]  # type: ignore[attr-defined]


def test_remembered_call_gives_the_same_types() -> None:
    array = numba.float64[:, ::1]

    @numba.njit
    def one(a, b):  # type: ignore[no-untyped-def]
        return np.sqrt(a + b) * 2.0

    @numba.njit
    def two(a, b):  # type: ignore[no-untyped-def]
        return np.sqrt(a + b) * 2.0

    first = _typed(one, (array, array))
    remembered = dict(patches._MEMO)
    second = _typed(two, (array, array))
    # Every call of `two` was resolved from what typing `one` remembered.
    assert patches._MEMO == remembered
    assert first.signature == second.signature
    assert sorted(map(str, first.calltypes.values())) == sorted(map(str, second.calltypes.values()))
    add = [key for key in remembered if _calls(key, operator.add)]
    assert any(key[3] == (array, array) for key in add)


def test_a_resolution_that_warned_is_not_remembered() -> None:
    array = numba.float64[:, :]

    @numba.njit
    def product(a, b):  # type: ignore[no-untyped-def]
        return a @ b

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _typed(product, (array, array))
    # Raised once, from the line of the call, although a recorder caught it first.
    [warning] = [w for w in caught if issubclass(w.category, errors.NumbaPerformanceWarning)]
    assert warning.lineno == product.py_func.__code__.co_firstlineno + 2
    assert [key for key in patches._WARNED if _calls(key, operator.matmul, (array, array))]
    assert not [key for key in patches._MEMO if _calls(key, operator.matmul, (array, array))]


def test_failures_are_not_remembered() -> None:
    @numba.njit
    def bad(a):  # type: ignore[no-untyped-def]
        return np.interp(a)

    texts = []
    for _ in range(2):
        with pytest.raises(errors.TypingError) as raised, engine.typing_only():
            engine.check(bad, (numba.float64[::1],))
        texts.append(str(raised.value))
        bad.overloads.clear()
    assert texts[0] == texts[1]
    assert not [key for key in patches._MEMO if _calls(key, np.interp)]


def _color_shell() -> object:
    # Numba defines it only when colorama is installed.
    return getattr(errors, "ColorShell", None)


def test_patches_are_restored_on_exit() -> None:
    originals = (BaseFunction.get_call_type, BoundFunction.get_call_type, _color_shell())
    runs = (PassManager.run, PostProcessor.run)
    thresholds = gc.get_threshold()

    @numba.njit
    def fine(x):  # type: ignore[no-untyped-def]
        return x + 1.0

    with engine.typing_only():
        assert BaseFunction.get_call_type is not originals[0]
        if originals[2] is not None:
            assert _color_shell() is not originals[2]
        assert gc.get_threshold()[2] >= 1000
        assert (PassManager.run, PostProcessor.run) != runs
        engine.check(fine, (numba.float64,))
    assert gc.get_threshold() == thresholds
    assert (PassManager.run, PostProcessor.run) == runs
    assert (BaseFunction.get_call_type, BoundFunction.get_call_type, _color_shell()) == originals


def test_parallel_functions_keep_the_rewrites(monkeypatch: pytest.MonkeyPatch) -> None:
    rewritten: list[str] = []
    original = typed_passes.NopythonRewrites.run_pass

    def counting(self: object, state: Any) -> bool:
        rewritten.append(state.func_id.func_name)
        return original(self, state)

    monkeypatch.setattr(typed_passes.NopythonRewrites, "run_pass", counting)

    @numba.njit(parallel=True)
    def scaled(a):  # type: ignore[no-untyped-def]
        return a * 2.0 + 1.0

    @numba.njit
    def plain(a):  # type: ignore[no-untyped-def]
        return a * 2.0 + 1.0

    for dispatcher in (scaled, plain):
        _typed(dispatcher, (numba.float64[::1],))
    assert rewritten == ["scaled"]
