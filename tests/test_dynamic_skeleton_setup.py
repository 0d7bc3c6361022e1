"""The skeleton's set-up rules: Numba registration calls, table-filling loops and container
fills run; work (user functions, jitted calls, GPU calls, file I/O, open-ended loops) does not."""

from __future__ import annotations

import ast
import sys
import textwrap
import types
from pathlib import Path

import pytest

from numba_lint.dynamic.worker.skeleton import Skeleton, execute
from numba_lint.dynamic.worker.skeleton_rules import plan

HEADER = """
import math
import numba as nb
import numpy as np
from numba import cuda, deferred_type, njit
from numba.experimental import structref
from numba.extending import overload
from numba.typed import List
TABLE = np.zeros(8)
NAMES = {}
ITEMS = List()
node_type = deferred_type()
def helper(i):
    return i
@njit
def kernel(x):
    return x
"""


def kept_lines(body: str) -> list[str]:
    """The lines of `body` (after the shared header) whose statements the skeleton keeps."""
    source = textwrap.dedent(HEADER) + textwrap.dedent(body)
    tree = ast.parse(source)
    decided = plan(tree.body, jitted={"kernel"})
    first = len(textwrap.dedent(HEADER).splitlines()) + 1
    return [ast.get_source_segment(source, s) or "" for s in decided.kept if s.lineno >= first]


@pytest.mark.parametrize(
    "statement",
    [
        # Numba's registration APIs and methods of objects Numba built.
        "structref.define_proxy(Point, PointType, ['x'])",
        "overload(helper)(helper)",
        "node_type.define(nb.float64)",
        "nb.extending.make_attribute_wrapper(T, 'x', 'x')",
        "ITEMS.append(1.0)",
        "nb.extending.models.register_default(T)(M)",
        "nb.extending.lower_builtin(len, T)(helper)",
        "nb.extending.type_callable(helper)(helper)",
        "nb.extending.overload_attribute(T, 'x')(helper)",
        "if nb.__version__:\n    overload(helper)(helper)",
        # Filling a module-level container defined earlier.
        "NAMES.update({'a': 1})",
        "TABLE.fill(0.0)",
        # Loops that only fill tables.
        "for i in range(8):\n    TABLE[i] = math.sqrt(i) + np.float64(i)",
        "for k, v in (('a', 1), ('b', 2)):\n    NAMES[k.upper()] = v",
        "for i in range(8):\n    if i % 2:\n        TABLE[i] = -i\n    else:\n        continue",
        "for i in range(2):\n    for j in range(2):\n        TABLE[i * 2 + j] = i",
        "for x in (1.0, 2.0):\n    ITEMS.append(x)",
    ],
)
def test_setup_is_kept(statement: str) -> None:
    assert kept_lines(statement) == [statement]


@pytest.mark.parametrize(
    "statement",
    [
        "print(TABLE)",  # a plain call: work
        "helper(3)",
        "kernel(3)",  # a call of a jitted function: a call site
        "kernel.parallel_diagnostics(level=4)",
        "nb.njit(helper)(3)",  # compiles and runs user code
        "cuda.synchronize()",  # GPU work
        "nb.cuda.to_device(TABLE)",
        "nb.test()",  # Numba's own test suite is work too
        "for i in range(8):\n    TABLE[i] = helper(i)",  # a user function per item
        "for i in range(8):\n    TABLE[i] = kernel(i)",
        "for i in range(8):\n    LAST = i",  # binds a name: not a table fill
        "for i in range(8):\n    print(i)",
        "for i in range(8):\n    TABLE[i] = np.load('x.npy')[i]",  # file I/O
        "for i in range(8):\n    UNDEFINED[i] = i",  # not defined before the loop
        "for i in range(8):\n    TABLE[i] = i\nelse:\n    pass",
        "while TABLE[0] < 3:\n    TABLE[0] += 1",  # open-ended
        "for i in range(3):\n    TABLE[i] = (lambda: i)()",
        "NAMES.update(helper(1))",
        "np.save('x.npy', TABLE)",
    ],
)
def test_work_is_dropped(statement: str) -> None:
    assert kept_lines(statement) == []


def test_dropped_code_is_remembered_by_line() -> None:
    source = "T = {}\nfor k in 'ab':\n    T[k] = len(k)\nfor i in range(2):\n    LAST = helper(i)\n"
    decided = plan(ast.parse(source).body, jitted=set())
    assert decided.dropped == {"i": 4, "LAST": 4}
    assert decided.filled == {}  # the first loop is kept: it fills T
    decided = plan(ast.parse(source.replace("len(k)", "helper(k)")).body, jitted=set())
    assert decided.filled == {"T": 2}


def run_skeleton(tmp_path: Path, source: str, **options: object) -> Skeleton:
    source = textwrap.dedent(source).lstrip("\n")
    path = tmp_path / "setup_probe.py"
    path.write_text(source, encoding="utf-8")
    module = types.ModuleType("setup_probe")
    module.__file__ = str(path)
    sys.modules["setup_probe"] = module
    try:
        return execute(module, source, str(path), **options)  # type: ignore[arg-type]
    finally:
        sys.modules.pop("setup_probe", None)


def test_failure_that_needs_skipped_code_is_not_a_failure(tmp_path: Path) -> None:
    skeleton = run_skeleton(
        tmp_path,
        """
        import numba as nb
        def pick(name):
            return getattr(nb, name)
        TYPES = {}
        for name in ("float32", "float64"):
            TYPES[name] = pick(name)
        SIG = TYPES["float32"](TYPES["float32"])
        BROKEN = 1 / 0
        """,
    )
    assert [f.line for f in skeleton.failures] == [8]  # only the real failure
    assert skeleton.not_run == {
        "SIG": "line 7 needs 'TYPES', which top-level code the skeleton does not run fills (line 5)"
    }
    assert {"SIG", "BROKEN", "name"} <= skeleton.dropped_names


def test_gpu_statement_without_gpu_is_a_reason(tmp_path: Path) -> None:
    pytest.importorskip("numba")
    from numba import cuda

    if cuda.is_available():
        pytest.skip("this machine has a GPU: the kernel compiles for real")
    skeleton = run_skeleton(
        tmp_path,
        """
        from numba import cuda
        @cuda.jit("void(float32[:])")
        def kernel(a):
            a[0] = 1
        """,
    )
    assert skeleton.failures == []
    assert skeleton.not_run["kernel"].startswith("no GPU or CUDA driver on this machine (")


def test_statement_limit_does_not_stop_numba_compiling(tmp_path: Path) -> None:
    """A decorator that compiles at decoration is Numba's work, not the script's: the
    statement limit must not turn a slow, valid `@vectorize([...])` into a failure."""
    pytest.importorskip("numba")
    from numba import vectorize

    vectorize(["float64(float64)"])(lambda x: x)  # warm the ufunc machinery
    skeleton = run_skeleton(
        tmp_path,
        """
        from numba import vectorize
        @vectorize(["float64(float64, float64)", "float32(float32, float32)",
                    "int64(int64, int64)", "int32(int32, int32)", "int16(int16, int16)",
                    "uint64(uint64, uint64)", "uint32(uint32, uint32)", "int8(int8, int8)"])
        def add(x, y):
            return x * y + x - y
        """,
        statement_seconds=0.1,
    )
    assert skeleton.failures == []
    assert len(skeleton.module.add.types) == 8
