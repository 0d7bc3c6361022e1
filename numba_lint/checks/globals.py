"""NB130, NB131: module-level containers jitted code cannot use as it does; and `GlobalRule`, the
base of the rules about module-level names (NB103 in class_instantiation.py, NB205 in
call_globals.py).

Names resolve through the module's `names.Names` and the project's module-level bindings
(`ProjectFacts.bindings`): a function imported from another checked module counts as jitted when
that module's jit index says so. Anything that leads outside the checked modules (third-party
code, unparsed files) is left alone: these rules never guess.
"""

from __future__ import annotations

import libcst as cst

from .. import bindings as kinds
from ..diagnostic import Severity
from ..jit_index import absolute_name
from .base import Example
from .rule_bases import NopythonRule


class GlobalRule(NopythonRule):
    """Shared resolution: what a name in jitted code is bound to at module level."""

    def binding(self, node: cst.BaseExpression) -> str | None:
        """The one kind every qualified name of `node` resolves to, or None (asked by several
        rules about the same names: answered once per node)."""
        answers = self.context.bindings_seen
        if node in answers:
            return answers[node]
        answers[node] = kind = self._binding(node)
        return kind

    def _binding(self, node: cst.BaseExpression) -> str | None:
        resolver = self.context.parsed.names
        if type(node) is cst.Name and resolver.is_local(node):
            return None  # a local of the jitted function (most names): bound to no module name
        names = resolver.qualified_names(node)
        if not names:
            return None
        project = self.context.project
        parsed = self.context.parsed
        found = {
            project.resolve(parsed.module_name, absolute_name(name.name, parsed)) for name in names
        }
        if len(found) != 1:
            return None
        (kind,) = found
        return kind

    def registered(self, node: cst.BaseExpression) -> bool:
        name = node.attr.value if isinstance(node, cst.Attribute) else getattr(node, "value", "")
        return self.context.project.is_registered(name)

    def plain_callee(self, node: cst.Call, kind: str) -> str | None:
        """The source of the call's function when jitted code calls a module-level name bound
        to `kind` (a plain function, a plain class) that no extension registers; else None."""
        if not self.in_nopython() or not isinstance(node.func, (cst.Name, cst.Attribute)):
            return None
        if self.binding(node.func) != kind or self.registered(node.func):
            return None
        return self.context.parsed.module.code_for_node(node.func)


class GlobalMutableContainer(GlobalRule):
    """
    ## What it does
    Flags a module-level list, dict or set (a literal, a comprehension or `list()`/`dict()`/
    `set()`) that jitted code reads or writes.

    ## Why is this bad?
    Numba treats globals as compile-time constants and has no way to freeze a mutable Python
    container: a global list or set fails with "The use of a reflected list ... assigned to
    variable 'X' in globals, is not supported", a global dict with "Untyped global name".

    ## Example

    ## Use instead
    Use a tuple or a NumPy array for constants, or pass the container as an argument:

    ## Known limitations
    Only names bound once, to a container, are flagged; a name rebound elsewhere in the
    module is left to the trial compile. The uses of one global in one jitted function are one
    finding, which lists the other lines.
    """

    code = "NB130"
    name = "global-mutable-container"
    severity = Severity.ERROR
    summary = "module-level list, dict or set used in jitted code"
    message = (
        "'{global_name}' is a module-level {what}: Numba freezes globals as constants and cannot "
        "use a mutable container; use a tuple or an array, or pass it as an argument"
    )

    invalid = (
        Example(
            """
            from numba import njit

            WEIGHTS = [0.2, 0.3, 0.5]
            TABLE = {1: 2.0}

            @njit
            def score(i):
                return WEIGHTS[i]  # expect: NB130

            @njit
            def lookup(k):
                return TABLE[k]  # expect: NB130
            """,
            call="score(0)",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            SEEN = set()

            @njit
            def known(k):
                return k in SEEN  # expect: NB130
            """,
            call="known(0)",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            WEIGHTS = [0.2, 0.3, 0.5]

            @njit
            def score(i):
                return WEIGHTS[i]  # expect: NB130
            """,
            call="score(0)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            WEIGHTS = (0.2, 0.3, 0.5)
            TABLE = np.array([1.0, 2.0])

            @njit
            def score(i):
                WEIGHTS_LOCAL = [1.0, 2.0]
                return WEIGHTS[i] + TABLE[i] + WEIGHTS_LOCAL[i]
            """,
            call="score(0)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit

            WEIGHTS = (0.2, 0.3, 0.5)

            @njit
            def score(i):
                return WEIGHTS[i]
            """,
            call="score(0)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Name(self, node: cst.Name) -> None:
        if not self.in_nopython():
            return
        if self.binding(node) == kinds.MUTABLE_CONTAINER:
            cause = self.first_finding(node, node.value)
            self.report(node, global_name=node.value, what="mutable container", cause=cause)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # module.CONSTANT: the Name visit never sees the qualified attribute.
        if not self.in_nopython() or not isinstance(node.value, (cst.Name, cst.Attribute)):
            return
        if self.binding(node) == kinds.MUTABLE_CONTAINER:
            name = self.context.parsed.module.code_for_node(node)
            cause = self.first_finding(node, name)
            self.report(node, global_name=node.attr.value, what="mutable container", cause=cause)


class GlobalArrayWrite(GlobalRule):
    """
    ## What it does
    Flags a write, inside jitted code, into a NumPy array bound at module level
    (`A[i] = v`, `A[i] += v`, `A.fill(v)`).

    ## Why is this bad?
    Numba freezes a global array into the compiled code as a read-only constant. Writing to it
    fails with "No implementation of function setitem(readonly array(...), ...)", and a
    change made by Python after compilation is never seen by the jitted function.

    ## Example

    ## Use instead
    Pass the array as an argument; it is then a normal, writable array:

    ## Known limitations
    Only direct writes through the global's own name are seen (not through a local alias).
    The writes into one global in one jitted function are one finding, which lists the other
    lines.
    """

    code = "NB131"
    name = "global-array-write"
    severity = Severity.ERROR
    summary = "write into a module-level array from jitted code"
    message = (
        "'{global_name}' is a module-level array: Numba makes it a read-only constant; "
        "pass it as an argument to write into it"
    )

    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            COUNTS = np.zeros(10)

            @njit
            def bump(i):
                COUNTS[i] += 1  # expect: NB131
                COUNTS[0] = 0.0
                return COUNTS[i]
            """,
            call="bump(3)",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            COUNTS = np.zeros(10)

            @njit
            def bump(i):
                COUNTS[i] += 1  # expect: NB131
            """,
            call="bump(3)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            COUNTS = np.zeros(10)

            @njit
            def bump(counts, i):
                counts[i] += 1
                return COUNTS[i] + counts[i]
            """,
            call="bump(np.zeros(10), 3)",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            COUNTS = np.zeros(10)

            @njit
            def bump(counts, i):
                counts[i] += 1
            """,
            call="bump(COUNTS, 3)",
            numba="compiles",
            shown=True,
        ),
    )

    def _check_target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript) and isinstance(
            target.value, (cst.Name, cst.Attribute)
        ):
            if self.binding(target.value) == kinds.ARRAY:
                self._report_write(target, target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._check_target(element.value)

    @staticmethod
    def _name(node: cst.BaseExpression) -> str:
        return node.attr.value if isinstance(node, cst.Attribute) else getattr(node, "value", "")

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.in_nopython():
            for target in node.targets:
                self._check_target(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self.in_nopython():
            self._check_target(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not self.in_nopython() or not isinstance(func, cst.Attribute):
            return
        if (
            func.attr.value == "fill"
            and isinstance(func.value, (cst.Name, cst.Attribute))
            and self.binding(func.value) == kinds.ARRAY
        ):
            self._report_write(node, func.value)

    def _report_write(self, node: cst.CSTNode, array: cst.BaseExpression) -> None:
        cause = self.first_finding(node, self.context.parsed.module.code_for_node(array))
        self.report(node, global_name=self._name(array), cause=cause)
