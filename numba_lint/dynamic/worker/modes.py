"""What both trial-compile modes share, and the full-compile mode itself (worker side).

`check()` types one (dispatcher, signature) under whichever mode is active; `full_compile()` is
Numba's real compile with every callee logged (--full-compile, and the fallback when the
typing-only engine of typing_only.py cannot be used with the installed Numba). Imports only the
core tier of numba_compat, so it works whatever became of the engine's internals.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .numba_compat import Dispatcher, StencilFunc, sigutils


@dataclass
class TypedResult:
    """Stands in for a CompileResult in `Dispatcher.overloads`: types, no entry point."""

    signature: Any
    typemap: Any
    calltypes: Any
    func_ir: Any
    fndesc: Any
    objectmode: bool = False
    entry_point: Any = None
    typing_error: Any = None
    library: Any = None
    lifted: tuple[Any, ...] = ()
    environment: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class TypedLog:
    """Every (dispatcher, argument types) typed while a check ran, callees included."""

    typed: list[tuple[Any, tuple[Any, ...]]] = field(default_factory=list)


ORIGINAL_COMPILE = Dispatcher.compile
_ORIGINAL_STENCIL_TYPING = StencilFunc.get_return_type


@contextlib.contextmanager
def stencils_logged(log: TypedLog) -> Iterator[None]:
    """Logs each @stencil kernel typed (checked directly, or reached from a jitted caller).

    A StencilFunc is no Dispatcher: its calls are typed by a typing template that Numba binds
    to the instance's `_type_me` when the stencil is made, which calls `get_return_type` (the
    kernel's type inference) for each new tuple of argument types; that method is looked up
    on the class at every call, so it is the one place to see them."""

    def logged(self: StencilFunc, argtys: Any) -> Any:
        log.typed.append((self, tuple(argtys)))
        return _ORIGINAL_STENCIL_TYPING(self, argtys)

    StencilFunc.get_return_type = logged  # type: ignore[method-assign]
    try:
        yield
    finally:
        StencilFunc.get_return_type = _ORIGINAL_STENCIL_TYPING  # type: ignore[method-assign]


@contextlib.contextmanager
def full_compile() -> Iterator[TypedLog]:
    """The --full-compile mode: Numba's real compile, with callees logged the same way."""
    log = TypedLog()

    def logging_compile(self: Dispatcher, sig: Any) -> Any:
        args, _ = sigutils.normalize_signature(sig)
        log.typed.append((self, tuple(args)))
        return ORIGINAL_COMPILE(self, sig)

    Dispatcher.compile = logging_compile  # type: ignore[method-assign]
    try:
        with stencils_logged(log):
            yield log
    finally:
        Dispatcher.compile = ORIGINAL_COMPILE  # type: ignore[method-assign]


def check(dispatcher: Dispatcher | StencilFunc, sig: Any) -> None:
    """Type `dispatcher` for `sig` under whichever mode is active; raises Numba's error.

    A @stencil kernel (its module-level call's array types) is typed as Numba types a call of
    it, by `StencilFunc._type_me`: the neighbourhood's dimensions, then the kernel's type
    inference and its scalar result. Its jitted callees follow the active mode; the stencil's
    own loop nest (made and compiled by a real call) is not built."""
    if isinstance(dispatcher, StencilFunc):
        dispatcher._typingctx.refresh()
        dispatcher._type_me(tuple(sig), {})
        return
    dispatcher.compile(sig)
