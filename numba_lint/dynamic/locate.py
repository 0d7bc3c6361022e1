"""A worker's raw failure -> Diagnostics at the root-cause node, worded in one plain line.

Called by run.py in the linter's process; never imports Numba. The line comes from the error's
cause chain (innermost user-code location), then Numba's message text; the column range comes
from the CST: the attribute, global name, call, subscript or operator the message names, or the
first use of an untypable argument. Failures inside a jitted callee carry the call chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from ..checks import dynamic as rules
from ..checks.base import RuleInfo
from ..diagnostic import Diagnostic, Location, Pass
from .messages import (
    DISPATCHER,
    LOWERING_GLOBAL,
    MODULE_OWNER,
    NAME_ERROR,
    NO_IMPL,
    QUOTED,
    UNIFY,
    UNKNOWN_ATTR,
    UNSUPPORTED_NUMPY,
    UNTYPABLE_TYPE,
    UNTYPED_GLOBAL,
    classify,
    first_line,
    root_location,
)

_OPERATORS = {
    "add": cst.Add,
    "iadd": cst.AddAssign,
    "sub": cst.Subtract,
    "isub": cst.SubtractAssign,
    "mul": cst.Multiply,
    "imul": cst.MultiplyAssign,
    "truediv": cst.Divide,
    "itruediv": cst.DivideAssign,
    "floordiv": cst.FloorDivide,
    "mod": cst.Modulo,
    "pow": cst.Power,
    "matmul": cst.MatrixMultiply,
    "lt": cst.LessThan,
    "gt": cst.GreaterThan,
    "le": cst.LessThanEqual,
    "ge": cst.GreaterThanEqual,
    "eq": cst.Equal,
    "ne": cst.NotEqual,
    "and_": cst.BitAnd,
    "or_": cst.BitOr,
    "xor": cst.BitXor,
    "lshift": cst.LeftShift,
    "rshift": cst.RightShift,
}

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
)


@dataclass
class SourceFile:
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
            span = where.end.line - where.start.line
            if size is None or span < size:
                best, size = (node, self.jitted.get(node, node.name.value)), span
        return best


def load_source(path: str, display: str) -> SourceFile | None:
    """A project file the static pass did not parse (a callee's module outside the paths)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        module = cst.parse_module(text)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
        return None
    return SourceFile(
        display, path, MetadataWrapper(module, unsafe_skip_copy=True), lines=text.splitlines()
    )


@dataclass(frozen=True)
class Finding:
    rule: type[RuleInfo]
    message: str
    file: str
    line: int
    start: tuple[int, int] | None  # (row, 1-based column) when a node was found
    end: tuple[int, int] | None
    function: str | None
    detail: dict[str, Any]
    # "in inner, called from outer at line 12": how a caller's check reached a callee's failure.
    trail: str = ""


def node_range(source: SourceFile, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
    where = source.position(node)
    return (where.start.line, where.start.column + 1), (where.end.line, where.end.column + 1)


def line_range(source: SourceFile | None, line: int) -> tuple[tuple[int, int], tuple[int, int]]:
    text = source.lines[line - 1] if source and 0 < line <= len(source.lines) else ""
    indent = len(text) - len(text.lstrip())
    return (line, indent + 1), (line, max(len(text), indent) + 1)


def _node_for(source: SourceFile, line: int, message: str, text: str) -> cst.CSTNode | None:
    """The node on `line` that the message is about."""
    match = UNKNOWN_ATTR.search(message)
    if match:
        named = [
            node
            for node, _ in source.nodes_on(line, (cst.Attribute,))
            if node.attr.value == match.group(1)  # type: ignore[attr-defined]
        ]
        # `np.fft.fft`: the unknown `fft` is the one read from the module the message names.
        module = MODULE_OWNER.search(match.group(2))
        if module:
            last = module.group(1).rsplit(".", 1)[-1]
            named.sort(key=lambda n: _dotted(n.value).rsplit(".", 1)[-1] != last)  # type: ignore[attr-defined]
        if named:
            return named[0]
    match = UNSUPPORTED_NUMPY.search(message)
    if match:
        wanted = match.group(1).rsplit(".", 1)[-1]
        for node, _ in source.nodes_on(line, (cst.Attribute,)):
            if node.attr.value == wanted:  # type: ignore[attr-defined]
                return node
    match = UNTYPED_GLOBAL.search(message)
    if match:
        # The call of the untyped global, else the name itself.
        for node, _ in source.nodes_on(line, (cst.Call,)):
            func = node.func  # type: ignore[attr-defined]
            if isinstance(func, cst.Name) and func.value == match.group(1):
                return node
    for pattern, haystack in (
        (UNTYPED_GLOBAL, message),
        (NAME_ERROR, message),
        (UNIFY, message),
        (LOWERING_GLOBAL, text),
    ):
        match = pattern.search(haystack)
        if match:
            for node, _ in source.nodes_on(line, (cst.Name,)):
                if node.value == match.group(1):  # type: ignore[attr-defined]
                    return node
    match = NO_IMPL.search(text)
    callee = DISPATCHER.search(text)
    name = match.group(1).rsplit(".", 1)[-1] if match else None
    if name in ("getitem", "setitem", "static_getitem", "static_setitem"):
        for node, _ in source.nodes_on(line, (cst.Subscript,)):
            return node
    if name in _OPERATORS:
        kind = _OPERATORS[name]
        for node, _ in source.nodes_on(line, (cst.BinaryOperation, cst.AugAssign, cst.Comparison)):
            if isinstance(node, cst.Comparison):
                if any(isinstance(t.operator, kind) for t in node.comparisons):
                    return node
            elif isinstance(node.operator, kind):  # type: ignore[attr-defined]
                return node
    wanted = name or (callee.group(1).rsplit(".", 1)[-1] if callee else None)
    if wanted:
        for node, _ in source.nodes_on(line, (cst.Call,)):
            func = node.func  # type: ignore[attr-defined]
            last = (
                func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
            )
            if last == wanted:
                return node
    for quoted in QUOTED.findall(message):
        for node, _ in source.nodes_on(line, (cst.Name,)):
            if node.value == quoted:  # type: ignore[attr-defined]
                return node
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _decorator_argument(holder: cst.CSTNode) -> cst.CSTNode | None:
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


class Locator:
    """Turns raw worker records into Findings, with a cache of parsed files."""

    def __init__(self, sources: dict[str, SourceFile], display: dict[str, str]) -> None:
        self.sources = sources  # by resolved path
        self.display = display  # resolved path -> display name for unparsed project files

    def source(self, path: str | None) -> SourceFile | None:
        if path is None:
            return None
        if path not in self.sources:
            loaded = load_source(path, self.display.get(path, path))
            if loaded is None:
                return None
            self.sources[path] = loaded
        return self.sources[path]

    def failure(
        self, raw: dict[str, Any], home: SourceFile, function_line: int, dropped: set[str]
    ) -> list[Finding]:
        """Findings for one failed (function, signature)."""
        findings: list[Finding] = []
        message = first_line(raw.get("root_text") or raw.get("text", ""))
        path, line, callers = root_location(raw)
        source = self.source(path) if path else None
        if source is None:
            source, line, callers = home, line if path == home.path and line else function_line, []
        assert line is not None
        untypable = {u["param"]: u for u in raw.get("untypable", [])}
        placeholder = UNTYPABLE_TYPE.search(message)
        detail = {
            "numba": raw.get("text", ""),
            "signature": raw.get("signature"),
            "signature_source": raw.get("source"),
        }
        if raw.get("kind_hint") == "invalid-signature":
            return [self._invalid_signature(raw, message, home, function_line, detail)]
        if placeholder and placeholder.group(1) in untypable:
            # Typing reached the argument's first use: that node is the root cause.
            param = placeholder.group(1)
            node = _node_for(source, line, message, raw.get("text", ""))
            findings.append(self._untypable(untypable.pop(param), raw, source, line, node, detail))
        elif raw.get("types"):
            rule, fields = classify(raw, message, dropped)
            node = _node_for(source, line, message, raw.get("text", ""))
            owner_node, owner = source.function_at(line)
            text = rule.message.format(**fields)
            trail = self._trail(callers, source, owner)
            if trail:
                trail = f"in {owner}, {trail}"
                detail["call_chain"] = [f"{p}:{n}" for p, n in callers]
            start, end = node_range(source, node) if node is not None else line_range(source, line)
            findings.append(
                Finding(rule, text, source.path, line, start, end, owner, detail, trail)
            )
        # Arguments the failure did not reach: their first use in the checked function.
        for info in untypable.values():
            function_node, owner = home.function_at(function_line)
            node = first_use(function_node, info["param"]) if function_node else None
            row = home.position(node).start.line if node is not None else function_line
            findings.append(self._untypable(info, raw, home, row, node, detail))
        return findings

    def _invalid_signature(
        self,
        raw: dict[str, Any],
        message: str,
        home: SourceFile,
        function_line: int,
        detail: dict[str, Any],
    ) -> Finding:
        """At the decorator's signature (or the jitclass spec) that Numba could not use."""
        function_node, owner = home.function_at(function_line)
        holder: cst.CSTNode | None = function_node
        if raw.get("class_line"):
            classes = home.nodes_on(raw["class_line"], (cst.ClassDef,))
            holder = classes[0][0] if classes else holder
        node = _decorator_argument(holder) if holder is not None else None
        signature = raw.get("signature")
        if signature:
            what = f"signature {signature}"
        else:
            what = "jitclass spec" if raw.get("class_line") else "signature"
        rule = rules.InvalidSignature
        start, end = node_range(home, node) if node is not None else line_range(home, function_line)
        text = rule.message.format(what=what, detail=message)
        return Finding(rule, text, home.path, start[0], start, end, owner, detail)

    def _untypable(
        self,
        info: dict[str, Any],
        raw: dict[str, Any],
        source: SourceFile,
        line: int,
        node: cst.CSTNode | None,
        detail: dict[str, Any],
    ) -> Finding:
        rule = rules.UntypableArgument
        text = rule.message.format(
            param=info["param"], cls=info["class"], line=raw.get("callsite_line") or "?"
        )
        start, end = node_range(source, node) if node is not None else line_range(source, line)
        _, owner = source.function_at(line)
        return Finding(
            rule,
            text,
            source.path,
            line,
            start,
            end,
            owner or raw.get("function"),
            {**detail, "class": f"{info['module']}.{info['class']}"},
        )

    def _trail(self, callers: list[tuple[str, int]], source: SourceFile, owner: str | None) -> str:
        parts = []
        for path, line in reversed(callers):
            caller_source = self.source(path)
            name = caller_source.function_at(line)[1] if caller_source else None
            if name == owner and caller_source is source:
                continue
            where = (
                f"line {line}"
                if caller_source is source
                else (f"{caller_source.filename if caller_source else path}:{line}")
            )
            parts.append(f"called from {name or '?'} at {where}")
        return ", ".join(parts)


def to_diagnostics(findings: Iterable[Finding], display: dict[str, str]) -> list[Diagnostic]:
    """Findings -> Diagnostics. The same problem found for several signatures, or reached from
    several callers, becomes one: the most direct call chain in the message, all in detail."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        start = finding.start or (finding.line, 1)
        key = (
            display.get(finding.file, finding.file),
            start,
            finding.end or start,
            finding.rule.code,
            finding.message,
        )
        groups.setdefault(key, []).append(finding)
    diagnostics = []
    for (filename, start, end, _, message), group in groups.items():
        best = min(group, key=lambda f: (len(f.trail), f.trail))
        detail = dict(best.detail)
        detail.pop("signature", None)
        detail["signatures"] = list(
            dict.fromkeys(f.detail["signature"] for f in group if f.detail.get("signature"))
        )
        trails = list(dict.fromkeys(f.trail for f in group if f.trail))
        if trails:
            detail["called_from"] = trails
        if best.trail:
            message = f"{message} ({best.trail})"
        if len(detail["signatures"]) > 1:
            message += (
                f" [for {len(detail['signatures'])} signatures: "
                + "; ".join(detail["signatures"])
                + "]"
            )
        diagnostics.append(
            Diagnostic(
                filename=filename,
                location=Location(*start),
                end_location=Location(*end),
                code=best.rule.code,
                message=message,
                severity=best.rule.severity,
                pass_=Pass.DYNAMIC,
                function=best.function,
                url=best.rule.url(),
                detail=detail,
            )
        )
    return diagnostics
