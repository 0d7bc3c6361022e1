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
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache",
                                                      "numba-lint", "numba-cache"))

import numba  # noqa: E402
from numba.core import utils  # noqa: E402

# Keeps the __cause__ chain from the outer call site down to the failing line of a callee.
utils.DEVELOPER_MODE = True


def _warm() -> None:
    from .typing_only import check, typing_only

    @numba.njit
    def _probe(x: float) -> float:  # pragma: no cover - compiled, not run
        return x + 1.0

    with typing_only():
        check(_probe, (numba.float64,))


_warm()
