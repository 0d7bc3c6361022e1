"""Call-site signatures are the ones a real call compiles: Numba's argument folding (keywords,
omitted defaults as `omitted(default=...)`, the `*args` tuple) and results of earlier jitted
calls typed from the return type the trial compile inferred, never by running the call."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from dynamic_support import FIXTURES, check_files, check_source

from numba_lint.dynamic import DynamicResult

# Valid modules in the patterns scripts and packages use (each runs in real Numba with Numba's
# warnings as errors): omitted defaults, keywords, *args, results passed on, @vectorize results.
CALLSITES = FIXTURES / "callsites"
MODULES = ("defaults.py", "chain.py", "pipeline.py", "ufuncs.py")

# Runs modules for real (Numba warnings are errors) and prints what each dispatcher compiled.
REAL_SIGNATURES = """
import json, runpy, sys, warnings
import numba
from numba.core.dispatcher import Dispatcher
from numba.core.errors import NumbaWarning

warnings.simplefilter("error", NumbaWarning)
found = {}
for path in sys.argv[2:]:
    namespace = runpy.run_path(path, run_name=sys.argv[1])
    found[path] = {
        name: ["(" + ", ".join(str(t) for t in sig) + ")" for sig in value.signatures]
        for name, value in namespace.items() if isinstance(value, Dispatcher)
    }
print(json.dumps(found))
"""


def real_signatures(*paths: Path, run_name: str = "__main__") -> dict[str, dict[str, list[str]]]:
    """path -> dispatcher name -> the signatures running the module compiled."""
    done = subprocess.run(
        [sys.executable, "-c", REAL_SIGNATURES, run_name, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def reported(result: DynamicResult) -> list[tuple[str, int, str]]:
    return [
        (d.code, d.location.row, d.message)
        for d in result.diagnostics
        if d.severity.value in ("warning", "error")
    ]


def test_call_site_signatures_are_what_real_calls_compile() -> None:
    paths = [CALLSITES / name for name in MODULES]
    result = check_files(paths, CALLSITES)
    assert reported(result) == []
    real = real_signatures(*paths)
    for path in paths:
        linted = {f.name: f for f in result.functions if f.filename == path.name}
        compiled = real[str(path)]
        assert set(compiled) <= set(linted)
        for name, signatures in compiled.items():
            entry = linted[name]
            assert entry.checked and entry.signature_source == "callsite", (path.name, name)
            assert sorted(entry.signatures) == sorted(signatures), (path.name, name)
        # The only function not checked is the @vectorize ufunc (not a dispatcher).
        assert {n for n, f in linted.items() if not f.checked} <= {"logistic"}
    functions = {(f.filename, f.name): f for f in result.functions}
    # What is shown is Numba's own spelling of the folded arguments.
    knn = functions[("defaults.py", "knn")].signatures
    assert "(array(float64, 2d, C), omitted(default=5), omitted(default=None))" in knn
    assert functions[("defaults.py", "total")].signatures == ("(float64, UniTuple(float64 x 2))",)
    assert functions[("chain.py", "count")].signatures == ("(int64)",)


FAILING = """
import numpy as np
from numba import njit


@njit
def combine(a, b=None):
    return a + b


@njit
def pairwise(pts):
    return pts @ pts.T


@njit
def consume(d):
    return d.nope


combine(1.0)
d = pairwise(np.ones((3, 2)))
consume(d)
"""


def test_failures_found_on_the_root_cause_line(tmp_path: Path) -> None:
    result = check_source(tmp_path, FAILING)
    found = {(d.function, d.code, d.location.row) for d in result.diagnostics}
    # `a + b` with b omitted (None): Numba has no float64 + none.
    assert ("combine", "NB905", 7) in found
    # consume is typed with pairwise's return type, a 2-d array: it has no attribute `nope`.
    assert ("consume", "NB904", 17) in found
    assert {d.function for d in result.diagnostics} == {"combine", "consume"}
    # Both really fail in Numba (one process, each call on its own).
    code = (tmp_path / "example.py").read_text().split("\n\ncombine(1.0)")[0]
    script = code + textwrap.dedent(
        """
        from numba.core.errors import TypingError
        for call in ("combine(1.0)", "consume(pairwise(np.ones((3, 2))))"):
            try:
                eval(call)
            except TypingError:
                print("fails", call)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.count("fails") == 2, done.stdout + done.stderr[-2000:]


NEVER_RUN = """
import numpy as np
from numba import njit


@njit
def forever(x):
    while x > 0.0:
        x = x + 1.0
    return np.ones(3) * x


@njit
def consume(v):
    return v.sum()


if __name__ == "__main__":
    later = forever(1.0)
    consume(later)
    consume(forever(2.0))
"""


def test_producing_calls_are_typed_never_run(tmp_path: Path) -> None:
    # If numba-lint ran `forever(...)`, the worker would spin until its timeout (NB951).
    result = check_source(tmp_path, NEVER_RUN, timeout=30)
    assert reported(result) == []
    linted = {f.name: f for f in result.functions}
    assert linted["forever"].signatures == ("(float64)",)
    assert linted["consume"].checked and linted["consume"].signature_source == "callsite"
    assert linted["consume"].signatures == ("(array(float64, 1d, C))",)
    # Valid code: real Numba compiles both for these types without a warning (nothing runs:
    # the module is imported under another name, so its __main__ block is skipped).
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent(NEVER_RUN).split('if __name__ == "__main__":')[0]
        + "forever.compile('(float64,)')\nconsume.compile('(float64[::1],)')\n",
        encoding="utf-8",
    )
    compiled = real_signatures(probe, run_name="probe")[str(probe)]
    assert compiled == {"forever": ["(float64)"], "consume": ["(array(float64, 1d, C))"]}


SKIPPED = """
import numpy as np
from numba import njit


@njit
def maybe(x):
    if x > 0:
        return None
    return x


@njit
def step(x):
    return x + 1


@njit
def use(v):
    return v


value = maybe(1.0)
use(value)
state = step(1)
state = step(state)
"""


def test_results_that_cannot_be_known_say_why(tmp_path: Path) -> None:
    result = check_source(tmp_path, SKIPPED)
    [unchecked] = [d for d in result.diagnostics if d.function == "use"]
    assert unchecked.code == "NB960"
    assert "'value' comes from `maybe(1.0)` at line 22" in unchecked.message
    assert "returns OptionalType(float64): None or a value, known only when it runs" in (
        unchecked.message
    )
    # step(state) reads step's own result, typed once step's first call has been checked.
    linted = {f.name: f for f in result.functions}
    assert linted["step"].checked and linted["step"].signatures == ("(int64)",)


ITERATED = """
import numpy as np
from numba import njit


@njit
def step(state, rate=0.5):
    return state * rate, state.sum()


@njit
def relax(grid):
    return grid[1:] + 0.25


grid = np.ones(5, dtype=np.float32)
grid = relax(grid)
grid = relax(grid)
state, total = step(grid)
state, total = step(state, rate=np.float32(0.1))
final = relax(state[:2])
"""


def test_a_call_can_read_an_earlier_result_of_the_same_function(tmp_path: Path) -> None:
    result = check_source(tmp_path, ITERATED)
    assert reported(result) == []
    linted = {f.name: f for f in result.functions}
    real = real_signatures(tmp_path / "example.py")[str(tmp_path / "example.py")]
    for name in ("step", "relax"):
        assert linted[name].signature_source == "callsite", name
        assert sorted(linted[name].signatures) == sorted(real[name]), name
    # relax(grid) twice: the second one reads the first's result (float32 + 0.25 is float64);
    # step(state, ...) reads step's own first result, typed ahead of its turn.
    assert real["relax"] == ["(array(float32, 1d, C))", "(array(float64, 1d, C))"]
    assert len(real["step"]) == 2


UFUNC = """
import numpy as np
from numba import int64, njit, vectorize
from numba.experimental import jitclass


@vectorize
def scale(x, f):
    return x * f


@njit
def consume(v):
    return v + 1


@jitclass([("count", int64)])
class Counter:
    def __init__(self, start):
        self.count = start

    def bump(self):
        self.count += 1
        return self.count


@njit
def use(counter, times=2):
    for _ in range(times):
        counter.bump()
    return counter.count


@njit
def make(start):
    return Counter(start)


@njit
def twice(n):
    return 2 * n


a32 = np.ones(3, np.float32)
consume(scale(a32, 2.0))
consume(scale(1.5, 2))
use(Counter(3))
made = make(4)
twice(made.bump())
"""


def test_ufunc_and_jitclass_results_typed_without_running_them(tmp_path: Path) -> None:
    result = check_source(tmp_path, UFUNC)
    assert reported(result) == []
    consume = next(f for f in result.functions if f.name == "consume")
    real = real_signatures(tmp_path / "example.py")[str(tmp_path / "example.py")]
    assert sorted(consume.signatures) == sorted(real["consume"])
    assert sorted(real["consume"]) == ["(array(float64, 1d, C))", "(float64)"]
    # A @jitclass instance made at the call: typed as the class's instance type, not run.
    use = next(f for f in result.functions if f.name == "use")
    assert use.signatures == ("(instance.jitclass.Counter<count:int64>, omitted(default=2))",)
    [real_use] = real["use"]
    assert real_use.startswith("(instance.jitclass.Counter#") and "omitted(default=2)" in real_use
    # A method called on a result: checked as that method, its int64 result passed on.
    functions = {f.name: f for f in result.functions}
    assert functions["twice"].signatures == tuple(real["twice"]) == ("(int64)",)
    assert functions["Counter.bump"].checked


METHOD_FAILS = """
from numba import int64, njit
from numba.experimental import jitclass


@jitclass([("count", int64)])
class Counter:
    def __init__(self, start):
        self.count = start

    def broken(self, step):
        return self.count + step.nope


@njit
def make(start):
    return Counter(start)


@njit
def twice(n):
    return 2 * n


made = make(4)
twice(made.broken(1.0))
"""


def test_method_of_a_result_fails_in_the_method(tmp_path: Path) -> None:
    result = check_source(tmp_path, METHOD_FAILS)
    found = [
        (d.function, d.code, d.location.row)
        for d in result.diagnostics
        if d.severity.value in ("warning", "error")
    ]
    assert found == [("Counter.broken", "NB904", 11)]
    # Real Numba fails there too.
    code = (tmp_path / "example.py").read_text()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "TypingError" in done.stderr and "nope" in done.stderr, done.stderr[-2000:]
