"""Numba's warnings under their own codes (NB971-NB973), at the user's node, once per cause.

Each flagged module below is checked twice: by real Numba, which must raise the warning
category its code owns (so the code is not a guess about Numba), and by the dynamic pass,
which must report that code once, at the node that causes it, for both of its signatures.
Each fixed module must compile in real Numba with Numba's warnings turned into errors, and
the dynamic pass must report none of these codes for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from dynamic_support import by_code, check_source

from numba_lint.cli import main

DOT = """
import numpy as np
from numba import njit


@njit
def project(m, v):
    return 1.0 + np.dot(m, v)


grid = np.ones((4, 4))
grid32 = np.ones((4, 4), dtype=np.float32)
project({m64}, np.ones(2))
project({m32}, np.ones(2, dtype=np.float32))
"""

MATMUL = """
import numpy as np
from numba import njit


@njit
def product(a, b):
    c = a @ b
    return c


grid = np.ones((4, 4))
grid32 = np.ones((4, 4), dtype=np.float32)
product({m64}, grid[:2, :])
product({m32}, grid32[:2, :])
"""

NOTHING_PARALLEL = """
from numba import njit


@njit{options}
def plus_one(x):
    return x + 1


plus_one(1.0)
plus_one(1)
"""

REFLECTED = """
import numpy as np
from numba import njit


@njit
def total(values):
    s = 0.0
    for v in values:
        s += v
    return s


total({ints})
total({floats})
"""

REFLECTED_WORDS = """
from numba import njit
from numba.typed import List


@njit
def longest(words):
    n = 0
    for w in words:
        n = max(n, len(w))
    return n


longest({words})
longest({letters})
"""

RACE = """
import numpy as np
from numba import njit, prange


@njit(parallel=True)
def last_scaled(x):
    last = 0.0
    for i in prange(x.shape[0]):
        last = 2.0 * x[i]
        last += 1.0
    return last


last_scaled(np.ones(8))
last_scaled(np.ones(8, dtype=np.int64))
"""

RACE_FIXED = """
import numpy as np
from numba import njit


@njit
def last_scaled(x):
    return 2.0 * x[x.shape[0] - 1] + 1.0


last_scaled(np.ones(8))
last_scaled(np.ones(8, dtype=np.int64))
"""

SERIAL_PRANGE = """
import numpy as np
from numba import njit, prange


@njit(parallel=True)
def total_small(x):
    total = 0.0
    for i in prange(x.shape[0]):
        if x[i] > 5:
            {exit}
        total += x[i]
    return total


total_small(np.ones(8))
total_small(np.ones(8, dtype=np.int64))
"""

CONTIGUOUS = {"m64": "np.ascontiguousarray(grid[:, :2])", "m32": "grid32[:, :2].copy()"}
STRIDED = {"m64": "grid[:, :2]", "m32": "grid32[:, :2]"}

# (case, code, flagged source, Numba's category, (row, column), fixed source, words in message)
CASES = [
    ("dot", "NB971", DOT.format(**STRIDED), "NumbaPerformanceWarning", (7, 18),
     DOT.format(**CONTIGUOUS), "np.dot() is faster on contiguous arrays"),
    ("matmul", "NB971", MATMUL.format(**STRIDED), "NumbaPerformanceWarning", (7, 9),
     MATMUL.format(**CONTIGUOUS), "'@' is faster on contiguous arrays"),
    ("parallel", "NB971", NOTHING_PARALLEL.format(options="(parallel=True)"),
     "NumbaPerformanceWarning", (4, 7), NOTHING_PARALLEL.format(options=""),
     "no transformation for parallel execution"),
    # Numba names the loop; the cause is the statement that leaves it early.
    ("serial-prange", "NB971", SERIAL_PRANGE.format(exit="break"), "NumbaPerformanceWarning",
     (10, 13), SERIAL_PRANGE.format(exit="continue"), "will not be executed in parallel"),
    ("reflected", "NB972", REFLECTED.format(ints="[1, 2]", floats="[1.5, 2.5]"),
     "NumbaPendingDeprecationWarning", (8, 14),
     REFLECTED.format(ints="np.asarray([1, 2])", floats="np.asarray([1.5, 2.5])"),
     "Fix: pass `np.asarray(values)`"),
    ("reflected-words", "NB972",
     REFLECTED_WORDS.format(words='["a", "bcd"]', letters="[(1, 2)]"),
     "NumbaPendingDeprecationWarning", (8, 14),
     REFLECTED_WORDS.format(words='List(["a", "bcd"])', letters="List([(1, 2)])"),
     "Fix: pass a `numba.typed.List`"),
    ("race", "NB973", RACE, "NumbaParallelSafetyWarning", (9, 9), RACE_FIXED,
     "Variable last used in parallel loop"),
]  # fmt: skip
NEW_CODES = ("NB971", "NB972", "NB973")

# Runs each file in real Numba: the Numba warning categories it raised, or the failure when
# Numba's warnings are errors (`strict`).
REAL_NUMBA = """
import json, runpy, sys, warnings
from numba.core.errors import NumbaWarning

strict, found = sys.argv[1] == "strict", []
for path in sys.argv[2:]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error" if strict else "always", NumbaWarning)
        try:
            runpy.run_path(path)
            failure = None
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"[:500]
    numba = [w.category.__name__ for w in caught if issubclass(w.category, NumbaWarning)]
    found.append({"categories": sorted(set(numba)), "failure": failure})
print(json.dumps(found))
"""


def _real_numba(folder: Path, sources: list[str], strict: bool) -> list[dict]:
    paths = []
    for number, source in enumerate(sources):
        path = folder / f"real_{'strict' if strict else 'warn'}_{number}.py"
        path.write_text(source.lstrip("\n"), encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", REAL_NUMBA, "strict" if strict else "warn", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def real_numba(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, dict]]:
    """What real Numba does with each case: (flagged module, fixed module)."""
    folder = tmp_path_factory.mktemp("real_numba")
    flagged = _real_numba(folder, [case[2] for case in CASES], strict=False)
    fixed = _real_numba(folder, [case[5] for case in CASES], strict=True)
    pairs = zip(flagged, fixed, strict=True)
    return {case[0]: pair for case, pair in zip(CASES, pairs, strict=True)}


@pytest.mark.parametrize(
    ("case", "code", "flagged", "category", "place", "fixed", "words"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_code_at_the_cause_once_and_silent_when_fixed(
    tmp_path: Path, real_numba, case, code, flagged, category, place, fixed, words
) -> None:
    real_flagged, real_fixed = real_numba[case]
    assert real_flagged["failure"] is None and category in real_flagged["categories"]
    assert real_fixed == {"categories": [], "failure": None}

    full = code == "NB973"  # Numba raises it while generating code only
    result = check_source(tmp_path, flagged, full_compile=full)
    [found] = [d for d in by_code(result, code) if words in d.message]
    assert (found.location.row, found.location.column) == place, found.message
    assert found.filename == "example.py" and category in found.message and words in found.message
    # Raised once per signature, reported once, listing both.
    assert len(found.detail["signatures"]) == 2, found.detail
    assert by_code(result, "NB970") == []
    clean = check_source(tmp_path, fixed, full_compile=full)
    assert [d for d in clean.diagnostics if d.code in (*NEW_CODES, "NB970")] == []


def test_serial_prange_is_the_cause_of_nothing_parallel(tmp_path: Path) -> None:
    result = check_source(tmp_path, SERIAL_PRANGE.format(exit="break"))
    # Numba also warns "parallel=True ... no transformation" at the keyword: a consequence.
    [found] = by_code(result, "NB971")
    assert (found.location.row, found.location.column) == (10, 13)
    assert "parallel=True has no effect" in found.message


def test_parallel_safety_lists_the_other_writes(tmp_path: Path) -> None:
    [found] = by_code(check_source(tmp_path, RACE, full_compile=True), "NB973")
    assert found.detail["also_at"] == [{"row": 10, "column": 9}]
    assert "(also written at line 10)" in found.message
    # The default typing-only trial compile generates no code, so Numba never warns there.
    assert by_code(check_source(tmp_path, RACE), "NB973") == []


MIXED = """
import numpy as np
from numba import njit


@njit
def mixed(m, values):
    s = 0.0
    for v in values:
        s += v
    return s + np.dot(m, m)[0, 0]


mixed(np.ones((4, 4))[:2, :2], [1.0, 2.0])
"""


@pytest.mark.parametrize(
    ("flags", "reported"),
    [
        (["--select", "NB971"], {"NB971"}),
        (["--select", "NB972"], {"NB972"}),
        (["--ignore", "NB971"], {"NB972"}),
        (["--select", "NB970"], set()),
    ],
)
def test_each_code_selected_and_ignored_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], reported: set[str]
) -> None:
    path = tmp_path / "mixed.py"
    path.write_text(MIXED.lstrip("\n"), encoding="utf-8")
    main(["check", "--no-cache", "--format", "json", *flags, str(path)])
    diagnostics = json.loads(capsys.readouterr().out)
    if isinstance(diagnostics, dict):
        diagnostics = diagnostics["diagnostics"]
    assert {d["code"] for d in diagnostics} == reported


def test_two_candidate_calls_on_the_line_give_the_line(tmp_path: Path) -> None:
    # Numba's text names np.dot, not which call: pointing at one of the two could be wrong.
    source = DOT.format(**STRIDED).replace("1.0 + np.dot(m, v)", "np.dot(m, v) + np.dot(v, m.T)")
    found = by_code(check_source(tmp_path, source), "NB971")
    assert found and {(d.location.row, d.location.column) for d in found} == {(7, 5)}


PREDICTED = """
from numba import jit, njit


@njit(parallel=True)
def count(n):
    s = 0
    for i in range(n):
        s += i
    return s


@jit("int64(int64)", nopython=False)
def legacy(x):
    return x


count(3)
"""


@pytest.mark.parametrize(
    ("flags", "reported"),
    [
        # The static rules say it first, with their fix; Numba's warning confirms them.
        (["--extend-select", "NB303"], {("NB303", 4, 1, True), ("NB305", 12, 1, True)}),
        # NB303 is off by default: Numba's warning is the only finding about `parallel=True`.
        ([], {("NB971", 4, 7, False), ("NB305", 12, 1, True)}),
        (["--ignore", "NB305"], {("NB971", 4, 7, False), ("NB972", 12, 22, False)}),
    ],
)
def test_a_warning_a_static_rule_predicts_is_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], reported: set
) -> None:
    path = tmp_path / "predicted.py"
    path.write_text(PREDICTED.lstrip("\n"), encoding="utf-8")
    main(["check", "--no-cache", "--format", "json", *flags, str(path)])
    diagnostics = json.loads(capsys.readouterr().out)
    if isinstance(diagnostics, dict):
        diagnostics = diagnostics["diagnostics"]
    found = {
        (d["code"], d["location"]["row"], d["location"]["column"], d["confirmed"])
        for d in diagnostics
    }
    assert found == reported
    for d in diagnostics:
        if d["confirmed"]:
            assert d["detail"]["dynamic"]["code"] in ("NB971", "NB972")
