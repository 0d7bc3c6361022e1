"""Which top-level statements a module's skeleton runs: set-up yes, a script's work never.

Used by skeleton.py (in worker processes) before it executes anything; pure `ast`, imports
neither Numba nor user code. `plan` walks the module's statements in order and keeps imports,
definitions, assignments that call no jitted function, Numba/llvmlite registration calls, fill
calls on module-level containers and loops that only fill module-level tables; for the rest it
remembers which names they would define or fill, and on which line.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

NodeT = TypeVar("NodeT", bound=ast.AST)

# Top-level calls that only configure the process; keeping them makes imports behave as usual.
_SETUP_PREFIXES = (
    "sys.path.",
    "os.environ",
    "warnings.",
    "numba.config.",
    "np.random.seed",
    "numpy.random.seed",
    "matplotlib.use",
    "np.seterr",
    "numpy.seterr",
)


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def bound_names(statement: ast.stmt) -> set[str]:
    """Names a top-level statement binds in the module namespace (not inside nested bodies)."""
    names: set[str] = set()
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue  # its body binds names of its own scope
        if isinstance(
            node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        ):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        pending.extend(ast.iter_child_nodes(node))
    return names


def _calls_jitted(node: ast.AST, jitted: Collection[str]) -> bool:
    return any(
        isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in jitted
        for sub in ast.walk(node)
    )


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


# Builtins a table-filling loop may call: they compute values and run no user code of their own.
_PURE_BUILTINS = frozenset(
    "abs all any bin bool bytes chr complex dict divmod enumerate float format frozenset getattr "
    "hasattr hash hex int isinstance issubclass iter len list max min next oct ord pow range repr "
    "reversed round set slice sorted str sum tuple type zip".split()
)
# Methods of builtin containers, strings and arrays that only read (any receiver).
_READ_METHODS = frozenset(
    "items keys values get copy lower upper strip lstrip rstrip split rsplit join replace "
    "startswith endswith format encode decode index count find astype reshape ravel flatten "
    "tolist sum min max mean any all view transpose item".split()
)
# Methods that fill a container in place; called on a module-level name defined earlier.
_FILL_METHODS = frozenset(
    "append extend insert update add setdefault fill discard appendleft".split()
)
# Modules whose functions a table-filling loop may call (numeric constructors and maths) ...
_VALUE_MODULES = ("numpy", "math", "cmath")
# ... except the ones that read or write files.
_FILE_FUNCTIONS = frozenset(
    "load loads save savez savez_compressed savetxt loadtxt genfromtxt fromfile tofile memmap "
    "fromregex open".split()
)
# Numba's own entry points that compile (and, called again, run) user code: never set-up.
_COMPILING = frozenset(
    "jit njit generated_jit vectorize guvectorize cfunc stencil jitclass".split()
)
# Numba's registration APIs live in these packages; GPU calls (numba.cuda) are work, not set-up.
_SETUP_PACKAGES = ("numba", "llvmlite")
_WORK_PACKAGES = ("numba.cuda", "numba.test", "numba.testing", "numba.tests", "numba.runtests")


def _root(node: ast.expr) -> tuple[str | None, list[str]]:
    """`a.b.c` -> ("a", ["b", "c"]); (None, []) when the chain has anything but attributes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, list(reversed(parts))
    return None, []


def _innermost_callee(call: ast.Call) -> ast.expr:
    """`overload(len)(impl)` -> `overload`: the function a curried call starts from."""
    func = call.func
    while isinstance(func, ast.Call):
        func = func.func
    return func


def _in_package(path: str, packages: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + ".") for p in packages)


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
            if value is not None and _calls_jitted(value, self.jitted):
                return None
            self._note_origin(statement)
            return statement
        if isinstance(statement, ast.Expr):
            return statement if self._setup_expression(statement.value) else None
        if isinstance(statement, ast.For) and self._fills_tables(statement, set()):
            return statement
        if isinstance(statement, ast.If) and not _is_main_guard(statement):
            body = self.statements(statement.body)
            orelse = self.statements(statement.orelse)
            if body or orelse:
                return _filtered(statement, body=body or [_pass(statement)], orelse=orelse)
            return None
        if isinstance(statement, ast.Try):
            return self._try(statement)
        return None

    def _try(self, statement: ast.Try) -> ast.stmt | None:
        body = self.statements(statement.body)
        handlers = []
        for handler in statement.handlers:
            handler_body = self.statements(handler.body)
            handlers.append(_filtered(handler, body=handler_body or [_pass(handler)]))
        orelse = self.statements(statement.orelse)
        final = self.statements(statement.finalbody)
        if not body:
            return None
        return _filtered(statement, body=body, handlers=handlers, orelse=orelse, finalbody=final)

    def _setup_expression(self, value: ast.expr) -> bool:
        """A docstring, a process set-up call, a call that fills a module-level container, or
        a call into Numba's (or llvmlite's) own API: registrations such as
        `structref.define_proxy(...)`, `overload(f)(impl)`, `node_type.define(...)`."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return True
        if not isinstance(value, ast.Call) or _calls_jitted(value, self.jitted):
            return False
        if _dotted(value.func).startswith(_SETUP_PREFIXES):
            return True
        if self._fill_call(value, set()):
            return True
        return self._numba_api_call(value)

    def _numba_api_call(self, call: ast.Call) -> bool:
        root, parts = _root(_innermost_callee(call))
        if root is None or root in self.jitted:
            return False
        path = ".".join([self.origins.get(root, ""), *parts]) if root in self.origins else ""
        if not path or not _in_package(path, _SETUP_PACKAGES):
            return False
        if _in_package(path, _WORK_PACKAGES):
            return False
        last = path.rsplit(".", 1)[-1]
        return last not in _COMPILING

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
        if not isinstance(func, ast.Attribute) or func.attr not in _FILL_METHODS:
            return False
        root, _ = _root(func.value)
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
            return func.id in _PURE_BUILTINS and func.id not in self.module_names | local
        if not isinstance(func, ast.Attribute):
            return False
        root, parts = _root(func)
        if root is not None and root in self.origins and root not in local:
            path = ".".join([self.origins[root], *parts])
            return _in_package(path, _VALUE_MODULES) and parts[-1] not in _FILE_FUNCTIONS
        return func.attr in _READ_METHODS

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
        root, parts = _root(_innermost_callee(value))
        if root is None or root not in self.origins:
            return
        path = ".".join([self.origins[root], *parts])
        if _in_package(path, _SETUP_PACKAGES) and path.rsplit(".", 1)[-1] not in _COMPILING:
            for name in names:
                self.origins[name] = path + "()"

    def _drop(self, statement: ast.stmt) -> None:
        for name in bound_names(statement):
            self.dropped.setdefault(name, statement.lineno)
        for name in _filled_names(statement, self.jitted):
            if name in self.defined:
                self.filled.setdefault(name, statement.lineno)


def _filled_names(statement: ast.stmt, jitted: Collection[str]) -> set[str]:
    """Module names a statement writes into (`T[i] = ...`, `T.x = ...`, `T.append(...)`) or
    hands to a plain function that may (`fill(T)`; a jitted call is a call site instead)."""
    names: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in jitted
        ):
            passed = [*node.args, *(k.value for k in node.keywords)]
            names.update(a.id for a in passed if isinstance(a, ast.Name))
        slot = None
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            slot = node
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _FILL_METHODS
        ):
            slot = node.func
        if slot is not None:
            root = slot.value
            while isinstance(root, (ast.Subscript, ast.Attribute)):
                root = root.value
            if isinstance(root, ast.Name):
                names.add(root.id)
    return names


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


def _filtered(node: NodeT, **fields: Any) -> NodeT:
    """A copy of a compound statement with filtered bodies; every position is kept."""
    clone = copy.copy(node)
    for name, value in fields.items():
        setattr(clone, name, value)
    return clone


def _pass(anchor: ast.AST) -> ast.Pass:
    where = {
        k: getattr(anchor, k) for k in ("lineno", "col_offset", "end_lineno", "end_col_offset")
    }
    return ast.Pass(**where)
