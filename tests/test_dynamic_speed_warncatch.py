"""Type inference's per-constraint warning capture as a plain context manager (warncatch.py):
the same warnings kept, attributed, raised again and dropped as by Numba's generator."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import pytest
from numba.core.errors import NumbaPerformanceWarning, NumbaWarning, WarningsFixer

from numba_lint.dynamic.worker import typing_only as engine
from numba_lint.dynamic.worker import warncatch


def _capture(
    catch: Callable[..., Any], filename: Any, lineno: Any, body: Callable[[], None]
) -> tuple[dict[Any, set[str]], list[tuple[str, str, int]]]:
    """What a fixer stored and what was raised again, around `body` under `catch`."""
    fixer = WarningsFixer(NumbaWarning)
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        try:
            with catch(fixer, filename=filename, lineno=lineno):
                body()
        except KeyError:
            pass
    again = [(w.category.__name__, str(w.message), w.lineno) for w in outside]
    return dict(fixer._warnings), again


def _two_warnings() -> None:
    warnings.warn_explicit("first", NumbaPerformanceWarning, "a.py", 3)
    warnings.warn_explicit("second", NumbaWarning, "b.py", 7)
    warnings.warn_explicit("not numba's", UserWarning, "c.py", 11)


def _warns_then_fails() -> None:
    _two_warnings()
    raise KeyError("a failing constraint")


@pytest.mark.parametrize("body", [_two_warnings, _warns_then_fails], ids=["ok", "raises"])
@pytest.mark.parametrize("place", [("here.py", 5), (None, None)], ids=["given", "from-warning"])
def test_same_warnings_as_numbas_generator(
    body: Callable[[], None], place: tuple[Any, Any]
) -> None:
    numbas = _capture(warncatch._ORIGINAL, *place, body)
    lighter = _capture(warncatch._catch_warnings, *place, body)
    assert lighter == numbas
    stored, again = numbas
    if body is _warns_then_fails:
        assert stored == {} and again == []  # dropped with the exception
    else:
        assert again == [("UserWarning", "not numba's", 11)]
        # Without a place, the first warning's place is kept for the second (Numba's way).
        expected_place = place if place[0] else ("a.py", 3)
        assert {key[:2] for key in stored} == {expected_place}


def test_the_patch_applies_to_this_numba_and_is_removed_after() -> None:
    assert warncatch._same_as_known(warncatch._ORIGINAL)
    with warncatch.lighter():
        assert WarningsFixer.catch_warnings is warncatch._catch_warnings
    assert WarningsFixer.catch_warnings is warncatch._ORIGINAL


def test_an_unknown_numba_keeps_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warncatch, "_KNOWN_NAMES", ("something", "else"))
    with warncatch.lighter():
        assert WarningsFixer.catch_warnings is warncatch._ORIGINAL


def strided(a, b):  # type: ignore[no-untyped-def]
    return np.dot(a, b)


def _typed_warnings(sig: tuple[Any, ...]) -> list[tuple[str, str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with engine.typing_only():
            engine.check(numba.njit(strided), sig)
    return [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="np.dot needs SciPy")
def test_a_typing_warning_reaches_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    array = numba.float64[:, :]
    lighter = _typed_warnings((array, array))
    monkeypatch.setattr(warncatch, "_same_as_known", lambda function: False)
    numbas = _typed_warnings((numba.float32[:, :], numba.float32[:, :]))
    assert [c for c, _ in lighter] == [c for c, _ in numbas] == ["NumbaPerformanceWarning"]
    assert "contiguous" in lighter[0][1]
