"""NB503: a reduction variable read inside its own prange loop.

Measured with Numba 0.68.1 (`parallel=True`): `s += x[i]; x[i] = s` compiles with no error and
no warning, and the value read is the current thread's partial sum (numba/numba#9829).
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from .base import Example
from .parallel import ParallelRule
from .prange_model import PrangeLoop, descendants, loaded_names_of


def _reduction_operand(statement: cst.Assign, name: str) -> cst.Name | None:
    """In `s = s + e` or `s = max(s, e)`: the `s` operand Numba reads as the reduction."""
    value = statement.value
    if isinstance(value, cst.BinaryOperation):
        for side in (value.left, value.right):
            if isinstance(side, cst.Name) and side.value == name:
                return side
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        if value.func.value in ("min", "max"):
            for argument in value.args:
                if isinstance(argument.value, cst.Name) and argument.value.value == name:
                    return argument.value
    return None


def reductions(loop: PrangeLoop) -> dict[str, set[int]]:
    """Reduction variables of `loop` -> ids of the Name nodes that are the reduction itself
    (update targets and the `s` operand of `s = s + e`): every binding in the body updates it."""
    assignments = {id(node.value): node for node in loop.nodes if isinstance(node, cst.Assign)}
    found: dict[str, set[int]] = {}
    for name, bindings in loop.bound.items():
        if name == loop.index:
            continue
        own: set[int] = set()
        for binding in bindings:
            if isinstance(binding, cst.AugAssign):
                continue
            statement = assignments.get(id(binding))
            operand = _reduction_operand(statement, name) if statement is not None else None
            if operand is None:
                break
            own.add(id(operand))
        else:
            found[name] = own
    return found


def _bound_names(nodes: Iterable[cst.CSTNode]) -> set[int]:
    """The `descendants` of a body -> ids of the Name nodes it binds (assignment and loop
    targets)."""
    targets: list[cst.CSTNode] = []
    for node in nodes:
        if isinstance(node, cst.Assign):
            targets += [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
            targets.append(node.target)
    found: set[int] = set()
    for target in targets:
        if isinstance(target, cst.Name):
            found.add(id(target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            found |= {id(n) for n in descendants(target) if isinstance(n, cst.Name)}
    return found


class PrangeReductionRead(ParallelRule):
    """
    ## What it does
    Flags a read, inside a `prange` loop, of a reduction variable of that loop: a variable
    the loop only updates with `+=`, `-=`, `*=`, ..., `s = s + ...` or `s = max(s, ...)`.

    ## Why is this bad?
    Numba turns each reduction variable into one private copy per thread, starting from the
    operation's neutral value, and combines the copies after the loop. Inside the loop the
    variable holds only the current thread's partial result: code that reads it (to index
    an array, to test a threshold, to store a running total) sees a different value from
    the serial loop, and Numba compiles it without a warning (numba/numba#9829).

    ## Example

    ## Use instead
    Keep the reduction write-only inside the loop; compute running values serially (or with
    `np.cumsum`):
    """

    code = "NB503"
    name = "prange-reduction-read"
    severity = Severity.WARNING
    summary = "reduction variable read inside its prange loop (a per-thread partial value)"
    message = (
        "'{name}' is a reduction of this prange loop: inside the loop it holds only the "
        "current thread's partial result, so reading it here gives a different value from "
        "the serial loop; read it after the loop"
    )

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def running(x):
                s = 0.0
                for i in prange(x.shape[0]):
                    s += x[i]
                    x[i] = s  # expect: NB503
                return s
            """,
            call="running(np.ones(8))",
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
            def running(x):
                s = 0.0
                m = 0.0
                for i in prange(x.shape[0]):
                    s += x[i]
                    m = max(m, x[i])
                    t = 0.0
                    for j in range(i):
                        t += x[j]
                    x[i] = t
                return s, m
            """,
            call="running(np.ones(8))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def running(x):
                s = 0.0
                for i in prange(x.shape[0]):
                    s += x[i]
                return s, np.cumsum(x)
            """,
            call="running(np.ones(8))",
            numba="compiles",
            shown=True,
        ),
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        for loop in loops:
            if not loop.outermost:
                continue
            found = reductions(loop)
            if not found:
                continue
            own = set().union(*found.values()) | _bound_names(loop.nodes)
            for name in loaded_names_of(loop.nodes):
                if name.value in found and id(name) not in own:
                    self.report(
                        name,
                        function=function,
                        cause=self.first_finding(name, name.value),
                        name=name.value,
                    )
