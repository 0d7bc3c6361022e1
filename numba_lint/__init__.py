"""numba-lint: find the lines that stop @njit from compiling, before you run anything."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
