"""NB302, NB303: `prange` and `parallel=True` that do not give the parallelism asked for.

Measured with Numba 0.68.1: `prange` without `parallel=True` compiles silently as a serial
`range`; `parallel=True` with nothing to parallelise warns (NumbaPerformanceWarning).
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from ..walk import walk
from .base import Example
from .decorators import DecoratorRule

_PRANGE = frozenset({"numba.prange", "numba.misc.special.prange"})


_REDUCTIONS = frozenset({"builtins.sum", "builtins.min", "builtins.max"})


class PrangeWithoutParallel(DecoratorRule):
    """
    ## What it does
    Flags `prange(...)` in a jitted function whose decorator does not set `parallel=True`.

    ## Why is this bad?
    Without `parallel=True`, Numba treats `prange` exactly like `range`: the loop runs on
    one thread, silently, and the speed-up the code was written for never happens.

    ## Example

    ## Use instead

    ## Known limitations
    A function declared with `inline="always"` is inlined into its callers, whose own
    `parallel` option then applies: it is not flagged.
    """

    code = "NB302"
    name = "prange-without-parallel"
    severity = Severity.WARNING
    summary = "prange in a function without parallel=True runs serially"
    message = (
        "prange runs as a plain serial range because '{name}' is not compiled with parallel=True"
    )

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit
            def total(a):
                s = 0.0
                for i in prange(a.shape[0]):  # expect: NB302
                    s += a[i]
                return s
            """,
            call="total(np.ones(4))",
            numba="compiles",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            import numba as nb

            @nb.njit(parallel=True)
            def total(a):
                s = 0.0
                for i in nb.prange(a.shape[0]):
                    s += a[i]
                return s
            """,
            call="total(np.ones(4))",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        function = self.function
        if function is None or not self.configurable(function):
            return
        options, sources = function.decorator.options, function.decorator.option_sources
        if options.get("parallel") is True or "parallel" in sources or "**" in sources:
            return
        if "inline" in options or "inline" in function.decorator.option_sources:
            return
        if self.qualified(node.func) & _PRANGE:
            self.report(node.func, name=function.name)


class ParallelWithoutParallelism(DecoratorRule):
    """
    ## What it does
    Flags `parallel=True` on a function that contains nothing Numba can run in parallel: no
    `prange`, no NumPy call and no operation on a parameter (a possible array expression).

    ## Why is this bad?
    The parallel pipeline costs compile time and, when it finds nothing to transform, Numba
    says so with a NumbaPerformanceWarning ("no transformation for parallel execution was
    possible"): the option promises a speed-up that cannot happen.

    ## Example

    ## Use instead
    Use `prange` for the loop that should run in parallel, or drop the option:

    ## Known limitations
    A heuristic, off by default: array expressions on values that are not parameters (an
    attribute, a global array) are not recognised.
    """

    code = "NB303"
    name = "parallel-without-parallelism"
    severity = Severity.WARNING
    numba_warning = "no transformation for parallel execution was possible"
    default_enabled = False
    summary = "parallel=True on a function with nothing to parallelise"
    message = (
        "parallel=True on '{name}', but it has no prange, NumPy call or array expression "
        "for Numba to parallelise"
    )

    invalid = (
        Example(
            """
            from numba import njit

            @njit(parallel=True)  # expect: NB303
            def count(n):
                s = 0
                for i in range(n):
                    s += i
                return s
            """,
            call="count(10)",
            numba="warns",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def count(n):
                s = 0
                for i in prange(n):
                    s += i
                return s

            @njit(parallel=True)
            def scale(a):
                return a * 2.0
            """,
            call="count(10); scale(np.ones(3))",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit, prange

            @njit(parallel=True)
            def count(n):
                s = 0
                for i in prange(n):
                    s += i
                return s
            """,
            call="count(10)",
            numba="compiles",
            shown=True,
        ),
    )

    def check_function(self, function: JitFunction) -> None:
        if not self.configurable(function) or function.decorator.option("parallel") is not True:
            return
        parameters = {p.name.value for p in _all_params(function.node.params)}
        finder = _ParallelismFinder(self, parameters)
        walk(function.node.body, finder)
        if not finder.found:
            self.report(self.decorator_node(function), function=function, name=function.name)


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


class _ParallelismFinder(cst.CSTVisitor):
    """Anything that might give the parallel pipeline work: prange, numpy, ops on parameters."""

    def __init__(self, rule: DecoratorRule, parameters: set[str]) -> None:
        super().__init__()
        self.rule = rule
        self.parameters = parameters
        self.found = False

    def _is_parameter(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value in self.parameters

    def visit_Name(self, node: cst.Name) -> None:
        names = self.rule.qualified(node)
        if names & _PRANGE or any(n == "numpy" or n.startswith("numpy.") for n in names):
            self.found = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        names = self.rule.qualified(node)
        if names & _PRANGE or any(n.startswith("numpy.") for n in names):
            self.found = True

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if self._is_parameter(node.left) or self._is_parameter(node.right):
            self.found = True

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if self._is_parameter(node.expression):
            self.found = True

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operands = [node.left, *(target.comparator for target in node.comparisons)]
        if any(self._is_parameter(operand) for operand in operands):
            self.found = True

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self._is_parameter(node.target) or self._is_parameter(node.value):
            self.found = True

    def visit_Subscript(self, node: cst.Subscript) -> None:
        # a[:] = x, a[mask]: slice and fancy-index assignments may become parfors.
        if any(not isinstance(element.slice, cst.Index) for element in node.slice):
            self.found = True

    def visit_Call(self, node: cst.Call) -> None:
        # Reductions over parameters (sum(a), a.sum()) may be parallelised, and a parameter
        # passed to anything but a scalar builtin may be an array given to a ufunc.
        names = self.rule.qualified(node.func)
        scalar_builtin = bool(names) and all(
            n.startswith("builtins.") and n not in _REDUCTIONS for n in names
        )
        if not scalar_builtin and any(self._is_parameter(arg.value) for arg in node.args):
            self.found = True
        if isinstance(node.func, cst.Attribute) and self._is_parameter(node.func.value):
            self.found = True
