"""Remembered attribute resolutions while typing-only checks run (worker processes only).

Entered by patches.applied(). Type inference resolves `typ.attr` again on every round of its
propagate loop, and every call of a typed value asks for `typ.__call__` first (Numba's
`_resolve_user_function_type`): 9557 `BaseContext.resolve_getattr` runs on the corpus of
bench_dynamic.py, most of them repeats, each sorting the type's attribute templates by target and
asking them in turn (and building a fresh method template class for every `@overload_method`
attribute). `resolve_getattr` here returns the type first found for the same (typing context,
target, type, attribute, number of attribute templates the context holds): a template
registered later (`refresh()` installs new registrations before every compile) makes a new key,
so it is asked as Numba asks it. The number stands for the templates themselves because the
context only ever appends them (`insert_attributes`, into lists that nothing else changes):
two equal counts are the same templates. It is counted once per check and then kept up to date
by `insert_attributes`, cheaper than the tuple of the type's templates that the key held before
(the key was 40 % of a look-up).

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
_ORIGINAL_INSERT: Callable[..., Any] = BaseContext.insert_attributes
# Typing context -> how many attribute templates it holds (counted when first asked in a check).
_TEMPLATES: dict[Any, int] = {}
_WARNED: set[tuple[Any, ...]] = set()
_UNSUPPORTED = (types.Module, types.Dispatcher, types.ClassInstanceType, types.ClassType)


def _excluded(typ: Any) -> bool:
    if isinstance(typ, _UNSUPPORTED):
        return True
    if isinstance(typ, types.BaseTuple):
        return any(_excluded(t) for t in getattr(typ, "types", ()))
    return False


def _template_count(context: Any) -> int:
    count = _TEMPLATES.get(context)
    if count is None:
        count = _TEMPLATES[context] = sum(map(len, context._attributes.values()))
    return count


def _insert_attributes(self: Any, template: Any) -> Any:
    result = _ORIGINAL_INSERT(self, template)
    _TEMPLATES.pop(self, None)  # counted again when next asked
    return result


def _key(context: Any, typ: Any, attr: str) -> tuple[Any, ...] | None:
    if _excluded(typ):
        return None
    # Also what Numba asks when the literal type finds nothing: its non-literal type's templates.
    return (context, get_local_target(context), typ, attr, _template_count(context))


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
    saved = (BaseContext.resolve_getattr, BaseContext.insert_attributes)
    # Templates inserted while no check ran are counted again.
    _TEMPLATES.clear()
    BaseContext.resolve_getattr = _resolve_getattr  # type: ignore[method-assign]
    BaseContext.insert_attributes = _insert_attributes  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseContext.resolve_getattr = saved[0]  # type: ignore[method-assign]
        BaseContext.insert_attributes = saved[1]  # type: ignore[method-assign]
        _TEMPLATES.clear()
