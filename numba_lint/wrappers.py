"""A module's ast -> the project wrappers of numba's decorators it defines, by qualified name:
factories, decorator functions, `partial` aliases and configured objects, wrapper classes and
their classmethods. Called by `jit_index.build_index` before its walk; reads Python's ast of
the whole text (the reduction may blank wrapper bodies in the libcst tree), never runs it.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable
from dataclasses import replace

from .jit_model import JitDecorator, ProjectAliases, closed
from .modules import dotted_name, module_imports
from .parse import ParsedModule
from .wrapper_values import (
    Applied,
    Evaluator,
    Scope,
    call_parameters,
    own_statements,
    scope_of,
)


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
        defined = frozenset({*self.functions, *self.classes, *self.assigned})
        self.values = Evaluator(module, self.imports, defined, known, self.found, self.looked_up)
        self._calls_of_classes: dict[str, list[tuple[Scope, ast.Call]]] = {}

    # ---- definitions -----------------------------------------------------------------------
    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        full: str,
        skip: int = 0,
        cls: tuple[str, str] | None = None,
    ) -> JitDecorator | None:
        returned = [
            statement.value
            for statement in own_statements(node.body)
            if isinstance(statement, ast.Return) and statement.value is not None
        ]
        if not returned:
            return None  # most functions: no scope to read (a walk of the whole body)
        scope = scope_of(node, skip)
        scope.cls = cls
        for value in returned:
            found = self.values.evaluate(value, scope)
            if isinstance(found, JitDecorator):
                return replace(
                    found, shape="factory", via=full, parameters=call_parameters(node, skip)
                )
            if isinstance(found, Applied) and found.ambiguous:
                # Used bare (`@w`) it jits its argument; called (`@w(sigs)`) it is a factory.
                scope.function = None
                again = self.values.evaluate(value, scope)
                if isinstance(again, JitDecorator):
                    return replace(
                        again, shape="either", via=full, parameters=call_parameters(node, skip)
                    )
            if isinstance(found, Applied):
                return closed(replace(found.decorator, shape="decorator", via=full))
        return None

    def _self_calls(self, node: ast.ClassDef) -> list[tuple[Scope, ast.Call]]:
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
                scope = scope_of(method)
                found.extend((scope, call) for call in calls)
        self._calls_of_classes[node.name] = found
        return found

    def _jitting_method(self, node: ast.ClassDef) -> JitDecorator | None:
        """The decorator a method of the class applies to an attribute of `self`."""
        for scope, call in self._self_calls(node):
            found = self.values.evaluate(call.func, scope)
            if isinstance(found, JitDecorator) and found.shape != "factory":
                if len(call.args) > 1 or call.keywords:
                    found = self.values.configured(found, call.args[1:], call.keywords, scope)
                return closed(found)
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
            self._assigned_wrappers()
            self._function_wrappers(may_wrap)
            self._class_wrappers(may_wrap)
            if self.found == before:
                break
        return self.found

    def _assigned_wrappers(self) -> None:
        """`fast = partial(njit, cache=True)`, `fast = _jit(2)`: configured decorators."""
        for name, value in self.assigned.items():
            found = self.values.evaluate(value, Scope())
            if isinstance(found, JitDecorator) and isinstance(value, ast.Call):
                self.found[f"{self.module}.{name}"] = replace(
                    found, via=found.via or f"{self.module}.{name}"
                )

    def _function_wrappers(self, may_wrap: Callable[[ast.AST], bool]) -> None:
        for name, node in self.functions.items():
            full = f"{self.module}.{name}"
            if not may_wrap(node):
                continue
            if any(self._jits(d) for d in node.decorator_list):
                continue  # jitted itself: its returns are values, not decorators
            found = self._function(node, full)
            if found is not None:
                self.found[full] = found

    def _class_wrappers(self, may_wrap: Callable[[ast.AST], bool]) -> None:
        """Wrapper classes, and the classmethods of theirs that return a decorator."""
        for name in self.classes:
            full = f"{self.module}.{name}"
            if not any(may_wrap(c) for c in self._mro(name)):
                continue
            decorator = self._class(name)
            if decorator is None:
                made = self._instance_decorator(name)
                if made is not None:
                    self.found[full] = made
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

    def _instance_decorator(self, name: str) -> JitDecorator | None:
        """A class whose instances are decorators (`@ndmoving()`): its `__call__(self, func)`
        jits `func`, directly or through another method (`self.gufunc = self.wrap(func)`).
        Calling the class makes the decorator: a factory, configured by `__init__`'s
        parameters."""
        methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for owner in reversed(self._mro(name)):
            for method in owner.body:
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods[method.name] = method
        call = methods.get("__call__")
        found = self._applies_parameter(call, methods, 0) if call is not None else None
        if found is None:
            return None
        init = methods.get("__init__")
        parameters = call_parameters(init, 1) if init is not None else ()
        full = f"{self.module}.{name}"
        return replace(found, shape="factory", via=full, parameters=parameters)

    def _applies_parameter(
        self,
        method: ast.FunctionDef | ast.AsyncFunctionDef,
        methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
        depth: int,
    ) -> JitDecorator | None:
        """The decorator a method applies to its first parameter after `self`, if any."""
        scope = scope_of(method, 1)
        this = method.args.args[0].arg if method.args.args else "self"
        if scope.function is None or depth > 2:
            return None
        for statement in own_statements(method.body):
            for call in ast.walk(statement):
                if not isinstance(call, ast.Call):
                    continue
                found = self.values.evaluate(call, scope)
                if isinstance(found, Applied):
                    return closed(found.decorator)
                func, args = call.func, call.args
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == this
                    and func.attr in methods
                    and args
                    and isinstance(args[0], ast.Name)
                    and args[0].id == scope.function
                ):
                    inner = self._applies_parameter(methods[func.attr], methods, depth + 1)
                    if inner is not None:
                        return inner
        return None

    def _jits(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = dotted_name(target)
        return name is not None and self.values.resolve(name) is not None


@functools.lru_cache(maxsize=256)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")


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
