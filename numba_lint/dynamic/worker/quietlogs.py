"""Numba's debug log calls made free while typing-only checks run (worker processes only).

Entered by patches.applied(). Numba's bytecode analysis and SSA reconstruction call their
module logger's `debug()` for every instruction, block and variable they visit: 124,000 calls
on the corpus of bench_dynamic.py, each a method call and a look-up of the logger's level to
find that nobody listens (about 1 % of the typing-only time). While no handler would take
the records (the logger is not enabled for DEBUG when the checks start), those modules' loggers
are replaced by one whose `debug()` does nothing and which hands everything else to the real
logger; the arguments are still evaluated by the caller, as before. Only log records are lost,
never an answer: nothing in those modules reads a logger but to log.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from .numba_compat import byteflow, ssa

# The modules whose debug calls are per instruction or per variable.
_MODULES: tuple[Any, ...] = (byteflow, ssa)


class _NoDebug:
    """A module logger whose debug() is a no-op; every other attribute is the real logger's."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def debug(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


@contextlib.contextmanager
def quietened() -> Iterator[None]:
    """While active, the debug calls of `_MODULES` cost one empty call, unless DEBUG is on."""
    saved = [(module, getattr(module, "_logger", None)) for module in _MODULES]
    for module, logger in saved:
        if isinstance(logger, logging.Logger) and not logger.isEnabledFor(logging.DEBUG):
            module._logger = _NoDebug(logger)
    try:
        yield
    finally:
        for module, logger in saved:
            if logger is not None:
                module._logger = logger
