"""What the worker's memos of Numba's typing answers share (`patches.py`: call resolutions,
`attrmemo.py`: attribute resolutions): a key that can be remembered, and the warnings a first
answer raised, raised again for the caller."""

from __future__ import annotations

import warnings


def hashable(key: tuple[object, ...]) -> tuple[object, ...] | None:
    """`key`, or None when some part of it cannot be hashed (e.g. the raw slice of a
    static_setitem, unhashable before Python 3.12): that answer is not remembered."""
    try:
        hash(key)
    except TypeError:
        return None
    return key


def replay(caught: list[warnings.WarningMessage]) -> None:
    """Raise recorded warnings again as raised first (same record for a catcher)."""
    for record in caught:
        warnings.warn_explicit(
            record.message, record.category, record.filename, record.lineno, source=record.source
        )
