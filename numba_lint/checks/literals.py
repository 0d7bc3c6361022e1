"""NB140: a use of a list literal whose items have types Numba cannot unify that such a list
does not support.

Measured with Numba 0.68.1: numbers of every kind (bool, int, float, complex) unify, and so do
numbers with None (an optional). Numbers, strings and bytes do not: Numba then builds an
immutable "literal list". That list supports `len()`, `in`, `.count()`, `.copy()`, indexing by a
constant (`x[1]`, `x[-1]`, `x[0 + 1]`, a local bound to a constant), `literal_unroll` and being
passed to another function (`in` and `.count()` only while no item is a float or complex: those
fail to lower); it fails when iterated (`for`, comprehensions, `enumerate`, `zip`),
indexed by a parameter or a loop variable, sliced, assigned into, unpacked, mutated (`append`,
`pop`, `sort`, ...), converted (`list`, `tuple`, `set`, `sorted`, `bool`, `sum`, `min`, `max`,
`iter`, `print`), concatenated, repeated or returned. Only those uses are reported, on the
literal itself or on a local bound once to it. Only literal items are classified; anything
else keeps the rule silent.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from ..diagnostic import Severity
from .base import Example
from .rule_bases import NopythonRule

# Measured failing uses (see the module docstring): builtins and methods of a literal list.
_FAILING_BUILTINS = frozenset(
    {"enumerate", "zip", "list", "tuple", "set", "sorted", "bool", "sum", "min", "max", "iter"}
    | {"print"}
)
_FAILING_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "index", "sort", "reverse", "clear"}
)


def _category(node: cst.BaseExpression) -> str | None:
    """The category of a literal item (number, str or bytes), None for anything else."""
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return "number"
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return "number"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return _category(node.expression) if _category(node.expression) == "number" else None
    if isinstance(node, cst.SimpleString):
        return "bytes" if "b" in node.prefix.lower() else "str"
    if isinstance(node, cst.FormattedString):
        return "str"
    if isinstance(node, cst.ConcatenatedString):
        left, right = _category(node.left), _category(node.right)
        return left if left == right else None
    return None


def _has_unliteral(node: cst.List) -> bool:
    """Whether an item is a float or complex: Numba has no literal type for those, and `in`
    and `.count()` on such a list type but fail to lower ("No definition for lowering
    typed_getitem")."""
    for element in node.elements:
        value = element.value
        while isinstance(value, cst.UnaryOperation):
            value = value.expression
        if isinstance(value, (cst.Float, cst.Imaginary)):
            return True
    return False


def _mixed_kinds(node: cst.List) -> str | None:
    """The categories ("number and str") of a literal mixing ones Numba cannot unify, or None."""
    found = (
        _category(element.value)
        for element in node.elements
        if not isinstance(element, cst.StarredElement)
    )
    categories = {category for category in found if category is not None}
    return " and ".join(sorted(categories)) if len(categories) > 1 else None


class HeterogeneousList(NopythonRule):
    """
    ## What it does
    Flags a use that Numba does not support of a list literal mixing numbers, strings and
    bytes: iterating it, indexing it with a variable, slicing, mutating, unpacking, converting
    or returning it. The literal itself, `len()`, `in`, constant indexes and `literal_unroll`
    are fine.

    ## Why is this bad?
    A Numba list holds one item type. Numbers unify with each other (and with `None`), but a
    number and a string do not: Numba falls back to an immutable literal list, whose item type
    is known only for a constant index. Iterating it, indexing it with a variable or appending
    to it fails with errors such as "Cannot __getitem__ on a literal list" or "Invalid use of
    getiter".

    ## Example

    ## Use instead
    Keep one type per list, or unroll the loop over the mixed items with `literal_unroll`:

    ## Known limitations
    Only uses of the literal itself or of a local bound once to it are seen (not of an alias,
    nor inside a function it is passed to); an index is taken as variable only when it is a
    parameter or a loop variable. Only literal items are classified.
    """

    code = "NB140"
    name = "heterogeneous-list"
    severity = Severity.ERROR
    summary = "unsupported use of a list literal mixing numbers, strings or bytes"
    message = (
        "{subject} mixes {kinds}: Numba builds an immutable literal list and cannot {use} "
        "(len(), constant indexes and literal_unroll work)"
    )

    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def count():
                n = 0
                for item in [1, "two", 3.0]:  # expect: NB140
                    n += 1
                return n
            """,
            call="count()",
            numba="fails",
            shown=True,
        ),
        Example(
            """
            from numba import njit

            @njit
            def pick(i):
                names = ["a", b"b"]
                return names[i]  # expect: NB140
            """,
            call="pick(0)",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def grow():
                items = [1, "a"]
                items.append(2)  # expect: NB140
                return len(items)
            """,
            call="grow()",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import literal_unroll, njit

            @njit
            def describe(i):
                numbers = [1, 2.5, True, -3, 1j]
                mixed = [1, "a", 2.0]
                labels = [1, "a", "b"]
                n = len([1, "b"]) + len(mixed) + labels.count(1) + ("a" in labels)
                for item in literal_unroll(mixed):
                    n += 1
                k = 1
                first, name = mixed[0], mixed[k]
                return numbers[i].real + n + first + len(name) + mixed[-1]
            """,
            call="describe(0)",
            numba="compiles",
        ),
        Example(
            """
            from numba import literal_unroll, njit

            @njit
            def count():
                n = 0
                for item in literal_unroll((1, "two", 3.0)):
                    n += 1
                return n
            """,
            call="count()",
            numba="compiles",
            shown=True,
        ),
    )

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        # Locals bound once to a mixed list literal: (scope prefix, name) -> the literal.
        self._bound: dict[tuple[str, str], cst.List] = {}
        # Names of the enclosing `for` targets (a variable index), and assignment targets.
        self._loop_targets: list[set[str]] = []
        self._targets: set[cst.CSTNode] = set()

    def _literal(self, node: cst.BaseExpression) -> tuple[cst.List, str] | None:
        """The mixed list literal `node` is or a local bound once to, and how to name it."""
        if isinstance(node, cst.List):
            return (node, "this list") if _mixed_kinds(node) else None
        if isinstance(node, cst.Name):
            scope, _ = self.context.parsed.names.lookup(node.value)
            literal = self._bound.get((scope.prefix, node.value)) if scope is not None else None
            if literal is not None:
                line = self.context.parsed.wrapper.resolve(PositionProvider)[literal].start.line
                return literal, f"'{node.value}' (the list at line {line})"
        return None

    def _flag(self, node: cst.BaseExpression, use: str, unliteral_only: bool = False) -> None:
        """Report `use` of `node` when it is a mixed list literal (`unliteral_only`: one with a
        float or complex item)."""
        # Most expressions are neither a list literal nor a local bound to one: answered first.
        node_type = type(node)
        if node_type is cst.Name:
            if not self._bound:
                return
        elif node_type is not cst.List:
            return
        if not self.in_nopython():
            return
        found = self._literal(node)
        if found is None or (unliteral_only and not _has_unliteral(found[0])):
            return
        literal, subject = found
        kinds = _mixed_kinds(literal)
        self.report(node, kinds=kinds, subject=subject, use=use, cause=self.position_key(literal))

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.in_nopython():
            return
        for assigned in node.targets:
            self._targets.add(assigned.target)
            if isinstance(assigned.target, (cst.Tuple, cst.List)):
                self._flag(node.value, "unpack it")
            elif isinstance(assigned.target, cst.Subscript):
                self._flag(assigned.target.value, "assign into it")
        if not isinstance(node.value, cst.List) or len(node.targets) != 1:
            return
        name = node.targets[0].target
        if _mixed_kinds(node.value) is None or not isinstance(name, cst.Name):
            return
        scope, bindings = self.context.parsed.names.lookup(name.value)
        if scope is not None and len(bindings) == 1:
            self._bound[(scope.prefix, name.value)] = node.value

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets.add(node.target)
        if isinstance(node.target, cst.Subscript):
            self._flag(node.target.value, "assign into it")

    def visit_For(self, node: cst.For) -> None:
        self._flag(node.iter, "iterate over it")
        self._loop_targets.append(set(_names(node.target)))

    def leave_For(self, original_node: cst.For) -> None:
        self._loop_targets.pop()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._flag(node.iter, "iterate over it")

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._flag(node.value, "return it")

    def visit_If(self, node: cst.If) -> None:
        self._flag(node.test, "take its truth value")

    def visit_While(self, node: cst.While) -> None:
        self._flag(node.test, "take its truth value")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, (cst.Add, cst.Multiply)):
            self._flag(node.left, "concatenate or repeat it")
            self._flag(node.right, "concatenate or repeat it")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                self._flag(target.comparator, "test membership in it", unliteral_only=True)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _FAILING_METHODS:
            self._flag(func.value, f"call .{func.attr.value}() on it")
        elif isinstance(func, cst.Attribute) and func.attr.value == "count":
            self._flag(func.value, "call .count() on it", unliteral_only=True)
        elif isinstance(func, cst.Name) and func.value in _FAILING_BUILTINS:
            if self.context.parsed.names.is_builtin(func):
                for arg in node.args:
                    self._flag(arg.value, f"pass it to {func.value}()")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if type(node.value) not in (cst.Name, cst.List) or len(node.slice) != 1:
            return
        if node in self._targets:
            return
        index = node.slice[0].slice
        if isinstance(index, cst.Slice):
            self._flag(node.value, "slice it")
        elif isinstance(index, cst.Index) and self._variable(index.value):
            self._flag(node.value, "index it with a variable")

    def _variable(self, index: cst.BaseExpression) -> bool:
        """A parameter of the jitted function or a loop variable: an index Numba cannot fold."""
        if not isinstance(index, cst.Name):
            return False
        if any(index.value in targets for targets in self._loop_targets):
            return True
        function = self.function
        if function is None:
            return False
        params = function.node.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        return any(param.name.value == index.value for param in every)


def _names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _names(element.value)]
    return []
