"""Module-level call sites of jitted functions, read from the source text alone.

A call made by module-level code (`out = kernel(x, 3)`) types the function it calls: its
arguments are spelled here and typed by the worker. A module-level assignment whose value calls a
jitted function (`d = pairwise(pts)`) is a `CallResult`: the skeleton never runs it, so the names
it binds reach later call sites as types only, through `refs`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

from ...parse import ParsedModule
from .positions import resolve_positions


@dataclass(frozen=True)
class CallSite:
    line: int
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...] = ()
    # Names the arguments read whose value at this call comes from a `CallResult` (by key): the
    # skeleton never ran that assignment, so the worker types them without a value.
    refs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CallResult:
    """A module-level assignment whose value calls a jitted function of the module
    (`d = pairwise(pts)`, `lo, hi = stats(d)`). The skeleton drops it (the call is never run), so
    the names it binds have no value in the worker, only a type: the return type that the trial
    compile infers for the call, passed through the `targets`' index paths."""

    key: str  # "line:column" of the statement, unique in the module
    line: int
    value: str  # source of the assigned expression
    # Each bound name with its index path into the value (`a, (b, c) = ...`: b -> (1, 0));
    # None when the target cannot be followed (a starred target, an attribute, ...).
    targets: tuple[tuple[str, tuple[int, ...] | None], ...]
    refs: tuple[tuple[str, str], ...] = ()  # names its value reads that come from other results

    def to_job(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "value": self.value,
            "targets": {n: (list(p) if p is not None else None) for n, p in self.targets},
            "refs": dict(self.refs),
        }


Position = tuple[int, int]


def _target_paths(
    target: cst.BaseExpression, path: tuple[int, ...] = ()
) -> list[tuple[str, tuple[int, ...] | None]]:
    """Names an assignment target binds, each with its index path into the assigned value."""
    if isinstance(target, cst.Name):
        return [(target.value, path)]
    if isinstance(target, (cst.Tuple, cst.List)):
        if any(isinstance(e, cst.StarredElement) for e in target.elements):
            return [(name, None) for name, _ in _target_paths_flat(target)]
        found = []
        for number, element in enumerate(target.elements):
            found.extend(_target_paths(element.value, (*path, number)))
        return found
    return [(name, None) for name, _ in _target_paths_flat(target)]


def _target_paths_flat(node: cst.CSTNode) -> list[tuple[str, None]]:
    """Every plain name inside a target that cannot be followed (`*rest`, `a.b[0]` binds none)."""
    if isinstance(node, cst.Name):
        return [(node.value, None)]
    if isinstance(node, cst.StarredElement):
        return _target_paths_flat(node.value)
    if isinstance(node, (cst.Tuple, cst.List)):
        return [pair for e in node.elements for pair in _target_paths_flat(e.value)]
    return []


class _Reads(cst.CSTVisitor):
    """The names an expression reads (not attribute names, keywords, or inner scopes)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return False


def _reads(*nodes: cst.CSTNode) -> list[str]:
    visitor = _Reads()
    for node in nodes:
        node.visit(visitor)
    return list(dict.fromkeys(visitor.names))


def _calls_any(node: cst.CSTNode, names: set[str]) -> bool:
    return any(
        isinstance(sub, cst.Call) and isinstance(sub.func, cst.Name) and sub.func.value in names
        for sub in _walk(node)
    )


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    pending = [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.children)
    return found


class _CallSites(cst.CSTVisitor):
    """Calls made by module-level code (not inside a def or class body), and the module-level
    bindings of names: which ones a call's arguments read, and which of those come from an
    assignment that calls a jitted function (a `CallResult`, never run by the skeleton)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: set[str], jitted: set[str]) -> None:
        super().__init__()
        self.names = names
        # Every module-level jitted name: the skeleton drops assignments that call one.
        self.jitted = jitted
        self.found: dict[str, list[tuple[CallSite, Position, list[str]]]] = {}
        # name -> (where the binding takes effect, CallResult key or None), in source order.
        self.bindings: dict[str, list[tuple[Position, str | None]]] = {}
        self.results: dict[str, tuple[CallResult, Position, list[str]]] = {}

    def _start(self, node: cst.CSTNode) -> Position:
        where = self.get_metadata(PositionProvider, node).start
        return (where.line, where.column)

    def _end(self, node: cst.CSTNode) -> Position:
        where = self.get_metadata(PositionProvider, node).end
        return (where.line, where.column)

    def _bind(self, names: list[str], node: cst.CSTNode, key: str | None = None) -> None:
        for name in names:
            self.bindings.setdefault(name, []).append((self._end(node), key))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind([node.name.value], node)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind([node.name.value], node)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = [pair for t in node.targets for pair in _target_paths(t.target)]
        self._assigned(node, targets, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned(node, _target_paths(node.target), node.value)

    def _assigned(
        self,
        node: cst.CSTNode,
        targets: list[tuple[str, tuple[int, ...] | None]],
        value: cst.BaseExpression | None,
    ) -> None:
        key = None
        if value is not None and _calls_any(value, self.jitted):
            line, column = self._start(node)
            key = f"{line}:{column}"
            result = CallResult(key, line, _code(value), tuple(targets))
            self.results[key] = (result, self._start(value), _reads(value))
        self._bind([name for name, _ in targets], node, key)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(_reads(node.target), node)

    def visit_For(self, node: cst.For) -> None:
        self._bind([n for n, _ in _target_paths_flat(node.target)], node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind([n for n, _ in _target_paths_flat(node.asname.name)], node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind([n for n, _ in _target_paths_flat(node.target)], node)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is not None:
            bound = [n for n, _ in _target_paths_flat(node.asname.name)]
        else:
            bound = [_code(node.name).split(".")[0]]
        self._bind(bound, node)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value not in self.names:
            return
        if any(arg.star for arg in node.args):
            return
        args = tuple(_code(a.value) for a in node.args if a.keyword is None)
        kwargs = tuple(
            (a.keyword.value, _code(a.value)) for a in node.args if a.keyword is not None
        )
        line = self.get_metadata(PositionProvider, node).start.line
        site = CallSite(line, args, kwargs)
        reads = _reads(*(a.value for a in node.args))
        self.found.setdefault(func.value, []).append((site, self._start(node), reads))

    def result_of(self, name: str, at: Position) -> str | None:
        """The CallResult key of the binding of `name` in effect at `at`, if it is one."""
        current = None
        for where, key in self.bindings.get(name, ()):
            if where <= at:
                current = key
        return current

    def refs(self, reads: list[str], at: Position) -> tuple[tuple[str, str], ...]:
        return tuple((name, key) for name in reads if (key := self.result_of(name, at)) is not None)


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def call_sites(
    parsed: ParsedModule, names: set[str], jitted: set[str] | None = None
) -> tuple[dict[str, list[CallSite]], dict[str, CallResult]]:
    """The call sites of `names` (each with the results its arguments read) and every result."""
    visitor = _CallSites(names, set(names) if jitted is None else jitted)
    resolve_positions(parsed.wrapper)  # h6: the same positions, without libcst's idle walk
    parsed.wrapper.visit(visitor)
    results = {
        key: replace(result, refs=visitor.refs(reads, at))
        for key, (result, at, reads) in visitor.results.items()
    }
    sites = {
        name: [replace(site, refs=visitor.refs(reads, at)) for site, at, reads in found]
        for name, found in visitor.found.items()
    }
    return sites, results
