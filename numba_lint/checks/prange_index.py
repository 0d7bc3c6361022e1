"""Can two iterations of a `prange` loop write the same element? (NB501, on `prange_model`.)

An index written inside the loop body is classified as
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

from enum import Enum

import libcst as cst

from .prange_model import PrangeLoop, Qualify, code, descendants, loaded_names


class Kind(Enum):
    INJECTIVE = "injective"
    INVARIANT = "invariant"
    COLLIDING = "colliding"
    UNKNOWN = "unknown"


# Integer operations that send several values of their left operand to one result.
_COLLIDING_OPS = (cst.Modulo, cst.FloorDivide, cst.RightShift, cst.BitAnd)
# Conversions that keep an integer index's value (`int(i)`, `np.int64(i + 1)`).
_CASTS = frozenset({"int", "intp", "int64", "int32", "uint64", "uint32", "int_"})


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
