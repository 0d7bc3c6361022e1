"""Code nopython mode compiles: numba-lint reports nothing here."""

import numpy as np
from numba import njit


@njit("float64(float64[:])")
def mean(values):
    total = 0.0
    for value in values:
        total += value
    return total / values.size


@njit
def scale(values: np.ndarray, factor: float) -> np.ndarray:
    return values * factor
