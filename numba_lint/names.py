"""libcst Module -> what a name in it refers to: an import, a builtin or a local binding.

Built once per module (`ParsedModule.names`) and shared by the jit index, project facts and every
rule; replaces libcst's ScopeProvider/QualifiedNameProvider, which cost seconds per corpus run.
Bindings are collected per scope from statements only (never a walk of every expression); the
rule walk tells it when it enters a lambda or comprehension. Never imports anything.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import QualifiedName, QualifiedNameSource

_BUILTINS = frozenset(dir(builtins))
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda, *_COMPREHENSIONS})
_NO_NAMES: frozenset[QualifiedName] = frozenset()


@dataclass(frozen=True)
class Binding:
    """One way a scope binds a name: `imported` is the dotted name an import gives it."""

    imported: str | None = None


@dataclass
class Scope:
    kind: str  # "module", "class", "function" (lambdas too) or "comprehension"
    prefix: str  # libcst's qualified-name prefix: "f.<locals>", "C", "" for the module
    parent: Scope | None
    owner: cst.CSTNode | None = None  # the def, class or lambda whose body this is
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)

    def bind(self, name: str, binding: Binding = Binding()) -> None:
        owner: Scope = self
        if name in self.declared_global:
            # `global name` in a function: its assignments bind the module's name.
            while owner.parent is not None:
                owner = owner.parent
        elif name in self.declared_nonlocal and self.parent is not None:
            # `nonlocal name`: its assignments bind the enclosing function's name.
            self.parent.bind(name, binding)
            return
        owner.bindings.setdefault(name, []).append(binding)


def dotted(node: cst.CSTNode) -> str | None:
    """`a.b.c` for Name/Attribute chains, a Call's callee and a Subscript's value; spelled as
    libcst's `get_full_name_for_node` does (`"".join` is "None.join"), so that rules tuned on
    libcst's answers keep them."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    if isinstance(node, cst.Call):
        return dotted(node.func)
    if isinstance(node, cst.Subscript):
        return dotted(node.value)
    return None


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """Names an assignment target binds (attributes and subscripts bind none)."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def _import_source(node: cst.ImportFrom) -> str:
    module = "." * len(node.relative)
    if node.module is not None:
        module += dotted(node.module) or ""
    return module


def _bind_small(scope: Scope, small: cst.BaseSmallStatement) -> None:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            for name in target_names(target.target):
                scope.bind(name)
    elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
        for name in target_names(small.target):
            scope.bind(name)
    elif isinstance(small, cst.Import):
        for alias in small.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                scope.bind(alias.asname.name.value, Binding(full))
            else:
                head = full.split(".")[0]
                # `import a.b` binds `a`; `a.b.c` then means exactly that.
                scope.bind(head, Binding(head))
    elif isinstance(small, cst.ImportFrom):
        if isinstance(small.names, cst.ImportStar):
            return
        module = _import_source(small)
        for alias in small.names:
            name = dotted(alias.name) or ""
            full = f"{module}{name}" if module.endswith(".") else f"{module}.{name}"
            local = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(local, cst.Name):
                scope.bind(local.value, Binding(full))
    elif isinstance(small, cst.Global):
        scope.declared_global.update(item.name.value for item in small.names)
    elif isinstance(small, cst.Nonlocal):
        scope.declared_nonlocal.update(item.name.value for item in small.names)


class Names:
    """Scopes of one module. `qualified_names(node)` answers like libcst's provider did."""

    def __init__(self, module: cst.Module) -> None:
        self.module_scope = Scope("module", "", None)
        self._scopes: dict[cst.CSTNode, Scope] = {module: self.module_scope}
        # Scope-making definition -> the scope it is defined in.
        self._parents: dict[cst.CSTNode, Scope] = {}
        self._collect(module.body, self.module_scope)
        # Lambdas and comprehensions the rule walk is inside of, innermost last.
        self._inner: list[Scope] = []
        self._current_def: Scope = self.module_scope
        # Names the walk has seen that are attribute or keyword names, never variables.
        self._not_variables: set[cst.CSTNode] = set()

    # ---- building ------------------------------------------------------------------------
    def _collect(self, body: object, scope: Scope) -> None:
        for statement in body:  # type: ignore[attr-defined]
            self._statement(statement, scope)

    def _statement(self, statement: cst.CSTNode, scope: Scope) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                _bind_small(scope, small)
            return
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            scope.bind(statement.name.value)
            self._parents[statement] = scope
            self.scope_of(statement)  # built now: nested definitions need their parent's
            return
        if isinstance(statement, (cst.For,)):
            for name in target_names(statement.target):
                scope.bind(name)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    for name in target_names(item.asname.name):
                        scope.bind(name)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            for handler in statement.handlers:
                if handler.name is not None and isinstance(handler.name.name, cst.Name):
                    scope.bind(handler.name.name.value)
                self._block(handler.body, scope)
        self._block(getattr(statement, "body", None), scope)
        for name in ("orelse", "finalbody"):
            other = getattr(statement, name, None)
            if isinstance(other, cst.If):
                self._statement(other, scope)
            elif other is not None:
                self._block(getattr(other, "body", None), scope)

    def _block(self, block: object, scope: Scope) -> None:
        if isinstance(block, cst.IndentedBlock):
            self._collect(block.body, scope)
        elif isinstance(block, cst.SimpleStatementSuite):
            for small in block.body:
                _bind_small(scope, small)

    def scope_of(self, node: cst.FunctionDef | cst.ClassDef | cst.Module) -> Scope:
        """The scope a def or class body runs in (built on first use)."""
        found = self._scopes.get(node)
        if found is not None:
            return found
        parent = self._parents.get(node, self.module_scope)
        name = node.name.value  # type: ignore[union-attr]
        if isinstance(node, cst.ClassDef):
            prefix = f"{parent.prefix}.{name}" if parent.prefix else name
            scope = Scope("class", prefix, parent, node)
        else:
            base = f"{parent.prefix}.{name}" if parent.prefix else name
            scope = Scope("function", f"{base}.<locals>", parent, node)
            self._parameters(node.params, scope)  # type: ignore[union-attr]
        self._scopes[node] = scope
        self._block(node.body, scope)
        return scope

    def enclosing(self, node: cst.FunctionDef | cst.ClassDef) -> Scope:
        """The scope a definition's decorators, defaults and name belong to."""
        return self._parents.get(node, self.module_scope)

    def definitions(self) -> list[cst.FunctionDef | cst.ClassDef]:
        """Every def and class of the module, in source order."""
        return list(self._parents)  # type: ignore[arg-type]

    def ancestors(self, node: cst.FunctionDef | cst.ClassDef) -> list[cst.CSTNode]:
        """The defs and classes `node` is nested in, innermost first."""
        found = []
        scope: Scope | None = self.enclosing(node)
        while scope is not None and scope.owner is not None:
            found.append(scope.owner)
            scope = scope.parent
        return found

    @staticmethod
    def _parameters(params: cst.Parameters, scope: Scope) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            scope.bind(param.name.value)

    def _lambda_scope(self, node: cst.Lambda, parent: Scope) -> Scope:
        prefix = f"{parent.prefix}.<locals>" if parent.prefix else "<locals>"
        scope = Scope("function", prefix, parent)
        self._parameters(node.params, scope)
        return scope

    def _comprehension_scope(self, node: cst.CSTNode, parent: Scope) -> Scope:
        prefix = f"{parent.prefix}.<comprehension>" if parent.prefix else "<comprehension>"
        scope = Scope("comprehension", prefix, parent)
        loop = node.for_in  # type: ignore[attr-defined]
        while loop is not None:
            for name in target_names(loop.target):
                scope.bind(name)
            loop = loop.inner_for_in
        return scope

    # ---- the walk ----------------------------------------------------------------------
    def enter(self, node: cst.CSTNode) -> None:
        """Called by walks for every node entered: tracks the scope that encloses the next."""
        # Exact types: libcst's node classes are final, and isinstance against their ABC
        # metaclass costs more than the check itself, on every node of every jitted body.
        kind = type(node)
        if kind is cst.Attribute:
            # `x.attr`: the attribute's Name is no variable (libcst leaves it unresolved too).
            self._not_variables.add(node.attr)  # type: ignore[attr-defined]
        elif kind is cst.Arg:
            if node.keyword is not None:  # type: ignore[attr-defined]
                self._not_variables.add(node.keyword)  # type: ignore[attr-defined]
        elif kind in _SCOPE_TYPES:
            if kind is cst.FunctionDef or kind is cst.ClassDef:
                self._inner.append(self.scope_of(node))  # type: ignore[arg-type]
            elif kind is cst.Lambda:
                self._inner.append(self._lambda_scope(node, self.current))  # type: ignore[arg-type]
            else:
                self._inner.append(self._comprehension_scope(node, self.current))

    def leave(self, node: cst.CSTNode) -> None:
        if type(node) in _SCOPE_TYPES and self._inner:
            self._inner.pop()

    def start(self, node: cst.FunctionDef | None) -> None:
        """Begin a walk at `node` (None: module level): forget any scope entered before."""
        self._inner.clear()
        self._not_variables.clear()
        self._current_def = (
            self._parents.get(node, self.module_scope) if node else (self.module_scope)
        )

    @property
    def current(self) -> Scope:
        return self._inner[-1] if self._inner else self._current_def

    # ---- questions ---------------------------------------------------------------------
    def lookup(self, name: str, scope: Scope | None = None) -> tuple[Scope | None, list[Binding]]:
        """The scope that binds `name` as seen from `scope` (None, [] for builtins/unknown)."""
        scope = scope or self.current
        first = True
        while scope is not None:
            if scope.kind != "module" and name in scope.declared_global:
                scope = self.module_scope
                continue
            if scope.kind != "class" or first:
                found = scope.bindings.get(name)
                if found:
                    return scope, found
            first = False
            scope = scope.parent
        return None, []

    def qualified_names(
        self, node: cst.BaseExpression, scope: Scope | None = None
    ) -> frozenset[QualifiedName] | set[QualifiedName]:
        if node in self._not_variables:
            return _NO_NAMES
        full = dotted(node)
        if full is None:
            return _NO_NAMES
        head, _, rest = full.partition(".")
        owner, bindings = self.lookup(head, scope)
        if owner is None:
            if head in _BUILTINS:
                return {QualifiedName(f"builtins.{head}", QualifiedNameSource.BUILTIN)}
            return _NO_NAMES
        result = set()
        for binding in bindings:
            if binding.imported is not None:
                name = f"{binding.imported}.{rest}" if rest else binding.imported
                result.add(QualifiedName(name, QualifiedNameSource.IMPORT))
            else:
                name = f"{owner.prefix}.{full}" if owner.prefix else full
                result.add(QualifiedName(name, QualifiedNameSource.LOCAL))
        return result

    def is_local(self, node: cst.Name, scope: Scope | None = None) -> bool:
        """True when `node` is bound in the enclosing function (a parameter or a local) and not
        by an import; comprehensions look outwards to their function."""
        scope = scope or self.current
        while scope is not None:
            if scope.kind != "module" and node.value in scope.declared_global:
                return False
            found = scope.bindings.get(node.value)
            if found:
                return scope.kind == "function" and all(b.imported is None for b in found)
            if scope.kind in ("function", "module"):
                return False
            scope = scope.parent
        return False

    def is_builtin(self, node: cst.Name, scope: Scope | None = None) -> bool:
        if node in self._not_variables:
            return False
        return node.value in _BUILTINS and self.lookup(node.value, scope)[0] is None
