"""NB113, NB117: statements about names nopython mode rejects (`del name`, writing a `global`).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

import libcst as cst

from ..walk import walk
from .base import Example
from .rule_bases import ProbedSyntaxRule


class DelName(ProbedSyntaxRule):
    """
    ## What it does
    Flags `del name` (deleting a local variable) in jitted code.

    ## Why is this bad?
    Numba's IR has no way to delete a variable: compilation stops with "Illegal IR, del found".

    ## Example

    ## Use instead
    Let the variable go out of scope, or rebind it:

    ## Known limitations
    `del container[key]` is not flagged: whether it works depends on the container type.
    """

    code = "NB113"
    name = "del-variable"
    summary = "`del` of a local variable in jitted code"
    message = "`del {name}` is not supported in nopython mode: rebind or drop the variable"
    probes = ("del-local",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                tmp = a * 2
                del tmp  # expect: NB113
                return a
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
                tmp = [a, a * 2]
                del tmp[0]
                return tmp[0]
            """,
            call="f(1)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                tmp = a * 2
                return a
            """,
            call="f(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else None
        names = [e.value for e in targets] if targets is not None else [node.target]
        for target in names:
            if isinstance(target, cst.Name) and self.active():
                self.report(target, name=target.value)


class GlobalWrite(ProbedSyntaxRule):
    """
    ## What it does
    Flags `global name` in jitted code when the function assigns to that name.

    ## Why is this bad?
    Numba freezes global values at compile time and cannot write to module globals
    (unsupported opcode STORE_GLOBAL).

    ## Example

    ## Use instead
    Return the new value, or keep mutable state in an array passed as an argument.
    """

    code = "NB117"
    name = "global-assignment"
    summary = "assignment to a module global from jitted code"
    message = "assigning the global `{name}` is not supported in nopython mode"
    probes = ("global-write",)
    invalid = (
        Example(
            """
            from numba import njit

            counter = 0

            @njit
            def bump(a):
                global counter  # expect: NB117
                counter = a
                return a
            """,
            call="bump(1)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            scale = 2

            @njit
            def scaled(a):
                global scale
                return a * scale
            """,
            call="scaled(1)",
            numba="compiles",
        ),
    )

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._functions: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._functions and self._functions[-1] is original_node:
            self._functions.pop()

    def visit_Global(self, node: cst.Global) -> None:
        if not self._functions or not self.active():
            return
        declared = {item.name.value for item in node.names}
        assigned = _assigned_names(self._functions[-1]) & declared
        if assigned:
            self.report(node, name=", ".join(sorted(assigned)))


class _AssignedNames(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def _collect(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._collect(element.value)
        elif isinstance(target, cst.StarredElement):
            self._collect(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._collect(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._collect(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._collect(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._collect(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's assignments belong to it


def _assigned_names(function: cst.FunctionDef) -> set[str]:
    collector = _AssignedNames()
    walk(function.body, collector)
    return collector.names
