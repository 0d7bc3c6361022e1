"""Module text -> could it hold jitted code? The cheap test that decides which files the static
pass parses with libcst.

Called by the static engine (`engine.py`) before any parse: a file that never names numba, nor
imports a project module that re-exports numba's decorators, is only checked for syntax and
read for its bindings with Python's `ast`. Plain substring tests first; never parses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# A file can only contain jitted code if it mentions numba, or imports a project module that
# re-exports numba's decorators (see `may_use_numba`). `\bnumba\b`, written to start with the
# literal, which the regular expression engine then finds by a fast substring search (seven
# times faster on the corpus than a pattern that starts with `\b`).
_NUMBA_WORD = re.compile(r"numba(?<!\wnumba)\b")


def may_use_numba(
    text: str, reexporting: Iterable[str] = (), alias_names: Iterable[str] | None = None
) -> bool:
    """Cheap test: could this file contain jitted code? False means skip the parse.

    `reexporting`: project modules that bind jit decorators at module level, under the
    `alias_names`: a file that never names numba can jit only through one of those names
    (`@fast_jit`, `@_jit.fast_jit`, `from ._jit import fast_jit as fj`), so it must contain
    one, and import one of those modules."""
    # Plain substring tests first: a regular expression over every file is what costs.
    if "numba" in text and _NUMBA_WORD.search(text):
        return True
    if alias_names is not None and not any(name in text for name in _needles(alias_names)):
        return False
    for module in reexporting:
        if not module:
            continue
        if module in text:
            return True
        tail = module.rsplit(".", 1)[-1]
        if tail and tail in text and _tail_import(tail).search(text):
            return True
    return False


@functools.lru_cache(maxsize=64)
def _tail_import(tail: str) -> re.Pattern[str]:
    """Imports that name a re-exporting module by its last part only."""
    name = re.escape(tail)
    return re.compile(
        # Relative imports: "from ._jit import njit".
        rf"from\s+\.+{name}\b"
        # "from pkg import _jit" / "from . import _jit".
        rf"|(?m:^[ \t]*from[ \t]+[.\w]+[ \t]+import[ \t][^\n]*\b{name}\b)"
    )


def _needles(alias_names: Iterable[str]) -> tuple[str, ...]:
    """The alias names none of the others is part of: a text holds one of `alias_names` if
    and only if it holds one of these (`njit`, `_jit_custom` hold `jit`), and the second
    round tests every file that never names numba against them (16 of 40 on the corpus)."""
    return _fewest_needles(frozenset(alias_names))


@functools.lru_cache(maxsize=8)
def _fewest_needles(names: frozenset[str]) -> tuple[str, ...]:
    ordered = sorted(names, key=len)
    kept: list[str] = []
    for name in ordered:
        if not any(shorter in name for shorter in kept):
            kept.append(name)
    return tuple(kept)
