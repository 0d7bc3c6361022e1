"""Preloaded by the forkserver: import Numba once and warm its typing context.

Workers are forked from that server, so each starts with Numba ready and has never run user
code (forking after user code ran, e.g. an OpenMP parallel loop, is unsafe). Importing this
module does the work; it must stay free of user code and of anything that starts threads.
"""

from __future__ import annotations

import os

# Numba reads these when it is imported: plain messages, and a throw-away cache directory so a
# --full-compile of a cache=True function never writes next to the user's sources.
os.environ.setdefault("NUMBA_COLOR_SCHEME", "no_color")
os.environ.setdefault(
    "NUMBA_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "numba-lint", "numba-cache")
)

import numba  # noqa: E402
from numba.core import utils  # noqa: E402

# Keeps the __cause__ chain from the outer call site down to the failing line of a callee.
utils.DEVELOPER_MODE = True


# Why the typing-only engine cannot be used with this Numba (workers then fully compile).
SELF_TEST_ERROR: str | None = None


def _self_test() -> None:
    """Type a known function typing-only; it must leave types and no machine code behind."""
    global SELF_TEST_ERROR
    from .typing_only import TypedResult, check, typing_only

    @numba.njit
    def _probe(x: float) -> float:  # pragma: no cover - typed, never run
        return x + 1.0

    try:
        with typing_only():
            check(_probe, (numba.float64,))
        result = _probe.overloads.get((numba.float64,))
        if not isinstance(result, TypedResult) or result.entry_point is not None:
            SELF_TEST_ERROR = "typing-only check left a compiled function behind"
    except Exception as exc:  # noqa: BLE001 - any failure means: do not trust the engine
        SELF_TEST_ERROR = f"typing-only self-test failed: {type(exc).__name__}: {exc}"


_self_test()
