"""A module's factory functions that return a def they jit -> the module-level names bound to
their result (`def make(): ...; return njit(nogil=True)(_impl)`, then `fast = make()`).

Read by signatures.plan_module from the source alone: the def nested in the factory has no
module-level name of its own, so it is checked through these names (their call sites, and the
dispatcher the skeleton's `fast = make()` leaves in the module).
"""

from __future__ import annotations

import libcst as cst

from ...jit_index import JitFunction


def _returned_names(factory: cst.FunctionDef, inner: str) -> bool:
    """Whether the factory's own body returns `inner` jitted: a `return` whose value reads the
    def's name (`return njit(f)`, `return njit(sig)(f)`), or a name assigned from such a call
    (`fast = njit(f)` ... `return fast`)."""
    carrying = {inner}
    returned = False

    class Visitor(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is factory  # nested defs return for themselves

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Assign(self, node: cst.Assign) -> None:
            if isinstance(node.value, cst.Call) and _reads_any(node.value, carrying):
                for target in node.targets:
                    if isinstance(target.target, cst.Name):
                        carrying.add(target.target.value)

        def visit_Return(self, node: cst.Return) -> None:
            nonlocal returned
            value = node.value
            if isinstance(value, cst.Name) and value.value in carrying:
                returned = True
            elif isinstance(value, cst.Call) and _reads_any(value, carrying):
                returned = True

    factory.visit(Visitor())
    return returned


def _reads_any(node: cst.CSTNode, names: set[str]) -> bool:
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name) and current.value in names:
            return True
        pending.extend(current.children)
    return False


def factory_bindings(module: cst.Module, functions: list[JitFunction]) -> dict[str, list[str]]:
    """qualname of a def jitted inside a module-level factory -> the module-level names bound
    to that factory's result (`fast = make(...)`), in source order."""
    factories = {
        statement.name.value: statement
        for statement in module.body
        if isinstance(statement, cst.FunctionDef)
    }
    bound: dict[str, list[str]] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target, value = small.targets[0].target, small.value
            if (
                isinstance(target, cst.Name)
                and isinstance(value, cst.Call)
                and isinstance(value.func, cst.Name)
                and value.func.value in factories
            ):
                bound.setdefault(value.func.value, []).append(target.value)
    found: dict[str, list[str]] = {}
    for function in functions:
        factory, _, inner = function.qualname.partition(".")
        if (
            function.form == "call"
            and function.dispatcher_name is None
            and inner == function.name
            and factory in bound
            and _returned_names(factories[factory], function.name)
        ):
            found[function.qualname] = bound[factory]
    return found
