"""An expression in a project wrapper's body (Python's ast) -> what it makes: numba's decorator
(configured), the wrapper's function argument jitted (`Applied`), or nothing. Called by
`wrappers` for each definition it reads; never executes or imports the code it evaluates, and
never imports Numba.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .jit_model import JIT_DECORATORS, NO_DEFAULT, JitDecorator, ProjectAliases, closed
from .modules import dotted_name


@dataclass(frozen=True)
class Applied:
    """An expression that is the wrapper's function argument jitted by `decorator`."""

    decorator: JitDecorator
    # `njit(p)`: `p` may as well be a signature (`def _jit_custom(sigs): return njit(sigs)`).
    ambiguous: bool = False


# The function parameter of a decorator-shaped wrapper (`def deco(fn)`, `lambda func: ...`).
FUNCTION = object()
Value = JitDecorator | Applied | object | None


@dataclass
class Scope:
    """What the names of one function body mean while its returns are evaluated."""

    parameters: tuple[str, ...] = ()
    function: str | None = None  # the parameter that receives the function to jit
    body: list[ast.stmt] = field(default_factory=list)  # the function's statements
    cls: tuple[str, str] | None = None  # (the `cls` parameter, the class's qualified name)
    _values: dict[str, ast.expr] | None = field(default=None, repr=False, compare=False)

    @property
    def values(self) -> dict[str, ast.expr]:
        """The body's locals assigned once -> their value; read from the body when first asked
        (most returns never ask: a walk of the whole body per function)."""
        if self._values is None:
            self._values = _assigned_once(self.body)
        return self._values


def own_statements(body: list[ast.stmt]) -> Iterable[ast.stmt]:
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


def scope_of(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, skip: int = 0) -> Scope:
    args = node.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    names = [*positional, *(a.arg for a in args.kwonlyargs)]
    function = positional[skip] if len(positional) > skip else None
    body = [] if isinstance(node, ast.Lambda) else node.body
    return Scope(tuple(names[skip:]), function, body)


def _assigned_once(body: list[ast.stmt]) -> dict[str, ast.expr]:
    """The locals of a function body bound once, by a plain assignment -> their value."""
    values: dict[str, ast.expr] = {}
    seen: set[str] = set()
    for statement in own_statements(body):
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
    return values


def literal_default(node: ast.expr | None) -> Any:
    if node is None:
        return NO_DEFAULT
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return NO_DEFAULT


def call_parameters(
    node: ast.FunctionDef | ast.AsyncFunctionDef, skip: int
) -> tuple[tuple[str, Any], ...]:
    """(name, literal default) of the parameters a call binds, in order (`self`/`cls` skipped)."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    found = [(a.arg, literal_default(d)) for a, d in zip(positional, defaults, strict=True)]
    found += [
        (a.arg, literal_default(d)) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    return tuple(found[skip:])


class Evaluator:
    """Evaluates expressions of one module's wrappers. `found` (the wrappers found so far, by
    qualified name) and `looked_up` are the caller's, and grow as it reads the module."""

    def __init__(
        self,
        module: str,
        imports: Mapping[str, str],
        defined: frozenset[str],
        known: ProjectAliases,
        found: Mapping[str, JitDecorator],
        looked_up: set[str],
    ) -> None:
        self.module = module
        self.package = module.split(".")[0]
        self.imports = imports  # local name -> what a module-level import binds to it
        self.defined = defined  # the module's own top-level functions, classes and assignments
        self.known = known
        self.found = found
        self.looked_up = looked_up

    # ---- names ---------------------------------------------------------------------------
    def absolute(self, name: str) -> str | None:
        head, _, rest = name.partition(".")
        if head in self.imports:
            base = self.imports[head]
        elif head in self.defined:
            base = f"{self.module}.{head}"
        else:
            return None
        return f"{base}.{rest}" if rest else base

    def resolve(self, name: str) -> JitDecorator | None:
        full = self.absolute(name)
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
    def evaluate(self, node: ast.expr, scope: Scope, depth: int = 0) -> Value:
        """A decorator (`JitDecorator`), the scope's function jitted (`Applied`), the function
        parameter itself (`FUNCTION`) or None (anything else, or too deep to follow)."""
        if depth > 8:
            return None
        if isinstance(node, ast.Name):
            if scope.cls is not None and node.id == scope.cls[0]:
                return self.found.get(scope.cls[1])
            if node.id in scope.parameters:
                return FUNCTION if node.id == scope.function else None
            if node.id in scope.values:
                return self.evaluate(scope.values[node.id], scope, depth + 1)
            return self.resolve(node.id)
        if isinstance(node, ast.Attribute):
            name = dotted_name(node)
            return (
                None
                if name is None or name.split(".")[0] in scope.parameters
                else self.resolve(name)
            )
        if isinstance(node, ast.IfExp):
            return self.evaluate(node.body, scope, depth + 1) or self.evaluate(
                node.orelse, scope, depth + 1
            )
        if isinstance(node, ast.Lambda):
            inner = scope_of(node)
            inner.cls = scope.cls
            found = self.evaluate(node.body, inner, depth + 1)
            if isinstance(found, Applied):
                return replace(found.decorator, shape="decorator")
            return None
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        return None

    def _call(self, call: ast.Call, scope: Scope, depth: int) -> Value:
        args = call.args
        name = dotted_name(call.func)
        if name is not None and self.absolute(name) == "functools.partial" and args:
            base = self.evaluate(args[0], scope, depth + 1)
            if isinstance(base, JitDecorator) and base.shape == "numba":
                return self.configured(base, args[1:], call.keywords, scope)
            return None
        base = self.evaluate(call.func, scope, depth + 1)
        if not isinstance(base, JitDecorator):
            return None
        applies = bool(args) and self.evaluate(args[0], scope, depth + 1) is FUNCTION
        if base.shape == "factory":
            return None if applies else self._applied(base, args, call.keywords, scope)
        if base.shape == "decorator":
            return Applied(base) if applies else None
        if base.shape == "either":
            return (
                Applied(closed(base))
                if applies
                else self._applied(base, args, call.keywords, scope)
            )
        if applies:
            # `njit(p, cache=True)`: `p` is the function or signatures; `njit(cache=True)(p)`
            # (a configured decorator applied) is the function.
            ambiguous = not isinstance(call.func, ast.Call)
            return Applied(self.configured(base, args[1:], call.keywords, scope), ambiguous)
        return self.configured(base, args, call.keywords, scope)

    def _argument(self, node: ast.expr, scope: Scope) -> tuple[str, Any]:
        """("literal", value), ("parameter", name) or ("source", text) for one argument."""
        if isinstance(node, ast.Name) and node.id in scope.parameters:
            return "parameter", node.id
        value = literal_default(node)
        if value != NO_DEFAULT:
            return "literal", value
        return "source", ast.unparse(node)

    def configured(
        self, base: JitDecorator, args: list[ast.expr], keywords: list[ast.keyword], scope: Scope
    ) -> JitDecorator:
        passed = _Passed(
            dict(base.options),
            dict(base.option_sources),
            dict(base.option_parameters),
            list(base.positional),
            dict(base.positional_parameters),
        )
        for keyword in keywords:
            if keyword.arg is None:
                passed.sources["**"] = ast.unparse(keyword.value)
                continue
            passed.option(keyword.arg, *self._argument(keyword.value, scope))
        for arg in args:
            if isinstance(arg, ast.Starred):
                break
            how, value = self._argument(arg, scope)
            if how == "parameter":
                passed.positional_parameters[len(passed.positional)] = value
                passed.positional.append("")
            elif how == "literal" and isinstance(value, (str, list, tuple)):
                passed.positional.append(ast.unparse(arg))
            else:  # signatures built by code: eager, but not spelled here
                passed.sources.setdefault("signatures", "<set by the factory>")
                break
        return passed.onto(base)

    def _applied(
        self,
        factory: JitDecorator,
        args: list[ast.expr],
        keywords: list[ast.keyword],
        scope: Scope,
    ) -> JitDecorator:
        """A factory called inside another wrapper: the decorator it returns, with what the call
        passes (a literal, or a parameter of the calling wrapper) where the factory forwards it."""
        bound, unknown = _bound(factory, args, keywords)
        defaults = dict(factory.parameters)

        def value_of(parameter: str) -> tuple[str, Any]:
            if parameter in bound:
                return self._argument(bound[parameter], scope)
            if unknown or defaults.get(parameter, NO_DEFAULT) == NO_DEFAULT:
                return "source", f"<{parameter} of {factory.via}>"
            return "literal", defaults[parameter]

        passed = _Passed(
            dict(factory.options), dict(factory.option_sources), {}, list(factory.positional), {}
        )
        for option, parameter in factory.option_parameters.items():
            passed.option(option, *value_of(parameter))
        for index, parameter in factory.positional_parameters.items():
            how, value = value_of(parameter)
            if how == "literal" and isinstance(value, (str, list, tuple)):
                passed.positional[index] = repr(value)
            elif how == "parameter":
                passed.positional_parameters[index] = value
            else:
                passed.positional[index] = ""
        passed.cut_at_unspelled_signature()
        return passed.onto(factory, shape="decorator", parameters=())


@dataclass
class _Passed:
    """What a call of a decorator (or of a factory) passes it, sorted by how each value is
    known: written in the source (`options`, `positional`), forwarded from a parameter of the
    calling wrapper (`option_parameters`, `positional_parameters`: its name), or only as code
    (`sources`: its text). Copied onto the decorator with `onto`."""

    options: dict[str, Any]
    sources: dict[str, str]
    option_parameters: dict[str, str]
    positional: list[str]
    positional_parameters: dict[int, str]

    def option(self, name: str, how: str, value: Any) -> None:
        """Record the keyword `name`, known as `how` ("literal", "parameter" or "source")."""
        if how == "literal":
            self.options[name] = value
        elif how == "parameter":
            self.option_parameters[name] = value
        else:
            self.sources[name] = value

    def cut_at_unspelled_signature(self) -> None:
        """Signatures from the first one not written out (`""`) on are set by the factory."""
        unspelled = [
            i
            for i, p in enumerate(self.positional)
            if p == "" and i not in self.positional_parameters
        ]
        if not unspelled:
            return
        self.sources.setdefault("signatures", "<set by the factory>")
        cut = unspelled[0]
        self.positional = self.positional[:cut]
        self.positional_parameters = {
            i: p for i, p in self.positional_parameters.items() if i < cut
        }

    def onto(self, decorator: JitDecorator, **changes: Any) -> JitDecorator:
        return replace(
            decorator,
            options=self.options,
            option_sources=self.sources,
            option_parameters=self.option_parameters,
            positional=tuple(self.positional),
            positional_parameters=self.positional_parameters,
            **changes,
        )


def _bound(
    factory: JitDecorator, args: list[ast.expr], keywords: list[ast.keyword]
) -> tuple[dict[str, ast.expr], bool]:
    """The factory's parameters a call binds, by name, and whether a `*args` or `**kwargs`
    leaves some unknown."""
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
    return bound, unknown
