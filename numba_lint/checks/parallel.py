"""NB501 and the shared base of the prange rules: array elements written by several iterations.

Measured with Numba 0.68.1 (`parallel=True`): `y[i % 4] += x[i]`, `y[:] += x[i]`, `y[0] = ...`,
a dict write and reading a reduction variable inside the loop all compile with no error and no
warning; appending to a reflected list fails in lowering with an empty `AssertionError`. Numba's
parallel documentation says of such writes that "the compiler may not detect such cases and
then a race condition would occur". Only functions with a literal `parallel=True` are checked
(without it `prange` is a serial `range`: NB302); the loop analysis is in `prange_model`, the
other prange rules in `parallel_containers`, `parallel_reductions` and `parallel_loops`.
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from .base import Example
from .decorators import DecoratorRule
from .prange_index import IndexClassifier, Kind, guarded_by_one_iteration, offset
from .prange_model import (
    PrangeLoop,
    code,
    descendants,
    prange_loops,
    root_name,
    statements,
    subscript_chain,
    write_targets,
)

# Calls whose result is a new dict (a subscript write on it may insert a key).
_DICT_MAKERS = ("builtins.dict", ".Dict.empty", ".Dict", ".typeddict.Dict")


class ParallelRule(DecoratorRule):
    """Shared: the prange loops of a function compiled with a literal `parallel=True`."""

    def check_function(self, function: JitFunction) -> None:
        if not self.configurable(function) or function.decorator.option("parallel") is not True:
            return
        # Every prange rule reads the same loops: analysed once per function. The name
        # resolver answers alike for each rule here (the walk has not started).
        shared = self.context.shared
        key = ("prange_loops", function.node)
        loops = shared.get(key)
        if loops is None:
            loops = shared[key] = prange_loops(function.node, self.qualified)
        if loops:
            self.check_loops(function, loops)

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        raise NotImplementedError

    def dict_names(self, function: JitFunction) -> set[str]:
        """Names every binding of which in `function` creates a dict (`{}`, `Dict.empty(...)`)."""
        key = ("dict_names", function.node)
        found = self.context.shared.get(key)
        if found is None:
            found = self.context.shared[key] = self._dict_names(function)
        return set(found)

    def _dict_names(self, function: JitFunction) -> set[str]:
        makes_dict: dict[str, bool] = {}
        for node in descendants(function.node.body):
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                if isinstance(target, cst.Name):
                    is_dict = self._makes_dict(node.value)
                    makes_dict[target.value] = makes_dict.get(target.value, True) and is_dict
        return {name for name, is_dict in makes_dict.items() if is_dict}

    def _makes_dict(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, (cst.Dict, cst.DictComp)):
            return True
        if isinstance(value, cst.Call):
            return any(n.endswith(_DICT_MAKERS) for n in self.qualified(value.func))
        return False


class PrangeSharedWrite(ParallelRule):
    """
    ## What it does
    Flags a write, or an in-place update, inside a `prange` loop to an array element that
    other iterations write too: an index that does not depend on the loop index (`y[0]`,
    `y[j]` for `j` of an inner `range`), a slice or mask (`y[:] += ...`), or an index computed
    from the loop index in a way that sends several iterations to one element (`y[i % 4]`,
    `y[i // 2]`).

    ## Why is this bad?
    The iterations of a `prange` loop run at the same time on several threads. When two of
    them update the same element, one update can overwrite the other: the result changes
    from run to run. Numba compiles this silently; its documentation on `parallel=True` says
    of `y[i % 4] += x[i]` and `y[:] += x[i]` that "the compiler may not detect such cases and
    then a race condition would occur". Scalar accumulations (`s += x[i]`) and whole-array
    ones (`y += x[i]`) are reductions Numba handles correctly; element and slice updates are
    not.

    ## Example

    ## Use instead
    Give each iteration its own element, or accumulate a whole array (a reduction):

    ## Known limitations
    Indices proven different for different iterations are not flagged: the loop index
    itself, `i` plus or minus a value the loop does not change, `2 * i + 1`, a tuple index
    with such an element (`y[i, j]`), and `(i + 1) % n` over `prange(n)`. Indices the rule
    cannot reason about are not flagged either: array loads (`y[idx[i]]`, a permutation is
    fine), inner ranges whose bounds depend on `i` (CSR rows), calls on `i`, and indices
    from `get_thread_id()` (per-thread storage). Arrays created inside the loop body, and
    writes under `if i == ...` (one iteration), are private. Two writes through the loop index
    with different constant offsets (`y[i]` and `y[i + 1]`) are flagged, since neighbouring
    iterations meet (Numba's `prange` accepts only a step of 1); other pairs of one-to-one
    indices are not compared. Writes to one array within one function are one finding that
    lists the other lines.
    """

    code = "NB501"
    name = "prange-shared-write"
    severity = Severity.WARNING
    summary = "array element written by several prange iterations (a data race)"
    message = "{target} is written by several prange iterations: {reason}"

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def histogram(x, y):
                for i in prange(x.shape[0]):
                    y[i % 4] += x[i]  # expect: NB501
                return y

            @njit(parallel=True)
            def spread(x, y):
                for i in prange(x.shape[0]):
                    y[:] += x[i]  # expect: NB501
                    for j in range(y.shape[0]):
                        y[j] = x[i]
                return y

            @njit(parallel=True)
            def last(x, y):
                for i in prange(x.shape[0]):
                    y[0] = x[i]  # expect: NB501
                return y

            @njit(parallel=True)
            def smear(x, y):
                for i in prange(x.shape[0] - 1):
                    y[i] += x[i]
                    y[i + 1] += x[i]  # expect: NB501
                return y
            """,
            call="histogram(np.ones(16), np.zeros(4)); spread(np.ones(8), np.zeros(4));"
            " last(np.ones(8), np.zeros(2)); smear(np.ones(8), np.zeros(8))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def histogram(x, y):
                for i in prange(x.shape[0]):
                    y[i % 4] += x[i]  # expect: NB501
                return y
            """,
            call="histogram(np.ones(16), np.zeros(4))",
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
            def fill(x, y, off):
                for i in prange(x.shape[0]):
                    y[2 * i + 1] = x[i]
                    y[2 * i] = -x[i]
                    z = np.zeros(3)
                    z[0] = x[i]
                    k = i + off
                    y[k - off] += z[0]
                    if i == 0:
                        y[0] = 1.0
                return y

            @njit(parallel=True)
            def rows(a, idx):
                s = np.zeros(a.shape[1])
                for i in prange(a.shape[0]):
                    for j in range(a.shape[1]):
                        a[i, j] = j
                        a[idx[i], j] += 1.0
                    a[(i + 1) % a.shape[0], 0] = 0.0
                    s += a[i]
                return s
            """,
            call="fill(np.ones(4), np.zeros(8), 2);"
            " rows(np.zeros((3, 2)), np.arange(3)[::-1].copy())",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def histogram(x, y):
                for k in prange(4):
                    for i in range(k, x.shape[0], 4):
                        y[k] += x[i]
                return y
            """,
            call="histogram(np.ones(16), np.zeros(4))",
            numba="compiles",
            shown=True,
        ),
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        dicts = self.dict_names(function)  # dict writes: NB502
        for loop in loops:
            if not loop.outermost:
                continue
            classifier = IndexClassifier(loop, self.qualified)
            shifted: dict[tuple[str, int, tuple[str, ...]], tuple[int, cst.Subscript]] = {}
            for small, guards in statements(loop.node.body):
                for target in write_targets(small):
                    root = root_name(target)
                    if root is None or root in loop.bound or root in dicts:
                        continue
                    if guarded_by_one_iteration(list(guards), classifier):
                        continue
                    elements = subscript_chain(target)
                    kinds = [classifier.element(e) for e in elements]
                    if Kind.UNKNOWN not in kinds and Kind.INJECTIVE not in kinds:
                        self._report(function, loop, target, root, kinds)
                    else:
                        self._neighbours(function, loop, target, root, elements, shifted)

    def _neighbours(
        self,
        function: JitFunction,
        loop: PrangeLoop,
        target: cst.Subscript,
        root: str,
        elements: list[cst.SubscriptElement],
        shifted: dict[tuple[str, int, tuple[str, ...]], tuple[int, cst.Subscript]],
    ) -> None:
        """`y[i]` and `y[i + 1]` in one loop: iteration i + 1 writes what iteration i wrote."""
        for position, element in enumerate(elements):
            amount = offset(element, loop.index)
            if amount is None:
                continue
            others = tuple(code(e) for n, e in enumerate(elements) if n != position)
            key = (root, position, others)
            first = shifted.setdefault(key, (amount, target))
            if first[0] != amount:
                apart = abs(amount - first[0])
                reason = (
                    f"'{code(first[1])}' is written in the same loop, so iterations {apart} "
                    "apart write the same element and race (Numba does not detect this)"
                )
                self.report(
                    target,
                    function=function,
                    cause=self.first_finding(target, root),
                    target=f"'{code(target)}'",
                    reason=reason,
                )
            return

    def _report(
        self,
        function: JitFunction,
        loop: PrangeLoop,
        target: cst.Subscript,
        root: str,
        kinds: list[Kind],
    ) -> None:
        if Kind.COLLIDING in kinds:
            reason = (
                f"its index maps different values of the loop index '{loop.index}' to the "
                "same element, so their updates race (Numba does not detect this)"
            )
        else:
            reason = (
                f"its index does not depend on the loop index '{loop.index}', so every "
                "iteration writes the same element(s) and their updates race (Numba does not "
                "detect this)"
            )
        self.report(
            target,
            function=function,
            cause=self.first_finding(target, root),
            target=f"'{code(target)}'",
            reason=reason,
        )
