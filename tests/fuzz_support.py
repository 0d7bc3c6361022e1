"""Hypothesis strategies for the fuzz tests: Numba-flavoured modules, and how to check them.

`numba_modules()` builds valid-looking modules from a small grammar of what jitted code really
contains (prange loops, objmode blocks, numpy calls, plain classes, closures, generators,
noqa comments...), so nearly every example reaches the rules, not only the parser. The tests
keep only the examples Python's own parser accepts. `NUMBA_LINT_FUZZ_EXAMPLES` sets how many
examples each property tries (CONTRIBUTING.md: the long local run).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from numba_lint.config import Config
from numba_lint.diagnostic import Diagnostic
from numba_lint.pipeline import Options, run

_LONG_RUN = os.environ.get("NUMBA_LINT_FUZZ_EXAMPLES")


def fuzz_settings(ci_examples: int) -> settings:
    """`ci_examples` in CI (derandomized: the same examples every run, so CI never flakes);
    NUMBA_LINT_FUZZ_EXAMPLES random ones in a local run."""
    return settings(
        max_examples=int(_LONG_RUN) if _LONG_RUN else ci_examples,
        derandomize=not _LONG_RUN,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


PRELUDE = """\
import math

import numba
import numpy as np
from numba import cfunc, guvectorize, jit, njit, objmode, prange, stencil, vectorize
from numba.experimental import jitclass
from numba.extending import overload

G = 1
TABLE = [1, 2, 3]


class P:
    def __init__(self, x):
        self.x = x


def helper(q):
    return q
"""

DECORATORS = [
    "@njit",
    "@njit(cache=True)",
    "@jit(nopython=True)",
    "@numba.njit",
    "@jit",
    '@njit("int64(int64)")',
    "@njit(parallel=True)",
    "@njit(fastmath=True, nogil=True, error_model='numpy')",
    '@vectorize(["float64(float64)"])',
    '@cfunc("int64(int64)")',
    '@guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")',
    "@stencil",
    "@numba.jit(forceobj=True)",
    "@overload(helper)",
]
PARAMETERS = ["x", "x, y=1", "*args", "x, **kw", "a, n", "arr, out", ""]
NAMES = ["x", "y", "a", "n", "arr", "s", "i", "G", "TABLE", "P", "helper", "math", "np"]
ATOMS = [
    "1",
    "2.5",
    "'text'",
    "None",
    "True",
    "np.pi",
    "(1, 2.0)",
    "[1, 'a']",
    "{1: 2}",
    "{1, 2}",
    "np.empty(3)",
    "np.zeros((2, 2))",
    "P(1)",
    "b'raw'",
    "1j",
]
CALLS = [
    "len",
    "np.sum",
    "np.fft.fft",
    "np.linalg.norm",
    "np.dot",
    "sorted",
    "abs",
    "min",
    "str",
    "int",
    "range",
    "enumerate",
    "np.argsort",
    "isinstance",
    "math.sqrt",
    "helper",
    "getattr",
    "np.unique",
    "print",
    "list",
    "dict",
    "np.random.rand",
    "np.asarray",
]
ATTRIBUTES = ["x", "shape", "size", "T", "real", "append", "astype", "dtype", "sum", "keys"]
COMMENTS = ["", "", "", "  # noqa", "  # noqa: NB101", "  # noqa: NB1, NB2", "  # noqa:x"]


def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    leaves = st.sampled_from(NAMES + ATOMS)
    if depth == 0:
        return leaves
    inner = expressions(depth - 1)
    binary = st.tuples(inner, st.sampled_from(["+", "*", "@", "<", "==", "and", "%"]), inner)
    return st.one_of(
        leaves,
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(CALLS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(inner, st.sampled_from(ATTRIBUTES)).map(lambda t: f"{t[0]}.{t[1]}"),
        inner.map(lambda e: f"[{e} for q in range(3)]"),
        # Python 3.11: no nested f-strings, no quotes of the outer kind inside.
        leaves.map(lambda e: f'f"{{ {e} }}"'),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        inner.map(lambda e: f"(lambda q: q + {e})"),
        inner.map(lambda e: f"{e}[1:2]"),
    )


def _indent(lines: list[str], by: str = "    ") -> list[str]:
    return [by + line for line in lines]


def statements(depth: int = 2) -> st.SearchStrategy[list[str]]:
    e = expressions()
    name = st.sampled_from(["x", "y", "s", "arr", "n"])
    simple = st.one_of(
        e.map(lambda v: [f"return {v}"]),
        st.tuples(name, e).map(lambda t: [f"{t[0]} = {t[1]}"]),
        st.tuples(name, e).map(lambda t: [f"{t[0]} += {t[1]}"]),
        e.map(lambda v: [f"print({v})"]),
        e.map(lambda v: [f"raise ValueError({v})"]),
        e.map(lambda v: [f"yield {v}"]),
        e.map(lambda v: [f"assert {v}, 'message'"]),
        e.map(lambda v: ["def inner(q):", f"    return q + {v}", "y = inner(1)"]),
        st.just(["pass"]),
    )
    if depth == 0:
        return simple
    body = st.lists(statements(depth - 1), min_size=1, max_size=2).map(
        lambda parts: [line for part in parts for line in part]
    )
    return st.one_of(
        simple,
        st.tuples(st.sampled_from(["range", "prange"]), e, body).map(
            lambda t: [f"for i in {t[0]}({t[1]}):", *_indent(t[2])]
        ),
        st.tuples(e, body, body).map(
            lambda t: [f"if {t[0]}:", *_indent(t[1]), "else:", *_indent(t[2])]
        ),
        body.map(lambda b: ["while True:", *_indent(b), "    break"]),
        body.map(lambda b: ["with objmode(y='int64'):", *_indent(b)]),
        body.map(lambda b: ["try:", *_indent(b), "except Exception:", "    pass"]),
    )


@st.composite
def functions(draw: st.DrawFn, number: int) -> list[str]:
    lines = [draw(st.sampled_from(DECORATORS))]
    lines.append(f"def f{number}({draw(st.sampled_from(PARAMETERS))}):")
    body = draw(st.lists(statements(), min_size=1, max_size=4))
    for line in (line for part in body for line in part):
        lines.append("    " + line + draw(st.sampled_from(COMMENTS)))
    if draw(st.booleans()):  # a jitted method of a class
        lines = [f"class K{number}:", "    @staticmethod", *_indent(lines)]
    return lines


@st.composite
def numba_modules(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=3))
    parts = [PRELUDE]
    for number in range(count):
        parts.append("\n\n" + "\n".join(draw(functions(number))) + "\n")
    return "".join(parts)


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def check_tree(root: Path, jobs: int = 1) -> list[Diagnostic]:
    """The whole static pass, every rule, in this process (jobs > 1: in the worker pool)."""
    config = Config(project_root=root, select=["ALL"], static_only=True, cache=False, jobs=jobs)
    report = run(config, Options(paths=[str(root)]))
    assert not report.errors, report.errors
    return report.diagnostics


def function_spans(tree: ast.Module) -> dict[str, list[tuple[int, int]]]:
    """Qualified name ("K0.f0", nested defs under their outer function) -> (first line with
    decorators, last line) of each definition of that name."""
    spans: dict[str, list[tuple[int, int]]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + node.name
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                spans.setdefault(name, []).append((first, node.end_lineno or node.lineno))
                visit(node.body, name + ".")
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, field, []) or [], prefix)

    visit(tree.body, "")
    return spans
