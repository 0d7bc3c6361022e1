"""One source file's CST, positions and nodes by line, for locating the dynamic pass's findings.

Used in the linter's process by locate.py, disagreement.py, wording.py, numba_warnings.py and
warning_anchors.py; never imports Numba. The tree is the static pass's, reused (or parsed here
for a project file the static pass did not read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

# The node kinds a message can name (indexed by line once per file).
_LOCATABLE = (
    cst.Attribute,
    cst.Name,
    cst.Call,
    cst.Subscript,
    cst.BinaryOperation,
    cst.AugAssign,
    cst.Comparison,
    cst.FunctionDef,
    cst.ClassDef,
    cst.Return,
    cst.Assign,
    cst.AnnAssign,
    cst.IfExp,
    cst.For,
)


@dataclass
class SourceNodes:
    """One file's tree and positions, computed once per file (reused from the static pass)."""

    filename: str  # as displayed
    path: str
    wrapper: MetadataWrapper
    positions: Any = None
    by_line: dict[int, list[tuple[cst.CSTNode, CodeRange]]] | None = None
    lines: list[str] = field(default_factory=list)
    # qualname of each jitted function, by its def node.
    jitted: dict[cst.FunctionDef, str] = field(default_factory=dict)

    def position(self, node: cst.CSTNode) -> CodeRange:
        if self.positions is None:
            self.positions = self.wrapper.resolve(PositionProvider)
        return self.positions[node]

    def all_positions(self) -> Any:
        if self.positions is None:
            self.positions = self.wrapper.resolve(PositionProvider)
        return self.positions

    def nodes_on(self, line: int, kinds: tuple[type, ...]) -> list[tuple[cst.CSTNode, CodeRange]]:
        """Nodes of `kinds` whose range covers `line`, innermost (shortest) first."""
        if self.by_line is None:
            self.by_line = {}
            if self.positions is None:
                self.positions = self.wrapper.resolve(PositionProvider)
            for node, where in self.positions.items():
                if isinstance(node, _LOCATABLE):
                    for row in range(where.start.line, where.end.line + 1):
                        self.by_line.setdefault(row, []).append((node, where))
        found = [item for item in self.by_line.get(line, []) if isinstance(item[0], kinds)]
        found.sort(
            key=lambda item: (
                item[1].start.line != line,
                item[1].end.line - item[1].start.line,
                item[1].start.column,
            )
        )
        return found

    def function_at(self, line: int) -> tuple[cst.FunctionDef | None, str | None]:
        """The innermost function whose body spans `line`, and its qualified name if jitted."""
        best: tuple[cst.FunctionDef | None, str | None] = (None, None)
        size = None
        for node, where in self.nodes_on(line, (cst.FunctionDef,)):
            assert isinstance(node, cst.FunctionDef)
            span = where.end.line - where.start.line
            if size is None or span < size:
                best, size = (node, self.jitted.get(node, node.name.value)), span
        return best


def load_source(path: str, display: str) -> SourceNodes | None:
    """A project file the static pass did not parse (a callee's module outside the paths)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        module = cst.parse_module(text)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
        return None
    return SourceNodes(
        display, path, MetadataWrapper(module, unsafe_skip_copy=True), lines=text.splitlines()
    )


def node_range(source: SourceNodes, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
    where = source.position(node)
    return (where.start.line, where.start.column + 1), (where.end.line, where.end.column + 1)


def line_range(source: SourceNodes | None, line: int) -> tuple[tuple[int, int], tuple[int, int]]:
    text = source.lines[line - 1] if source and 0 < line <= len(source.lines) else ""
    indent = len(text) - len(text.lstrip())
    return (line, indent + 1), (line, max(len(text), indent) + 1)


def decorator_argument(holder: cst.CSTNode) -> cst.CSTNode | None:
    """The first positional argument of a decorator call: where signatures and specs are."""
    for decorator in getattr(holder, "decorators", ()):
        call = decorator.decorator
        if isinstance(call, cst.Call) and call.args and call.args[0].keyword is None:
            return call.args[0].value
    return None


class _FirstUse(cst.CSTVisitor):
    """The first load of a parameter in a function body, widened to `p.attr` / `p[...]`."""

    def __init__(self, param: str) -> None:
        super().__init__()
        self.param = param
        self.found: cst.CSTNode | None = None
        self.parents: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.found is not None:
            return False
        if isinstance(node, cst.Param):
            return False
        if isinstance(node, cst.Name) and node.value == self.param:
            parent = self.parents[-1] if self.parents else None
            if isinstance(parent, cst.Attribute) and parent.value is node:
                self.found = parent
            elif isinstance(parent, cst.Subscript) and parent.value is node:
                self.found = parent
            else:
                self.found = node
            return False
        self.parents.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self.parents and self.parents[-1] is original_node:
            self.parents.pop()


def first_use(function: cst.FunctionDef, param: str) -> cst.CSTNode | None:
    visitor = _FirstUse(param)
    function.body.visit(visitor)
    if visitor.found is not None:
        return visitor.found
    for p in (*function.params.posonly_params, *function.params.params):
        if p.name.value == param:
            return p
    return None


def params_of(function: cst.FunctionDef) -> list[cst.Param]:
    p = function.params
    star = [p.star_arg] if isinstance(p.star_arg, cst.Param) else []
    return [*p.posonly_params, *p.params, *star, *p.kwonly_params]


def on_line(source: SourceNodes, line: int, kinds: tuple[type, ...]) -> list[cst.CSTNode]:
    """Nodes of `kinds` that start on `line`, in source order."""
    found = [
        (where.start.column, node)
        for node, where in source.nodes_on(line, kinds)
        if where.start.line == line
    ]
    return [node for _, node in sorted(found, key=lambda item: item[0])]
