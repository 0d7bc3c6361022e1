"""The user's node a Numba warning is about, and the fix hint it deserves.

Numba raises its warnings from its own files (numba/np/linalg.py, parfor lowering) or at a
whole line; these helpers find, in the user's function, the node that causes each one:
the `np.dot(...)` call or `@` operator a contiguity warning names, the assignments inside a
`prange` loop a parallel-safety warning names, the `break`/`return` that keeps a `prange` loop
serial. Pure libcst; never imports Numba.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

from .source_nodes import SourceNodes

# "np.dot() is faster on contiguous arrays" / "'@' is faster on contiguous arrays".
_CONTIGUOUS = re.compile(r"^(?:np\.(\w+)\(\)|'@') is faster on contiguous arrays")
# "Variable last used in parallel loop may be written to simultaneously" (SSA suffix removed).
_PARALLEL_VARIABLE = re.compile(r"^Variable (\w+) used in parallel loop")
_SERIAL_PRANGE = "prange or pndindex loop will not be executed in parallel"
_REFLECTED = re.compile(r"type 'reflected (list|set)' found for argument '(\w+)'")
_NUMBER = re.compile(r"(u?int\d+|float\d+|complex\d+|bool|boolean)$")


def contiguity_node(source: SourceNodes, line: int, text: str) -> cst.CSTNode | None:
    """The `np.dot(...)`-style call, or the `@` operation, on `line` that `text` is about."""
    match = _CONTIGUOUS.match(text)
    if match is None:
        return None
    function = match.group(1)
    if function is None:
        kinds: tuple[type, ...] = (cst.BinaryOperation, cst.AugAssign)
        operators = [
            node
            for node, _ in source.nodes_on(line, kinds)
            if isinstance(
                getattr(node, "operator", None), (cst.MatrixMultiply, cst.MatrixMultiplyAssign)
            )
        ]
        return _only_on(source, line, operators)
    calls = [
        node
        for node, _ in source.nodes_on(line, (cst.Call,))
        if isinstance(node, cst.Call) and _called_name(node.func) == function
    ]
    return _only_on(source, line, calls)


def _called_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def _only_on(source: SourceNodes, line: int, nodes: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
    """The one node of `nodes` that starts on `line`. Numba's text names the operation but
    not which one: with several on the line (`np.dot(a, b) + np.dot(c, d)`), the line."""
    starting = [n for n in nodes if source.position(n).start.line == line]
    return starting[0] if len(starting) == 1 else None


class _Writes(cst.CSTVisitor):
    """Name nodes a statement list binds to `name` by assignment (not nested functions)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[cst.Name] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def _target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name) and target.value == self.name:
            self.found.append(target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)


def parallel_writes(source: SourceNodes, line: int, text: str) -> list[cst.CSTNode]:
    """The assignments, inside the loop at `line`, to the variable a parallel-safety warning
    names; in source order. Empty when the loop or the variable is not found."""
    match = _PARALLEL_VARIABLE.match(text)
    loop = _loop_at(source, line)
    if match is None or loop is None:
        return []
    visitor = _Writes(match.group(1))
    loop.body.visit(visitor)
    return sorted(visitor.found, key=lambda n: _start(source, n))


class _Exits(cst.CSTVisitor):
    """Statements that leave a loop body other than by its end: `break` (not an inner loop's),
    `return`, `raise`, `assert`. Nested functions are not part of the body."""

    def __init__(self) -> None:
        self.found: list[cst.CSTNode] = []
        self.inner_loops = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_For(self, node: cst.For) -> None:
        self.inner_loops += 1

    def leave_For(self, original_node: cst.For) -> None:
        self.inner_loops -= 1

    def visit_While(self, node: cst.While) -> None:
        self.inner_loops += 1

    def leave_While(self, original_node: cst.While) -> None:
        self.inner_loops -= 1

    def visit_Break(self, node: cst.Break) -> None:
        if self.inner_loops == 0:
            self.found.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        self.found.append(node)

    def visit_Raise(self, node: cst.Raise) -> None:
        self.found.append(node)

    def visit_Assert(self, node: cst.Assert) -> None:
        self.found.append(node)


def loop_exits(source: SourceNodes, line: int, text: str) -> list[cst.CSTNode]:
    """For Numba's "prange ... loop will not be executed in parallel due to there being more
    than one entry to or exit from the loop": the statements in the loop at `line` that exit
    it early, in source order (empty for any other warning)."""
    loop = _loop_at(source, line)
    if not text.startswith(_SERIAL_PRANGE) or loop is None:
        return []
    visitor = _Exits()
    loop.body.visit(visitor)
    return sorted(visitor.found, key=lambda n: _start(source, n))


def _loop_at(source: SourceNodes, line: int) -> cst.For | None:
    loops = [node for node, _ in source.nodes_on(line, (cst.For,))]
    loop = next((n for n in loops if source.position(n).start.line == line), None)
    return loop if isinstance(loop, cst.For) else None


def _start(source: SourceNodes, node: cst.CSTNode) -> tuple[int, int]:
    where = source.position(node)
    return (where.start.line, where.start.column)


def reflected_hint(text: str, function: cst.FunctionDef | None, signature: str | None) -> str:
    """How to replace the reflected list or set argument `text` names ("" if it names none).

    A list of numbers: `np.asarray(...)` before the call (an array is much faster to build
    from a Python list than a `numba.typed.List`); any other list: a `numba.typed.List`.
    """
    match = _REFLECTED.search(text)
    if match is None:
        return ""
    kind, name = match.groups()
    element = _element_type(name, function, signature)
    numeric = element is not None and _NUMBER.match(element) is not None
    if kind == "set":
        return (
            f" Fix: pass the elements as a NumPy array (`np.asarray(list({name}))`) and build "
            "the set inside the function if you need one."
        )
    if numeric:
        return (
            f" Fix: pass `np.asarray({name})` (convert before the call; a NumPy array is much "
            "faster to build than a `numba.typed.List`)."
        )
    return f" Fix: pass a `numba.typed.List` (`numba.typed.List({name})`) built before the call."


def _element_type(name: str, function: cst.FunctionDef | None, signature: str | None) -> str | None:
    """The element type of the reflected list argument `name` in `signature`, if known."""
    if function is None or not signature:
        return None
    params = [p.name.value for p in (*function.params.posonly_params, *function.params.params)]
    if name not in params:
        return None
    types = _top_level_items(signature.strip()[1:-1])
    index = params.index(name)
    if index >= len(types):
        return None
    found = re.match(r"reflected (?:list|set)\((.*)\)(?:<iv=[^>]*>)?$", types[index])
    return found.group(1) if found else None


def _top_level_items(text: str) -> list[str]:
    """`a, b(c, d), e` -> ["a", "b(c, d)", "e"]."""
    pieces, _ = split_at_top_level_commas(text, "([<", ")]>")
    items = [piece.strip() for piece in pieces[:-1]]
    if pieces[-1]:
        items.append(pieces[-1].strip())
    return items


def split_at_top_level_commas(text: str, opening: str, closing: str) -> tuple[list[str], int]:
    """The pieces of `text` between the commas outside brackets (`opening`, `closing`: the
    bracket characters), unstripped, the last one always there (it may be ""), and the depth
    left at the end (0 when the brackets balance). Also splits `explain --signature`."""
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in opening:
            depth += 1
        elif char in closing:
            depth -= 1
        if char == "," and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces, depth
