"""ParsedModule (+ resolved wrappers) -> the functions, jitclasses and decorator aliases of its
jit index: one libcst walk over the module's statements. Called by `jit_index.build_index`
only; decorator expressions resolve through `jit_decorators`. Never imports Numba and never
looks into expressions for defs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial

import libcst as cst

from .jit_decorators import DecoratorResolver, Line
from .jit_model import FUNCTION_KINDS, JitDecorator, JitFunction, jitclass_fields
from .names import dotted
from .parse import ParsedModule
from .walk import TypeDispatchVisitor


@dataclass
class _Frame:
    """One open def: the defs nested in it and the `njit(impl)` calls in its body."""

    # Inside jitted code (or an @overload function): nested defs are its body, not entries.
    in_jitted_code: bool
    defs: dict[str, tuple[cst.FunctionDef, str]] = field(default_factory=dict)
    calls: list[tuple[str, JitDecorator, str | None, int]] = field(default_factory=list)


class Indexer(TypeDispatchVisitor):
    """Collects the jitted functions of one module as it walks the module's statements."""

    def __init__(self, parsed: ParsedModule, resolver: DecoratorResolver) -> None:
        super().__init__()
        self.parsed = parsed
        self.resolver = resolver
        # Shared with the resolver: names it has looked up in vain, the module-level names bound
        # to a decorator (it resolves them), the open defs and classes (its scopes).
        self.looked_up = self.resolver.looked_up
        self.aliases = self.resolver.aliases
        self.definitions = self.resolver.definitions
        self.functions: list[JitFunction] = []
        self.jitclasses: dict[str, frozenset[str]] = {}
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
        # Open defs, innermost last: the defs nested in each and the calls that jit one of
        # them (`def make(): def impl(): ...; return njit(nogil=True)(impl)`).
        self.frames: list[_Frame] = []

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
            resolved = self.resolver.resolve(decorator.decorator, line)
            if resolved is not None and resolved.kind == "jitclass":
                is_jitclass = resolved
        self.scope.append(node.name.value)
        self.definitions.append(node)
        self.jitclass_stack.append(node.name.value if is_jitclass else None)
        if is_jitclass is not None:
            self.jitclasses[node.name.value] = jitclass_fields(node, is_jitclass)
            self.jitclass_decorators[node.name.value] = is_jitclass

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope.pop()
        self.definitions.pop()
        self.jitclass_stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        qualname = ".".join([*self.scope, node.name.value])
        if self.function_depth == 0 and not self.scope:
            self.top_level_defs[node.name.value] = node
        elif self.frames and not self.frames[-1].in_jitted_code:
            self.frames[-1].defs[node.name.value] = (node, qualname)
        found: JitDecorator | None = None
        decorator_lines = self._decorator_lines(node)
        for decorator, decorator_line in zip(node.decorators, decorator_lines, strict=False):
            resolved = self.resolver.resolve(decorator.decorator, decorator_line)
            if resolved is not None:
                found = resolved
        jitted = self._record(node, qualname, found)
        self.scope.append(node.name.value)
        self.definitions.append(node)
        self.function_depth += 1
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

    def _record(self, node: cst.FunctionDef, qualname: str, found: JitDecorator | None) -> bool:
        """Records the def if Numba compiles it (decorated, a jitclass method, or nested in an
        @overload function: an implementation if returned); whether it did."""
        name = node.name.value
        line = self._def_line(node)
        enclosing_jitclass = self.jitclass_stack[-1] if self.jitclass_stack else None
        if found is not None and found.kind in FUNCTION_KINDS:
            self.functions.append(JitFunction(name, qualname, node, found, "decorator", line))
        elif enclosing_jitclass is not None and self.function_depth == 0:
            class_decorator = self.jitclass_decorators[enclosing_jitclass]
            self.functions.append(
                JitFunction(
                    name,
                    qualname,
                    node,
                    class_decorator,
                    "jitclass-method",
                    line,
                    class_name=enclosing_jitclass,
                )
            )
        elif self.overload_depth > 0 and self.overload_decorator is not None:
            implementation = JitFunction(
                name, qualname, node, self.overload_decorator, "overload-implementation", line
            )
            self.overload_frames[-1][0].append(implementation)
        else:
            return False
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        if frame.calls:
            self._add_calls(frame.calls, frame.defs, local=True)
        self.scope.pop()
        self.definitions.pop()
        self.function_depth -= 1
        for decorator in original_node.decorators:
            # Only the kind matters here: no line needed.
            resolved = self.resolver.resolve(decorator.decorator, line=0)
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
            known = self.parsed.statement_lines.value_line(node)
            line = known if known is not None else self._value_line_of(value)
            found = self._call_form(value, line)
            if found is not None:
                self._pending(*found, None, line)
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
        source = self.resolver.absolute(source) if source.startswith(".") else source
        for alias in node.names:
            local = alias.asname.name if alias.asname else alias.name
            if not isinstance(local, cst.Name) or not isinstance(alias.name, cst.Name):
                continue
            found = self.resolver.imported(f"{source}.{alias.name.value}")
            if found is not None:
                self.aliases[local.value] = found

    def visit_Assign(self, node: cst.Assign) -> bool:
        self._assign(node)
        return False  # nothing below a simple statement defines a function

    def _assign(self, node: cst.Assign) -> None:
        value = node.value
        targets = [t.target for t in node.targets]
        # name = numba.njit(cache=True)  /  name = numba.njit  : a pre-configured decorator.
        line = partial(self._value_line, node)  # computed only when a decorator needs it
        if self.function_depth == 0 and not self.scope:
            resolved = self.resolver.resolve(value, line)
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
            found = self._call_form(value, line)
            if found is not None:
                target_name = targets[0].value if isinstance(targets[0], cst.Name) else None
                self._pending(*found, target_name, line())

    def visit_Expr(self, node: cst.Expr) -> bool:
        self._expr(node)
        return False  # nothing below a simple statement defines a function

    def _expr(self, node: cst.Expr) -> None:
        # njit(f) as a bare expression still compiles f lazily when called through the result;
        # record it so the body is checked.
        value = node.value
        if isinstance(value, cst.Call) and self._wraps_function(value):
            line = self._value_line(node)
            found = self._call_form(value, line)
            if found is not None:
                self._pending(*found, self._registered(*found), line)

    def _registered(self, wrapped: str, decorator: JitDecorator) -> str | None:
        """The name a bare call binds for jitted code: `register_jitable(f)` registers `f`
        itself (Numba overloads the function object and returns it), as `f =
        register_jitable(f)` would; a discarded `njit(f)` leaves `f` plain. Module level only:
        a call in a function body registers when that function runs."""
        at_module_level = self.function_depth == 0 and not self.scope
        if decorator.kind == "register_jitable" and at_module_level:
            return wrapped
        return None

    def _call_form(self, call: cst.Call, line: Line) -> tuple[str, JitDecorator] | None:
        """(the wrapped function's name, the decorator) of `njit(f)`-style call, when both are
        known."""
        decorator = self._call_form_decorator(call, line)
        wrapped = self._wrapped(call)
        if decorator is None or wrapped is None:
            return None
        return wrapped, decorator

    def _call_form_decorator(self, call: cst.Call, line: Line) -> JitDecorator | None:
        """The decorator of `njit(f)`, `jit(opts)(f)` or `njit(f, opts)` (options merged)."""
        decorator = self.resolver.resolve(call.func, line)
        if decorator is None or len(call.args) == 1:
            return decorator
        configured = self.resolver.with_call(decorator, call, line)
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
