"""A decorator expression of a parsed module -> the `JitDecorator` it names or configures:
numba's own, a project alias, one of the module's wrappers, `partial(njit, ...)`, a factory's
call. Called by the jit index's walk (`index_visitor`) for every decorator and `njit(f)` call;
never walks the module itself and never imports Numba.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import libcst as cst

from .jit_model import (
    JIT_DECORATORS,
    NO_DEFAULT,
    JitDecorator,
    ProjectAliases,
    absolute_name,
    closed,
)
from .parse import ParsedModule

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


class DecoratorResolver:
    """Resolves one module's decorator expressions. The walk that uses it keeps `definitions`
    (the open defs and classes: names resolve in the innermost one's scope) and `aliases`
    (module-level names bound to a decorator so far) up to date."""

    def __init__(
        self,
        parsed: ParsedModule,
        project_aliases: ProjectAliases,
        local_wrappers: Mapping[str, JitDecorator] | None = None,
    ) -> None:
        self.parsed = parsed
        self.project_aliases = project_aliases
        # The module's own wrappers (`wrappers.module_wrappers`) by their name in the module.
        self.local_wrappers = local_wrappers or {}
        # Qualified names looked up as possible project aliases and not found.
        self.looked_up: set[str] = set()
        self.aliases: dict[str, JitDecorator] = {}
        self.definitions: list[cst.FunctionDef | cst.ClassDef] = []

    def resolve(self, expression: cst.BaseExpression, line: Line = None) -> JitDecorator | None:
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
                return closed(replace(base, shape="decorator"))
            return None if base.shape == "factory" else base
        if base.shape in ("factory", "either"):
            return self._applied_factory(base, call_options, line)
        if base.shape == "decorator":
            return None  # `deco(options)` of a decorator that takes the function itself
        return self.with_call(base, call_options, line)

    def imported(self, full: str) -> JitDecorator | None:
        """The decorator `from module import name` binds (`full`: `module.name`), if any."""
        if full in JIT_DECORATORS:
            return JitDecorator(JIT_DECORATORS[full], full)
        if full in self.project_aliases:
            return self.project_aliases[full]
        self.looked_up.add(full)
        return None

    def absolute(self, name: str) -> str:
        return absolute_name(name, self.parsed)

    def with_call(self, base: JitDecorator, call: cst.Call, line: Line) -> JitDecorator:
        """`base` configured by the arguments of `call` (`njit(cache=True)`, `jit(sigs)`)."""
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
        return replace(
            base,
            options=options,
            option_sources=sources,
            positional=tuple(positional),
            line=self._line(call, line),
        )

    def _line(self, call: cst.Call, line: Line) -> int:
        if callable(line):
            line = line()
        if line is None:
            line = self.parsed.line_of(call)
        return line

    def _is_partial(self, node: cst.BaseExpression) -> bool:
        resolver = self.parsed.names
        scope = resolver.scope_of(self.definitions[-1]) if self.definitions else None
        names = resolver.qualified_names(node, scope or resolver.module_scope)
        return any(q.name == "functools.partial" for q in names)

    def _partial(self, call: cst.Call, line: Line) -> JitDecorator | None:
        """`partial(njit, cache=True)`: numba's decorator with options laid in."""
        if not call.args or call.args[0].keyword is not None or call.args[0].star:
            return None
        base = self.resolve(call.args[0].value, line=0)
        if base is None or base.shape != "numba":
            return None
        rest = call.with_changes(args=call.args[1:])
        return self.with_call(base, rest, line)

    def _applied_factory(self, factory: JitDecorator, call: cst.Call, line: Line) -> JitDecorator:
        """The decorator a project factory's call returns, with the literal arguments of the
        call put where the factory forwards them (options, signatures)."""
        module = self.parsed.module
        bound, unknown = _bound(factory, call)

        def value_of(parameter: str) -> tuple[bool, Any, str]:
            """(known, literal value, source) of a parameter at this call."""
            if parameter in bound:
                ok, value = literal(bound[parameter], module)
                return ok, value, module.code_for_node(bound[parameter])
            default = dict(factory.parameters).get(parameter, NO_DEFAULT)
            if default == NO_DEFAULT or unknown:
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
        return JitDecorator(
            kind=factory.kind,
            qualified_name=factory.qualified_name,
            options=options,
            option_sources=sources,
            positional=tuple(positional),
            line=self._line(call, line),
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
            name = self.absolute(qualified.name)
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


def _bound(factory: JitDecorator, call: cst.Call) -> tuple[dict[str, cst.BaseExpression], bool]:
    """The factory's parameters a call binds, by name, and whether a `*args` leaves some unknown."""
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
    return bound, unknown
