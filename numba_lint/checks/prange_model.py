"""What a `prange` loop's body does with the names and arrays it shares between iterations.

Read by the NB5xx rules (`parallel.py`, `parallel_loops.py`) for functions compiled with a
literal `parallel=True`; only the outermost `prange` of a nest runs in parallel, so that is the
loop analysed. Everything here reads the CST of one function; nothing is imported or run.

The index analysis answers one question about a subscript written inside the body: can two
iterations write the same element? An index is classified as
- INJECTIVE: provably different for different values of the prange index (`i`, `2 * i + 1`,
  `i + offset`, `k` after `k = i - 1`);
- INVARIANT: the same set of values in every iteration (`0`, `j` of an inner `range(m)`, a
  name the body never binds): every iteration writes there;
- COLLIDING: a function of the prange index that maps several iterations to one value
  (`i % 4`, `i // 2`);
- UNKNOWN: anything else (`idx[i]`, `range(indptr[i], indptr[i + 1])`, a call on `i`): the
  rules stay silent, because a permutation or a partition of rows is a correct scatter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

import libcst as cst

from ..walk import walk

PRANGE = frozenset({"numba.prange", "numba.misc.special.prange"})

# Resolves an expression to the qualified names it may stand for (the rule's name resolver).
Qualify = Callable[[cst.BaseExpression], set[str]]


class Kind(Enum):
    INJECTIVE = "injective"
    INVARIANT = "invariant"
    COLLIDING = "colliding"
    UNKNOWN = "unknown"


# Integer operations that send several values of their left operand to one result.
_COLLIDING_OPS = (cst.Modulo, cst.FloorDivide, cst.RightShift, cst.BitAnd)
# Conversions that keep an integer index's value (`int(i)`, `np.int64(i + 1)`).
_CASTS = frozenset({"int", "intp", "int64", "int32", "uint64", "uint32", "int_"})
_NOT_ENTERED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Methods that change their receiver's contents (arrays, lists, sets, dicts, heaps).
_MUTATING_METHODS = frozenset(
    {
        "fill",
        "sort",
        "resize",
        "put",
        "itemset",
        "partition",
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
                loop = PrangeLoop(
                    node=node,
                    index=node.target.value,
                    stop=code(stop) if stop is not None else "",
                    outermost=not inside,
                    bound=body_bindings(node.body),
                    mutated=mutated_names(node.body, qualify),
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


def body_bindings(body: cst.CSTNode) -> dict[str, list[cst.CSTNode | None]]:
    """Names bound anywhere in `body` (nested defs excluded) -> their bindings (see PrangeLoop)."""
    bound: dict[str, list[cst.CSTNode | None]] = {}
    for node in descendants(body):
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
    nodes = list(descendants(node))
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


def mutated_names(body: cst.CSTNode, qualify: Qualify) -> set[str]:
    """Names whose contents `body` may change (see PrangeLoop.mutated)."""
    found: set[str] = set()
    for node in descendants(body):
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


class IndexClassifier:
    """Classifies expressions inside one prange loop's body (see the module docstring)."""

    def __init__(self, loop: PrangeLoop, qualify: Qualify) -> None:
        self.loop = loop
        self.qualify = qualify
        self._names: dict[str, Kind] = {}

    def element(self, element: cst.SubscriptElement) -> Kind:
        part = element.slice
        if isinstance(part, cst.Index):
            return self.kind(part.value)
        if not isinstance(part, cst.Slice):
            return Kind.UNKNOWN
        bounds = [b for b in (part.lower, part.upper, part.step) if b is not None]
        kinds = {self.kind(b) for b in bounds}
        return Kind.INVARIANT if kinds <= {Kind.INVARIANT} else Kind.UNKNOWN

    def kind(self, node: cst.BaseExpression) -> Kind:  # noqa: PLR0911 - one case per form
        if isinstance(node, cst.Name):
            return self._name(node.value)
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)):
            return Kind.INVARIANT
        if isinstance(node, cst.UnaryOperation):
            inner = self.kind(node.expression)
            if isinstance(node.operator, cst.Not):
                return inner if inner is Kind.INVARIANT else Kind.UNKNOWN
            return inner
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node)
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.IfExp):
            branches = {self.kind(node.body), self.kind(node.orelse)}
            return Kind.INVARIANT if branches == {Kind.INVARIANT} else Kind.UNKNOWN
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            kinds = {self._name(n.value) for n in loaded_names(node)}
            return Kind.INVARIANT if kinds <= {Kind.INVARIANT} else Kind.UNKNOWN
        return Kind.UNKNOWN

    def _name(self, name: str) -> Kind:
        if name == self.loop.index:
            return Kind.INJECTIVE
        if name in self.loop.mutated:
            return Kind.UNKNOWN  # an array the body writes: values read from it vary
        bindings = self.loop.bound.get(name)
        if bindings is None:
            return Kind.INVARIANT  # not bound in the body: one value for every iteration
        if name in self._names:
            return self._names[name]
        self._names[name] = Kind.INVARIANT  # `k = k + 1`: provisional while k is classified
        kinds = [self._binding(binding) for binding in bindings]
        if all(k is Kind.INVARIANT for k in kinds):
            found = Kind.INVARIANT
        elif len(kinds) == 1:
            found = kinds[0]
        else:
            found = Kind.UNKNOWN
        self._names[name] = found
        return found

    def _binding(self, binding: cst.CSTNode | None) -> Kind:
        if binding is None:
            return Kind.UNKNOWN
        if isinstance(binding, cst.AugAssign):
            return Kind.INVARIANT if self.kind(binding.value) is Kind.INVARIANT else Kind.UNKNOWN
        if isinstance(binding, cst.For):
            iterable = binding.iter
            arguments = (
                [a.value for a in iterable.args] if isinstance(iterable, cst.Call) else [iterable]
            )
            kinds = {self.kind(a) for a in arguments}
            return Kind.INVARIANT if kinds <= {Kind.INVARIANT} else Kind.UNKNOWN
        return self.kind(binding)  # type: ignore[arg-type]

    def _binary(self, node: cst.BinaryOperation) -> Kind:
        left, right = self.kind(node.left), self.kind(node.right)
        operator = node.operator
        if left is Kind.INVARIANT and right is Kind.INVARIANT:
            return Kind.INVARIANT
        if isinstance(operator, _COLLIDING_OPS):
            if right is not Kind.INVARIANT or left is Kind.UNKNOWN:
                return Kind.UNKNOWN
            if isinstance(operator, cst.Modulo) and code(node.right) == self.loop.stop:
                return left  # (i + 1) % n over prange(n): a rotation, still one-to-one
            return Kind.COLLIDING
        pair = {left, right}
        if isinstance(operator, (cst.Add, cst.Subtract, cst.Multiply)):
            if pair == {Kind.INJECTIVE, Kind.INVARIANT} and not _zero(node, operator):
                return Kind.INJECTIVE
            if pair == {Kind.COLLIDING, Kind.INVARIANT}:
                return Kind.COLLIDING
        return Kind.UNKNOWN

    def _call(self, node: cst.Call) -> Kind:
        names = {n.rsplit(".", 1)[-1] for n in self.qualify(node.func)}
        if any(n.endswith("get_thread_id") for n in names):
            return Kind.UNKNOWN  # per-thread storage: one thread runs its iterations in turn
        kinds = {self.kind(a.value) for a in node.args}
        if names & _CASTS and len(node.args) == 1:
            return kinds.pop()
        if isinstance(node.func, cst.Attribute):
            kinds.add(self.kind(node.func.value))
        return Kind.INVARIANT if kinds <= {Kind.INVARIANT} else Kind.UNKNOWN


def _zero(node: cst.BinaryOperation, operator: cst.BaseBinaryOp) -> bool:
    """`i * 0`: a product with a literal zero is no longer one-to-one."""
    if not isinstance(operator, cst.Multiply):
        return False
    return any(
        isinstance(s, cst.Integer) and s.evaluated_value == 0 for s in (node.left, node.right)
    )


def guarded_by_one_iteration(guards: list[cst.BaseExpression], classifier: IndexClassifier) -> bool:
    """Whether one of the enclosing `if` tests pins the prange index to one value (`i == 0`)."""
    for test in guards:
        for node in descendants(test):
            if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
                continue
            if not isinstance(node.comparisons[0].operator, cst.Equal):
                continue
            sides = {classifier.kind(node.left), classifier.kind(node.comparisons[0].comparator)}
            if sides == {Kind.INJECTIVE, Kind.INVARIANT}:
                return True
    return False


def offset(element: cst.SubscriptElement, index: str) -> int | None:
    """`c` for an index written `i`, `i + c`, `c + i` or `i - c` (`c` an integer literal)."""
    value = element.slice.value if isinstance(element.slice, cst.Index) else None
    if isinstance(value, cst.Name):
        return 0 if value.value == index else None
    if not isinstance(value, cst.BinaryOperation):
        return None
    left, right, operator = value.left, value.right, value.operator
    if isinstance(left, cst.Name) and left.value == index and isinstance(right, cst.Integer):
        if isinstance(operator, (cst.Add, cst.Subtract)):
            amount = int(right.evaluated_value)
            return amount if isinstance(operator, cst.Add) else -amount
    if isinstance(right, cst.Name) and right.value == index and isinstance(left, cst.Integer):
        return int(left.evaluated_value) if isinstance(operator, cst.Add) else None
    return None
