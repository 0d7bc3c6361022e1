"""Code nopython mode compiles: numba-lint reports nothing here."""

import numpy as np
from numba import njit
from numpy.typing import NDArray


@njit("float64(float64[:])")
def mean(values):
    total = 0.0
    for value in values:
        total += value
    return total / values.size


@njit
def scale(values: NDArray[np.float64], factor: float) -> NDArray[np.float64]:
    return values * factor
