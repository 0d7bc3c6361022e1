"""NB501-NB503: data races in `prange` loops that Numba compiles without a word.

Measured with Numba 0.68.1 (`parallel=True`): `y[i % 4] += x[i]`, `y[:] += x[i]`, `y[0] = ...`,
a dict write and reading a reduction variable inside the loop all compile with no error and no
warning; appending to a reflected list fails in lowering with an empty `AssertionError`. Numba's
parallel documentation says of such writes that "the compiler may not detect such cases and
then a race condition would occur". Only functions with a literal `parallel=True` are checked
(without it `prange` is a serial `range`: NB302); the loop analysis is in `prange_model`.
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from ..jit_index import JitFunction
from .base import Example
from .decorators import DecoratorRule
from .prange_model import (
    IndexClassifier,
    Kind,
    PrangeLoop,
    code,
    descendants,
    guarded_by_one_iteration,
    loaded_names,
    prange_loops,
    root_name,
    statements,
    subscript_chain,
)

# Methods that change a list, set, dict or heap in place.
_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "add",
        "discard",
        "update",
        "setdefault",
        "popitem",
        "reverse",
    }
)
_HEAPQ = frozenset({"heappush", "heappop", "heapify", "heapreplace", "heappushpop"})
# Calls whose result is a new dict (a subscript write on it may insert a key).
_DICT_MAKERS = ("builtins.dict", ".Dict.empty", ".Dict", ".typeddict.Dict")


class ParallelRule(DecoratorRule):
    """Shared: the prange loops of a function compiled with a literal `parallel=True`."""

    def check_function(self, function: JitFunction) -> None:
        if not self.configurable(function) or function.decorator.option("parallel") is not True:
            return
        loops = prange_loops(function.node, self.qualified)
        if loops:
            self.check_loops(function, loops)

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        raise NotImplementedError

    def dict_names(self, function: JitFunction) -> set[str]:
        """Names every binding of which in `function` creates a dict (`{}`, `Dict.empty(...)`)."""
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


def _write_targets(small: cst.BaseSmallStatement) -> list[cst.Subscript]:
    """The subscripts a statement writes (`y[0] = ...`, `y[k] += ...`, `y[0], y[1] = ...`)."""
    targets: list[cst.BaseExpression]
    if isinstance(small, cst.Assign):
        targets = [t.target for t in small.targets]
    elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
        targets = [small.target]
    else:
        return []
    found: list[cst.Subscript] = []
    while targets:
        target = targets.pop(0)
        if isinstance(target, cst.Subscript):
            found.append(target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(element.value for element in target.elements)
    return found


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
    ```python
    @njit(parallel=True)
    def histogram(x, y):
        for i in prange(x.shape[0]):
            y[i % 4] += x[i]
        return y
    ```

    ## Use instead
    Give each iteration its own element, or accumulate a whole array (a reduction):
    ```python
    @njit(parallel=True)
    def histogram(x, y):
        for k in prange(4):
            for i in range(k, x.shape[0], 4):
                y[k] += x[i]
        return y
    ```

    ## Known limitations
    Indices proven different for different iterations are not flagged: the loop index
    itself, `i` plus or minus a value the loop does not change, `2 * i + 1`, a tuple index
    with such an element (`y[i, j]`), and `(i + 1) % n` over `prange(n)`. Indices the rule
    cannot reason about are not flagged either: array loads (`y[idx[i]]`, a permutation is
    fine), inner ranges whose bounds depend on `i` (CSR rows), calls on `i`, and indices
    from `get_thread_id()` (per-thread storage). Arrays created inside the loop body, and
    writes under `if i == ...` (one iteration), are private. Writes to one array within one
    function are one finding that lists the other lines.
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
            """,
            call="histogram(np.ones(16), np.zeros(4)); spread(np.ones(8), np.zeros(4));"
            " last(np.ones(8), np.zeros(2))",
            numba="compiles",
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
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        dicts = self.dict_names(function)  # dict writes: NB502
        for loop in loops:
            if not loop.outermost:
                continue
            classifier = IndexClassifier(loop, self.qualified)
            for small, guards in statements(loop.node.body):
                for target in _write_targets(small):
                    root = root_name(target)
                    if root is None or root in loop.bound or root in dicts:
                        continue
                    kinds = [classifier.element(e) for e in subscript_chain(target)]
                    if Kind.INJECTIVE in kinds or Kind.UNKNOWN in kinds:
                        continue
                    if guarded_by_one_iteration(list(guards), classifier):
                        continue
                    self._report(function, loop, target, root, kinds)

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
    ```python
    @njit(parallel=True)
    def positives(x):
        found = List.empty_list(types.float64)
        for i in prange(x.shape[0]):
            if x[i] > 0:
                found.append(x[i])
        return found
    ```

    ## Use instead
    Write into an array with one element per iteration, then collect serially:
    ```python
    @njit(parallel=True)
    def positives(x):
        keep = np.zeros(x.shape[0], dtype=np.bool_)
        for i in prange(x.shape[0]):
            keep[i] = x[i] > 0
        return x[keep]
    ```

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
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        dicts = self.dict_names(function)
        for loop in loops:
            if not loop.outermost:
                continue
            for node in descendants(loop.node.body):
                self._check_call(function, loop, node)
            for small, _ in statements(loop.node.body):
                for target in _write_targets(small):
                    root = root_name(target)
                    if root in dicts and root not in loop.bound:
                        self._flag(function, loop, target, root, "gets keys written")

    def _check_call(self, function: JitFunction, loop: PrangeLoop, node: cst.CSTNode) -> None:
        if not isinstance(node, cst.Call):
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS:
            receiver = func.value
            if isinstance(receiver, cst.Name) and receiver.value not in loop.bound:
                action = f"is changed (.{func.attr.value})"
                self._flag(function, loop, node, receiver.value, action)
            return
        names = self.qualified(func)
        if node.args and any(n.startswith("heapq.") and n[6:] in _HEAPQ for n in names):
            heap = node.args[0].value
            if isinstance(heap, cst.Name) and heap.value not in loop.bound:
                self._flag(function, loop, node, heap.value, "is changed (heapq)")

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
    assignments = {
        id(node.value): node for node in descendants(loop.node.body) if isinstance(node, cst.Assign)
    }
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


def _bound_names(body: cst.CSTNode) -> set[int]:
    """Ids of the Name nodes a body binds (assignment and loop targets)."""
    targets: list[cst.CSTNode] = []
    for node in descendants(body):
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
    ```python
    @njit(parallel=True)
    def running(x):
        s = 0.0
        for i in prange(x.shape[0]):
            s += x[i]
            x[i] = s
        return s
    ```

    ## Use instead
    Keep the reduction write-only inside the loop; compute running values serially (or with
    `np.cumsum`):
    ```python
    @njit(parallel=True)
    def running(x):
        s = 0.0
        for i in prange(x.shape[0]):
            s += x[i]
        return s, np.cumsum(x)
    ```
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
    )

    def check_loops(self, function: JitFunction, loops: list[PrangeLoop]) -> None:
        for loop in loops:
            if not loop.outermost:
                continue
            found = reductions(loop)
            if not found:
                continue
            own = set().union(*found.values()) | _bound_names(loop.node.body)
            for name in loaded_names(loop.node.body):
                if name.value in found and id(name) not in own:
                    self.report(
                        name,
                        function=function,
                        cause=self.first_finding(name, name.value),
                        name=name.value,
                    )
