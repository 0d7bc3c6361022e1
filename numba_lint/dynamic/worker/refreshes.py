"""Numba's context refreshes skipped where they would install nothing (worker processes only).

Entered by patches.applied(). Every compile starts by refreshing the typing and the target
context (`CompilerBase.__init__`), and every `@overload` or `@overload_method` template Numba
makes refreshes the target context again (`_get_target_registry`), which refreshes the typing
context too: 150 target and 250 typing refreshes on the corpus of bench_dynamic.py, about 3 % of
the typing-only time. Skipped there: 197 typing and 61 target refreshes (the other target ones
install the lowering that `@overload` templates register while typing runs).

A refresh imports the modules of Numba's own registries (imported for good by the first one)
and installs what each registry got since the context last installed it: the context's loader
of a registry streams the registry's lists (typing: functions, attributes, globals; lowering:
functions, getattrs, setattrs, casts, constants), which only grow, from where it last stopped to
their end. A context's fingerprint is the number of its registries and the length of each list
of each. A refresh that returned, having begun at fingerprint F, left every list it installs
read to at least its length in F; when the fingerprint is still F, nothing was registered since
and the next refresh would read nothing: it is skipped (a target context's still refreshes its
typing context, the last thing it does). A refresh that raised is not remembered; the
fingerprints are forgotten when the checks end. Where a context keeps no `_registries` dict or
Numba's loaders do not name their lists (`registry_items`), nothing is skipped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from .numba_compat import BaseContext, TargetContext

_ORIGINAL_TYPING: Callable[..., Any] = BaseContext.refresh
_ORIGINAL_TARGET: Callable[..., Any] = TargetContext.refresh
# Context -> its fingerprint when the last refresh of it that returned began.
_REFRESHED: dict[Any, tuple[int, ...]] = {}


def _fingerprint(context: Any) -> tuple[int, ...] | None:
    """How many registries the context has and how long each of their lists is (None: unknown)."""
    registries = getattr(context, "_registries", None)
    if not isinstance(registries, dict):
        return None
    sizes = [len(registries)]
    for registry, loader in registries.items():
        names = getattr(loader, "registry_items", None)
        if names is None:
            return None
        for name in names:
            sizes.append(len(getattr(registry, name)))
    return tuple(sizes)


def _refreshed(context: Any, original: Callable[..., Any]) -> bool:
    """Refresh `context` unless nothing was registered since its last refresh; True if skipped."""
    before = _fingerprint(context)
    if before is not None and _REFRESHED.get(context) == before:
        return True
    original(context)
    if before is not None:
        _REFRESHED[context] = before
    return False


def _typing_refresh(self: Any) -> None:
    _refreshed(self, _ORIGINAL_TYPING)


def _target_refresh(self: Any) -> None:
    if _refreshed(self, _ORIGINAL_TARGET):
        self.typing_context.refresh()


@contextlib.contextmanager
def skipped_where_idle() -> Iterator[None]:
    """While active, a refresh that would install nothing is skipped."""
    saved = (BaseContext.refresh, TargetContext.refresh)
    _REFRESHED.clear()
    BaseContext.refresh = _typing_refresh  # type: ignore[method-assign]
    TargetContext.refresh = _target_refresh  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseContext.refresh = saved[0]  # type: ignore[method-assign]
        TargetContext.refresh = saved[1]  # type: ignore[method-assign]
        _REFRESHED.clear()
