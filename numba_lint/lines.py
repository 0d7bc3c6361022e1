"""ParsedModule -> the first line of its defs, decorators and statement values, from Python's ast.

Used by the jit index and the rule walk instead of libcst's PositionProvider (seconds per corpus
run: it regenerates the whole module's code). libcst statements are paired with the ast
statements of the same text in order; a node the pairing cannot place returns None and callers
fall back to libcst's positions. Never imports the code.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

_COMPOUND_PAIRS: tuple[tuple[type, tuple[type, ...]], ...] = (
    (cst.FunctionDef, (ast.FunctionDef, ast.AsyncFunctionDef)),
    (cst.ClassDef, (ast.ClassDef,)),
    (cst.If, (ast.If,)),
    (cst.For, (ast.For, ast.AsyncFor)),
    (cst.While, (ast.While,)),
    (cst.With, (ast.With, ast.AsyncWith)),
    (cst.Try, (ast.Try,)),
    (cst.TryStar, (getattr(ast, "TryStar", ast.Try),)),
)
_SMALL_PAIRS: dict[type, type] = {
    cst.Assign: ast.Assign,
    cst.Expr: ast.Expr,
    cst.AnnAssign: ast.AnnAssign,
    cst.AugAssign: ast.AugAssign,
    cst.Return: ast.Return,
}


@dataclass(frozen=True)
class _Placed:
    """The lines of one statement: its own, its decorators' and its value's."""

    line: int
    decorators: tuple[int, ...] | None
    value: int | None
    # The statement's last line, and the first line of its body (compound statements).
    end: int | None = None
    body: int | None = None


def _placed(node: ast.stmt) -> _Placed:
    decorators = getattr(node, "decorator_list", None)
    value = getattr(node, "value", None)
    body = getattr(node, "body", None)
    return _Placed(
        line=node.lineno,
        decorators=None if decorators is None else tuple(d.lineno for d in decorators),
        value=value.lineno if isinstance(value, ast.expr) else None,
        end=node.end_lineno,
        body=body[0].lineno if isinstance(body, list) and body else None,
    )


class Lines:
    """Lines of statement-level nodes of one libcst module (paired lazily, once). Only line
    numbers are kept, not the ast: a whole module's ast is large."""

    def __init__(self, module: cst.Module, text: str, tree: ast.Module | None = None) -> None:
        self._module = module
        self._text = text
        self._tree = tree
        self._paired: dict[cst.CSTNode, _Placed] | None = None

    def _pairs(self) -> dict[cst.CSTNode, _Placed]:
        if self._paired is None:
            self._paired = {}
            tree = self._tree
            if tree is None:
                try:
                    tree = ast.parse(self._text)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return self._paired
            self._tree = None  # only the lines are kept
            self._pair_block(self._module.body, tree.body)
        return self._paired

    def _pair_block(self, statements: Sequence[cst.CSTNode], nodes: Sequence[ast.stmt]) -> None:
        position = 0
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if position >= len(nodes):
                        return
                    expected = _SMALL_PAIRS.get(type(small))
                    if expected is not None and not isinstance(nodes[position], expected):
                        return  # texts differ here (a reduced body): stop pairing this block
                    self._paired[small] = _placed(nodes[position])  # type: ignore[index]
                    position += 1
                continue
            if position >= len(nodes):
                return
            node = nodes[position]
            position += 1
            if not self._pair_compound(statement, node):
                return

    def _pair_compound(self, statement: cst.CSTNode, node: ast.stmt) -> bool:
        for cst_type, ast_types in _COMPOUND_PAIRS:
            if isinstance(statement, cst_type):
                if not isinstance(node, ast_types):
                    return False
                break
        else:
            return False  # match statements and anything new: left to libcst's positions
        self._paired[statement] = _placed(node)  # type: ignore[index]
        self._pair_suite(getattr(statement, "body", None), node.body)  # type: ignore[attr-defined]
        if isinstance(statement, (cst.Try, cst.TryStar)):
            handlers = node.handlers  # type: ignore[attr-defined]
            if len(handlers) == len(statement.handlers):
                for handler, ast_handler in zip(statement.handlers, handlers, strict=True):
                    self._pair_suite(handler.body, ast_handler.body)  # type: ignore[attr-defined]
            if statement.finalbody is not None:
                self._pair_suite(statement.finalbody.body, node.finalbody)  # type: ignore[attr-defined]
        orelse = getattr(statement, "orelse", None)
        if isinstance(orelse, cst.If):
            others = node.orelse  # type: ignore[attr-defined]
            if len(others) == 1:
                self._pair_compound(orelse, others[0])
        elif orelse is not None:
            self._pair_suite(orelse.body, node.orelse)  # type: ignore[attr-defined]
        return True

    def _pair_suite(self, suite: object, nodes: Sequence[ast.stmt]) -> None:
        if isinstance(suite, cst.IndentedBlock):
            self._pair_block(suite.body, nodes)
        elif isinstance(suite, cst.SimpleStatementSuite):
            self._pair_block([cst.SimpleStatementLine(body=suite.body)], nodes)

    # ---- questions -----------------------------------------------------------------------
    def def_line(self, node: cst.FunctionDef | cst.ClassDef) -> int | None:
        """The line of the `def`/`class` keyword (the name's line)."""
        found = self._pairs().get(node)
        return found.line if found is not None else None

    def decorator_lines(self, node: cst.FunctionDef | cst.ClassDef) -> list[int] | None:
        found = self._pairs().get(node)
        if found is None or found.decorators is None:
            return None
        if len(found.decorators) != len(node.decorators):
            return None
        return list(found.decorators)

    def def_span(self, node: cst.FunctionDef) -> tuple[int, int, int] | None:
        """A def's first line (its first decorator's), the first line of its body and its last
        line; None when the pairing cannot place it."""
        found = self._pairs().get(node)
        if found is None or found.end is None or found.body is None or found.decorators is None:
            return None
        if len(found.decorators) != len(node.decorators):
            return None
        return min((found.line, *found.decorators)), found.body, found.end

    def value_line(self, statement: cst.Assign | cst.Expr | cst.Return) -> int | None:
        """The first line of the value of an assignment, expression or return statement."""
        found = self._pairs().get(statement)
        return found.value if found is not None else None
