"""A worker's raw failure -> Diagnostics at the root-cause node, worded in one plain line.

Called by run.py in the linter's process; never imports Numba. The line comes from the error's
cause chain (innermost user-code location), then Numba's message text; the column range comes
from the CST: the attribute, global name, call, subscript or operator the message names, or the
first use of an untypable argument. Failures inside a jitted callee carry the call chain.

Where Numba offers several candidate places, the choice is by source order, never by Numba's
iteration order (which depends on string hashing): the return or assignment that brings in a
type Numba cannot unify (messages.choose_disagreeing, the places read by irfacts.py), the first
use of any untypable argument; the others go to `detail["also_at"]`. A failure Numba gives no
location for is put on the function's name and says so. Numba's internal variable names
(`$phi14.0.2`, `arg.0`) are replaced by the user's expression or a plain phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from ..checks import dynamic as rules
from ..checks.base import RuleInfo
from ..diagnostic import Diagnostic, Location, Pass
from .messages import (
    DISPATCHER,
    INTERNAL_NAME,
    LOWERING_GLOBAL,
    MODULE_OWNER,
    NAME_ERROR,
    NO_IMPL,
    QUOTED,
    UNIFY,
    UNIFY_TARGET,
    UNKNOWN_ATTR,
    UNSUPPORTED_NUMPY,
    UNTYPABLE_TYPE,
    UNTYPED_GLOBAL,
    choose_disagreeing,
    classify,
    first_line,
    root_location,
    source_order,
    stable_text,
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
    cst.Return,
    cst.Assign,
    cst.AnnAssign,
    cst.IfExp,
    cst.For,
)

NO_LOCATION = "Numba gave no location; reported at the function"


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
    # The failing signature's place among the function's signatures as written (decorator) or
    # harvested: the order in which a finding lists them, whatever order they arrived in.
    signature_order: int = 0


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


def _params(function: cst.FunctionDef) -> list[cst.Param]:
    p = function.params
    star = [p.star_arg] if isinstance(p.star_arg, cst.Param) else []
    return [*p.posonly_params, *p.params, *star, *p.kwonly_params]


def _qualified(info: dict[str, Any]) -> str:
    return f"{info['module']}.{info['class']}"


def _one_untypable(info: dict[str, Any], plural: bool = False) -> str:
    container = info.get("container")
    if container:
        return (
            f"{container}s of '{info['class']}' instances"
            if plural
            else f"a {container} of '{info['class']}' instances"
        )
    if plural:
        return f"instances of the plain class '{info['class']}'"
    return f"an instance of the plain class '{info['class']}'"


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def describe_untypable(infos: list[dict[str, Any]]) -> str:
    """`argument 'a' is an instance of the plain class 'P'`, `arguments 'a' and 'b' are ...`,
    `argument 'pts' is a list of 'Point' instances`; arguments in the signature's order."""
    params = [i["param"] for i in infos]
    if len(infos) == 1:
        return f"argument {_names(params)} is {_one_untypable(infos[0])}"
    kinds = {(i.get("container"), i["class"]) for i in infos}
    if len(kinds) == 1:
        return f"arguments {_names(params)} are {_one_untypable(infos[0], plural=True)}"
    each = [f"'{i['param']}' ({_one_untypable(i)})" for i in infos]
    return "arguments " + ", ".join(each[:-1]) + " and " + each[-1]


def _def_name(source: SourceFile, function_line: int) -> cst.CSTNode | None:
    """The name in the `def` line of the checked function."""
    function = source.function_at(function_line)[0]
    return function.name if function is not None else None


def _on_line(source: SourceFile, line: int, kinds: tuple[type, ...]) -> list[cst.CSTNode]:
    """Nodes of `kinds` that start on `line`, in source order."""
    found = [
        (where.start.column, node)
        for node, where in source.nodes_on(line, kinds)
        if where.start.line == line
    ]
    return [node for _, node in sorted(found, key=lambda item: item[0])]


def _binds(target: cst.CSTNode, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_binds(element.value, name) for element in target.elements)
    return False


def _site_node(
    source: SourceFile, kind: str, place: dict[str, Any], same_line: list[dict[str, Any]]
) -> cst.CSTNode | None:
    """The statement (or branch) of a candidate place: a `return`, an assignment to the
    variable, the loop that binds it, or the branch of a conditional expression."""
    line = int(place["line"])
    if place.get("param"):
        # An argument: its parameter in the `def` (Numba's line is the first decorator's).
        for node, where in source.all_positions().items():
            if not isinstance(node, cst.FunctionDef):
                continue
            first = source.position(node.decorators[0]) if node.decorators else where
            if first.start.line == line:
                for param in _params(node):
                    if param.name.value == place["param"]:
                        return param.name
        return None
    if kind == "return":
        found = _on_line(source, line, (cst.Return,))
        return found[0] if found else None
    name = place.get("name", "")
    if name.startswith("$"):
        # A value merged inside one line: the branches of `a if c else b`, in block order.
        ternaries = _on_line(source, line, (cst.IfExp,))
        if ternaries:
            order = sorted(same_line, key=source_order)
            branch = order.index(place) if place in order else 0
            ternary = ternaries[0]
            return ternary.body if branch == 0 else ternary.orelse  # type: ignore[attr-defined]
        return None
    for node in _on_line(source, line, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For)):
        if isinstance(node, cst.Assign) and any(_binds(t.target, name) for t in node.targets):
            return node
        if isinstance(node, (cst.AnnAssign, cst.AugAssign)) and _binds(node.target, name):
            return node
        if isinstance(node, cst.For) and _binds(node.target, name):
            return node.target
    for node in _on_line(source, line, (cst.Name,)):
        if node.value == name:  # type: ignore[attr-defined]
            return node
    return None


def _code(source: SourceFile, node: cst.CSTNode) -> str:
    if getattr(node, "lpar", None):
        node = node.with_changes(lpar=(), rpar=())  # `(a if c else b)` -> `a if c else b`
    return " ".join(source.wrapper.module.code_for_node(node).split())


def _merged_value(source: SourceFile, line: int) -> str:
    ternaries = _on_line(source, line, (cst.IfExp,))
    if ternaries:
        return f"'{_code(source, ternaries[0])}'"
    return "a value merged from several branches"


def _internal_phrase(name: str, info: dict[str, Any], source: SourceFile, line: int) -> str | None:
    """What an internal variable stands for, in the user's terms (quoted code), or a plain
    phrase; None for a temporary with nothing better to say."""
    kind = info.get("kind")
    if kind is None:
        if name.startswith("arg."):
            kind = "arg"
        elif "return_value" in name:
            kind = "return"
        elif name.startswith("$phi"):
            kind = "merge"
        elif "load_method" in name or "load_attr" in name:
            kind = "attribute"
    where = int(info.get("line") or line)
    if kind == "arg":
        param = info.get("param")
        if param is None:
            function = source.function_at(line)[0]
            params = _params(function) if function is not None else []
            index = int(name.split(".")[1])
            param = params[index].name.value if index < len(params) else None
        return f"'{param}'" if param else "an argument"
    if kind == "return":
        return "the returned value"
    if kind == "merge":
        return _merged_value(source, where)
    if kind == "attribute":
        attributes = _on_line(source, where, (cst.Attribute,))
        wanted = info.get("attr")
        named = [a for a in attributes if wanted is None or a.attr.value == wanted]  # type: ignore[attr-defined]
        if len(named) >= 1 and (wanted is not None or len(named) == 1):
            return f"'{_code(source, named[0])}'"
        return f"'.{wanted}'" if wanted else "an attribute"
    return None


def user_names(text: str, names: dict[str, dict[str, Any]], source: SourceFile, line: int) -> str:
    """Numba's internal variable names in `text` -> the user's expression text or a plain
    phrase (`$phi14.0.2` -> the `a if c else b` it merges, `arg.0` -> the parameter's name,
    `$50load_method.8` -> the attribute it loads, `$6return_value.1` -> the returned value)."""
    if not INTERNAL_NAME.search(text):
        return text
    text = text.replace(", defined at None", "").replace(" := <undecided>", "")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        phrase = _internal_phrase(name, names.get(name, {}), source, line)
        return phrase or "a temporary value"

    return INTERNAL_NAME.sub(replace, text)


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
        path, line, callers = self._location(raw, home, function_line)
        nowhere = path is None
        source = self.source(path) if path else None
        if source is None:
            source, line, callers = home, line if path == home.path and line else function_line, []
        assert line is not None
        untypable = {u["param"]: u for u in raw.get("untypable", [])}
        # The placeholder of an untypable argument anywhere in Numba's text (a failed getitem
        # names it in the signature lines, not the first): typing reached that argument.
        placeholder = UNTYPABLE_TYPE.search(raw.get("root_text") or raw.get("text", ""))
        detail: dict[str, Any] = {
            "numba": stable_text(raw.get("text", "")),
            "signature": raw.get("signature"),
            "signature_source": raw.get("source"),
        }
        if raw.get("kind_hint") == "invalid-signature":
            return [self._invalid_signature(raw, message, home, function_line, detail)]
        reached = placeholder is not None and placeholder.group(1) in untypable
        if not reached and raw.get("types"):
            rule, fields = classify(raw, message, dropped)
            node: cst.CSTNode | None = None
            text = rule.message.format(**fields)
            chosen = self._disagreement(raw, source, message)
            if chosen is not None:
                line, node, text, also = chosen
                detail["also_at"] = also
            elif nowhere:
                node = _def_name(home, function_line)
                line = source.position(node).start.line if node is not None else line
            else:
                node = _node_for(source, line, message, raw.get("text", ""))
            text = user_names(text, raw.get("names", {}), source, line)
            if nowhere:
                text = f"{text} ({NO_LOCATION})"
                detail["location"] = "none from Numba"
            owner_node, owner = source.function_at(line)
            trail = self._trail(callers, source, owner)
            if trail:
                trail = f"in {owner}, {trail}"
                detail["call_chain"] = [f"{p}:{n}" for p, n in callers]
            start, end = node_range(source, node) if node is not None else line_range(source, line)
            findings.append(
                Finding(rule, text, source.path, line, start, end, owner, detail, trail)
            )
        if untypable:
            findings.append(
                self._untypable(list(untypable.values()), raw, home, function_line, detail)
            )
        order = int(raw.get("signature_order", 0))
        return [replace(f, signature_order=order) for f in findings]

    def _location(
        self, raw: dict[str, Any], home: SourceFile, function_line: int
    ) -> tuple[str | None, int | None, list[tuple[str, int]]]:
        """Numba's location of the failure, or (None, None, []) when it gave none. The last
        location Numba was working on (`fallback`) is where lowering stopped for a lowering
        failure, so it counts there, inside the checked function; for any other failure it is
        only the last thing type inference looked at (often in another function): a guess."""
        path, line, callers = root_location(raw)
        if raw.get("chain") or raw.get("text_locs") or path is None:
            return path, line, callers
        text = raw.get("text", "")
        lowering = (
            raw.get("kind_hint") == "lowering"
            or "LoweringError" in raw.get("types", [])
            or "(step: native lowering)" in text
        )
        if not lowering:
            return None, None, []
        function = home.function_at(function_line)[0]
        if function is None or path != home.path or line is None:
            return None, None, []
        where = home.position(function)
        if not where.start.line <= line <= where.end.line:
            return None, None, []
        return path, line, callers

    def _disagreement(
        self, raw: dict[str, Any], source: SourceFile, message: str
    ) -> tuple[int, cst.CSTNode | None, str, list[dict[str, int]]] | None:
        """For a unification failure, the place that brings in the disagreeing type (see
        messages.choose_disagreeing), a message naming it and the others (`also_at`)."""
        sites = raw.get("sites") or {}
        kind = sites.get("kind")
        places = [dict(p) for p in sites.get("places", []) if p.get("file") == source.path]
        if kind not in ("return", "variable") or len(places) < 2:
            return None
        nodes: dict[int, cst.CSTNode | None] = {}
        branches: dict[int, list[dict[str, Any]]] = {}
        for place in places:
            if kind == "variable" and place.get("name", "").startswith("$"):
                branches.setdefault(place["line"], []).append(place)
        for place in places:
            node = _site_node(source, kind, place, branches.get(place["line"], []))
            nodes[id(place)] = node
            if node is not None:
                where = source.position(node).start
                place["line"], place["column"] = where.line, where.column + 1
        chosen = choose_disagreeing(places)
        if chosen is None:
            return None
        root, others = chosen
        node = nodes[id(root)]
        said = ", ".join(
            f"{p['type']} "
            + ("on the same line" if p["line"] == root["line"] else f"at line {p['line']}")
            for p in others
        )
        if kind == "return":
            text = f"cannot unify the return types: {root['type']} here, {said}"
        else:
            match = UNIFY_TARGET.search(message)
            target = match.group(1) if match else "?"
            if target.startswith("$"):
                label = _merged_value(source, root["line"])
            else:
                label = f"'{target.split('.')[0]}'"
            text = f"cannot unify the types of {label}: {root['type']} here, {said}"
        also = []
        for place in sorted(others, key=source_order):
            other = nodes[id(place)]
            if other is not None:
                start, _ = node_range(source, other)
                also.append({"row": start[0], "column": start[1]})
            else:
                also.append({"row": int(place["line"]), "column": 1})
        return int(root["line"]), node, text, also

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
        infos: list[dict[str, Any]],
        raw: dict[str, Any],
        home: SourceFile,
        function_line: int,
        detail: dict[str, Any],
    ) -> Finding:
        """One finding for every argument of a call that nopython mode cannot type, at the
        first use, in source order, of any of them; the others' first uses in `also_at`."""
        rule = rules.UntypableArgument
        function_node, owner = home.function_at(function_line)
        if function_node is not None:
            # Named in the signature's order, whatever order they were recorded in.
            params = [p.name.value for p in _params(function_node)]
            infos = sorted(
                infos, key=lambda i: params.index(i["param"]) if i["param"] in params else 0
            )
        uses = []
        for info in infos:
            node = first_use(function_node, info["param"]) if function_node else None
            where = node_range(home, node) if node is not None else line_range(home, function_line)
            uses.append((where, node, info))
        uses.sort(key=lambda use: use[0][0])
        (start, end), _, first = uses[0]
        text = rule.message.format(
            what=describe_untypable(infos), line=raw.get("callsite_line") or "?"
        )
        extra: dict[str, Any] = {
            "class": _qualified(first),
            "arguments": [
                {"param": i["param"], "class": _qualified(i), "container": i.get("container")}
                for i in infos
            ],
        }
        also = [{"row": s[0], "column": s[1]} for (s, _), _, _ in uses[1:] if s != start]
        if also:
            extra["also_at"] = also
        return Finding(
            rule,
            text,
            home.path,
            start[0],
            start,
            end,
            owner or raw.get("function"),
            {**detail, **extra},
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
    several callers, becomes one: the most direct call chain in the message, all in detail.

    The result does not depend on the order of `findings`: diagnostics come sorted by file,
    range, code and message; signatures are listed in the order written (or harvested), call
    chains shortest first, then alphabetically."""
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
    for (filename, start, end, _, message), group in sorted(groups.items(), key=lambda g: g[0]):
        group.sort(key=lambda f: (f.signature_order, f.detail.get("signature") or ""))
        best = min(group, key=lambda f: (len(f.trail), f.trail, f.signature_order))
        detail = dict(best.detail)
        detail.pop("signature", None)
        detail["signatures"] = list(
            dict.fromkeys(f.detail["signature"] for f in group if f.detail.get("signature"))
        )
        trails = sorted({f.trail for f in group if f.trail}, key=lambda t: (len(t), t))
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
