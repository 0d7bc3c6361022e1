"""The `Probe` record: one tiny nopython function that tests one construct.

Defined apart from `probes/__init__.py` so that the family modules can build their probes
without importing the package that lists them all.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    """`body` defines `probe` (under `@njit`) and may set up globals; `call` triggers the compile.

    When `expect` is given it is a Python expression over `result` (the call's value) that must
    be true for the construct to count as supported: a construct Numba compiles but runs with
    different meaning (an `async def` that returns a value, not a coroutine) is not supported.
    """

    name: str
    body: str
    call: str = "probe(1)"
    expect: str | None = None

    @property
    def source(self) -> str:
        header = "import numpy as np\nfrom numba import njit, objmode, prange, literal_unroll\n"
        return header + textwrap.dedent(self.body).strip("\n") + "\n"
