"""NB203, NB206: calls to supported functions with arguments their Numba implementation
does not take.

The registry of the installed Numba (`Knowledge`) says which keywords and how many positional
arguments a typed function accepts; `call_library.CallRule` resolves the call target.
"""

from __future__ import annotations

import libcst as cst

from .base import Example
from .call_library import CallRule, numba_version


class UnsupportedKeyword(CallRule):
    """
    ## What it does
    Flags a keyword argument, in a call from jitted code to a supported library function, that
    none of Numba's implementations of that function accepts (`np.mean(a, axis=0)`).

    ## Why is this bad?
    Numba reimplements NumPy and the standard library, often with fewer parameters than the
    originals. A keyword its implementation does not declare stops compilation with "No
    implementation of function ... found for signature".

    ## Example

    ## Use instead
    Write the reduction out, or call the function without the keyword:

    ## Known limitations
    Only functions implemented with `@overload` declare their parameters; ufuncs and
    functions whose keyword handling is code (`np.argsort`, `print`, `range`, ...) are left to
    the trial compile. A keyword Numba declares can still be rejected for its value's type.
    """

    code = "NB203"
    name = "unsupported-keyword-argument"
    summary = "keyword argument Numba's implementation does not accept"
    message = "`{target}` in numba {version} accepts no keyword `{keyword}` (it takes: {accepted})"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                return np.mean(a, axis=0)  # expect: NB203
            """,
            call="col_means(np.ones((2, 2)))",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def grid(n):
                return np.linspace(0.0, 1.0, n, endpoint=False)  # expect: NB203
            """,
            call="grid(5)",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                return np.mean(a, axis=0)  # expect: NB203
            """,
            call="col_means(np.ones((2, 2)))",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_sums(a):
                return np.sum(a, axis=0), np.zeros(3, dtype=np.int64), sorted([2, 1], reverse=True)
            """,
            call="col_sums(np.ones((2, 2)))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                out = np.empty(a.shape[1])
                for j in range(a.shape[1]):
                    out[j] = np.mean(a[:, j])
                return out
            """,
            call="col_means(np.ones((2, 2)))",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        found = self.overload_call(node)
        if found is None or found[1].parameters is None or self.knowledge is None:
            return
        target, info = found
        knowledge = self.knowledge
        parameters = found[1].parameters
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in parameters:
                self.report(
                    arg,
                    target=target.removeprefix("builtins."),
                    version=numba_version(knowledge),
                    keyword=arg.keyword.value,
                    accepted=", ".join(parameters) or "no parameters",
                )


class TooManyPositional(CallRule):
    """
    ## What it does
    Flags a call, from jitted code to a supported library function, that passes more
    positional arguments than any of Numba's implementations of that function accepts
    (`np.linspace(0, 1, 5, False)`, `np.mean(a, 0)`).

    ## Why is this bad?
    Numba's reimplementations often take fewer parameters than the NumPy originals. Extra
    positional arguments match no implementation and compilation stops with "No
    implementation of function ... found for signature".

    ## Example

    ## Use instead
    Drop the arguments Numba does not support and do that part by hand:

    ## Known limitations
    Only functions implemented with `@overload` declare their parameters; ufuncs and
    functions whose argument handling is code are left to the trial compile.
    """

    code = "NB206"
    name = "too-many-positional-arguments"
    summary = "more positional arguments than Numba's implementation accepts"
    message = (
        "`{target}` in numba {version} takes at most {most} positional argument{plural} "
        "({accepted}); {given} given"
    )
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                return np.mean(a, 0)  # expect: NB206
            """,
            call="col_means(np.ones((2, 2)))",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def grid(n):
                return np.linspace(0.0, 1.0, n, False)  # expect: NB206
            """,
            call="grid(5)",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                return np.mean(a, 0)  # expect: NB206
            """,
            call="col_means(np.ones((2, 2)))",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def f(a):
                return np.sum(a, 0), np.zeros(3, np.int64), np.random.normal(0.0, 1.0, 3)
            """,
            call="f(np.ones((2, 2)))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                out = np.empty(a.shape[1])
                for j in range(a.shape[1]):
                    out[j] = np.mean(a[:, j])
                return out
            """,
            call="col_means(np.ones((2, 2)))",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        found = self.overload_call(node)
        if found is None or found[1].max_positional is None or self.knowledge is None:
            return
        target = found[0]
        most = found[1].max_positional
        given = sum(1 for arg in node.args if arg.keyword is None)
        if given > most:
            self.report(
                node.args[most],
                target=str(target).removeprefix("builtins."),
                version=numba_version(self.knowledge),
                most=most,
                plural="" if most == 1 else "s",
                accepted=", ".join((found[1].parameters or ())[:most]) or "none",
                given=given,
            )
