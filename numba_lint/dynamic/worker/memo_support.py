"""What the worker's memos of Numba's typing answers share (`patches.py`: call resolutions,
`attrmemo.py`: attribute resolutions): one look-up that hashes a key once, and the warnings a
first answer raised, raised again for the caller."""

from __future__ import annotations

import warnings
from typing import Any

# `look_up()`'s answer for a key that cannot be remembered.
UNHASHABLE: Any = object()


def look_up(memo: dict[Any, Any], key: tuple[object, ...] | None) -> Any:
    """`memo`'s answer for `key` (None when it has none), or UNHASHABLE when `key` is None or
    some part of it cannot be hashed (e.g. the raw slice of a static_setitem, unhashable before
    Python 3.12): that answer is not remembered. The key is hashed once, by the look-up itself
    (types hash their whole key again on every `hash()`, and these look-ups run thousands of
    times per check)."""
    if key is None:
        return UNHASHABLE
    try:
        return memo.get(key)
    except TypeError:
        return UNHASHABLE


def replay(caught: list[warnings.WarningMessage]) -> None:
    """Raise recorded warnings again as raised first (same record for a catcher)."""
    for record in caught:
        warnings.warn_explicit(
            record.message, record.category, record.filename, record.lineno, source=record.source
        )
