"""`paused()`: Python's cyclic garbage collector off while a block runs.

Used by `pipeline` around the import of libcst, the rules and the static engine, and by
`static.engine` around the static pass itself (its comment says why). The imports create
tens of thousands of objects (libcst's ~230 node dataclasses, the rules' classes), all alive
until the process ends, and the collector's passes over them while they are being created
cost a few percent of a one-file check's CPU (issue 13 part 4: 69 collections in such a run,
26 with the pause). Nothing collectable is made there, so pausing loses nothing; the
collector runs as before afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block (left off if it already was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
