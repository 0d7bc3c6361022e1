"""Kinds of valid jitted code the trial compile once reported as errors, proven valid by real
Numba, and their failing counterparts (each proven to fail)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from dynamic_support import FIXTURES, by_code, check_source
from numba_prover import prove_examples

VALID = FIXTURES / "kinds" / "valid"
# What each valid module runs after importing it: every function, with real arguments.
CALLS = {
    "generators.py": (
        "import numpy as np\n"
        "assert list(squares(4)) == [0, 1, 4, 9] and list(shifted(np.ones(2))) == [2.0, 2.0]\n"
        "assert total(4) == 14.0 and list(evens(5)) == [0, 2, 4]\n"
    ),
    "ufuncs.py": (
        "import numpy as np\n"
        "a = np.arange(4.0)\n"
        "assert cumsum(a)[-1] == 6.0 and shift(a, 1.0)[0] == 1.0 and total(a) == 6.0\n"
        "assert add(a, a)[1] == 2.0 and half(a)[2] == 1.0 and twice(np.arange(3))[2] == 4\n"
    ),
    "deletes.py": "assert drop_item(3) == 1 and drop_slice(5) == 3 and drop_key(4) == 2\n",
    "registrations.py": (
        "assert chain_sum(5) == 10 and point_norm(3.0, 4.0) == 5.0\n"
        "assert clamp_half(30.0) == 5.0 and interval_width(1.0, 3.5) == 2.5\n"
    ),
    "tables.py": (
        "import numpy as np\n"
        "assert bits(np.arange(4, dtype=np.uint8)) == 4\n"
        "assert abs(scaled(np.float32(2)) - 3.4641) < 1e-3\n"
        # The module's own calls ran: `drop_first` removed "a" and 1.0.
        "assert len(CODES) == 3 and len(SQUARES) == 6 and code_of(CODES, 'b') == 1\n"
        "assert abs(mean_of(SQUARES) - 56.0 / 6) < 1e-12\n"
    ),
}


def test_every_valid_module_has_calls() -> None:
    assert sorted(p.name for p in VALID.glob("*.py")) == sorted(CALLS)


@pytest.fixture(scope="module")
def valid_runs() -> tuple[list[dict], dict]:
    """Real Numba's outcome for each valid module, and both passes of numba-lint on them
    through the real command line; the two processes run side by side (each takes seconds:
    the typed containers and ufuncs compile for real in both)."""
    lint = subprocess.Popen(
        [sys.executable, "-m", "numba_lint", "check", "--no-cache", "--format", "json", str(VALID)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        payload = [{"code": (VALID / n).read_text(), "call": call} for n, call in CALLS.items()]
        outcomes = prove_examples(payload)
    finally:
        out, err = lint.communicate(timeout=300)
    assert lint.returncode in (0, 1), err
    return outcomes, json.loads(out)


def test_valid_modules_compile_and_run_in_numba(valid_runs: tuple[list[dict], dict]) -> None:
    outcomes, _ = valid_runs
    assert {name: o["outcome"] for name, o in zip(CALLS, outcomes, strict=True)} == dict.fromkeys(
        CALLS, "compiles"
    ), [o["detail"] for o in outcomes]


def test_numba_lint_is_silent_on_valid_modules(valid_runs: tuple[list[dict], dict]) -> None:
    _, valid_report = valid_runs
    loud = [
        f"{d['filename']}:{d['location']['row']}: {d['code']} {d['message']}"
        for d in valid_report["diagnostics"]
        if d["severity"] != "info"
    ]
    assert loud == []


def test_valid_modules_are_checked(valid_runs: tuple[list[dict], dict]) -> None:
    functions = valid_runs[1]["functions"]
    assert len(functions) == 24
    unchecked = [(f["filename"], f["name"], f.get("reason")) for f in functions if not f["checked"]]
    assert unchecked == []


# -- failing counterparts ------------------------------------------------------------------------

ITERATORS = """
import numpy as np
from numba import njit


@njit("int64(int64)")
def use(n):
    s = 0
    for a, b in pairs(n):
        s += a * b
    return s


@njit
def pairs(n):
    return zip(range(n), range(n))


@njit
def numbered(n: int):
    return enumerate(range(n))


@njit
def walk(a: np.ndarray[tuple[int], np.dtype[np.float64]]):
    return np.ndenumerate(a)


@njit
def items(a: np.ndarray[tuple[int], np.dtype[np.float64]]):
    return iter(a)
"""


def test_returned_iterators_fail_at_the_return(tmp_path: Path) -> None:
    result = check_source(tmp_path, ITERATORS)
    found = sorted((d.location.row, d.function) for d in by_code(result, "NB907"))
    assert found == [(15, "pairs"), (20, "numbered"), (25, "walk"), (30, "items")]
    assert all(d.code == "NB907" for d in result.diagnostics if d.severity.value != "info")
    calls = ["pairs(3)", "numbered(3)", "walk(np.ones(2))", "items(np.ones(2))"]
    outcomes = prove_examples([{"code": textwrap.dedent(ITERATORS), "call": c} for c in calls])
    assert [o["outcome"] for o in outcomes] == ["fails"] * 4, outcomes


CUDA = """
import numpy as np
from numba import cuda, vectorize


@cuda.jit("void(float32[:], float32[:])")
def scale(a, out):
    i = cuda.grid(1)
    if i < a.shape[0]:
        out[i] = a[i] * 2


@cuda.jit
def lazy(a):
    i = cuda.grid(1)
    a[i] = 0


@vectorize(["float32(float32)"], target="cuda")
def vcuda(x):
    return x * 2


DEVICE = cuda.to_device(np.ones(4, dtype=np.float32))
"""


def test_cuda_without_gpu_is_a_reason_not_an_error(tmp_path: Path) -> None:
    from numba import cuda

    result = check_source(tmp_path, CUDA)
    assert [d for d in result.diagnostics if d.severity.value != "info"] == []
    reasons = {f.name: f.reason for f in result.functions}
    if cuda.is_available():
        pytest.skip("this machine has a GPU: the signed kernels compiled for real")
    assert not any(f.checked for f in result.functions)
    for name in ("scale", "vcuda"):
        assert (reasons[name] or "").startswith("no GPU or CUDA driver on this machine ("), reasons
    assert "not trial-compiled" in (reasons["lazy"] or "")
    assert by_code(result, "NB950") == []  # `DEVICE = cuda.to_device(...)`: not a failure


SKIPPED = """
import numba as nb
from numba import njit
from numba.typed import List


def pick(name):
    return getattr(nb, name)


def fill(items):
    items.append(1.5)


TYPES = {}
for name in ("float32", "float64"):
    TYPES[name] = pick(name)
for i in range(3):
    LAST = i
ITEMS = List()
fill(ITEMS)


@njit(TYPES["float32"](TYPES["float32"]))
def scaled(x):
    return x * 2


@njit("int64()")
def last():
    return LAST


@njit
def total(xs):
    s = 0.0
    for x in xs:
        s += x
    return s


total(ITEMS)
"""


def test_what_needs_skipped_code_is_said_not_reported(tmp_path: Path) -> None:
    """Valid code whose tables are filled by calls of a user function: the skeleton does not
    run that code, and says so instead of reporting the KeyError or the empty typed list it
    leaves behind."""
    result = check_source(tmp_path, SKIPPED)
    assert [d.code for d in result.diagnostics if d.severity.value != "info"] == []
    reasons = {f.name: f.reason for f in result.functions}
    assert reasons["scaled"] == (
        "line 23 needs 'TYPES', which top-level code the skeleton does not run fills (line 15)"
    )
    assert [d.location.row for d in by_code(result, "NB961")] == [30]
    [total] = [d for d in by_code(result, "NB960") if d.function == "total"]
    assert total.message.endswith(
        "(call at line 41 skipped: 'ITEMS' is filled by top-level code the skeleton does not run "
        "(line 20))"
    )
    [outcome] = prove_examples(
        [
            {
                "code": textwrap.dedent(SKIPPED),
                "call": "assert scaled(2.0) == 4.0 and last() == 2 and total(ITEMS) == 1.5",
            }
        ]
    )
    assert outcome["outcome"] == "compiles", outcome


def test_register_jitable_statement_is_not_an_untyped_call(tmp_path: Path) -> None:
    path = tmp_path / "registered.py"
    path.write_text(
        "from numba import njit\n"
        "from numba.extending import register_jitable\n\n\n"
        "def third(x):\n    return x / 3\n\n\n"
        "register_jitable(third)\n\n\n"
        '@njit("float64(float64)")\n'
        "def f(x):\n    return third(x)\n",
        encoding="utf-8",
    )
    done = run_cli("check", "--no-cache", "--format", "json", str(path), cwd=tmp_path)
    report = json.loads(done.stdout)
    assert [d["code"] for d in report["diagnostics"] if d["severity"] != "info"] == []
