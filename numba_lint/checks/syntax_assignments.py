"""NB125, NB128: assignment forms nopython mode rejects (starred targets, `:=`).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from .base import Example
from .rule_bases import ProbedSyntaxRule


class StarredAssignment(ProbedSyntaxRule):
    """
    ## What it does
    Flags starred targets in assignments and `for` loops (`first, *rest = t`) in jitted code.

    ## Why is this bad?
    Nopython mode does not implement extended unpacking (unsupported opcode UNPACK_EX).

    ## Example

    ## Use instead
    Index or slice: `first = t[0]`, `rest = t[1:]`.
    """

    code = "NB125"
    name = "starred-assignment"
    summary = "extended unpacking (`a, *rest = ...`) in jitted code"
    message = "starred assignment targets are not supported in nopython mode: index or slice"
    probes = ("starred-assignment",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def head(a):
                t = (a, a, a)
                first, *rest = t  # expect: NB125
                return first
            """,
            call="head(1)",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def head(t):
                first, *rest = t  # expect: NB125
                return first
            """,
            call="head((1, 2, 3))",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def head(a):
                t = (a, a, a)
                first, rest = t[0], t[1:]
                return first + len(rest)
            """,
            call="head(1)",
            numba="compiles",
        ),
    )

    def _check(self, target: cst.BaseExpression, probe: str) -> None:
        if isinstance(target, (cst.Tuple, cst.List)) and any(
            isinstance(element, cst.StarredElement) for element in target.elements
        ):
            if self.active(probe):
                self.report(target)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._check(node.target, "starred-assignment")

    def visit_For(self, node: cst.For) -> None:
        self._check(node.target, "starred-for-target")

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._check(node.target, "starred-for-target")


class Walrus(ProbedSyntaxRule):
    """
    ## What it does
    Flags assignment expressions (`:=`) in jitted code.

    ## Why is this bad?
    With this Numba and Python, typing often fails on the variable an assignment expression
    binds ("Type of variable ... cannot be determined"), for example in `if (n := f(a)) > 1:`
    and `while (n := n - 1) > 0:`.

    ## Example

    ## Use instead
    Assign on its own line:

    ## Known limitations
    Some assignment expressions do compile (`x = (y := 3)`), so this rule is a warning and is
    off unless selected.
    """

    code = "NB128"
    name = "assignment-expression"
    severity = Severity.WARNING
    default_enabled = False
    summary = "assignment expression (`:=`) in jitted code"
    message = "assignment expressions often fail to type in nopython mode: assign separately"
    probes = ("walrus-if", "walrus-expression")
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                if (b := a + 1) > 1:  # expect: NB128
                    return b
                return 0
            """,
            call="f(1)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                b = a + 1
                if b > 1:
                    return b
                return 0
            """,
            call="f(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if self.active():
            self.report(node)
