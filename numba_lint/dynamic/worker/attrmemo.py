"""Remembered attribute resolutions while typing-only checks run (worker processes only).

Entered by patches.applied(). Type inference resolves `typ.attr` again on every round of its
propagate loop, and every call of a typed value asks for `typ.__call__` first (Numba's
`_resolve_user_function_type`): 9557 `BaseContext.resolve_getattr` runs on the corpus of
bench_dynamic.py, most of them repeats, each sorting the type's attribute templates by target and
asking them in turn (and building a fresh method template class for every `@overload_method`
attribute). `resolve_getattr` here returns the type first found for the same (typing context,
target, type, attribute, attribute templates): the templates are part of the key, so a template
registered later (`refresh()` installs new registrations before every compile) is asked as
Numba asks it.

Not remembered, and resolved by Numba every time:
- failures (exceptions propagate unchanged) and resolutions that raised a warning (Numba would
  not warn again either, but the first warning is replayed as raised);
- module attributes (`np.empty`, `mymodule.CONSTANT`): Numba reads the live module value and
  types it, and that value is not part of the key;
- types that mention a dispatcher (partial while recursion is typed) and jitclass types (their
  method templates reach dispatchers);
- unhashable types.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from .memo_support import UNHASHABLE, look_up, replay
from .numba_compat import BaseContext, get_local_target, types

_ORIGINAL: Callable[..., Any] = BaseContext.resolve_getattr
# Whole worker process: a key holds its templates, so it goes stale only by no longer matching.
_MEMO: dict[tuple[Any, ...], Any] = {}
_WARNED: set[tuple[Any, ...]] = set()
_UNSUPPORTED = (types.Module, types.Dispatcher, types.ClassInstanceType, types.ClassType)


def _excluded(typ: Any) -> bool:
    if isinstance(typ, _UNSUPPORTED):
        return True
    if isinstance(typ, types.BaseTuple):
        return any(_excluded(t) for t in getattr(typ, "types", ()))
    return False


def _key(context: Any, typ: Any, attr: str) -> tuple[Any, ...] | None:
    if _excluded(typ):
        return None
    plain = types.unliteral(typ)
    templates = tuple(context._get_attribute_templates(typ))
    # Numba asks the non-literal type's templates too when the literal one finds nothing.
    plain_templates = templates if plain is typ else tuple(context._get_attribute_templates(plain))
    return (context, get_local_target(context), typ, attr, templates, plain_templates)


def _resolve_getattr(self: Any, typ: Any, attr: str) -> Any:
    key = _key(self, typ, attr)
    found = look_up(_MEMO, key)
    if key is None or found is UNHASHABLE:
        return _ORIGINAL(self, typ, attr)
    if found is not None or key in _MEMO:  # a remembered None: no such attribute
        return found
    if key in _WARNED:  # never in _MEMO too: asked only when the memo has no answer
        return _ORIGINAL(self, typ, attr)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = _ORIGINAL(self, typ, attr)
    finally:
        replay(caught)
    if caught:
        _WARNED.add(key)
    else:
        _MEMO[key] = found
    return found


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    """While active, `BaseContext.resolve_getattr` answers repeats from the memo."""
    saved = BaseContext.resolve_getattr
    BaseContext.resolve_getattr = _resolve_getattr  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseContext.resolve_getattr = saved  # type: ignore[method-assign]
