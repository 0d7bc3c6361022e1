"""Numba's per-constraint warning capture without the generator machinery (workers only).

Entered by patches.applied(). Type inference runs every constraint of a function on each round
inside `WarningsFixer.catch_warnings()` (16,400 times on the corpus of bench_dynamic.py), a
`contextlib.contextmanager` generator: its set-up (a generator, its context-manager object, two
resumptions) cost about a third of each use, some 1.5 % of the typing-only time. `_Catch` does
what that generator does, step for step, as a plain context manager: Python's
`warnings.catch_warnings(record=True)` and `simplefilter("always", category)` on entry; on exit
the same restoring, and only when the body raised nothing, each warning caught stored for the
fixer's flush (its category's) or raised again as it came (others). An exception leaves the
body as it left the generator: unchanged, its warnings dropped. Numba 0.59 to 0.68 have the
same `catch_warnings`; the patch is applied only where Numba's still takes the same arguments
and uses the same names (another keeps its own).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from .numba_compat import WarningsFixer

_ORIGINAL: Callable[..., Any] = WarningsFixer.catch_warnings


class _Catch:
    """`WarningsFixer.catch_warnings(filename, lineno)` as a plain context manager."""

    __slots__ = ("_catcher", "_caught", "_filename", "_fixer", "_lineno")
    _caught: Any

    def __init__(self, fixer: Any, filename: Any, lineno: Any) -> None:
        self._fixer = fixer
        self._filename = filename
        self._lineno = lineno

    def __enter__(self) -> None:
        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always", self._fixer._category)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Returning nothing: an exception of the body goes on unchanged.
        self._catcher.__exit__(exc_type, exc, traceback)
        if exc_type is not None:
            return
        fixer = self._fixer
        # As Numba's: a place taken from a warning stays for the next ones.
        filename, lineno = self._filename, self._lineno
        for caught in self._caught:
            message = str(caught.message)
            if issubclass(caught.category, fixer._category):
                filename = filename or caught.filename
                lineno = lineno or caught.lineno
                fixer._warnings[filename, lineno, caught.category].add(message)
            else:
                warnings.warn_explicit(message, caught.category, caught.filename, caught.lineno)


def _catch_warnings(self: Any, filename: Any = None, lineno: Any = None) -> _Catch:
    return _Catch(self, filename, lineno)


def _same_as_known(function: Callable[..., Any]) -> bool:
    code = getattr(getattr(function, "__wrapped__", None), "__code__", None)
    return code is not None and code.co_names == _KNOWN_NAMES and code.co_argcount == 3


# The names Numba's generator function uses, as written in 0.59 to 0.68.
_KNOWN_NAMES = (
    "warnings",
    "catch_warnings",
    "simplefilter",
    "_category",
    "str",
    "message",
    "issubclass",
    "category",
    "filename",
    "lineno",
    "_warnings",
    "add",
    "warn_explicit",
)


@contextlib.contextmanager
def lighter() -> Iterator[None]:
    """While active, `WarningsFixer.catch_warnings` is `_Catch` (where Numba's is the known one)."""
    if not _same_as_known(_ORIGINAL):
        yield
        return
    saved = WarningsFixer.catch_warnings
    WarningsFixer.catch_warnings = _catch_warnings  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        WarningsFixer.catch_warnings = saved  # type: ignore[method-assign]
