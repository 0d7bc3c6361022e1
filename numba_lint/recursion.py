"""Room for deep trees: the rules walk libcst trees recursively, and libcst itself computes
positions by recursion, about five Python frames per level of an expression. Python accepts
expressions thousands of levels deep (a generated 2,000-term sum), far past its default
recursion limit of 1,000 frames, so the static rules raise the limit while they run.

In Python 3.11+ a call from Python code to Python code takes no C stack, so the higher limit
costs only the frames' memory (a few MB at worst). The language server runs rules on two
threads: the first to start raises the limit, the last to finish restores it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEEP_LIMIT = 50_000

_lock = threading.Lock()
_holders = 0
_previous = 0


@contextmanager
def deep_recursion() -> Iterator[None]:
    global _holders, _previous
    with _lock:
        if _holders == 0:
            _previous = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_previous, DEEP_LIMIT))
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                sys.setrecursionlimit(_previous)
