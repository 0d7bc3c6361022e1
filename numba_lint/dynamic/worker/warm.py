"""Preloaded by the forkserver: import Numba once and warm its typing context.

Workers are forked from that server, so each starts with Numba ready and has never run user
code (forking after user code ran, e.g. an OpenMP parallel loop, is unsafe). Importing this
module does the work; it must stay free of user code and of anything that starts threads.
`CORE_PROBLEM` (no trial compile possible) and `ENGINE_PROBLEM` (full compile instead of the
typing-only engine) come from numba_compat.
"""

from __future__ import annotations

import os

# Numba reads these when it is imported: plain messages, and a throw-away cache directory so a
# --full-compile of a cache=True function never writes next to the user's sources.
os.environ.setdefault("NUMBA_COLOR_SCHEME", "no_color")
from ..parent.cache import cache_dir  # noqa: E402 - imports no Numba

os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir() / "numba-cache"))

from . import numba_compat  # noqa: E402

CORE_PROBLEM = numba_compat.CORE_PROBLEM
# Why the typing-only engine cannot be used with this Numba (workers then fully compile).
ENGINE_PROBLEM: str | None = None

if CORE_PROBLEM is None:
    # Keeps the __cause__ chain from the outer call site down to the failing line of a callee.
    numba_compat.utils.DEVELOPER_MODE = True
    numba_compat.load_extensions()
    ENGINE_PROBLEM = numba_compat.engine_problem()
