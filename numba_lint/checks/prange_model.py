"""What a `prange` loop's body does with the names and arrays it shares between iterations.

Read by the NB5xx rules (`parallel*.py`) for functions compiled with a literal `parallel=True`;
only the outermost `prange` of a nest runs in parallel, so that is the loop analysed. Everything
here reads the CST of one function; nothing is imported or run. Whether two iterations can write
one element is `prange_index`'s question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from ..walk import walk

PRANGE = frozenset({"numba.prange", "numba.misc.special.prange"})

# Resolves an expression to the qualified names it may stand for (the rule's name resolver).
Qualify = Callable[[cst.BaseExpression], set[str]]

_NOT_ENTERED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Methods that change a list, set, dict or heap in place.
CONTAINER_MUTATORS = frozenset(
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
# Methods that change their receiver's contents (arrays, lists, sets, dicts, heaps).
_MUTATING_METHODS = (
    frozenset({"fill", "sort", "resize", "put", "itemset", "partition"}) | CONTAINER_MUTATORS
)
# Calls assumed not to change their arguments: Python builtins and NumPy functions.
_PURE_MODULES = ("builtins.", "numpy.", "math.")


@dataclass
class PrangeLoop:
    """One `for <index> in prange(...)` loop."""

    node: cst.For
    index: str
    # The stop argument's source text (`n` in `prange(n)`): `(i + 1) % n` stays a permutation.
    stop: str
    outermost: bool
    # Names the body binds (assignment, augmented assignment, for target, ...) -> each binding:
    # the bound value for `name = value`, the `AugAssign`/`For` node otherwise, None when the
    # value is not known (tuple unpacking, `with ... as`).
    bound: dict[str, list[cst.CSTNode | None]] = field(default_factory=dict)
    # Names whose contents the body may change: roots of subscript writes, receivers of
    # mutating methods, arguments of calls outside builtins and NumPy. Values read from them
    # differ between iterations even when the name itself is never rebound.
    mutated: set[str] = field(default_factory=set)
    # `descendants(node.body)`, walked once: every prange rule reads the body's nodes.
    nodes: tuple[cst.CSTNode, ...] = ()


class _Collect(cst.CSTVisitor):
    def __init__(self, top: cst.CSTNode) -> None:
        super().__init__()
        self.top = top
        self.found: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.found.append(node)
        return node is self.top or not isinstance(node, _NOT_ENTERED)


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under `node` (itself included), without entering nested defs or lambdas."""
    collect = _Collect(node)
    walk(node, collect)
    return iter(collect.found)


def is_prange(node: cst.BaseExpression, qualify: Qualify) -> bool:
    return isinstance(node, cst.Call) and bool(qualify(node.func) & PRANGE)


def prange_loops(function: cst.FunctionDef, qualify: Qualify) -> list[PrangeLoop]:
    """The `prange` loops of `function`'s own body, outermost first in source order."""
    loops: list[PrangeLoop] = []
    inside: list[cst.For] = []

    class _Find(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            if is_prange(node.iter, qualify) and isinstance(node.target, cst.Name):
                call = node.iter
                assert isinstance(call, cst.Call)
                stop = call.args[1 if len(call.args) > 1 else 0].value if call.args else None
                nodes = tuple(descendants(node.body))
                loop = PrangeLoop(
                    node=node,
                    index=node.target.value,
                    stop=code(stop) if stop is not None else "",
                    outermost=not inside,
                    bound=body_bindings(nodes),
                    mutated=mutated_names(nodes, qualify),
                    nodes=nodes,
                )
                loops.append(loop)
                inside.append(node)

        def leave_For(self, node: cst.For) -> None:
            if inside and inside[-1] is node:
                inside.pop()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    walk(function, _Find())
    return loops


def code(node: cst.CSTNode) -> str:
    """`node`'s source text, whitespace as written."""
    return cst.Module([]).code_for_node(node)


def _bind_target(target: cst.BaseExpression, value: cst.CSTNode | None, bound: dict) -> None:
    if isinstance(target, cst.Name):
        bound.setdefault(target.value, []).append(value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _bind_target(element.value, None, bound)
    elif isinstance(target, cst.StarredElement):
        _bind_target(target.value, None, bound)


def body_bindings(nodes: Iterable[cst.CSTNode]) -> dict[str, list[cst.CSTNode | None]]:
    """The `descendants` of a body -> the names bound there (nested defs excluded) and their
    bindings (see PrangeLoop)."""
    bound: dict[str, list[cst.CSTNode | None]] = {}
    for node in nodes:
        if isinstance(node, cst.Assign):
            for target in node.targets:
                _bind_target(target.target, node.value, bound)
        elif isinstance(node, cst.AnnAssign):
            _bind_target(node.target, node.value, bound)
        elif isinstance(node, cst.AugAssign):
            _bind_target(node.target, node, bound)
        elif isinstance(node, cst.For):
            _bind_target(node.target, node if isinstance(node.target, cst.Name) else None, bound)
        elif isinstance(node, cst.NamedExpr):
            _bind_target(node.target, node.value, bound)
        elif isinstance(node, cst.AsName):
            _bind_target(node.name, None, bound)  # type: ignore[arg-type]
    return bound


def loaded_names(node: cst.CSTNode) -> list[cst.Name]:
    """The names `node` reads: every Name under it but attribute names (`shape` in `x.shape`)
    and keyword names."""
    return loaded_names_of(list(descendants(node)))


def loaded_names_of(nodes: Sequence[cst.CSTNode]) -> list[cst.Name]:
    """`loaded_names` of the node whose `descendants` are `nodes`."""
    labels = {id(n.attr) for n in nodes if isinstance(n, cst.Attribute)}
    labels |= {id(n.keyword) for n in nodes if isinstance(n, cst.Arg) and n.keyword is not None}
    return [n for n in nodes if isinstance(n, cst.Name) and id(n) not in labels]


def statements(
    block: cst.BaseSuite | cst.BaseStatement | cst.Else | cst.Finally | cst.ExceptHandler,
    guards: tuple[cst.BaseExpression, ...] = (),
) -> Iterator[tuple[cst.BaseSmallStatement, tuple[cst.BaseExpression, ...]]]:
    """Every small statement under `block` with the `if` tests whose *body* holds it."""
    if isinstance(block, cst.SimpleStatementLine):
        for small in block.body:
            yield small, guards
    elif isinstance(block, cst.SimpleStatementSuite):
        for small in block.body:
            yield small, guards
    elif isinstance(block, cst.IndentedBlock):
        for statement in block.body:
            yield from statements(statement, guards)
    elif isinstance(block, cst.If):
        yield from statements(block.body, (*guards, block.test))
        if block.orelse is not None:
            yield from statements(block.orelse, guards)
    elif isinstance(block, (cst.Else, cst.Finally, cst.ExceptHandler)):
        yield from statements(block.body, guards)
    elif isinstance(block, (cst.For, cst.While, cst.With, cst.Try)):
        yield from statements(block.body, guards)
        for part in (
            *getattr(block, "handlers", ()),
            getattr(block, "orelse", None),
            getattr(block, "finalbody", None),
        ):
            if part is not None:
                yield from statements(part, guards)


def mutated_names(nodes: Iterable[cst.CSTNode], qualify: Qualify) -> set[str]:
    """The `descendants` of a body -> the names whose contents it may change (see
    PrangeLoop.mutated)."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, cst.Subscript):
            continue
        if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                for part in descendants(target):
                    if isinstance(part, cst.Subscript):
                        found.add(root_name(part) or "")
        elif isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _MUTATING_METHODS:
                found.add(root_name(func.value) or "")
            names = qualify(func)
            if not names or not all(n.startswith(_PURE_MODULES) for n in names):
                found |= {root_name(a.value) or "" for a in node.args}
    found.discard("")
    return found


def write_targets(small: cst.BaseSmallStatement) -> list[cst.Subscript]:
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


def root_name(node: cst.BaseExpression) -> str | None:
    """`y` for `y`, `y.a`, `y[0]`, `y.a[0][1]`; None for anything rooted in a call."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def subscript_chain(target: cst.Subscript) -> list[cst.SubscriptElement]:
    """All index elements of `y[a][b, c]` (a, b, c): written element = one per dimension."""
    elements: list[cst.SubscriptElement] = []
    node: cst.BaseExpression = target
    while isinstance(node, cst.Subscript):
        elements[:0] = list(node.slice)
        node = node.value
    return elements
