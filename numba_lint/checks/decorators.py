"""NB301, NB304, NB305, NB401: decorator options that do not do what the user asked for; and
`DecoratorRule`, the base of the decorator rules (the `parallel=True` ones live in
decorators_parallel.py).

Measured with Numba 0.68.1: `forceobj=True` compiles silently in object mode; `nopython=False`
is ignored with a NumbaDeprecationWarning (the function is still compiled in nopython mode);
`generated_jit` no longer exists. `cache=True` works for lambdas, closures and `__main__`
scripts in 0.68.1 and fails only for code with no source file (never seen here) and on
`@stencil`, which rejects the option.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from .base import Example, StaticRule

_JIT_KINDS = frozenset({"jit", "njit"})


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

    ## Use instead
    Remove the option and fix what nopython mode rejects; keep only the parts that truly need
    Python inside `with objmode(...)`:

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
            shown=True,
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
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def total(values):
                return values.sum()
            """,
            call="total(np.array([1, 2, 3]))",
            numba="compiles",
            shown=True,
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

    ## Use instead
    Remove the option; if the function really needs object mode, say so with
    `forceobj=True` or move the Python-only part into `with objmode(...)`:
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
            shown=True,
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
        Example(
            """
            from numba import jit

            @jit
            def f(x):
                return x + 1
            """,
            call="f(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def check_function(self, function: JitFunction) -> None:
        if self.configurable(function) and function.decorator.option("nopython") is False:
            self.report(self.decorator_node(function), function=function, name=function.name)


class CacheUnusable(DecoratorRule):
    """
    ## What it does
    Flags `cache=True` where Numba cannot cache: on `@stencil`, which rejects the option.

    ## Why is this bad?
    `@stencil` accepts no `cache` option: decorating fails at import time with
    "NumbaValueError: Unknown stencil option cache". A stencil called from an `@njit`
    function is cached with that function instead.

    ## Example

    ## Use instead

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
            shown=True,
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
            shown=True,
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

    ## Use instead
    Write the type dispatch with `@overload` (or branch on types inside one `@njit` function):

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
            shown=True,
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
            shown=True,
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
