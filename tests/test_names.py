"""names.Names: what a Name/Attribute in a module refers to, as libcst's providers answered."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from numba_lint.names import Names
from numba_lint.walk import walk


class _Probe(cst.CSTVisitor):
    """Records, for every Name/Attribute, its source text and what `Names` says about it."""

    def __init__(self, module: cst.Module, names: Names) -> None:
        super().__init__()
        self.module = module
        self.names = names
        self.seen: list[tuple[str, set[str], bool]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Name, cst.Attribute)):
            found = {q.name for q in self.names.qualified_names(node)}
            local = isinstance(node, cst.Name) and self.names.is_local(node)
            self.seen.append((self.module.code_for_node(node), found, local))
        self.names.enter(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.names.leave(original_node)


def _resolve(source: str) -> list[tuple[str, set[str], bool]]:
    module = cst.parse_module(textwrap.dedent(source))
    probe = _Probe(module, Names(module))
    walk(module, probe)
    return probe.seen


def _last(source: str, code: str) -> tuple[set[str], bool]:
    found = [(names, local) for text, names, local in _resolve(source) if text == code]
    assert found, f"{code!r} not in the source"
    return found[-1]


# (source, expression (its last occurrence is asked), qualified names, is_local)
CASES = [
    ("import numpy as np\nnp.sum\n", "np.sum", {"numpy.sum"}, False),
    ("import numpy\nnumpy.linalg.norm\n", "numpy.linalg.norm", {"numpy.linalg.norm"}, False),
    ("import numpy.random\nnumpy.random.rand\n", "numpy.random.rand", {"numpy.random.rand"}, False),
    ("import numba as nb\nnb.njit\n", "nb.njit", {"numba.njit"}, False),
    ("from numba import njit as jit\njit\n", "jit", {"numba.njit"}, False),
    ("from numpy import linalg as la\nla.inv\n", "la.inv", {"numpy.linalg.inv"}, False),
    ("from . import helpers\nhelpers.f\n", "helpers.f", {".helpers.f"}, False),
    ("from .util import helper\nhelper\n", "helper", {".util.helper"}, False),
    ("from ..base import Base\nBase\n", "Base", {"..base.Base"}, False),
    ("def helper():\n    pass\nhelper\n", "helper", {"helper"}, False),
    ("LIMIT = 3\nLIMIT\n", "LIMIT", {"LIMIT"}, False),
    ("len\n", "len", {"builtins.len"}, False),
    ("len = 3\nlen\n", "len", {"len"}, False),
    ("undefined_name\n", "undefined_name", set(), False),
    # Parameters, locals and nested defs shadow module names and builtins.
    ("import numpy as np\ndef f(np):\n    return np.sum\n", "np.sum", {"f.<locals>.np.sum"}, False),
    ("import numpy as np\ndef f(np):\n    return np\n", "np", {"f.<locals>.np"}, True),
    ("def f(x):\n    len = 2\n    return len\n", "len", {"f.<locals>.len"}, True),
    ("def f(*args, **kw):\n    return kw\n", "kw", {"f.<locals>.kw"}, True),
    ("def f(a, /, b, *, c):\n    return c\n", "c", {"f.<locals>.c"}, True),
    (
        "def f():\n    for i, (j, k) in x:\n        pass\n    return k\n",
        "k",
        {"f.<locals>.k"},
        True,
    ),
    ("def f():\n    with open(p) as fh:\n        return fh\n", "fh", {"f.<locals>.fh"}, True),
    (
        "def f():\n    try:\n        pass\n    except E as err:\n        return err\n",
        "err",
        {"f.<locals>.err"},
        True,
    ),
    (
        "def f():\n    def inner():\n        pass\n    return inner\n",
        "inner",
        {"f.<locals>.inner"},
        True,
    ),
    ("def f():\n    import numpy as np\n    return np.ones\n", "np.ones", {"numpy.ones"}, False),
    ("def f():\n    import numpy as np\n    return np\n", "np", {"numpy"}, False),
    # Closures see the enclosing function's locals; `x.attr` names are not variables.
    ("def f(a):\n    def g():\n        return a\n    return g\n", "a", {"f.<locals>.a"}, False),
    ("import math\ndef f(a):\n    return a.sqrt\n", "sqrt", set(), False),
    ("def f(a):\n    return g(key=a)\n", "key", set(), False),
    # Comprehension variables live in the comprehension; the function's names stay visible.
    ("def f(a):\n    return [v for v in a]\n", "v", {"f.<locals>.<comprehension>.v"}, False),
    ("def f(a):\n    return [a for v in range(3)]\n", "a", {"f.<locals>.a"}, True),
    ("def f(a):\n    return {k: k for k in a}\n", "k", {"f.<locals>.<comprehension>.k"}, False),
    ("def f(a):\n    return (len(v) for v in a)\n", "len", {"builtins.len"}, False),
    ("def f():\n    return lambda q: q\n", "q", {"f.<locals>.<locals>.q"}, True),
    # `global` sends the name to the module.
    (
        "import numpy as np\ndef f():\n    global np\n    np = 1\n    return np.pi\n",
        "np.pi",
        {"numpy.pi", "np.pi"},
        False,
    ),
    (
        "COUNT = 0\ndef f():\n    global COUNT\n    COUNT = 1\n    return COUNT\n",
        "COUNT",
        {"COUNT"},
        False,
    ),
    # `nonlocal` sends it to the enclosing function.
    (
        "def f():\n    n = 0\n    def g():\n        nonlocal n\n        n = 1\n        return n\n",
        "n",
        {"f.<locals>.n"},
        False,
    ),
    # Class bodies do not enclose their methods.
    (
        "import numpy as np\nclass C:\n    np = 1\n    def m(self):\n        return np\n",
        "np",
        {"numpy"},
        False,
    ),
    # Two bindings: both names (rules then stay silent).
    (
        "try:\n    import numpy as np\nexcept ImportError:\n    np = None\nnp\n",
        "np",
        {"numpy", "np"},
        False,
    ),
    # Calls and subscripts: spelled as libcst's get_full_name_for_node spells them.
    ("import numpy as np\nnp.zeros(3).sum\n", "np.zeros(3).sum", {"numpy.zeros.sum"}, False),
]


@pytest.mark.parametrize(("source", "code", "expected", "local"), CASES)
def test_qualified_names(source: str, code: str, expected: set[str], local: bool) -> None:
    names, is_local = _last(source, code)
    assert names == expected
    assert is_local == local


def test_builtins_are_builtins_only_when_unshadowed() -> None:
    module = cst.parse_module("def f(a):\n    return len(a), range\nrange = 1\n")
    names = Names(module)
    function = module.body[0]
    seen: dict[str, bool] = {}

    class _Builtins(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, cst.Name):
                seen[node.value] = names.is_builtin(node)
            names.enter(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            names.leave(original_node)

    names.start(function)
    walk(function, _Builtins())
    assert seen["len"] is True
    assert seen["range"] is False  # rebound at module level
    assert seen["a"] is False


SAMPLE = """
import numpy as np
import numba as nb
from numba import prange
if FAST:
    from a import b as c
else:
    from d import e as c

GLOBAL = [1, 2]

@nb.njit(parallel=True)
def f(x, y=np.pi):
    total = [v * 2 for v in range(x)]
    c(np.sum(total), GLOBAL)
    for i in prange(x):
        total.append(np.float64(i))
    def inner(z):
        return z + x + math.pi
    return inner(len(total)), {k: np.abs(k) for k in total}
"""


def test_agrees_with_libcst_node_by_node() -> None:
    """Every name libcst's provider resolves in this jitted body, we resolve alike."""
    module = cst.parse_module(SAMPLE)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    theirs = wrapper.resolve(QualifiedNameProvider)
    names = Names(module)
    function = next(s for s in module.body if isinstance(s, cst.FunctionDef))
    compared = 0

    class _Compare(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nonlocal compared
            if isinstance(node, (cst.Name, cst.Attribute)) and node in theirs:
                value = theirs[node]
                value = value() if callable(value) else value  # libcst's LazyValue
                expected = {(q.name, q.source) for q in value}
                found = {(q.name, q.source) for q in names.qualified_names(node)}
                assert found == expected, module.code_for_node(node)
                compared += 1
            names.enter(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            names.leave(original_node)

    names.start(function)
    walk(function, _Compare())
    assert compared > 30
