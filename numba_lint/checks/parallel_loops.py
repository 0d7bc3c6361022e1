"""NB504, NB505: how `prange` loops are written, in functions with a literal `parallel=True`.

Measured with Numba 0.68.1: rebinding a prange index inside its loop (`i = i + 1`, `i += 1`, an
inner `for i in range(...)`) fails in the "convert to parfors" step with
"UnsupportedRewriteError: Overwrite of parallel loop index", also for an inner prange's index;
a `prange` nested in another compiles silently and runs as a serial `range`.
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from .base import Example
from .parallel import ParallelRule
from .prange_model import PrangeLoop


def _target_names(target: cst.BaseExpression) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def rebindings(loop: PrangeLoop) -> list[cst.Name]:
    """The Name nodes in `loop`'s body that bind its index again."""
    found: list[cst.Name] = []
    for node in loop.nodes:
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
            targets = [node.target]
        for target in targets:
            found += [n for n in _target_names(target) if n.value == loop.index]
    return found


class PrangeIndexRebound(ParallelRule):
    """
    ## What it does
    Flags an assignment to a `prange` loop's index inside that loop: `i = ...`, `i += 1`, or
    an inner loop that reuses the name (`for i in range(...)`).

    ## Why is this bad?
    Numba rejects it when the function is compiled with `parallel=True`: compilation stops
    with "UnsupportedRewriteError: Overwrite of parallel loop index", pointing at the
    `prange` line rather than at the assignment.

    ## Example

    ## Use instead
    Use a new name for the derived index:
    """

    code = "NB504"
    name = "prange-index-rebound"
    severity = Severity.ERROR
    summary = "prange loop index assigned inside its loop (Numba rejects it)"
    message = (
        "the prange index '{index}' is assigned inside its loop: Numba fails with "
        "'Overwrite of parallel loop index'; use another name"
    )

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def shift(a):
                for i in prange(a.shape[0] - 1):
                    i += 1  # expect: NB504
                    a[i] = 0.0
                return a
            """,
            call="shift(np.ones(4))",
            numba="fails",
            shown=True,
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def grid(a):
                for i in prange(a.shape[0]):
                    for i in range(a.shape[1]):  # expect: NB504
                        a[0, i] = 1.0
                return a
            """,
            call="grid(np.ones((2, 2)))",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def shift(a):
                for i in prange(a.shape[0] - 1):
                    k = i + 1
                    a[k] = 0.0
                i = 0
                return a, i
            """,
            call="shift(np.ones(4))",
            numba="compiles",
            shown=True,
        ),
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        for loop in loops:
            for name in rebindings(loop):
                self.report(name, function=function, index=loop.index)


class NestedPrange(ParallelRule):
    """
    ## What it does
    Flags a `prange` loop nested inside another `prange` loop, once per outer loop.

    ## Why is this bad?
    Only the outermost `prange` of a nest runs in parallel; Numba's parallel documentation
    says the inner ones "are treated as standard range based loops". Nothing is wrong with
    the result, but the inner `prange` suggests parallelism that does not happen, and code
    written to be safe only for a serial inner loop can become a race if the loops are ever
    swapped.

    ## Example

    ## Use instead
    """

    code = "NB505"
    name = "nested-prange"
    severity = Severity.INFO
    summary = "prange nested in another prange runs serially"
    message = (
        "this prange is nested in the prange loop at line {line}: only the outermost prange "
        "runs in parallel, this one (and any other inside it) runs as a serial range"
    )

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def scale(a):
                for i in prange(a.shape[0]):
                    for j in prange(a.shape[1]):  # expect: NB505
                        a[i, j] *= 2.0
                    for j in prange(a.shape[1]):
                        a[i, j] += 1.0
                return a
            """,
            call="scale(np.ones((2, 3)))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def scale(a):
                for i in prange(a.shape[0]):
                    for j in prange(a.shape[1]):  # expect: NB505
                        a[i, j] *= 2.0
                return a
            """,
            call="scale(np.ones((2, 3)))",
            numba="compiles",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def scale(a):
                for i in prange(a.shape[0]):
                    for j in range(a.shape[1]):
                        a[i, j] *= 2.0
                for i in prange(a.shape[0]):
                    a[i, 0] += 1.0
                return a
            """,
            call="scale(np.ones((2, 3)))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def scale(a):
                for i in prange(a.shape[0]):
                    for j in range(a.shape[1]):
                        a[i, j] *= 2.0
                return a
            """,
            call="scale(np.ones((2, 3)))",
            numba="compiles",
            shown=True,
        ),
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        outer: PrangeLoop | None = None
        reported = False
        for loop in loops:
            if loop.outermost:
                outer, reported = loop, False
            elif outer is not None and not reported:
                reported = True
                line = self.context.parsed.line_of(outer.node)
                self.report(loop.node.iter, function=function, line=line)
