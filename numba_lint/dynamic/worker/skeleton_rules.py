"""Which top-level statements a module's skeleton runs: set-up yes, a script's work never.

Used by skeleton.py (in worker processes) before it executes anything; pure `ast`, imports
neither Numba nor user code. `plan` walks the module's statements in order and keeps imports,
definitions, assignments that call no jitted function, Numba/llvmlite registration calls, fill
calls on module-level containers and loops that only fill module-level tables; for the rest it
remembers which names they would define or fill, and on which line.
The vocabulary these rules use (set-up calls, pure builtins, fill methods) and their `ast`
helpers are in skeleton_ast.py.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .skeleton_ast import (
    COMPILING,
    FILE_FUNCTIONS,
    FILL_METHODS,
    PURE_BUILTINS,
    READ_METHODS,
    SETUP_PACKAGES,
    SETUP_PREFIXES,
    VALUE_MODULES,
    WORK_PACKAGES,
    bound_names,
    calls_jitted,
    chain_root,
    dotted,
    filled_names,
    filtered_copy,
    in_package,
    innermost_callee,
    is_main_guard,
    pass_at,
)

__all__ = ["SkeletonPlan", "bound_names", "keep", "plan"]


@dataclass
class SkeletonPlan:
    """What `keep` decided: the statements to run and, for the rest, which names they leave
    unbound or unfilled (name -> line of the first dropped statement that binds or fills it)."""

    kept: list[ast.stmt]
    dropped: dict[str, int]
    filled: dict[str, int]


class _Keeper:
    """The skeleton's rules, one top-level statement at a time (in source order).

    Tracks what the kept statements define (names, import aliases, and names built from
    numba/llvmlite calls) because two rules depend on it: a table-filling loop may only write
    into names defined before it, and a registration call is recognised by what its callee
    resolves to.
    """

    def __init__(self, jitted: Collection[str], module_names: Collection[str]) -> None:
        self.jitted = set(jitted)
        # Every name any module-level statement binds: such a name is not the builtin.
        self.module_names = set(module_names)
        self.defined: set[str] = set()
        # name -> the dotted path it stands for (`np` -> "numpy", `node_type` -> "numba.x()").
        self.origins: dict[str, str] = {}
        self.dropped: dict[str, int] = {}
        self.filled: dict[str, int] = {}

    # -- the rules -----------------------------------------------------------------------------

    def statements(self, statements: Sequence[ast.stmt]) -> list[ast.stmt]:
        kept: list[ast.stmt] = []
        for statement in statements:
            chosen = self.statement(statement)
            if chosen is None:
                self._drop(statement)
            else:
                kept.append(chosen)
                self.defined |= bound_names(chosen)
        return kept

    def statement(self, statement: ast.stmt) -> ast.stmt | None:
        """The statement to run (a filtered copy for if/try), or None to drop it."""
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            self._note_imports(statement)
            return statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return statement
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            value = statement.value
            # A call to a jitted function would compile and run it: it is a call site instead.
            if value is not None and calls_jitted(value, self.jitted):
                return None
            self._note_origin(statement)
            return statement
        if isinstance(statement, ast.Expr):
            return statement if self._setup_expression(statement.value) else None
        if isinstance(statement, ast.For) and self._fills_tables(statement, set()):
            return statement
        if isinstance(statement, ast.If) and not is_main_guard(statement):
            body = self.statements(statement.body)
            orelse = self.statements(statement.orelse)
            if body or orelse:
                return filtered_copy(statement, body=body or [pass_at(statement)], orelse=orelse)
            return None
        if isinstance(statement, ast.Try):
            return self._try(statement)
        return None

    def _try(self, statement: ast.Try) -> ast.stmt | None:
        body = self.statements(statement.body)
        handlers = []
        for handler in statement.handlers:
            handler_body = self.statements(handler.body)
            handlers.append(filtered_copy(handler, body=handler_body or [pass_at(handler)]))
        orelse = self.statements(statement.orelse)
        final = self.statements(statement.finalbody)
        if not body:
            return None
        return filtered_copy(
            statement, body=body, handlers=handlers, orelse=orelse, finalbody=final
        )

    def _setup_expression(self, value: ast.expr) -> bool:
        """A docstring, a process set-up call, a call that fills a module-level container, or
        a call into Numba's (or llvmlite's) own API: registrations such as
        `structref.define_proxy(...)`, `overload(f)(impl)`, `node_type.define(...)`."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return True
        if not isinstance(value, ast.Call) or calls_jitted(value, self.jitted):
            return False
        if dotted(value.func).startswith(SETUP_PREFIXES):
            return True
        if self._fill_call(value, set()):
            return True
        return self._numba_api_call(value)

    def _numba_api_call(self, call: ast.Call) -> bool:
        root, parts = chain_root(innermost_callee(call))
        if root is None or root in self.jitted:
            return False
        path = ".".join([self.origins.get(root, ""), *parts]) if root in self.origins else ""
        if not path or not in_package(path, SETUP_PACKAGES):
            return False
        if in_package(path, WORK_PACKAGES):
            return False
        last = path.rsplit(".", 1)[-1]
        return last not in COMPILING

    def _fills_tables(self, loop: ast.For, local: set[str]) -> bool:
        """A `for` loop that only fills module-level tables defined before it.

        Its target binds plain names; its iterable and every value it computes call only pure
        builtins, NumPy/math functions (no file I/O) and read-only methods; its body only
        assigns into subscripts or attributes of names defined earlier, calls fill methods
        (`append`, `update`, ...) on them, and nests `if`/`for`/`pass`/`continue`/`break`.
        It calls no jitted or other user function; the statement time limit bounds it.
        """
        if loop.orelse or not self._names_only(loop.target) or not self._pure(loop.iter, local):
            return False
        inner = local | {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        return all(self._fill_statement(s, inner) for s in loop.body)

    def _fill_statement(self, statement: ast.stmt, local: set[str]) -> bool:
        if isinstance(statement, (ast.Pass, ast.Continue, ast.Break)):
            return True
        if isinstance(statement, (ast.Assign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            return all(self._table_slot(t, local) for t in targets) and self._pure(
                statement.value, local
            )
        if isinstance(statement, ast.Expr):
            return isinstance(statement.value, ast.Call) and self._fill_call(statement.value, local)
        if isinstance(statement, ast.If):
            return self._pure(statement.test, local) and all(
                self._fill_statement(s, local) for s in [*statement.body, *statement.orelse]
            )
        if isinstance(statement, ast.For):
            return self._fills_tables(statement, local)
        return False

    def _table_slot(self, target: ast.expr, local: set[str]) -> bool:
        """`TABLE[i]`, `TABLE[i, j]`, `OBJ.attr`, `T[k][j]`: a slot of a defined module name."""
        if not isinstance(target, (ast.Subscript, ast.Attribute)):
            return False
        node: ast.expr = target
        while isinstance(node, (ast.Subscript, ast.Attribute)):
            if isinstance(node, ast.Subscript) and not self._pure(node.slice, local):
                return False
            node = node.value
        return isinstance(node, ast.Name) and self._table(node.id, local)

    def _table(self, name: str, local: set[str]) -> bool:
        """A module-level value defined earlier (not a loop variable, an imported name or a
        jitted function)."""
        imported = name in self.origins and not self.origins[name].endswith(")")
        return name in self.defined and name not in local | self.jitted and not imported

    def _fill_call(self, call: ast.Call, local: set[str]) -> bool:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in FILL_METHODS:
            return False
        root, _ = chain_root(func.value)
        if root is None or not self._table(root, local):
            return False
        return all(self._pure(a, local) for a in [*call.args, *(k.value for k in call.keywords)])

    def _pure(self, node: ast.AST, local: set[str]) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Lambda, ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr)):
                return False
            if isinstance(sub, ast.Call) and not self._pure_callee(sub.func, local):
                return False
        return True

    def _pure_callee(self, func: ast.expr, local: set[str]) -> bool:
        if isinstance(func, ast.Name):
            return func.id in PURE_BUILTINS and func.id not in self.module_names | local
        if not isinstance(func, ast.Attribute):
            return False
        root, parts = chain_root(func)
        if root is not None and root in self.origins and root not in local:
            path = ".".join([self.origins[root], *parts])
            return in_package(path, VALUE_MODULES) and parts[-1] not in FILE_FUNCTIONS
        return func.attr in READ_METHODS

    @staticmethod
    def _names_only(target: ast.expr) -> bool:
        if isinstance(target, ast.Name):
            return True
        if isinstance(target, (ast.Tuple, ast.List)):
            return all(_Keeper._names_only(e) for e in target.elts)
        return False

    # -- bookkeeping ---------------------------------------------------------------------------

    def _note_imports(self, statement: ast.Import | ast.ImportFrom) -> None:
        for alias in statement.names:
            if isinstance(statement, ast.Import):
                if alias.asname:
                    self.origins[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.origins[top] = top
            elif statement.level == 0 and statement.module and alias.name != "*":
                self.origins[alias.asname or alias.name] = f"{statement.module}.{alias.name}"

    def _note_origin(self, statement: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        """`node_type = deferred_type()`, `ITEMS = List()`: names built by a Numba call."""
        names = bound_names(statement)
        for name in names:
            self.origins.pop(name, None)
        value = statement.value
        if isinstance(statement, ast.AugAssign) or not isinstance(value, ast.Call):
            return
        root, parts = chain_root(innermost_callee(value))
        if root is None or root not in self.origins:
            return
        path = ".".join([self.origins[root], *parts])
        if in_package(path, SETUP_PACKAGES) and path.rsplit(".", 1)[-1] not in COMPILING:
            for name in names:
                self.origins[name] = path + "()"

    def _drop(self, statement: ast.stmt) -> None:
        for name in bound_names(statement):
            self.dropped.setdefault(name, statement.lineno)
        for name in filled_names(statement, self.jitted):
            if name in self.defined:
                self.filled.setdefault(name, statement.lineno)


def plan(statements: Sequence[ast.stmt], jitted: Collection[str]) -> SkeletonPlan:
    """Which top-level statements the skeleton runs, and what the others leave undone."""
    module_names: set[str] = set()
    for statement in statements:
        module_names |= bound_names(statement)
    keeper = _Keeper(jitted, module_names)
    kept = keeper.statements(statements)
    bound: set[str] = set()
    for statement in kept:
        bound |= bound_names(statement)
    dropped = {n: line for n, line in keeper.dropped.items() if n not in bound}
    return SkeletonPlan(kept, dropped, keeper.filled)


def keep(
    statements: Sequence[ast.stmt], jitted: Collection[str]
) -> tuple[list[ast.stmt], set[str]]:
    """The statements a skeleton runs (compound ones filtered) and the names it leaves unbound."""
    decided = plan(statements, jitted)
    return decided.kept, set(decided.dropped)
