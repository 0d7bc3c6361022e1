"""What a real call of a jitted function passes to Numba's compile step, as types.

Used inside worker processes by calltypes.py and argtypes.py (it imports Numba):
- `fold_call` runs Numba's own (C) argument folding on a fresh dispatcher whose compile step
  stops it: keyword arguments go to their positions, an omitted defaulted parameter becomes
  `OmittedArg(default)`, extra positional arguments become the `*args` tuple;
- `numba_type` types a folded argument as `_compile_for_args` does, and `Typed` lets a value
  known only by its type go through that folding;
- `as_returned` is the type of the Python value a jitted function's result becomes when it is
  passed on (an int32 result is a Python int, typed int64).
"""

from __future__ import annotations

import operator
from typing import Any

from .numba_compat import Dispatcher, OmittedArg, numba, types


class Unknown(Exception):
    """An argument whose type cannot be known without running code (the reason is the text)."""


class Typed:
    """A stand-in value that `numba.typeof` types as `typ` (Numba reads `_numba_type_`): lets a
    type go through Numba's own argument folding like a value."""

    def __init__(self, typ: Any) -> None:
        self._numba_type_ = typ


class _Folded(Exception):
    def __init__(self, values: tuple[Any, ...]) -> None:
        super().__init__()
        self.values = values


def fold_call(disp: Dispatcher, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The arguments as Numba's dispatcher passes them to its compile step: one per parameter,
    in order, `OmittedArg(default)` for an omitted defaulted one, a tuple for `*args`. Raises
    the TypeError a real call raises when they do not bind ("missing argument 'b'")."""
    # A fresh dispatcher has no compiled code: its C call path always ends in
    # `_compile_for_args(*folded)`, which stops here before anything is typed or run.
    probe: Any = type(disp)(disp.py_func)

    def stop(*folded: Any, **kws: Any) -> None:
        raise _Folded(folded)

    probe._compile_for_args = stop
    try:
        probe(*args, **kwargs)
    except _Folded as done:
        return done.values
    raise RuntimeError("Numba's dispatcher did not ask to compile")  # pragma: no cover


def numba_type(value: Any) -> Any:
    """What Numba's `_compile_for_args` types a folded argument as (None: cannot type it)."""
    if isinstance(value, OmittedArg):
        return types.Omitted(value.value)
    try:
        return numba.typeof(value)
    except (ValueError, TypeError):
        return None


def as_returned(typ: Any, what: str) -> Any:
    """The type `numba.typeof` gives the Python value a jitted function returns as `typ`."""
    typ = types.unliteral(typ)
    if isinstance(typ, types.Boolean):
        return types.boolean
    if isinstance(typ, types.Integer):
        return types.int64  # boxed as a Python int
    if isinstance(typ, types.Float):
        return types.float64  # a Python float
    if isinstance(typ, types.Complex):
        return types.complex128
    if isinstance(typ, types.BaseTuple):
        items = [as_returned(t, what) for t in tuple_items(typ)]
        pyclass = getattr(typ, "instance_class", None)
        return types.BaseTuple.from_types(items, pyclass)
    if isinstance(typ, types.List):
        return types.List(as_returned(typ.dtype, what), reflected=True)
    if isinstance(typ, types.Set):
        return types.Set(as_returned(typ.dtype, what), reflected=True)
    if isinstance(typ, types.Optional):
        raise Unknown(f"{what} returns {typ}: None or a value, known only when it runs")
    if isinstance(typ, types.UnicodeCharSeq) or typ == types.unicode_type:
        return types.unicode_type
    return typ


def typing_context() -> Any:
    from .numba_compat import cpu_target

    context = cpu_target.typing_context
    context.refresh()
    return context


def unpacked(typ: Any, number: int, where: str) -> Any:
    """The type of item `number` when Python unpacks a value of type `typ`."""
    if isinstance(typ, types.BaseTuple):
        items = tuple_items(typ)
        if number < len(items):
            return items[number]
        raise Unknown(f"{where}, a {len(items)}-tuple unpacked into more names")
    if isinstance(typ, (types.Array, types.List)):
        found = typing_context().resolve_function_type(operator.getitem, (typ, types.intp), {})
        if found is not None:
            return found.return_type
    raise Unknown(f"{where}, a {typ} numba-lint does not unpack")


def tuple_items(typ: Any) -> tuple[Any, ...]:
    """The element types of a tuple type."""
    return tuple(typ.types)


def spelled(argtypes: tuple[Any, ...]) -> str:
    return "(" + ", ".join(str(t) for t in argtypes) + ")"
