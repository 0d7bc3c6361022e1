"""PEP 484 annotations of a jitted function -> candidate Numba argument types (worker side).

Called by worker.py when every required parameter is annotated. int/float/bool/complex/str,
NumPy scalar classes, tuples, lists (reflected, as Python callers pass them), dicts, sets,
Optional and `X | None` map to one type; an array annotation whose ndim is unknown
(`np.ndarray`, `NDArray[np.float64]`) yields 1-d, 2-d and 3-d C-contiguous candidates.
"""

from __future__ import annotations

import inspect
import itertools
import types as pytypes
import typing
from typing import Any

import numpy as np

from .numba_compat import from_dtype, types

# Array annotations without a shape: the ndims tried, in order (documented policy).
UNKNOWN_NDIMS = (1, 2, 3)
DEFAULT_LAYOUT = "C"

_SCALARS: dict[Any, Any] = {
    int: types.int64,
    float: types.float64,
    bool: types.boolean,
    complex: types.complex128,
    str: types.unicode_type,
}


class Unmappable(Exception):
    """An annotation with no unambiguous Numba type."""


def _dtype_of(spec: Any) -> Any:
    """dtype from `np.dtype[np.float64]`, `np.float64`, or Any (-> float64 is not guessed)."""
    args = typing.get_args(spec)
    scalar = args[0] if args else spec
    if isinstance(scalar, type) and issubclass(scalar, np.generic):
        return from_dtype(np.dtype(scalar))
    raise Unmappable(f"array dtype {spec!r} is not a concrete NumPy scalar type")


def candidates_for(annotation: Any) -> list[Any]:
    """All Numba types an annotation may stand for (several only for arrays of unknown ndim)."""
    if annotation in _SCALARS:
        return [_SCALARS[annotation]]
    if isinstance(annotation, type) and issubclass(annotation, np.generic):
        return [from_dtype(np.dtype(annotation))]
    if annotation is np.ndarray:
        raise Unmappable("bare np.ndarray has no dtype; use numpy.typing.NDArray[np.float64]")
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is np.ndarray:
        shape, dtype_spec = args if len(args) == 2 else (Any, args[0] if args else Any)
        dtype = _dtype_of(dtype_spec)
        shape_args = typing.get_args(shape)
        if shape_args and Ellipsis not in shape_args and shape_args != (Any, ...):
            return [types.Array(dtype, len(shape_args), DEFAULT_LAYOUT)]
        return [types.Array(dtype, nd, DEFAULT_LAYOUT) for nd in UNKNOWN_NDIMS]
    if origin is tuple:
        if not args or Ellipsis in args:
            raise Unmappable("a tuple of unknown length")
        parts = [candidates_for(a) for a in args]
        return [
            types.Tuple(combo) if len(set(combo)) > 1 else types.UniTuple(combo[0], len(combo))
            for combo in itertools.product(*parts)
        ]
    if origin is list and len(args) == 1:
        return [types.List(t, reflected=True) for t in candidates_for(args[0])]
    if origin is set and len(args) == 1:
        return [types.Set(t, reflected=True) for t in candidates_for(args[0])]
    if origin is dict and len(args) == 2:
        return [
            types.DictType(k, v) for k in candidates_for(args[0]) for v in candidates_for(args[1])
        ]
    if origin in (typing.Union, pytypes.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1 and len(args) == 2:
            return [types.Optional(t) for t in candidates_for(members[0])]
        raise Unmappable(f"union {annotation!r} has no single Numba type")
    raise Unmappable(f"no Numba type for annotation {annotation!r}")


def annotation_candidates(
    py_func: Any, skip_first: bool = False, notes: list[str] | None = None, limit: int = 9
) -> list[tuple[Any, ...]]:
    """Argument-type tuples to try, or [] when some required annotation cannot be mapped."""
    try:
        hints = inspect.get_annotations(py_func, eval_str=True)
    except Exception as exc:  # noqa: BLE001 - an annotation that does not evaluate
        if notes is not None:
            notes.append(f"annotations not evaluated: {exc}")
        return []
    params = list(inspect.signature(py_func).parameters.values())
    if skip_first:
        params = params[1:]
    per_param = []
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            return []
        if param.name not in hints:
            if param.default is param.empty:
                return []
            break  # trailing defaults are left to Numba (omitted arguments)
        try:
            per_param.append(candidates_for(hints[param.name]))
        except Unmappable as exc:
            if notes is not None:
                notes.append(f"parameter '{param.name}': {exc}")
            return []
    return [tuple(c) for c in itertools.islice(itertools.product(*per_param), limit)]
