"""Remembered types of builtin functions while typing-only checks run (worker processes only).

Entered by patches.applied(). Every operator of every function typed is resolved to a Numba
type on each round of type inference (`IntrinsicCallConstraint` asks
`resolve_value_type(operator.add)` again each time), and so is every global builtin such as
`len` or `math.sqrt`: 4757 of the 8754 `BaseContext.resolve_value_type` calls on the corpus of
bench_dynamic.py were for builtin functions, nearly all repeats. Each first tries `typeof`,
which fails for a builtin only after a memoryview attempt, two cffi look-ups and an error
message with terminal markup, and then finds the type among the typing context's registered
globals. The typing-only run took about 5 % less CPU with the answers remembered.

Only values whose type is exactly `builtin_function_or_method` are remembered, because for
them the answer can change only through registrations: such a value has no buffer and no
`__dict__` (so no `_numba_type_` can be set on it), and its entry among the context's globals
(held through a weak reference) cannot die while the memo's key holds the value. Only answers
found among those globals are remembered (not a cffi function's, which `typeof` makes from
cffi's own type map, one that `register_type` changes in place). Each key holds what the answer
reads from besides the value: the context, the number of `typeof` implementations and of cffi
module registrations (both only grow). The context's globals change an answer only by losing
the value's entry (`_remove_global`, which `install_registry` calls before it inserts an
augmented type, e.g. for an `@overload(len)`): that empties the memo. Inserting cannot: the
globals are a `UniqueDict`, which refuses a second entry for a value. An answer that raised is
not remembered (Numba raises again).

Registrations made while a check runs (a module imported by an `@overload`'s typing function)
reach the context only through its `refresh()`, which Numba calls when each compile starts,
callees' included, never on a look-up: until then Numba answers from the same stale globals as
the memo. tests/test_dynamic_registrations.py checks this against Numba's own compile.
"""

from __future__ import annotations

import contextlib
import types as pytypes
from collections.abc import Callable, Iterator
from typing import Any

from .numba_compat import BaseContext, cffi_utils, typeof_impl

_ORIGINAL: Callable[..., Any] = BaseContext.resolve_value_type
_ORIGINAL_REMOVE: Callable[..., Any] = BaseContext._remove_global
_MEMO: dict[tuple[Any, ...], Any] = {}


def _registrations() -> tuple[int, int, int]:
    """How many typeof implementations and cffi registrations there are (both only grow)."""
    return (
        len(typeof_impl.registry),
        len(getattr(cffi_utils, "_ool_func_types", ())),
        len(getattr(cffi_utils, "_ffi_instances", ())),
    )


def _resolve_value_type(self: Any, val: Any) -> Any:
    if type(val) is not pytypes.BuiltinFunctionType:
        return _ORIGINAL(self, val)
    key = (self, val, _registrations())
    try:
        found = _MEMO.get(key)
    except TypeError:  # a method bound to an unhashable object
        return _ORIGINAL(self, val)
    if found is None:
        found = _ORIGINAL(self, val)
        if self._lookup_global(val) is found:
            _MEMO[key] = found
    return found


def _remove_global(self: Any, gv: Any) -> Any:
    _MEMO.clear()
    return _ORIGINAL_REMOVE(self, gv)


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    """While active, the types of builtin functions are looked up once per context."""
    saved = (BaseContext.resolve_value_type, BaseContext._remove_global)
    # Registrations changed while no check ran are not seen by the hook below.
    _MEMO.clear()
    BaseContext.resolve_value_type = _resolve_value_type  # type: ignore[method-assign]
    BaseContext._remove_global = _remove_global  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseContext.resolve_value_type = saved[0]  # type: ignore[method-assign]
        BaseContext._remove_global = saved[1]  # type: ignore[method-assign]
