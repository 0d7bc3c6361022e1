"""A Numba warning raised once per checked signature is one finding listing the signatures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dynamic_support import by_code, check_source

DOT = """
import numpy as np
from numba import njit


@njit
def dot(a, b):
    return np.dot(a, b)


m = np.ones((4, 4))
m32 = np.ones((4, 4), dtype=np.float32)
dot(m[:, :2], m[:2, :])
dot(m32[:, :2], m32[:2, :])
"""

# Real Numba warns once per signature, each time with that signature's types.
COUNT_WARNINGS = """
import runpy, sys, warnings
import numba
from numba.core.errors import NumbaPerformanceWarning

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    runpy.run_path(sys.argv[1])
texts = [str(w.message) for w in caught if issubclass(w.category, NumbaPerformanceWarning)]
print(len(texts), len(set(texts)))
"""


def test_same_warning_for_each_signature_is_one_finding(tmp_path: Path) -> None:
    result = check_source(tmp_path, DOT)
    [warning] = by_code(result, "NB971")
    # At the call itself, not the whole line.
    assert (warning.location.row, warning.location.column, warning.function) == (7, 12, "dot")
    assert "np.dot() is faster on contiguous arrays" in warning.message
    assert sorted(warning.detail["signatures"]) == [
        "(array(float32, 2d, A), array(float32, 2d, C))",
        "(array(float64, 2d, A), array(float64, 2d, C))",
    ]
    assert "[for 2 signatures:" in warning.message
    done = subprocess.run(
        [sys.executable, "-c", COUNT_WARNINGS, str(tmp_path / "example.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == ["2", "2"], done.stderr[-2000:]


REFLECTED = """
from numba import njit


@njit
def first(xs, i):
    return xs[i]


first([1, 2], 0)
first([1.0, 2.0], 1)
"""


def test_identical_warning_text_lists_its_signatures(tmp_path: Path) -> None:
    [warning] = by_code(check_source(tmp_path, REFLECTED), "NB972")
    assert "reflected list" in warning.message and warning.location.row == 6
    assert len(warning.detail["signatures"]) == 2
