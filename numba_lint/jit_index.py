"""ParsedModule -> JitIndex: every function whose body Numba compiles, with its decorator options.

Called once per module by the pipeline; static rules and the dynamic pass both read the result.
Names resolve through the module's `names.Names` (computed once per module) plus the
project's own re-exports of numba's decorators (`ProjectAliases`). Never imports Numba.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import libcst as cst

from .modules import absolute_module_name
from .names import dotted
from .parse import ParsedModule, parse
from .walk import TypeDispatchVisitor, walk_statements

# Fully qualified decorator name -> the kind of jitted code it makes.
JIT_DECORATORS: dict[str, str] = {
    "numba.jit": "jit",
    "numba.core.decorators.jit": "jit",
    "numba.njit": "njit",
    "numba.core.decorators.njit": "njit",
    "numba.generated_jit": "generated_jit",
    "numba.core.decorators.generated_jit": "generated_jit",
    "numba.vectorize": "vectorize",
    "numba.np.ufunc.vectorize": "vectorize",
    "numba.np.ufunc.decorators.vectorize": "vectorize",
    "numba.guvectorize": "guvectorize",
    "numba.np.ufunc.guvectorize": "guvectorize",
    "numba.np.ufunc.decorators.guvectorize": "guvectorize",
    "numba.cfunc": "cfunc",
    "numba.core.decorators.cfunc": "cfunc",
    "numba.stencil": "stencil",
    "numba.stencils.stencil.stencil": "stencil",
    "numba.experimental.jitclass": "jitclass",
    "numba.experimental.jitclass.decorators.jitclass": "jitclass",
    "numba.jitclass": "jitclass",
    "numba.extending.overload": "overload",
    "numba.core.extending.overload": "overload",
    "numba.extending.overload_method": "overload",
    "numba.core.extending.overload_method": "overload",
    "numba.extending.overload_attribute": "overload",
    "numba.core.extending.overload_attribute": "overload",
    "numba.extending.register_jitable": "register_jitable",
    "numba.core.extending.register_jitable": "register_jitable",
    "numba.cuda.jit": "cuda_jit",
}

# Kinds whose decorated function is itself compiled. jitclass compiles the methods of the class;
# overload compiles the implementation functions defined inside the decorated one.
FUNCTION_KINDS = frozenset(
    {
        "jit",
        "njit",
        "generated_jit",
        "vectorize",
        "guvectorize",
        "cfunc",
        "stencil",
        "register_jitable",
        "cuda_jit",
    }
)


@dataclass(frozen=True)
class JitDecorator:
    """A resolved jit decorator: its kind, its literal options and its signature arguments."""

    kind: str
    qualified_name: str
    # Keyword options whose values are literals (nopython=True, cache=True, ...).
    options: Mapping[str, Any] = field(default_factory=dict)
    # Keyword options present but not literal, by source text.
    option_sources: Mapping[str, str] = field(default_factory=dict)
    # Positional arguments as source text: signatures for jit/njit/cfunc/vectorize, spec for
    # jitclass.
    positional: tuple[str, ...] = ()
    line: int = 0

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


@dataclass(frozen=True, eq=False)
class JitFunction:
    """One function whose body Numba compiles."""

    name: str
    qualname: str
    node: cst.FunctionDef
    decorator: JitDecorator
    # How it became jitted: "decorator", "call" (fast = njit(slow)), "jitclass-method",
    # "overload-implementation".
    form: str
    line: int
    # The name that holds the dispatcher, when it differs from `name` (fast = njit(slow)).
    dispatcher_name: str | None = None
    class_name: str | None = None

    @property
    def kind(self) -> str:
        return self.decorator.kind

    @property
    def signatures(self) -> tuple[str, ...]:
        """Explicit signatures in the decorator (source text), empty for lazy functions."""
        if self.kind in ("jitclass", "overload", "register_jitable", "stencil"):
            return ()
        first = self.decorator.positional[:1]
        # @guvectorize("(n)->(n)") alone is a dynamic gufunc: the string is its layout, not a
        # signature, so the function is lazy.
        if self.kind == "guvectorize" and len(self.decorator.positional) == 1 and "->" in first[0]:
            return ()
        return first


@dataclass
class JitIndex:
    functions: list[JitFunction]
    # Classes decorated with @jitclass: name -> field names (from the spec and annotations).
    jitclasses: dict[str, frozenset[str]]
    # Module-level names bound to a jit decorator (possibly pre-configured): name -> decorator.
    decorator_aliases: dict[str, JitDecorator]
    # Qualified names looked up as possible project aliases and not found: indexing again with
    # the project's aliases can change something only if one of them is an alias.
    looked_up: frozenset[str] = frozenset()

    def needs_aliases(self, aliases: Mapping[str, JitDecorator]) -> bool:
        """Whether indexing again with `aliases` (the project's) can find more."""
        return not self.looked_up.isdisjoint(aliases)

    def by_node(self) -> dict[cst.FunctionDef, JitFunction]:
        return {function.node: function for function in self.functions}


# Qualified name in the project -> numba decorator name, e.g. {"pkg._jit.jit": "numba.njit"}.
ProjectAliases = Mapping[str, JitDecorator]


def absolute_name(name: str, parsed: ParsedModule) -> str:
    """`.sub.name` as written in `parsed` -> `package.sub.name` (absolute names pass through)."""
    if not name.startswith("."):
        return name  # the common case, without asking the path whether it is a package
    return absolute_module_name(name, parsed.module_name, parsed.source.path.stem == "__init__")


_CONSTANTS = {"True": True, "False": False, "None": None}


def literal(node: cst.BaseExpression, module: cst.Module) -> tuple[bool, Any]:
    """(True, value) when `node` is a Python literal, else (False, None)."""
    # The common decorator options first, without generating the node's code.
    if isinstance(node, cst.Name) and node.value in _CONSTANTS:
        return True, _CONSTANTS[node.value]
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString)) and not node.lpar:
        source = node.value
    else:
        source = module.code_for_node(node)
    try:
        return True, ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


# Where a decorator expression starts: known, computed on demand, or None (libcst's positions).
Line = int | Callable[[], int] | None


class _Indexer(TypeDispatchVisitor):
    def __init__(self, parsed: ParsedModule, project_aliases: ProjectAliases) -> None:
        super().__init__()
        self.parsed = parsed
        self.project_aliases = project_aliases
        self.looked_up: set[str] = set()
        self.functions: list[JitFunction] = []
        self.jitclasses: dict[str, frozenset[str]] = {}
        self.aliases: dict[str, JitDecorator] = {}
        self.scope: list[str] = []
        self.function_depth = 0
        self.top_level_defs: dict[str, cst.FunctionDef] = {}
        self.pending_calls: list[tuple[str, JitDecorator, str | None, int]] = []
        self.overload_depth = 0
        self.jitclass_stack: list[str | None] = []
        self.jitclass_decorators: dict[str, JitDecorator] = {}
        self.overload_decorator: JitDecorator | None = None
        # Per open @overload function: its nested defs, the names its own `return`s give, and
        # its body's function depth. Only returned defs are implementations; the other nested
        # defs are typing-time Python helpers.
        self.overload_frames: list[tuple[list[JitFunction], set[str], int]] = []
        # Open defs and classes, innermost last: names resolve in the innermost one's scope.
        self.definitions: list[cst.FunctionDef | cst.ClassDef] = []

    # ---- name resolution -------------------------------------------------------------
    def resolve_decorator(
        self, expression: cst.BaseExpression, line: Line = None
    ) -> JitDecorator | None:
        """The jit decorator an expression names or configures, if any. `line`: where the
        expression starts (looked up from libcst's positions when not given)."""
        call_options: cst.Call | None = None
        target = expression
        if isinstance(expression, cst.Call):
            call_options = expression
            target = expression.func
        base = self._decorator_for_name(target)
        if base is None:
            return None
        if call_options is None:
            return base
        return self._with_call(base, call_options, line)

    def _decorator_for_name(self, node: cst.BaseExpression) -> JitDecorator | None:
        if isinstance(node, cst.Name) and node.value in self.aliases:
            return self.aliases[node.value]
        resolver = self.parsed.names
        scope = resolver.scope_of(self.definitions[-1]) if self.definitions else None
        names = resolver.qualified_names(node, scope or resolver.module_scope)
        for qualified in names:
            name = self._absolute(qualified.name)
            if name in JIT_DECORATORS:
                return JitDecorator(kind=JIT_DECORATORS[name], qualified_name=name)
            if name in self.project_aliases:
                return self.project_aliases[name]
            self.looked_up.add(name)
        return None

    def _absolute(self, name: str) -> str:
        return absolute_name(name, self.parsed)

    def _with_call(self, base: JitDecorator, call: cst.Call, line: Line) -> JitDecorator:
        module = self.parsed.module
        options = dict(base.options)
        sources = dict(base.option_sources)
        positional = list(base.positional)
        for arg in call.args:
            if arg.star == "**":
                # `njit(**options)`: any option may be set; rules must not assume defaults.
                sources["**"] = module.code_for_node(arg.value)
                continue
            if arg.star:
                continue
            if arg.keyword is None:
                positional.append(module.code_for_node(arg.value))
                continue
            ok, value = literal(arg.value, module)
            if ok:
                options[arg.keyword.value] = value
            else:
                sources[arg.keyword.value] = module.code_for_node(arg.value)
        if callable(line):
            line = line()
        if line is None:
            line = self.parsed.line_of(call)
        return JitDecorator(
            kind=base.kind,
            qualified_name=base.qualified_name,
            options=options,
            option_sources=sources,
            positional=tuple(positional),
            line=line,
        )

    # ---- lines (Python's ast; libcst's positions only where it cannot answer) ------------
    def _decorator_lines(self, node: cst.FunctionDef | cst.ClassDef) -> list[int]:
        if not node.decorators:
            return []
        found = self.parsed.statement_lines.decorator_lines(node)
        if found is None:
            found = [self.parsed.line_of(d.decorator) for d in node.decorators]
        return found

    def _def_line(self, node: cst.FunctionDef) -> int:
        found = self.parsed.statement_lines.def_line(node)
        return found if found is not None else self.parsed.line_of(node.name)

    def _value_line(self, node: cst.Assign | cst.Expr) -> int:
        found = self.parsed.statement_lines.value_line(node)
        return found if found is not None else self.parsed.line_of(node.value)

    # ---- walking ------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        is_jitclass = None
        for decorator, line in zip(node.decorators, self._decorator_lines(node), strict=False):
            resolved = self.resolve_decorator(decorator.decorator, line)
            if resolved is not None and resolved.kind == "jitclass":
                is_jitclass = resolved
        self.scope.append(node.name.value)
        self.definitions.append(node)
        self.jitclass_stack.append(node.name.value if is_jitclass else None)
        if is_jitclass is not None:
            self.jitclasses[node.name.value] = frozenset(self._class_fields(node, is_jitclass))
            self.jitclass_decorators[node.name.value] = is_jitclass

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope.pop()
        self.definitions.pop()
        self.jitclass_stack.pop()

    def _class_fields(self, node: cst.ClassDef, decorator: JitDecorator) -> set[str]:
        fields_: set[str] = set()
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        fields_.add(small.target.value)
        for spec in decorator.positional[:1]:
            try:
                value = ast.literal_eval(spec)
            except (ValueError, SyntaxError):
                value = None
            if isinstance(value, (list, tuple)):
                fields_.update(item[0] for item in value if isinstance(item, tuple) and item)
            elif isinstance(value, dict):
                fields_.update(str(key) for key in value)
            else:
                # A spec we cannot evaluate statically: keep its string literals as field names.
                try:
                    tree = ast.parse(spec, mode="eval")
                except SyntaxError:
                    continue
                fields_.update(
                    n.value
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                )
        return fields_

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        qualname = ".".join([*self.scope, node.name.value])
        if self.function_depth == 0 and not self.scope:
            self.top_level_defs[node.name.value] = node
        found: JitDecorator | None = None
        decorator_lines = self._decorator_lines(node)
        for decorator, decorator_line in zip(node.decorators, decorator_lines, strict=False):
            resolved = self.resolve_decorator(decorator.decorator, decorator_line)
            if resolved is not None:
                found = resolved
        line = self._def_line(node)
        enclosing_jitclass = self.jitclass_stack[-1] if self.jitclass_stack else None
        if found is not None and found.kind in FUNCTION_KINDS:
            self.functions.append(
                JitFunction(node.name.value, qualname, node, found, "decorator", line)
            )
        elif enclosing_jitclass is not None and self.function_depth == 0:
            decorator = self.jitclass_decorators[enclosing_jitclass]
            self.functions.append(
                JitFunction(
                    node.name.value,
                    qualname,
                    node,
                    decorator,
                    "jitclass-method",
                    line,
                    class_name=enclosing_jitclass,
                )
            )
        elif self.overload_depth > 0 and self.overload_decorator is not None:
            self.overload_frames[-1][0].append(
                JitFunction(
                    node.name.value,
                    qualname,
                    node,
                    self.overload_decorator,
                    "overload-implementation",
                    line,
                )
            )
        self.scope.append(node.name.value)
        self.definitions.append(node)
        self.function_depth += 1
        if found is not None and found.kind == "overload":
            self.overload_depth += 1
            self.overload_decorator = found
            self.overload_frames.append(([], set(), self.function_depth))
        # A jitted function's nested defs are part of its body, not separate entries.
        return None

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope.pop()
        self.definitions.pop()
        self.function_depth -= 1
        for decorator in original_node.decorators:
            # Only the kind matters here: no line needed.
            resolved = self.resolve_decorator(decorator.decorator, line=0)
            if resolved is not None and resolved.kind == "overload":
                self.overload_depth -= 1
                if self.overload_frames:
                    nested, returned, _ = self.overload_frames.pop()
                    self.functions.extend(f for f in nested if f.name in returned)

    def visit_Return(self, node: cst.Return) -> bool:
        self._return(node)
        return False  # nothing below a simple statement defines a function

    def _return(self, node: cst.Return) -> None:
        if not self.overload_frames or not isinstance(node.value, cst.Name):
            return
        _, returned, depth = self.overload_frames[-1]
        if self.function_depth == depth:  # a return of the overload function itself
            returned.add(node.value.value)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._import_from(node)
        return False  # nothing below a simple statement defines a function

    def _import_from(self, node: cst.ImportFrom) -> None:
        # `from numba import njit as jit` in a module makes `module.jit` a project alias.
        if self.function_depth or self.scope or isinstance(node.names, cst.ImportStar):
            return
        source = "." * len(node.relative)
        if node.module is not None:
            source += dotted(node.module) or self.parsed.module.code_for_node(node.module)
        source = self._absolute(source) if source.startswith(".") else source
        for alias in node.names:
            local = alias.asname.name if alias.asname else alias.name
            if not isinstance(local, cst.Name) or not isinstance(alias.name, cst.Name):
                continue
            full = f"{source}.{alias.name.value}"
            if full in JIT_DECORATORS:
                self.aliases[local.value] = JitDecorator(JIT_DECORATORS[full], full)
            elif full in self.project_aliases:
                self.aliases[local.value] = self.project_aliases[full]
            else:
                self.looked_up.add(full)

    def visit_Assign(self, node: cst.Assign) -> bool:
        self._assign(node)
        return False  # nothing below a simple statement defines a function

    def _assign(self, node: cst.Assign) -> None:
        value = node.value
        targets = [t.target for t in node.targets]
        # name = numba.njit(cache=True)  /  name = numba.njit  : a pre-configured decorator.
        line = partial(self._value_line, node)  # computed only when a decorator needs it
        if self.function_depth == 0 and not self.scope:
            resolved = self.resolve_decorator(value, line)
            if resolved is not None and not (
                isinstance(value, cst.Call) and self._wraps_function(value)
            ):
                for target in targets:
                    if isinstance(target, cst.Name):
                        self.aliases[target.value] = resolved
                return
        # fast = njit(slow)  /  fast = jit(nopython=True)(slow)
        if isinstance(value, cst.Call) and self._wraps_function(value):
            decorator = self._call_form_decorator(value, line)
            wrapped = value.args[0].value
            if decorator is not None and isinstance(wrapped, cst.Name):
                target_name = targets[0].value if isinstance(targets[0], cst.Name) else None
                self.pending_calls.append((wrapped.value, decorator, target_name, line()))

    def visit_Expr(self, node: cst.Expr) -> bool:
        self._expr(node)
        return False  # nothing below a simple statement defines a function

    def _expr(self, node: cst.Expr) -> None:
        # njit(f) as a bare expression still compiles f lazily when called through the result;
        # record it so the body is checked.
        value = node.value
        if isinstance(value, cst.Call) and self._wraps_function(value):
            line = self._value_line(node)
            decorator = self._call_form_decorator(value, line)
            wrapped = value.args[0].value
            if decorator is not None and isinstance(wrapped, cst.Name):
                self.pending_calls.append((wrapped.value, decorator, None, line))

    def _call_form_decorator(self, call: cst.Call, line: Line) -> JitDecorator | None:
        """The decorator of `njit(f)`, `jit(opts)(f)` or `njit(f, opts)` (options merged)."""
        decorator = self.resolve_decorator(call.func, line)
        if decorator is None or len(call.args) == 1:
            return decorator
        configured = self._with_call(decorator, call, line)
        kept = len(decorator.positional)
        # The first positional argument added by this call is the function, not a signature.
        positional = configured.positional[:kept] + configured.positional[kept + 1 :]
        return replace(configured, positional=positional)

    def _wraps_function(self, call: cst.Call) -> bool:
        """True for njit(f)-style calls: one positional argument that names a function."""
        if not call.args or call.args[0].keyword is not None or call.args[0].star:
            return False
        first = call.args[0].value
        return isinstance(first, cst.Name) and first.value in self.top_level_defs

    # Expressions never hold a def: skip them (the decorators are resolved by hand above).
    def visit_Decorator(self, node: cst.Decorator) -> bool:
        return False

    def visit_Parameters(self, node: cst.Parameters) -> bool:
        return False

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> bool:
        return False

    def visit_Assert(self, node: cst.Assert) -> bool:
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def leave_Module(self, original_node: cst.Module) -> None:
        already = {function.node for function in self.functions}
        by_call: dict[cst.FunctionDef, int] = {}
        for wrapped, decorator, target, _line in self.pending_calls:
            node = self.top_level_defs.get(wrapped)
            if node is not None and node in by_call and decorator.kind in FUNCTION_KINDS:
                # Wrapped again (e.g. a serial and a parallel variant): options that differ
                # become unknown, so no rule assumes either value.
                position = by_call[node]
                self.functions[position] = replace(
                    self.functions[position],
                    decorator=_agreeing(self.functions[position].decorator, decorator),
                )
                continue
            if node is None or node in already or decorator.kind not in FUNCTION_KINDS:
                continue
            by_call[node] = len(self.functions)
            # Positional arguments of jit(sig)(f) are signatures; those of njit(f) are the function.
            fixed = decorator
            already.add(node)
            def_line = self._def_line(node)
            self.functions.append(
                JitFunction(wrapped, wrapped, node, fixed, "call", def_line, dispatcher_name=target)
            )
        self.functions.sort(key=lambda function: function.line)


def _agreeing(first: JitDecorator, second: JitDecorator) -> JitDecorator:
    """The options two jit wrappings of one function share; the others become non-literal."""
    options = {
        k: v for k, v in first.options.items() if k in second.options and second.options[k] == v
    }
    sources = {**first.option_sources, **second.option_sources}
    for key in {*first.options, *second.options} - set(options):
        sources[key] = "<differs between call forms>"
    return replace(first, options=options, option_sources=sources)


def build_index(parsed: ParsedModule, project_aliases: ProjectAliases | None = None) -> JitIndex:
    indexer = _Indexer(parsed, project_aliases or {})
    walk_statements(parsed.module, indexer)
    return JitIndex(
        indexer.functions, indexer.jitclasses, indexer.aliases, frozenset(indexer.looked_up)
    )


def project_aliases(indexes: Iterable[tuple[ParsedModule, JitIndex]]) -> dict[str, JitDecorator]:
    """Module-level decorator aliases of every module, by their importable qualified name."""
    aliases: dict[str, JitDecorator] = {}
    for parsed, index in indexes:
        for name, decorator in index.decorator_aliases.items():
            aliases[f"{parsed.module_name}.{name}"] = decorator
    return aliases


def reindexed(
    module: ParsedModule, index: JitIndex, aliases: ProjectAliases
) -> tuple[ParsedModule, JitIndex]:
    """`module` and its index once the project's decorator aliases are known: parsed again if
    the reduction took one of them for plain Python, indexed again if it uses one."""
    if module.assumed_wrongly(aliases):
        again = parse(module.source, module.text, reduce=True)
        if isinstance(again, ParsedModule):
            return again, build_index(again, aliases)
    if index.needs_aliases(aliases):
        return module, build_index(module, aliases)
    return module, index
