"""NB301-NB305, NB401: decorator options that do not do what the user asked for.

Measured with Numba 0.68.1: `forceobj=True` compiles silently in object mode; `nopython=False`
is ignored with a NumbaDeprecationWarning (the function is still compiled in nopython mode);
`prange` without `parallel=True` compiles silently as a serial `range`; `parallel=True` with
nothing to parallelise warns (NumbaPerformanceWarning); `generated_jit` no longer exists.
`cache=True` works for lambdas, closures and `__main__` scripts in 0.68.1 and fails only for
code with no source file (never seen here) and on `@stencil`, which rejects the option.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from ..walk import walk
from .base import Example, StaticRule

_JIT_KINDS = frozenset({"jit", "njit"})
_PRANGE = frozenset({"numba.prange", "numba.misc.special.prange"})
_REDUCTIONS = frozenset({"builtins.sum", "builtins.min", "builtins.max"})


class DecoratorRule(StaticRule):
    """Shared: find the decorator (or call) that configured a jitted function."""

    def decorator_node(self, function: JitFunction) -> cst.CSTNode:
        line = function.decorator.line
        parsed = self.context.parsed
        lines = parsed.statement_lines.decorator_lines(function.node)
        if lines is None:
            lines = [parsed.line_of(d.decorator) for d in function.node.decorators]
        for decorator, decorator_line in zip(function.node.decorators, lines, strict=False):
            if decorator_line == line:
                return decorator
        # Call forms (`fast = njit(opts)(slow)`) and aliases defined elsewhere: the def itself.
        return function.node.name

    def qualified(self, node: cst.CSTNode) -> set[str]:
        expression = cast(cst.BaseExpression, node)  # decorators and call targets
        return {name.name for name in self.context.parsed.names.qualified_names(expression)}

    @staticmethod
    def configurable(function: JitFunction) -> bool:
        return function.form in ("decorator", "call") and function.kind in _JIT_KINDS


class ObjectModeRequested(DecoratorRule):
    """
    ## What it does
    Flags `forceobj=True` on `@jit`.

    ## Why is this bad?
    Object mode runs the function through the Python interpreter's object model: it compiles
    whatever you write, but is usually no faster than plain Python, and nothing tells you the
    speed-up you wanted never happened. (Since Numba 0.59 `@jit` no longer falls back to
    object mode by itself; `forceobj=True` is the only way to get it.)

    ## Example
    ```python
    @jit(forceobj=True)
    def total(values):
        return sum(values)
    ```

    ## Use instead
    Remove the option and fix what nopython mode rejects; keep only the parts that truly need
    Python inside `with objmode(...)`:
    ```python
    @njit
    def total(values):
        return values.sum()
    ```

    ## Known limitations
    Deliberate object-mode functions (for example wrappers that only loop-lift) are reported
    too; silence them with `# noqa: NB301`.
    """

    code = "NB301"
    name = "object-mode-requested"
    severity = Severity.WARNING
    summary = "forceobj=True compiles in slow object mode"
    message = (
        "forceobj=True compiles '{name}' in object mode, which is usually no faster than "
        "Python; remove it and use nopython mode"
    )

    invalid = (
        Example(
            """
            from numba import jit

            @jit(forceobj=True)  # expect: NB301
            def total(values):
                return sum(values)
            """,
            call="total([1, 2, 3])",
            numba="compiles",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import jit

            @jit(nopython=True)
            def total(values):
                return values.sum()
            """,
            call="total(np.ones(3))",
            numba="compiles",
        ),
    )

    def check_function(self, function: JitFunction) -> None:
        if self.configurable(function) and function.decorator.option("forceobj") is True:
            self.report(self.decorator_node(function), function=function, name=function.name)


class NopythonFalseIgnored(DecoratorRule):
    """
    ## What it does
    Flags `nopython=False` on `@jit`.

    ## Why is this bad?
    Before Numba 0.59, `nopython=False` allowed a fallback to object mode. Since 0.59 the
    option has no effect: Numba warns ("supplying this argument has no effect") and compiles
    the function in nopython mode anyway, so code that relied on the fallback now fails to
    compile.

    ## Example
    ```python
    @jit(nopython=False)
    def f(x):
        return x + 1
    ```

    ## Use instead
    Remove the option; if the function really needs object mode, say so with
    `forceobj=True` or move the Python-only part into `with objmode(...)`:
    ```python
    @jit
    def f(x):
        return x + 1
    ```
    """

    code = "NB305"
    name = "nopython-false-ignored"
    severity = Severity.WARNING
    numba_warning = "The keyword argument 'nopython=False' was supplied"
    summary = "nopython=False has no effect since Numba 0.59"
    message = (
        "nopython=False has no effect since Numba 0.59: '{name}' is compiled in nopython "
        "mode anyway; remove the option (or use forceobj=True for object mode)"
    )

    invalid = (
        Example(
            """
            from numba import jit

            @jit(nopython=False)  # expect: NB305
            def f(x):
                return x + 1
            """,
            call="f(1)",
            numba="warns",
        ),
    )
    valid = (
        Example(
            """
            from numba import jit

            @jit
            def f(x):
                return x + 1
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    def check_function(self, function: JitFunction) -> None:
        if self.configurable(function) and function.decorator.option("nopython") is False:
            self.report(self.decorator_node(function), function=function, name=function.name)


class PrangeWithoutParallel(DecoratorRule):
    """
    ## What it does
    Flags `prange(...)` in a jitted function whose decorator does not set `parallel=True`.

    ## Why is this bad?
    Without `parallel=True`, Numba treats `prange` exactly like `range`: the loop runs on
    one thread, silently, and the speed-up the code was written for never happens.

    ## Example
    ```python
    @njit
    def total(a):
        s = 0.0
        for i in prange(a.shape[0]):
            s += a[i]
        return s
    ```

    ## Use instead
    ```python
    @njit(parallel=True)
    def total(a):
        s = 0.0
        for i in prange(a.shape[0]):
            s += a[i]
        return s
    ```

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
    ```python
    @njit(parallel=True)
    def count(n):
        s = 0
        for i in range(n):
            s += i
        return s
    ```

    ## Use instead
    Use `prange` for the loop that should run in parallel, or drop the option:
    ```python
    @njit(parallel=True)
    def count(n):
        s = 0
        for i in prange(n):
            s += i
        return s
    ```

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


class CacheUnusable(DecoratorRule):
    """
    ## What it does
    Flags `cache=True` where Numba cannot cache: on `@stencil`, which rejects the option.

    ## Why is this bad?
    `@stencil` accepts no `cache` option: decorating fails at import time with
    "NumbaValueError: Unknown stencil option cache". A stencil called from an `@njit`
    function is cached with that function instead.

    ## Example
    ```python
    @stencil(cache=True)
    def blur(a):
        return (a[0, 1] + a[1, 0]) / 2
    ```

    ## Use instead
    ```python
    @stencil
    def blur(a):
        return (a[0, 1] + a[1, 0]) / 2

    @njit(cache=True)
    def smooth(a):
        return blur(a)
    ```

    ## Known limitations
    Measured with Numba 0.68.1: `cache=True` works on lambdas, closures and functions of
    `__main__` scripts (their cache files are written and reused), so those are not flagged;
    it fails only for code without a source file (`exec`, `python -c`), which a file linter
    never sees.
    """

    code = "NB304"
    name = "cache-unusable"
    severity = Severity.ERROR
    summary = "cache=True where Numba cannot cache"
    message = "@stencil does not accept cache=True (Numba raises 'Unknown stencil option cache')"

    invalid = (
        Example(
            """
            from numba import stencil

            @stencil(cache=True)  # expect: NB304
            def blur(a):
                return (a[0, 1] + a[1, 0]) / 2
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit, stencil

            @stencil
            def blur(a):
                return (a[0, 1] + a[1, 0]) / 2

            @njit(cache=True)
            def smooth(a):
                return blur(a)
            """,
            call="smooth(np.ones((3, 3)))",
            numba="compiles",
        ),
    )

    def check_function(self, function: JitFunction) -> None:
        decorator = function.decorator
        if (
            function.kind == "stencil"
            and function.form == "decorator"
            and ("cache" in decorator.options or "cache" in decorator.option_sources)
        ):
            self.report(self.decorator_node(function), function=function)


class GeneratedJitRemoved(DecoratorRule):
    """
    ## What it does
    Flags `@generated_jit`.

    ## Why is this bad?
    `numba.generated_jit` was deprecated in 0.57 and removed in 0.59: importing it fails with
    "cannot import name 'generated_jit' from 'numba'", so the whole module no longer imports.

    ## Example
    ```python
    from numba import generated_jit

    @generated_jit
    def zero(x):
        return lambda x: 0
    ```

    ## Use instead
    Write the type dispatch with `@overload` (or branch on types inside one `@njit` function):
    ```python
    from numba.extending import overload

    def zero(x):
        return 0

    @overload(zero)
    def zero_impl(x):
        return lambda x: 0
    ```

    ## Known limitations
    The flagged example's "Numba" outcome is an ImportError at import time (the decorator
    no longer exists), not a compile error.
    """

    code = "NB401"
    name = "generated-jit-removed"
    severity = Severity.ERROR
    summary = "generated_jit was removed in Numba 0.59"
    message = (
        "generated_jit was removed in Numba 0.59 (the import fails); rewrite '{name}' "
        "with @overload"
    )

    invalid = (
        Example(
            """
            from numba import generated_jit

            @generated_jit  # expect: NB401
            def zero(x):
                return lambda x: 0
            """,
            call="zero(1)",
            numba="import-fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit
            from numba.extending import overload

            def zero(x):
                return 0

            @overload(zero)
            def zero_impl(x):
                return lambda x: 0

            @njit
            def use(x):
                return zero(x)
            """,
            call="use(1)",
            numba="compiles",
        ),
    )

    def check_function(self, function: JitFunction) -> None:
        if function.kind == "generated_jit" and function.form == "decorator":
            node: cst.CSTNode = function.node.name
            for decorator in function.node.decorators:
                target = decorator.decorator
                target = target.func if isinstance(target, cst.Call) else target
                if any(n.endswith("generated_jit") for n in self.qualified(target)):
                    node = decorator
            self.report(node, function=function, name=function.name)
