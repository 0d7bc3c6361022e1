"""Five things nopython mode rejects, each on the line numba-lint points at."""

import json

import numpy as np
from numba import njit

THRESHOLDS = [0.1, 0.5, 0.9]


def describe(value):
    return f"value={value}"


@njit
def count_above(values: np.ndarray[tuple[int], np.dtype[np.float64]]) -> int:
    count = 0
    for value in values:
        if value > THRESHOLDS[0]:  # a global list: reflected, not typable as a constant
            count += 1
    return count


@njit
def label(value: float) -> str:
    return describe(value)  # a plain Python function: "Untyped global name"


@njit
def summary(values: np.ndarray[tuple[int], np.dtype[np.float64]]) -> str:
    return json.dumps(values.tolist())  # json is not supported in nopython mode


@njit
def safe_log(value: float) -> float:
    try:
        return np.log(value)
    except ValueError as error:  # `except ... as name` is rejected
        return 0.0


@njit
def options(**kwargs):  # **kwargs parameters are not supported
    return len(kwargs)
