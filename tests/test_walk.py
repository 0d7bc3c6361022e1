"""walk.walk visits the same nodes in the same order as libcst's own `visit` (tokens aside)."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from pathlib import Path

import libcst as cst

from numba_lint.walk import _visited_fields, walk


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", type(node).__name__, id(node)))
        # Returning False skips the children, as libcst does.
        return not isinstance(node, cst.Lambda)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", type(original_node).__name__, id(original_node)))


def _semantic(events: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Without whitespace and operator tokens, which the walk skips."""
    tokens = {
        name
        for name, value in vars(cst).items()
        if isinstance(value, type)
        and value.__module__ in ("libcst._nodes.op", "libcst._nodes.whitespace")
    }
    return [event for event in events if event[1] not in tokens]


def test_same_order_as_libcst_on_this_project() -> None:
    root = Path(__file__).resolve().parent.parent / "numba_lint"
    files = sorted(root.rglob("*.py"))[:25]
    assert files
    for path in files:
        module = cst.parse_module(path.read_text())
        theirs, ours = _Order(), _Order()
        module.visit(theirs)
        walk(module, ours)
        assert _semantic(theirs.events) == ours.events, path


def test_walk_statements_enters_every_block_and_no_expression() -> None:
    from numba_lint.walk import walk_statements

    source = (
        "import numba\n"
        "if numba:\n    def a(): pass\nelse:\n    def b(): pass\n"
        "try:\n    def c(): pass\nexcept ValueError:\n    def d(): pass\n"
        "else:\n    def e(): pass\nfinally:\n    def f(): pass\n"
        "with open('x') as handle:\n    def g(): pass\n"
        "for i in range(3):\n    def h(): pass\n"
        "while False:\n    def i(): pass\n"
        "match numba:\n    case 1:\n        def j(): pass\n"
        "class K:\n    def k(self): return [lambda: 1 for _ in ()]\n"
        "@numba.njit(cache=True)\ndef m(x: int = 1):\n    def n(): pass\n    return n\n"
        "f = numba.njit(lambda: 2)\n"
    )
    full, statements = _Order(), _Order()
    walk(cst.parse_module(source), full)
    walk_statements(cst.parse_module(source), statements)
    visited = [name for event, name, _ in statements.events if event == "visit"]
    full_visited = [name for event, name, _ in full.events if event == "visit"]
    # Every def (a to n, the nested one too) and the class, as the full walk finds them.
    assert visited.count("FunctionDef") == full_visited.count("FunctionDef") == 13
    assert visited.count("ClassDef") == 1
    full_kinds, kinds = set(full_visited), set(visited)
    # Expressions, decorators, parameters and annotations are never entered.
    for skipped in ("Call", "Lambda", "Decorator", "Parameters", "Annotation", "Name", "Integer"):
        assert skipped in full_kinds and skipped not in kinds
    # The statements themselves are visited (the jit index reads assignments and returns).
    for statement in ("Assign", "Return", "Import", "If", "Try", "With", "For", "While", "Match"):
        assert statement in kinds


def _fields_from_source(node_type: type) -> tuple[str, ...]:
    """The fields `_visit_and_replace_children` passes to libcst's `visit_*` helpers, in the
    order of its source: what the walk must take from the compiled method."""
    source = textwrap.dedent(inspect.getsource(node_type._visit_and_replace_children))
    calls = [
        call
        for call in ast.walk(ast.parse(source))
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id.startswith("visit_")
        and len(call.args) >= 2
        and isinstance(call.args[1], ast.Constant)
        and isinstance(call.args[1].value, str)
    ]
    calls.sort(key=lambda call: (call.lineno, call.col_offset))
    return tuple(dict.fromkeys(call.args[1].value for call in calls))  # type: ignore[union-attr]


def test_visited_fields_match_libcst_source_for_every_node_type() -> None:
    node_types = [
        value
        for value in vars(cst).values()
        if isinstance(value, type)
        and issubclass(value, cst.CSTNode)
        and dataclasses.is_dataclass(value)
        and not inspect.isabstract(value)
    ]
    assert len(node_types) > 100
    for node_type in node_types:
        assert _visited_fields(node_type) == _fields_from_source(node_type), node_type


def test_a_visitor_is_freed_without_the_cyclic_collector() -> None:
    """The static pass pauses Python's cyclic collector: a visitor (and the module it holds)
    must go by reference counting alone, so its dispatch tables may not refer back to it."""
    import gc
    import weakref

    from numba_lint.walk import TypeDispatchVisitor

    class Counter(TypeDispatchVisitor):
        def __init__(self, module: cst.Module) -> None:
            super().__init__()
            self.module = module
            self.names = 0

        def visit_Name(self, node: cst.Name) -> None:
            self.names += 1

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            self.names += 100

    module = cst.parse_module("def f(a):\n    return a + b\n")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        visitor = Counter(module)
        walk(module, visitor)
        assert visitor.names == 104
        gone = weakref.ref(visitor)
        del visitor
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_entering_is_decided_as_issubclass_decides_it() -> None:
    """`_decide` reads the method resolution order instead of asking libcst's ABCs: the same
    answer for every libcst node type and for the values that are no nodes."""
    from numba_lint import walk as walking

    def every_subclass(base: type) -> set[type]:
        found = set(base.__subclasses__())
        for below in list(found):
            found |= every_subclass(below)
        return found

    types = [*every_subclass(cst.CSTNode), str, int, type(None), tuple, cst.MaybeSentinel]
    assert len(types) > 200
    for node_type in types:
        statement = issubclass(node_type, walking._STATEMENT_PARTS)
        node = issubclass(node_type, cst.CSTNode)
        node = node and node_type.__module__ not in walking._SKIPPED_MODULES
        assert walking._decide({}, node_type) == node
        assert walking._decide(walking._STATEMENTS, node_type) == statement
