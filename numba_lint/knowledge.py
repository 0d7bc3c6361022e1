"""What the installed Numba supports, as plain data the static rules can read.

Loaded by the pipeline for the static pass. The data is derived from the installed Numba's own
typing registries and from syntax probes compiled with real Numba (see `knowledge_build`), in a
subprocess, once per environment key, and cached as JSON. This module never imports Numba.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CallableInfo:
    """One callable of a module Numba knows (e.g. "numpy.sum")."""

    supported: bool
    # Parameter names Numba's implementation accepts; None when they cannot be derived
    # (ufuncs, intrinsics that parse their arguments in code).
    parameters: tuple[str, ...] | None = None
    # True when the implementation takes **kwargs or *args and so accepts any keyword.
    open_parameters: bool = False


@dataclass(frozen=True)
class Knowledge:
    # The environment the data was derived in: numba, numpy, python versions, scipy present.
    key: dict[str, Any]
    # Fully qualified name -> info, for the modules Numba supports ("numpy.sum", "math.sqrt",
    # "builtins.len", "numpy.random.normal", "operator.add", ...). A name of a covered module
    # that is missing here is one Numba does not type.
    callables: dict[str, CallableInfo] = field(default_factory=dict)
    # The modules whose every public callable was examined (so absence means "unsupported").
    covered_modules: frozenset[str] = frozenset()
    # Every attribute or method name Numba resolves on some type.
    attributes: frozenset[str] = frozenset()
    # Syntax probe name -> True if it compiled in nopython mode.
    syntax: dict[str, bool] = field(default_factory=dict)
