"""A read-only walk of a libcst tree that calls a CSTVisitor's on_visit/on_leave in libcst's order.

Used by the rule walk, the jit index and project facts instead of `node.visit(visitor)`: libcst
rebuilds and re-validates every node it visits, which cost most of the static pass. Children are
visited in the order libcst's own `_visit_and_replace_children` visits them (read once per node
type from its compiled code); whitespace and operator tokens are skipped: no visitor here looks
at them.
Never changes the tree; attribute hooks (`visit_Node_attr`) are not called.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import libcst as cst
from libcst._nodes import op as _op
from libcst._nodes import whitespace as _whitespace

_FIELDS: dict[type, tuple[str, ...]] = {}
_SKIPPED_MODULES = frozenset({_op.__name__, _whitespace.__name__})


def _fields(node_type: type) -> tuple[str, ...]:
    """Child fields of `node_type`, in the order libcst visits them."""
    found = _FIELDS.get(node_type)
    if found is None:
        found = _FIELDS[node_type] = _visited_fields(node_type)
    return found


def _visited_fields(node_type: type) -> tuple[str, ...]:
    """The fields `_visit_and_replace_children` names (`visit_required(self, "body", ...)`):
    the node's field names among the method's string constants, which Python numbers in the
    order the source first uses them. Read from the compiled method, not its source: a
    one-file check met each node type's source once, a tenth of its run (tests/test_walk.py
    checks the two agree on every libcst node type)."""
    method = node_type._visit_and_replace_children  # type: ignore[attr-defined]
    names = {field.name for field in dataclasses.fields(node_type)}
    constants = method.__code__.co_consts
    return tuple(dict.fromkeys(c for c in constants if isinstance(c, str) and c in names))


# Node type -> whether a walk enters nodes of that type, filled on first sight of each type.
_Entered = dict[type, bool]
# `walk`: semantic nodes, not whitespace or operator tokens.
_NODES: _Entered = {}
# `walk_statements`: the nodes that hold statements.
_STATEMENT_PARTS = (
    cst.BaseStatement,
    cst.BaseSmallStatement,
    cst.BaseSuite,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Else,
    cst.Finally,
    cst.MatchCase,
)
_STATEMENTS: _Entered = {}


def _decide(entered: _Entered, node_type: type) -> bool:
    # By the method resolution order, not `issubclass`: libcst's bases are ABCs, and an ABC
    # answers "no" (for `str`, `NoneType`, a sentinel) only after asking each of its hundreds
    # of subclasses, about 30 ms of a one-file check. libcst's nodes inherit, never register.
    bases = node_type.__mro__
    if entered is _STATEMENTS:
        found = any(part in bases for part in _STATEMENT_PARTS)
    else:
        found = cst.CSTNode in bases and node_type.__module__ not in _SKIPPED_MODULES
    entered[node_type] = found
    return found


def _walk(node: cst.CSTNode, visitor: cst.CSTVisitor, entered: _Entered) -> None:
    # Type checks by exact type: isinstance against libcst's ABCs costs more than the walk.
    if visitor.on_visit(node):
        for name in _FIELDS.get(type(node)) or _fields(type(node)):
            child = getattr(node, name)
            child_type = type(child)
            if child_type is tuple or child_type is list:
                for item in child:
                    enters = entered.get(type(item))
                    if enters or enters is None and _decide(entered, type(item)):
                        _walk(item, visitor, entered)
            else:
                enters = entered.get(child_type)
                if enters or enters is None and _decide(entered, child_type):
                    _walk(child, visitor, entered)
    visitor.on_leave(node)


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Visit `node` and its children like `node.visit(visitor)` does, without rebuilding."""
    _walk(node, visitor, _NODES)


def walk_statements(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`walk`, entering only statements and the blocks that hold them: no expression, decorator,
    parameter or annotation is visited (the jit index reads those by hand from the statements
    it visits, and a `def` never sits inside an expression)."""
    _walk(node, visitor, _STATEMENTS)


# (visitor class, "visit" or "leave") -> node type -> the class's `visit_X` / `leave_X`
# function, or None. Shared by a class's instances and holding plain functions: a table of
# bound methods on each instance would be a reference cycle (visitor -> table -> method ->
# visitor). The static pass runs with the cyclic collector paused, so every visitor, with the
# parsed module it holds, would stay alive to the end of the run.
_TABLES: dict[tuple[type, str], dict[type, Any]] = {}


def _table(visitor_type: type, kind: str) -> dict[type, Any]:
    return _TABLES.setdefault((visitor_type, kind), {})


class TypeDispatchVisitor(cst.CSTVisitor):
    """A CSTVisitor whose `visit_X`/`leave_X` methods are found once per node type (libcst's
    own looks each one up by name on every node it passes)."""

    def __init__(self) -> None:
        super().__init__()
        self._visits = _table(type(self), "visit")
        self._leaves = _table(type(self), "leave")

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        try:
            method = self._visits[node_type]
        except KeyError:
            method = getattr(type(self), f"visit_{node_type.__name__}", None)
            self._visits[node_type] = method
        return method is None or method(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        node_type = type(original_node)
        try:
            method = self._leaves[node_type]
        except KeyError:
            method = getattr(type(self), f"leave_{node_type.__name__}", None)
            self._leaves[node_type] = method
        if method is not None:
            method(self, original_node)
