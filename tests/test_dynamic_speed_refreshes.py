"""Refreshes skipped where they would install nothing (refreshes.py) and free debug log calls
(quietlogs.py): a registration made at any point is installed as Numba installs it, and the
skipped work is really skipped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import pytest
from numba import types
from numba.core import byteflow, ssa
from numba.core.base import BaseContext as TargetContext
from numba.core.registry import cpu_target
from numba.core.typing.context import BaseContext
from numba.core.typing.templates import AbstractTemplate, infer_global, signature

from numba_lint.dynamic.worker import quietlogs, refreshes
from numba_lint.dynamic.worker import typing_only as engine


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """The contexts whose refresh Numba really ran (the original behind `name`)."""
    ran: list[Any] = []
    original: Callable[[Any], None] = getattr(refreshes, name)

    def counting(context: Any) -> None:
        ran.append(context)
        original(context)

    monkeypatch.setattr(refreshes, name, counting)
    return ran


def registered_between() -> None:  # pragma: no cover - typed, never run
    """Typed by a template registered between two refreshes."""


def registered_during() -> None:  # pragma: no cover - typed, never run
    """Typed by a template registered while a refresh runs."""


def norms(a):  # type: ignore[no-untyped-def]
    return np.cumsum(a)[-1] + np.sort(a)[0] + a.mean()


def _register_typing(function: Callable[..., Any]) -> None:
    """A typing template for `function` (float64 -> float64), as `@infer_global` registers it."""

    @infer_global(function)
    class _Typing(AbstractTemplate):
        def generic(self, args: Any, kws: Any) -> Any:
            return signature(types.float64, types.float64)


def test_a_refresh_with_nothing_new_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    typing_ran = _counted(monkeypatch, "_ORIGINAL_TYPING")
    target_ran = _counted(monkeypatch, "_ORIGINAL_TARGET")
    target = cpu_target.target_context
    with refreshes.skipped_where_idle():
        target.refresh()
        assert target_ran and typing_ran  # Numba's own refreshes, the first time in the scope
        # Installing can register more (an @overload_method template registers its lowering
        # when made): Numba's refresh runs again until a refresh has found nothing new.
        for _ in range(10):
            target_ran.clear()
            typing_ran.clear()
            target.refresh()
            if not target_ran:
                break
        target.typing_context.refresh()
    assert target_ran == [] and typing_ran == []


def test_a_registration_between_refreshes_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    typing_ran = _counted(monkeypatch, "_ORIGINAL_TYPING")
    context = cpu_target.typing_context
    with refreshes.skipped_where_idle():
        context.refresh()
        _register_typing(registered_between)
        context.refresh()
    assert typing_ran == [context, context]
    assert context._lookup_global(registered_between) is not None


def test_a_registration_made_during_a_refresh_is_installed_by_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = cpu_target.typing_context
    original = refreshes._ORIGINAL_TYPING

    def registering(self: Any) -> None:
        # As an @overload template's first use registers its lowering while being installed.
        original(self)
        if self._lookup_global(registered_during) is None:
            _register_typing(registered_during)

    monkeypatch.setattr(refreshes, "_ORIGINAL_TYPING", registering)
    with refreshes.skipped_where_idle():
        context.refresh()
        assert context._lookup_global(registered_during) is None  # registered after its loop
        context.refresh()
    assert context._lookup_global(registered_during) is not None


def test_a_refresh_that_raised_is_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    context = cpu_target.typing_context
    ran: list[int] = []
    original = refreshes._ORIGINAL_TYPING

    def failing_once(self: Any) -> None:
        ran.append(1)
        original(self)
        if len(ran) == 1:
            raise RuntimeError("a registration that cannot be installed")

    monkeypatch.setattr(refreshes, "_ORIGINAL_TYPING", failing_once)
    with refreshes.skipped_where_idle():
        with pytest.raises(RuntimeError):
            context.refresh()
        context.refresh()
        context.refresh()
    assert ran == [1, 1]


def _typed(sig: tuple[Any, ...]) -> str:
    dispatcher = numba.njit(norms)
    with engine.typing_only():
        engine.check(dispatcher, sig)
    return str(dispatcher.overloads[sig].signature)


def test_checks_keep_numbas_outcome_with_fewer_refreshes(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _counted(monkeypatch, "_target_refresh")
    ran = _counted(monkeypatch, "_ORIGINAL_TARGET")
    sig = (numba.float32[::1],)
    skipping = _typed(sig)
    assert 0 < len(ran) < len(asked)
    monkeypatch.setattr(refreshes, "_target_refresh", refreshes._ORIGINAL_TARGET)
    monkeypatch.setattr(refreshes, "_typing_refresh", refreshes._ORIGINAL_TYPING)
    assert _typed(sig) == skipping
    assert skipping.startswith("(Array(float32, 1, ")


def test_refreshes_are_numbas_own_outside_checks() -> None:
    assert BaseContext.refresh is refreshes._ORIGINAL_TYPING
    assert TargetContext.refresh is refreshes._ORIGINAL_TARGET
    with refreshes.skipped_where_idle():
        assert BaseContext.refresh is refreshes._typing_refresh
        assert TargetContext.refresh is refreshes._target_refresh
    assert BaseContext.refresh is refreshes._ORIGINAL_TYPING
    assert TargetContext.refresh is refreshes._ORIGINAL_TARGET
    assert refreshes._REFRESHED == {}


# --- debug log calls ----------------------------------------------------------------------


def test_debug_calls_are_free_while_nobody_listens() -> None:
    loggers = (byteflow._logger, ssa._logger)
    with quietlogs.quietened():
        assert all(isinstance(m._logger, quietlogs._NoDebug) for m in (byteflow, ssa))
        # Everything but debug() is the real logger's.
        assert byteflow._logger.name == "numba.core.byteflow"
        assert byteflow._logger.isEnabledFor(logging.DEBUG) is False
    assert (byteflow._logger, ssa._logger) == loggers


def test_debug_logging_asked_for_is_kept(caplog: pytest.LogCaptureFixture) -> None:
    def plain(a):  # type: ignore[no-untyped-def]
        return a + 1.0

    with caplog.at_level(logging.DEBUG, logger="numba.core.byteflow"):
        with quietlogs.quietened():
            assert isinstance(byteflow._logger, logging.Logger)
            with engine.typing_only():
                engine.check(numba.njit(plain), (numba.float64,))
    assert any(r.name == "numba.core.byteflow" for r in caplog.records)
