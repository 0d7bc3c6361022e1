"""NB502: lists, sets, dicts and heaps changed by every iteration of a prange loop.

Measured with Numba 0.68.1 (`parallel=True`): appending to a reflected list inside `prange`
fails in lowering with a bare `AssertionError` that names no line; a typed list, a set or a dict
changed there compiles silently and races. Numba's parallel documentation: such containers are
not thread-safe.
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from .base import Example
from .parallel import ParallelRule
from .prange_model import (
    CONTAINER_MUTATORS,
    PrangeLoop,
    root_name,
    statements,
    write_targets,
)

_HEAPQ = frozenset({"heappush", "heappop", "heapify", "heapreplace", "heappushpop"})


class PrangeContainerMutation(ParallelRule):
    """
    ## What it does
    Flags, inside a `prange` loop, a call that changes a list, set, dict or heap created
    outside the loop (`.append`, `.extend`, `.insert`, `.add`, `.pop`, `.update`,
    `heapq.heappush`, ...), and a key written into a dict the function created outside the
    loop (`d[k] = v`).

    ## Why is this bad?
    Lists, sets and dicts are not thread-safe: Numba's parallel documentation warns that
    mutating them from `prange` iterations may corrupt them or crash with an access
    violation. With a reflected list, Numba 0.68.1 fails to compile the loop with a bare
    `AssertionError` that names no line; a typed list or a dict compiles silently and races.

    ## Example

    ## Use instead
    Write into an array with one element per iteration, then collect serially:

    ## Known limitations
    The receiver's type is not known statically: any of these method names called on a name
    bound outside the loop is flagged (a jitclass method called `add` or `update` on a
    shared object too, which races the same way). Dict key writes are flagged only for
    dicts created in the same function. Containers created inside the loop body are private
    to the iteration and are not flagged.
    """

    code = "NB502"
    name = "prange-container-mutation"
    severity = Severity.WARNING
    summary = "list, set or dict shared by prange iterations is mutated (not thread-safe)"
    message = (
        "'{container}' is created outside this prange loop and {action} by every iteration "
        "at once: lists, sets and dicts are not thread-safe (corrupted results or a crash); "
        "write into an array indexed by '{index}' instead"
    )

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange, types
            from numba.typed import List

            @njit(parallel=True)
            def positives(x):
                found = List.empty_list(types.float64)
                for i in prange(x.shape[0]):
                    if x[i] > 0:
                        found.append(x[i])  # expect: NB502
                return found

            @njit(parallel=True)
            def index(x):
                where = {}
                for i in prange(x.shape[0]):
                    where[x[i]] = 2 * x[i]  # expect: NB502
                return where
            """,
            call="positives(np.ones(8)); index(np.arange(5))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange, types
            from numba.typed import List

            @njit(parallel=True)
            def positives(x):
                found = List.empty_list(types.float64)
                for i in prange(x.shape[0]):
                    if x[i] > 0:
                        found.append(x[i])  # expect: NB502
                return found
            """,
            call="positives(np.ones(8))",
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
            def positives(x):
                keep = np.zeros(x.shape[0], dtype=np.bool_)
                for i in prange(x.shape[0]):
                    local = [0.0]
                    local.append(x[i])
                    keep[i] = local[1] > 0
                return x[keep]
            """,
            call="positives(np.ones(8))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def positives(x):
                keep = np.zeros(x.shape[0], dtype=np.bool_)
                for i in prange(x.shape[0]):
                    keep[i] = x[i] > 0
                return x[keep]
            """,
            call="positives(np.ones(8))",
            numba="compiles",
            shown=True,
        ),
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        dicts = self.dict_names(function)
        for loop in loops:
            if not loop.outermost:
                continue
            for node in loop.nodes:
                self._check_call(function, loop, node)
            for small, _ in statements(loop.node.body):
                for target in write_targets(small):
                    root = root_name(target)
                    if root in dicts and root not in loop.bound:
                        self._flag(function, loop, target, root, "gets keys written")

    def _check_call(self, function: JitFunction, loop: PrangeLoop, node: cst.CSTNode) -> None:
        if not isinstance(node, cst.Call):
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CONTAINER_MUTATORS:
            receiver = func.value
            if self._shared_local(receiver, loop):
                assert isinstance(receiver, cst.Name)
                action = f"is changed (.{func.attr.value})"
                self._flag(function, loop, node, receiver.value, action)
            return
        names = self.qualified(func)
        if node.args and any(n.startswith("heapq.") and n[6:] in _HEAPQ for n in names):
            heap = node.args[0].value
            if self._shared_local(heap, loop):
                assert isinstance(heap, cst.Name)
                self._flag(function, loop, node, heap.value, "is changed (heapq)")

    def _shared_local(self, node: cst.BaseExpression, loop: PrangeLoop) -> bool:
        """A parameter or local of the function that the loop body does not bind: one object
        for every iteration (`np` in `np.add(...)` is a module, never a shared container)."""
        if not isinstance(node, cst.Name) or node.value in loop.bound or self.function is None:
            return False
        names = self.context.parsed.names
        # check_function runs with the scope around the def current: ask the def's own scope.
        return names.is_local(node, names.scope_of(self.function.node))

    def _flag(
        self, function: JitFunction, loop: PrangeLoop, node: cst.CSTNode, name: str, action: str
    ) -> None:
        self.report(
            node,
            function=function,
            cause=self.first_finding(node, name),
            container=name,
            action=action,
            index=loop.index,
        )
