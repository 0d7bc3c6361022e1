"""ParsedModule -> JitIndex: every function whose body Numba compiles, with its decorator options.

Called once per module by the pipeline; static rules and the dynamic pass both read the result.
Names resolve through the module's `names.Names` (computed once per module) plus the
project's own re-exports of numba's decorators (`ProjectAliases`). Never imports Numba.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import libcst as cst

from .diagnostic import FunctionCoverage
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
    # How the project spells it: "numba" (numba's own, or a re-export or `partial` of it:
    # usable bare or called with options), "decorator" (a project callable or configured object
    # applied to the function itself), "factory" (a project callable whose call returns a
    # decorator, `@_jit(2)`) or "either" (`def w(p): return njit(p)`: `@w` jits, `@w(sigs)` is
    # a factory call, as with numba's own).
    shape: str = "numba"
    # The project wrapper that applies numba's decorator (factory, decorator function, partial,
    # configured alias, wrapper class), by its qualified name; None for numba's own spelling.
    via: str | None = None
    # Factories only: their parameters (name, literal default or _NO_DEFAULT, in call order),
    # and the options and signature positions they forward from a parameter.
    parameters: tuple[tuple[str, Any], ...] = ()
    option_parameters: Mapping[str, str] = field(default_factory=dict)
    positional_parameters: Mapping[int, str] = field(default_factory=dict)

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
    # The same def jitted again (a serial and a parallel variant): each further wrapping's
    # (dispatcher name, decorator). `decorator` then holds only the options they agree on, for
    # the rules (which walk the body once); listings name every variant.
    variants: tuple[tuple[str | None, JitDecorator], ...] = ()

    @property
    def kind(self) -> str:
        return self.decorator.kind

    @property
    def via(self) -> str | None:
        return self.decorator.via

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
# A factory parameter without a literal default.
_NO_DEFAULT = "<no literal default>"


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


@dataclass
class _Frame:
    """One open def: the defs nested in it and the `njit(impl)` calls in its body."""

    # Inside jitted code (or an @overload function): nested defs are its body, not entries.
    in_jitted_code: bool
    defs: dict[str, tuple[cst.FunctionDef, str]] = field(default_factory=dict)
    calls: list[tuple[str, JitDecorator, str | None, int]] = field(default_factory=list)


class _Indexer(TypeDispatchVisitor):
    def __init__(
        self,
        parsed: ParsedModule,
        project_aliases: ProjectAliases,
        local_wrappers: Mapping[str, JitDecorator] | None = None,
    ) -> None:
        super().__init__()
        self.parsed = parsed
        self.project_aliases = project_aliases
        # The module's own wrappers (`module_wrappers`) by their name in the module.
        self.local_wrappers = local_wrappers or {}
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
        # Open defs, innermost last: the defs nested in each and the calls that jit one of
        # them (`def make(): def impl(): ...; return njit(nogil=True)(impl)`).
        self.frames: list[_Frame] = []

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
            if call_options is not None and self._is_partial(target):
                return self._partial(call_options, line)
            return None
        if call_options is None:
            # A factory must be called to give a decorator: `@_jit` alone jits nothing.
            if base.shape == "either":
                return _closed(replace(base, shape="decorator"))
            return None if base.shape == "factory" else base
        if base.shape in ("factory", "either"):
            return self._applied_factory(base, call_options, line)
        if base.shape == "decorator":
            return None  # `deco(options)` of a decorator that takes the function itself
        return self._with_call(base, call_options, line)

    def _is_partial(self, node: cst.BaseExpression) -> bool:
        resolver = self.parsed.names
        scope = resolver.scope_of(self.definitions[-1]) if self.definitions else None
        names = resolver.qualified_names(node, scope or resolver.module_scope)
        return any(q.name == "functools.partial" for q in names)

    def _partial(self, call: cst.Call, line: Line) -> JitDecorator | None:
        """`partial(njit, cache=True)`: numba's decorator with options laid in."""
        if not call.args or call.args[0].keyword is not None or call.args[0].star:
            return None
        base = self.resolve_decorator(call.args[0].value, line=0)
        if base is None or base.shape != "numba":
            return None
        rest = call.with_changes(args=call.args[1:])
        return self._with_call(base, rest, line)

    def _applied_factory(self, factory: JitDecorator, call: cst.Call, line: Line) -> JitDecorator:
        """The decorator a project factory's call returns, with the literal arguments of the
        call put where the factory forwards them (options, signatures)."""
        module = self.parsed.module
        bound: dict[str, cst.BaseExpression] = {}
        names = [name for name, _ in factory.parameters]
        position = 0
        unknown = False
        for arg in call.args:
            if arg.star:
                unknown = True
            elif arg.keyword is None:
                if position < len(names):
                    bound[names[position]] = arg.value
                position += 1
            else:
                bound[arg.keyword.value] = arg.value

        def value_of(parameter: str) -> tuple[bool, Any, str]:
            """(known, literal value, source) of a parameter at this call."""
            if parameter in bound:
                ok, value = literal(bound[parameter], module)
                return ok, value, module.code_for_node(bound[parameter])
            default = dict(factory.parameters).get(parameter, _NO_DEFAULT)
            if default == _NO_DEFAULT or unknown:
                return False, None, f"<{parameter} of {factory.via}>"
            return True, default, repr(default)

        options = dict(factory.options)
        sources = dict(factory.option_sources)
        for option, parameter in factory.option_parameters.items():
            ok, value, source = value_of(parameter)
            if ok:
                options[option] = value
            else:
                sources[option] = source
        positional = list(factory.positional)
        for index, parameter in factory.positional_parameters.items():
            ok, value, source = value_of(parameter)
            positional[index] = source if ok else ""
        if "" in positional:  # a signature the call does not spell: unknown, not lazy
            sources.setdefault("signatures", "<set by the factory>")
            positional = positional[: positional.index("")]
        if callable(line):
            line = line()
        if line is None:
            line = self.parsed.line_of(call)
        return JitDecorator(
            kind=factory.kind,
            qualified_name=factory.qualified_name,
            options=options,
            option_sources=sources,
            positional=tuple(positional),
            line=line,
            shape="decorator",
            via=factory.via,
        )

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
            # A wrapper defined in this module: libcst names it without the module.
            local = self.local_wrappers.get(name)
            if local is not None:
                return local
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
        return replace(
            base, options=options, option_sources=sources, positional=tuple(positional), line=line
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
        elif self.frames and not self.frames[-1].in_jitted_code:
            self.frames[-1].defs[node.name.value] = (node, qualname)
        before = (
            len(self.functions),
            len(self.overload_frames[-1][0]) if self.overload_frames else 0,
        )
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
            class_decorator = self.jitclass_decorators[enclosing_jitclass]
            self.functions.append(
                JitFunction(
                    node.name.value,
                    qualname,
                    node,
                    class_decorator,
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
        jitted = before != (
            len(self.functions),
            len(self.overload_frames[-1][0]) if self.overload_frames else 0,
        )
        in_jitted_code = (
            jitted
            or (found is not None and found.kind not in FUNCTION_KINDS)
            or bool(self.frames and self.frames[-1].in_jitted_code)
        )
        self.frames.append(_Frame(in_jitted_code))
        if found is not None and found.kind == "overload":
            self.overload_depth += 1
            self.overload_decorator = found
            self.overload_frames.append(([], set(), self.function_depth))
        # A jitted function's nested defs are part of its body, not separate entries.
        return None

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        if frame.calls:
            self._add_calls(frame.calls, frame.defs, local=True)
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
        value = node.value
        if isinstance(value, cst.Call) and self._wraps_function(value):
            # `return njit(nogil=True)(impl)`: a factory of jitted functions.
            line = self._value_line_of(value)
            decorator = self._call_form_decorator(value, line)
            wrapped = self._wrapped(value)
            if decorator is not None and wrapped is not None:
                self._pending(wrapped, decorator, None, line)
            return
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
                        if isinstance(value, cst.Call) and resolved.via is None:
                            # A configured decorator (`fast = partial(njit, cache=True)`) is
                            # the project's wrapper; a plain rename (`jit = numba.njit`) is not.
                            via = f"{self.parsed.module_name}.{target.value}"
                            resolved = replace(resolved, via=via)
                        self.aliases[target.value] = resolved
                return
        # fast = njit(slow)  /  fast = jit(nopython=True)(slow)
        if isinstance(value, cst.Call) and self._wraps_function(value):
            decorator = self._call_form_decorator(value, line)
            wrapped = self._wrapped(value)
            if decorator is not None and wrapped is not None:
                target_name = targets[0].value if isinstance(targets[0], cst.Name) else None
                self._pending(wrapped, decorator, target_name, line())

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
            wrapped = self._wrapped(value)
            if decorator is not None and wrapped is not None:
                self._pending(wrapped, decorator, None, line)

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
        """True for njit(f)-style calls: one positional argument that names a function (of the
        module, or nested in the enclosing def)."""
        return self._wrapped(call) is not None

    def _wrapped(self, call: cst.Call) -> str | None:
        if not call.args or call.args[0].keyword is not None or call.args[0].star:
            return None
        first = call.args[0].value
        if not isinstance(first, cst.Name):
            return None
        if self.frames and first.value in self.frames[-1].defs:
            return first.value
        return first.value if first.value in self.top_level_defs else None

    def _pending(
        self, wrapped: str, decorator: JitDecorator, target: str | None, line: int
    ) -> None:
        if self.frames and wrapped in self.frames[-1].defs:
            self.frames[-1].calls.append((wrapped, decorator, None, line))
        else:
            self.pending_calls.append((wrapped, decorator, target, line))

    def _value_line_of(self, node: cst.BaseExpression) -> int:
        return self.parsed.line_of(node)

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
        defs = {name: (node, name) for name, node in self.top_level_defs.items()}
        self._add_calls(self.pending_calls, defs, local=False)
        self.functions.sort(key=lambda function: function.line)

    def _add_calls(
        self,
        pending: list[tuple[str, JitDecorator, str | None, int]],
        defs: Mapping[str, tuple[cst.FunctionDef, str]],
        local: bool,
    ) -> None:
        """The defs that `njit(f)`-style calls jit; `local`: defs nested in a function, whose
        dispatcher is no module-level name."""
        already = {function.node for function in self.functions}
        by_call: dict[cst.FunctionDef, int] = {}
        for wrapped, decorator, target, _line in pending:
            node, qualname = defs.get(wrapped, (None, wrapped))
            if node is not None and node in by_call and decorator.kind in FUNCTION_KINDS:
                # Wrapped again (e.g. a serial and a parallel variant): options that differ
                # become unknown, so no rule assumes either value; the listing names both.
                position = by_call[node]
                first = self.functions[position]
                self.functions[position] = replace(
                    first,
                    decorator=_agreeing(first.decorator, decorator),
                    variants=(*first.variants, (target, decorator)),
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
                JitFunction(
                    wrapped,
                    qualname,
                    node,
                    fixed,
                    "call",
                    def_line,
                    dispatcher_name=None if local else target,
                )
            )


def _agreeing(first: JitDecorator, second: JitDecorator) -> JitDecorator:
    """The options two jit wrappings of one function share; the others become non-literal."""
    options = {
        k: v for k, v in first.options.items() if k in second.options and second.options[k] == v
    }
    sources = {**first.option_sources, **second.option_sources}
    for key in {*first.options, *second.options} - set(options):
        sources[key] = "<differs between call forms>"
    return replace(first, options=options, option_sources=sources)


# ---- project wrappers (Python's ast of the whole text: the reduction may blank their bodies) ---


@dataclass(frozen=True)
class _Applied:
    """An expression that is the wrapper's function argument jitted by `decorator`."""

    decorator: JitDecorator
    # `njit(p)`: `p` may as well be a signature (`def _jit_custom(sigs): return njit(sigs)`).
    ambiguous: bool = False


# The function parameter of a decorator-shaped wrapper (`def deco(fn)`, `lambda func: ...`).
_FUNCTION = object()
_Value = JitDecorator | _Applied | object | None


@dataclass
class _Scope:
    """What the names of one function body mean while its returns are evaluated."""

    parameters: tuple[str, ...] = ()
    function: str | None = None  # the parameter that receives the function to jit
    values: dict[str, ast.expr] = field(default_factory=dict)  # locals assigned once
    cls: tuple[str, str] | None = None  # (the `cls` parameter, the class's qualified name)


def _own_statements(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements of a function body, nested blocks included, nested defs and classes not."""
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        if isinstance(statement, _DEFINITION_NODES):
            continue
        yield statement
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(statement, name, None)
            if isinstance(children, list):
                stack.extend(reversed(children))


_DEFINITION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _scope_of(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, skip: int = 0) -> _Scope:
    args = node.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    names = [*positional, *(a.arg for a in args.kwonlyargs)]
    function = positional[skip] if len(positional) > skip else None
    values: dict[str, ast.expr] = {}
    if not isinstance(node, ast.Lambda):
        seen: set[str] = set()
        for statement in _own_statements(node.body):
            targets: list[ast.expr] = []
            if isinstance(statement, ast.Assign):
                only = statement.targets[0]
                if len(statement.targets) == 1 and isinstance(only, ast.Name):
                    if only.id not in seen:
                        values[only.id] = statement.value
                        seen.add(only.id)
                        continue
                targets = statement.targets
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
                targets = [statement.target]
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                targets = [i.optional_vars for i in statement.items if i.optional_vars]
            for target in targets:  # bound again, or not by a plain assignment: not known
                for child in ast.walk(target):
                    if isinstance(child, ast.Name):
                        seen.add(child.id)
                        values.pop(child.id, None)
    return _Scope(tuple(names[skip:]), function, values)


def _dotted_name(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _literal_default(node: ast.expr | None) -> Any:
    if node is None:
        return _NO_DEFAULT
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NO_DEFAULT


def _parameters(
    node: ast.FunctionDef | ast.AsyncFunctionDef, skip: int
) -> tuple[tuple[str, Any], ...]:
    """(name, literal default) of the parameters a call binds, in order (`self`/`cls` skipped)."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    found = [(a.arg, _literal_default(d)) for a, d in zip(positional, defaults, strict=True)]
    found += [
        (a.arg, _literal_default(d)) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    return tuple(found[skip:])


class _Wrappers:
    """The module's project wrappers of numba's decorators, by qualified name: factories
    (`def _jit(n): return nb.njit(sigs(n), cache=True)`), decorator functions
    (`def deco(f): return njit(f)`), configured objects (`fast = partial(njit, cache=True)`) and
    wrapper classes (a method applies a decorator to `self.func`; the class, and a classmethod
    such as `wrap` returning `lambda func: cls(func, ...)`, then jit what they are given)."""

    def __init__(
        self,
        tree: ast.Module,
        module: str,
        is_package: bool,
        known: ProjectAliases,
        text: str | None = None,
    ) -> None:
        from .reduce import module_imports

        self.module = module
        self.package = module.split(".")[0]
        self.known = known
        self.lines = text.splitlines(keepends=True) if text is not None else None
        self.looked_up: set[str] = set()
        self.imports = module_imports(tree, module, is_package)
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.assigned: dict[str, ast.expr] = {}
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[statement.name] = statement
            elif isinstance(statement, ast.ClassDef):
                self.classes[statement.name] = statement
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    self.assigned[target.id] = statement.value
        self.found: dict[str, JitDecorator] = {}
        self._calls_of_classes: dict[str, list[tuple[_Scope, ast.Call]]] = {}

    # ---- names ---------------------------------------------------------------------------
    def _absolute(self, name: str) -> str | None:
        head, _, rest = name.partition(".")
        if head in self.imports:
            base = self.imports[head]
        elif head in self.functions or head in self.classes or head in self.assigned:
            base = f"{self.module}.{head}"
        else:
            return None
        return f"{base}.{rest}" if rest else base

    def _resolve(self, name: str) -> JitDecorator | None:
        full = self._absolute(name)
        if full is None:
            return None
        if full in JIT_DECORATORS:
            return JitDecorator(JIT_DECORATORS[full], full)
        found = self.found.get(full) or self.known.get(full)
        if found is None and full.split(".")[0] == self.package:
            # Another module's wrapper, perhaps (`_jit` built on `_base._jit_custom`): once
            # the project's aliases name it, the module is indexed again.
            self.looked_up.add(full)
        return found

    # ---- evaluation ------------------------------------------------------------------------
    def evaluate(self, node: ast.expr, scope: _Scope, depth: int = 0) -> _Value:
        if depth > 8:
            return None
        if isinstance(node, ast.Name):
            if scope.cls is not None and node.id == scope.cls[0]:
                return self.found.get(scope.cls[1])
            if node.id in scope.parameters:
                return _FUNCTION if node.id == scope.function else None
            if node.id in scope.values:
                return self.evaluate(scope.values[node.id], scope, depth + 1)
            return self._resolve(node.id)
        if isinstance(node, ast.Attribute):
            name = _dotted_name(node)
            return (
                None
                if name is None or name.split(".")[0] in scope.parameters
                else self._resolve(name)
            )
        if isinstance(node, ast.IfExp):
            return self.evaluate(node.body, scope, depth + 1) or self.evaluate(
                node.orelse, scope, depth + 1
            )
        if isinstance(node, ast.Lambda):
            inner = _scope_of(node)
            inner.cls = scope.cls
            found = self.evaluate(node.body, inner, depth + 1)
            if isinstance(found, _Applied):
                return replace(found.decorator, shape="decorator")
            return None
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        return None

    def _call(self, call: ast.Call, scope: _Scope, depth: int) -> _Value:
        args = call.args
        name = _dotted_name(call.func)
        if name is not None and self._absolute(name) == "functools.partial" and args:
            base = self.evaluate(args[0], scope, depth + 1)
            if isinstance(base, JitDecorator) and base.shape == "numba":
                return self._configured(base, args[1:], call.keywords, scope)
            return None
        base = self.evaluate(call.func, scope, depth + 1)
        if not isinstance(base, JitDecorator):
            return None
        applies = bool(args) and self.evaluate(args[0], scope, depth + 1) is _FUNCTION
        if base.shape == "factory":
            return None if applies else self._applied(base, args, call.keywords, scope)
        if base.shape == "decorator":
            return _Applied(base) if applies else None
        if base.shape == "either":
            return (
                _Applied(_closed(base))
                if applies
                else self._applied(base, args, call.keywords, scope)
            )
        if applies:
            # `njit(p, cache=True)`: `p` is the function or signatures; `njit(cache=True)(p)`
            # (a configured decorator applied) is the function.
            ambiguous = not isinstance(call.func, ast.Call)
            return _Applied(self._configured(base, args[1:], call.keywords, scope), ambiguous)
        return self._configured(base, args, call.keywords, scope)

    def _argument(self, node: ast.expr, scope: _Scope) -> tuple[str, Any]:
        """("literal", value), ("parameter", name) or ("source", text) for one argument."""
        if isinstance(node, ast.Name) and node.id in scope.parameters:
            return "parameter", node.id
        value = _literal_default(node)
        if value != _NO_DEFAULT:
            return "literal", value
        return "source", ast.unparse(node)

    def _configured(
        self, base: JitDecorator, args: list[ast.expr], keywords: list[ast.keyword], scope: _Scope
    ) -> JitDecorator:
        options, sources = dict(base.options), dict(base.option_sources)
        option_parameters = dict(base.option_parameters)
        positional = list(base.positional)
        positional_parameters = dict(base.positional_parameters)
        for keyword in keywords:
            if keyword.arg is None:
                sources["**"] = ast.unparse(keyword.value)
                continue
            how, value = self._argument(keyword.value, scope)
            if how == "literal":
                options[keyword.arg] = value
            elif how == "parameter":
                option_parameters[keyword.arg] = value
            else:
                sources[keyword.arg] = value
        for arg in args:
            if isinstance(arg, ast.Starred):
                break
            how, value = self._argument(arg, scope)
            if how == "parameter":
                positional_parameters[len(positional)] = value
                positional.append("")
            elif how == "literal" and isinstance(value, (str, list, tuple)):
                positional.append(ast.unparse(arg))
            else:  # signatures built by code: eager, but not spelled here
                sources.setdefault("signatures", "<set by the factory>")
                break
        return replace(
            base,
            options=options,
            option_sources=sources,
            option_parameters=option_parameters,
            positional=tuple(positional),
            positional_parameters=positional_parameters,
        )

    def _applied(
        self,
        factory: JitDecorator,
        args: list[ast.expr],
        keywords: list[ast.keyword],
        scope: _Scope,
    ) -> JitDecorator:
        """A factory called inside another wrapper: the decorator it returns, with what the call
        passes (a literal, or a parameter of the calling wrapper) where the factory forwards it."""
        bound: dict[str, ast.expr] = {}
        names = [name for name, _ in factory.parameters]
        unknown = False
        for position, arg in enumerate(args):
            if isinstance(arg, ast.Starred):
                unknown = True
            elif position < len(names):
                bound[names[position]] = arg
        for keyword in keywords:
            if keyword.arg is None:
                unknown = True
            else:
                bound[keyword.arg] = keyword.value
        defaults = dict(factory.parameters)

        def value_of(parameter: str) -> tuple[str, Any]:
            if parameter in bound:
                return self._argument(bound[parameter], scope)
            if unknown or defaults.get(parameter, _NO_DEFAULT) == _NO_DEFAULT:
                return "source", f"<{parameter} of {factory.via}>"
            return "literal", defaults[parameter]

        options, sources = dict(factory.options), dict(factory.option_sources)
        option_parameters: dict[str, str] = {}
        for option, parameter in factory.option_parameters.items():
            how, value = value_of(parameter)
            if how == "literal":
                options[option] = value
            elif how == "parameter":
                option_parameters[option] = value
            else:
                sources[option] = value
        positional = list(factory.positional)
        positional_parameters: dict[int, str] = {}
        for index, parameter in factory.positional_parameters.items():
            how, value = value_of(parameter)
            if how == "literal" and isinstance(value, (str, list, tuple)):
                positional[index] = repr(value)
            elif how == "parameter":
                positional_parameters[index] = value
            else:
                positional[index] = ""
        if "" in [p for i, p in enumerate(positional) if i not in positional_parameters]:
            sources.setdefault("signatures", "<set by the factory>")
            cut = next(
                i for i, p in enumerate(positional) if p == "" and i not in positional_parameters
            )
            positional = positional[:cut]
            positional_parameters = {i: p for i, p in positional_parameters.items() if i < cut}
        return replace(
            factory,
            options=options,
            option_sources=sources,
            option_parameters=option_parameters,
            positional=tuple(positional),
            positional_parameters=positional_parameters,
            shape="decorator",
            parameters=(),
        )

    # ---- definitions -----------------------------------------------------------------------
    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        full: str,
        skip: int = 0,
        cls: tuple[str, str] | None = None,
    ) -> JitDecorator | None:
        scope = _scope_of(node, skip)
        scope.cls = cls
        for statement in _own_statements(node.body):
            if not isinstance(statement, ast.Return) or statement.value is None:
                continue
            found = self.evaluate(statement.value, scope)
            if isinstance(found, JitDecorator):
                return replace(found, shape="factory", via=full, parameters=_parameters(node, skip))
            if isinstance(found, _Applied) and found.ambiguous:
                # Used bare (`@w`) it jits its argument; called (`@w(sigs)`) it is a factory.
                scope.function = None
                again = self.evaluate(statement.value, scope)
                if isinstance(again, JitDecorator):
                    return replace(
                        again, shape="either", via=full, parameters=_parameters(node, skip)
                    )
            if isinstance(found, _Applied):
                return _closed(replace(found.decorator, shape="decorator", via=full))
        return None

    def _self_calls(self, node: ast.ClassDef) -> list[tuple[_Scope, ast.Call]]:
        """The calls in the class's methods whose first argument is an attribute of `self`
        (`vectorize(self.func)`), with their method's scope; found once per class."""
        found = self._calls_of_classes.get(node.name)
        if found is not None:
            return found
        found = []
        for method in node.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            this = method.args.args[0].arg if method.args.args else "self"
            calls = [
                call
                for call in ast.walk(method)
                if isinstance(call, ast.Call)
                and call.args
                and isinstance(call.args[0], ast.Attribute)
                and isinstance(call.args[0].value, ast.Name)
                and call.args[0].value.id == this
            ]
            if calls:
                scope = _scope_of(method)
                found.extend((scope, call) for call in calls)
        self._calls_of_classes[node.name] = found
        return found

    def _jitting_method(self, node: ast.ClassDef) -> JitDecorator | None:
        """The decorator a method of the class applies to an attribute of `self`."""
        for scope, call in self._self_calls(node):
            found = self.evaluate(call.func, scope)
            if isinstance(found, JitDecorator) and found.shape != "factory":
                if len(call.args) > 1 or call.keywords:
                    found = self._configured(found, call.args[1:], call.keywords, scope)
                return _closed(found)
        return None

    def _class(self, name: str, seen: frozenset[str] = frozenset()) -> JitDecorator | None:
        node = self.classes[name]
        found = self._jitting_method(node)
        for base in node.bases:
            if found is not None:
                break
            if isinstance(base, ast.Name) and base.id in self.classes and base.id not in seen:
                found = self._class(base.id, seen | {name})
        return found

    def _mro(self, name: str) -> list[ast.ClassDef]:
        order, pending = [], [name]
        while pending:
            current = pending.pop(0)
            node = self.classes.get(current)
            if node is None or node in order:
                continue
            order.append(node)
            pending.extend(b.id for b in node.bases if isinstance(b, ast.Name))
        return order

    def _may_wrap(self) -> Callable[[ast.AST], bool]:
        """Whether a definition's text names something that can make a decorator (numba, a
        known wrapper, `partial`): the others need no evaluation (most of a module's defs)."""
        if self.lines is None:
            return lambda node: True
        prefixes = {name.rsplit(".", 1)[0] for name in self.known}
        names = {
            local
            for local, target in self.imports.items()
            if target.split(".")[0] in ("numba", "functools", self.package)
            or target in self.known
            or target in prefixes
        }
        names.update(name[len(self.module) + 1 :].split(".")[0] for name in self.found)
        if not names:
            return lambda node: False
        pattern = _names_pattern(frozenset(names))
        lines = self.lines

        def may(node: ast.AST) -> bool:
            start = node.lineno - 1  # type: ignore[attr-defined]
            end = getattr(node, "end_lineno", None) or len(lines)
            return pattern.search("".join(lines[start:end])) is not None

        return may

    def run(self) -> dict[str, JitDecorator]:
        for _ in range(4):  # wrappers of wrappers in one module: a few passes reach a fixpoint
            before = dict(self.found)
            may_wrap = self._may_wrap()
            for name, value in self.assigned.items():
                found = self.evaluate(value, _Scope())
                if isinstance(found, JitDecorator) and isinstance(value, ast.Call):
                    self.found[f"{self.module}.{name}"] = replace(
                        found, via=found.via or f"{self.module}.{name}"
                    )
            for name, node in self.functions.items():
                full = f"{self.module}.{name}"
                if not may_wrap(node):
                    continue
                if any(self._jits(d) for d in node.decorator_list):
                    continue  # jitted itself: its returns are values, not decorators
                found = self._function(node, full)
                if found is not None:
                    self.found[full] = found
            for name in self.classes:
                full = f"{self.module}.{name}"
                if not any(may_wrap(c) for c in self._mro(name)):
                    continue
                decorator = self._class(name)
                if decorator is None:
                    continue
                self.found[full] = replace(decorator, shape="decorator", via=full)
                for owner in self._mro(name):
                    for method in owner.body:
                        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            continue
                        if not any(
                            isinstance(d, ast.Name) and d.id == "classmethod"
                            for d in method.decorator_list
                        ):
                            continue
                        this = method.args.args[0].arg if method.args.args else "cls"
                        made = self._function(method, f"{full}.{method.name}", 1, (this, full))
                        if made is not None:
                            self.found.setdefault(f"{full}.{method.name}", made)
            if self.found == before:
                break
        return self.found

    def _jits(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = _dotted_name(target)
        return name is not None and self._resolve(name) is not None


@functools.lru_cache(maxsize=256)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")


def _closed(decorator: JitDecorator) -> JitDecorator:
    """A decorator whose forwarded parameters are not the caller's to set: they become unknown."""
    sources = dict(decorator.option_sources)
    for option, parameter in decorator.option_parameters.items():
        sources[option] = f"<{parameter}>"
    positional = list(decorator.positional)
    if decorator.positional_parameters:
        sources.setdefault("signatures", "<set by the wrapper>")
        positional = positional[: min(decorator.positional_parameters)]
    return replace(
        decorator,
        option_sources=sources,
        option_parameters={},
        positional=tuple(positional),
        positional_parameters={},
        parameters=(),
    )


def module_wrappers(
    parsed: ParsedModule, known: ProjectAliases
) -> tuple[dict[str, JitDecorator], set[str]]:
    """The project wrappers the module defines (see `_Wrappers`), by qualified name, and the
    names of other modules' possible wrappers it looked up in vain."""
    tree = parsed.__dict__.get("_wrapper_tree")
    if tree is None:
        tree = parsed.tree
        if tree is None:  # not kept by the parse: the dynamic pass parses whole texts
            try:
                tree = ast.parse(parsed.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = ast.Module(body=[], type_ignores=[])
        # Only module-level statements are read: keep them for a second index.
        parsed.__dict__["_wrapper_tree"] = tree
    is_package = parsed.source.path.stem == "__init__"
    wrappers = _Wrappers(tree, parsed.module_name, is_package, known, parsed.text)
    return wrappers.run(), wrappers.looked_up


def build_index(parsed: ParsedModule, project_aliases: ProjectAliases | None = None) -> JitIndex:
    known = project_aliases or {}
    wrappers, looked_up = module_wrappers(parsed, known)
    prefix = len(parsed.module_name) + 1
    aliases = {name[prefix:]: decorator for name, decorator in wrappers.items()}
    indexer = _Indexer(parsed, known, aliases)
    walk_statements(parsed.module, indexer)
    aliases.update(indexer.aliases)
    looked_up |= indexer.looked_up
    return JitIndex(indexer.functions, indexer.jitclasses, aliases, frozenset(looked_up))


def project_aliases(indexes: Iterable[tuple[ParsedModule, JitIndex]]) -> dict[str, JitDecorator]:
    """Module-level decorator aliases of every module, by their importable qualified name."""
    aliases: dict[str, JitDecorator] = {}
    for parsed, index in indexes:
        for name, decorator in index.decorator_aliases.items():
            aliases[f"{parsed.module_name}.{name}"] = decorator
    return aliases


def settled(
    indexes: list[tuple[ParsedModule, JitIndex]], rounds: int = 3
) -> list[tuple[ParsedModule, JitIndex]]:
    """`indexes` indexed again with the project's aliases until those stop growing: a wrapper
    built on another module's wrapper is known one round after that one."""
    aliases = project_aliases(indexes)
    for _ in range(rounds):
        if not aliases:
            break
        indexes = [reindexed(module, index, aliases) for module, index in indexes]
        again = project_aliases(indexes)
        if again == aliases:
            break
        aliases = again
    return indexes


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


# Why a static-only listing leaves every function unchecked.
STATIC_ONLY = "static pass only"


def listed(parsed: ParsedModule, index: JitIndex) -> list[FunctionCoverage]:
    """The JSON `functions` entries of a static-only run: one per jitted function, and one per
    further variant of a def jitted more than once."""
    entries = []
    for function in index.functions:
        wrappings = [(function.dispatcher_name, function.decorator), *function.variants]
        for dispatcher, decorator in wrappings:
            entries.append(
                FunctionCoverage(
                    filename=parsed.source.display,
                    name=function.qualname,
                    line=function.line,
                    checked=False,
                    reason=STATIC_ONLY,
                    via=decorator.via,
                    dispatcher=dispatcher if function.variants else None,
                )
            )
    return entries


def listing_order(entry: FunctionCoverage) -> tuple[str, int, str, str]:
    return (entry.filename, entry.line, entry.name, entry.dispatcher or "")


def with_variants(
    indexed: Iterable[tuple[ParsedModule, JitIndex]], entries: list[FunctionCoverage]
) -> list[FunctionCoverage]:
    """The dynamic pass's `functions` entries, plus one entry per further variant of a def
    jitted more than once. The pass checks a def once, through its first dispatcher: the
    other variants are listed, unchecked, saying so."""
    variants: dict[tuple[str, str], JitFunction] = {
        (parsed.source.display, function.qualname): function
        for parsed, index in indexed
        for function in index.functions
        if function.variants
    }
    if not variants:
        return entries
    listed_entries = []
    for entry in entries:
        function = variants.get((entry.filename, entry.name))
        if function is None:
            listed_entries.append(entry)
            continue
        listed_entries.append(replace(entry, dispatcher=function.dispatcher_name))
        for dispatcher, decorator in function.variants:
            listed_entries.append(
                replace(
                    entry,
                    checked=False,
                    signature_source=None,
                    signatures=(),
                    reason=f"one variant per def is checked: {function.dispatcher_name}",
                    via=decorator.via,
                    dispatcher=dispatcher,
                )
            )
    return listed_entries
