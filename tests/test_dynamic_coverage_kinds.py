"""Jitted functions the trial compile used to leave unchecked on valid code, now checked.

- a def jitted twice (`f_p = njit(parallel=True)(f)`, `f_s = njit(f)`): every variant is
  typed through its own dispatcher, with the call sites of its own name (or, called nowhere at
  module level, its siblings'); a failure of the def is one finding;
- a @stencil kernel: typed for the array types of its module-level calls, as Numba types a call
  of it, and counted as checked when a checked jitted function calls it;
- a jitclass constructor instantiated only at module level (and not by a statement the skeleton
  runs): typed from the instantiation's argument types, the instance type first;
- a jitclass property getter or @staticmethod without parameters (other than `self`): one
  signature types every use, so it is typed with it ("no-parameters").

Each example is proven by real Numba (tests/numba_prover.py) and linted by the real CLI.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from numba_prover import prove_examples

VALID = {
    "twice_ok.py": """
        import numpy as np
        from numba import njit, prange


        def total(x):
            acc = 0.0
            for i in prange(x.shape[0]):
                acc += x[i]
            return acc


        total_p = njit(parallel=True)(total)
        total_s = njit(total)

        total_s(np.ones(4))
        """,
    "stencil_ok.py": """
        import numpy as np
        from numba import njit, stencil


        @stencil
        def diff3(a):
            return a[1] - a[-1]


        @stencil(neighborhood=((-1, 1), (-1, 1)))
        def box(a):
            acc = 0.0
            for i in range(-1, 2):
                for j in range(-1, 2):
                    acc += a[i, j]
            return acc / 9.0


        @njit
        def smooth(img):
            return box(img)


        diff3(np.arange(6.0))
        smooth(np.ones((4, 4)))
        """,
    "ctor_ok.py": """
        import numpy as np
        from numba import float64, int64
        from numba.experimental import jitclass


        @jitclass
        class Bins:
            edges: float64[:]
            counts: int64[:]

            def __init__(self, edges):
                self.edges = edges
                self.counts = np.zeros(edges.shape[0] - 1, dtype=np.int64)

            @property
            def size(self):
                return self.counts.shape[0]

            @staticmethod
            def unit():
                return 1.0


        print(Bins(np.linspace(0.0, 1.0, 5)).counts)
        """,
}

# file -> (source, (code, row, column) of the one finding: the root-cause line).
FAILING = {
    "twice_bad.py": (
        """
        import numpy as np
        from numba import njit


        def scaled(x):
            label = "n=" + x.shape[0]
            return x * 2.0, label


        scaled_p = njit(parallel=True)(scaled)
        scaled_s = njit(scaled)

        scaled_s(np.ones(3))
        """,
        ("NB905", 6, 13),
    ),
    "stencil_bad.py": (
        """
        import numpy as np
        from numba import stencil


        @stencil
        def tagged(a):
            return a[0] + "tag"


        tagged(np.arange(5.0))
        """,
        ("NB905", 7, 12),
    ),
    "ctor_bad.py": (
        """
        from numba import float64
        from numba.experimental import jitclass


        @jitclass([("x", float64)])
        class Tagged:
            def __init__(self, x):
                self.x = x + "tag"


        print(Tagged(2.0).x)
        """,
        ("NB905", 8, 18),
    ),
}


def _code(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("coverage-kinds")
    for name, source in VALID.items():
        (folder / name).write_text(_code(source), encoding="utf-8")
    for name, (source, _) in FAILING.items():
        (folder / name).write_text(_code(source), encoding="utf-8")
    done = run_cli(
        "check",
        "--format",
        "json",
        "--no-cache",
        "--exit-zero",
        ".",
        cwd=folder,
        env={"NUMBA_CACHE_DIR": str(tmp_path_factory.mktemp("numba-cache"))},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_examples_are_what_numba_says() -> None:
    examples = [{"code": _code(s), "call": None} for s in VALID.values()]
    examples += [{"code": _code(s), "call": None} for s, _ in FAILING.values()]
    outcomes = [result["outcome"] for result in prove_examples(examples)]
    assert outcomes == ["compiles"] * len(VALID) + ["fails"] * len(FAILING)


def _entries(report: dict[str, Any], filename: str) -> list[dict[str, Any]]:
    return [f for f in report["functions"] if Path(f["filename"]).name == filename]


@pytest.mark.parametrize("filename", sorted(VALID))
def test_valid_code_is_silent_and_fully_checked(report: dict[str, Any], filename: str) -> None:
    assert [d for d in report["diagnostics"] if Path(d["filename"]).name == filename] == []
    entries = _entries(report, filename)
    assert entries and all(entry["checked"] for entry in entries), entries


def test_each_variant_is_checked_through_its_own_dispatcher(report: dict[str, Any]) -> None:
    entries = _entries(report, "twice_ok.py")
    assert {(e["name"], e["dispatcher"], e["signature_source"]) for e in entries} == {
        ("total", "total_p", "callsite"),  # no call of total_p: total_s's call site
        ("total", "total_s", "callsite"),
    }


def test_stencils_are_typed_from_call_sites_and_callers(report: dict[str, Any]) -> None:
    sources = {e["name"]: e["signature_source"] for e in _entries(report, "stencil_ok.py")}
    assert sources == {"diff3": "callsite", "box": "callee", "smooth": "callsite"}


@pytest.mark.parametrize("filename", sorted(FAILING))
def test_failure_is_one_finding_on_the_root_cause_line(
    report: dict[str, Any], filename: str
) -> None:
    found = [
        (d["code"], d["location"]["row"], d["location"]["column"])
        for d in report["diagnostics"]
        if Path(d["filename"]).name == filename
    ]
    assert found == [FAILING[filename][1]]
    assert all(entry["checked"] for entry in _entries(report, filename))


def test_jitclass_members_are_typed_without_callers(report: dict[str, Any]) -> None:
    entries = {e["name"]: e for e in _entries(report, "ctor_ok.py")}
    assert {name: e["signature_source"] for name, e in entries.items()} == {
        "Bins.__init__": "callsite",  # print(Bins(...)): never run by the skeleton
        "Bins.size": "no-parameters",
        "Bins.unit": "no-parameters",
    }
    init = entries["Bins.__init__"]["signatures"]
    assert len(init) == 1 and init[0].startswith("(instance.jitclass.Bins")
    assert init[0].endswith(", array(float64, 1d, C))")
    assert entries["Bins.unit"]["signatures"] == ["()"]
