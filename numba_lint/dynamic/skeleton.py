"""A module's skeleton: imports, defs, classes and module-level assignments, run one at a time.

Used inside worker processes: `import_skeleton` executes each kept top-level statement under the
file's real name and line numbers (so Numba's locations match the file) and records what failed.
It never runs other top-level statements: expression statements, loops, `with`, `__main__`
blocks and assignments that call a jitted function are dropped, not executed.
"""

from __future__ import annotations

import ast
import copy
import importlib.abc
import importlib.machinery
import importlib.util
import signal
import sys
import types
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
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


@dataclass(frozen=True)
class StatementFailure:
    line: int
    names: tuple[str, ...]
    error: str
    exception: BaseException | None = field(default=None, compare=False)


@dataclass
class Skeleton:
    module: types.ModuleType
    failures: list[StatementFailure] = field(default_factory=list)
    # Names bound only by statements the skeleton dropped (or that failed).
    dropped_names: set[str] = field(default_factory=set)
    # Names a kept statement would have bound, had it been able to run here: why it could not
    # (it needs what dropped code defines or fills, or a GPU this machine lacks). Not failures
    # of the code: their functions are listed as not checked, with this reason.
    not_run: dict[str, str] = field(default_factory=dict)


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
_WORK_PACKAGES = ("numba.cuda",)


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
        for name in _filled_names(statement):
            if name in self.defined:
                self.filled.setdefault(name, statement.lineno)


def _filled_names(statement: ast.stmt) -> set[str]:
    """Module names a statement writes into (`T[i] = ...`, `T.x = ...`, `T.append(...)`)."""
    names: set[str] = set()
    for node in ast.walk(statement):
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


def _numba_compiling() -> bool:
    """True while Numba compiles in this thread (it holds its global compiler lock)."""
    lock_module = sys.modules.get("numba.core.compiler_lock")
    lock = getattr(lock_module, "global_compiler_lock", None)
    return bool(lock is not None and lock.is_locked())


# The statement timer ticks this many times per limit; each tick is charged to the script
# unless Numba was compiling at that moment.
_TICKS = 20


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds` of the statement's own work: stops Python code (not native
    loops: the parent kills those).

    Numba's compile work does not count: a decorator that compiles at decoration
    (`@vectorize([...])`, `@guvectorize([...], layout)`, `@cfunc`, a jitclass built at module
    level) may take seconds on a loaded machine, and stopping it would turn a valid signature
    into a failure. The timer ticks `_TICKS` times per limit and charges a tick to the statement
    only when Numba's compiler lock is not held; the module's own timeout (in the parent) still
    bounds the whole worker.
    """
    tick = seconds / _TICKS
    charged = 0

    def expired(signum: int, frame: Any) -> None:
        nonlocal charged
        if not _numba_compiling():
            charged += 1
            if charged >= _TICKS:
                raise TimeoutError(f"statement ran longer than {seconds:g} s")
        signal.setitimer(signal.ITIMER_REAL, tick)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, tick)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def device_unavailable(exc: BaseException) -> str | None:
    """Why a statement failed for want of a GPU or its driver (CUDA's `CudaSupportError`,
    raised by `@cuda.jit("sig")`, `@vectorize(..., target="cuda")` and `cuda.to_device` on a
    machine without one), or None for any other failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(
            cls.__name__ == "CudaSupportError" and "cuda" in cls.__module__
            for cls in type(current).__mro__
        ):
            # "Error at driver init: CUDA driver library cannot be found. If you are sure..."
            text = " ".join(str(current).split())
            return text.split(". ")[0].rstrip(".:").strip() or "CUDA is not available"
        current = current.__cause__ or current.__context__
    return None


def _needs_skipped(statement: ast.stmt, decided: SkeletonPlan) -> tuple[str, int, str, int] | None:
    """(name, line read, "defines"/"fills", line of the dropped code) when `statement` reads a
    name that dropped code binds or fills: its failure then says nothing about the code, only
    about the skeleton."""
    reads = sorted(
        (node.lineno, node.col_offset, node.id)
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    )
    for line, _, name in reads:
        if name in decided.dropped:
            return name, line, "defines", decided.dropped[name]
        if name in decided.filled:
            return name, line, "fills", decided.filled[name]
    return None


def execute(
    module: types.ModuleType,
    source: str,
    filename: str,
    jitted: Collection[str] = (),
    statement_seconds: float = 5.0,
    on_statement: Callable[[ast.stmt], None] | None = None,
) -> Skeleton:
    """Run the skeleton of `source` in `module`, statement by statement."""
    tree = ast.parse(source, filename)
    decided = plan(tree.body, jitted)
    skeleton = Skeleton(module=module, dropped_names=set(decided.dropped))
    for statement in decided.kept:
        code = compile(
            ast.fix_missing_locations(ast.Module(body=[statement], type_ignores=[])),
            filename,
            "exec",
        )
        if on_statement is not None:
            on_statement(statement)
        try:
            with time_limit(statement_seconds):
                exec(code, module.__dict__)
        except (Exception, SystemExit, KeyboardInterrupt) as exc:  # noqa: BLE001 - user code
            names = tuple(sorted(bound_names(statement)))
            missing = [n for n in names if n not in module.__dict__]
            skeleton.dropped_names.update(missing)
            device = device_unavailable(exc)
            needs = _needs_skipped(statement, decided)
            if device is not None:
                why = f"no GPU or CUDA driver on this machine ({device})"
            elif needs is not None:
                name, read, verb, line = needs
                why = (
                    f"line {read} needs '{name}', which top-level code the skeleton does not "
                    f"run {verb} (line {line})"
                )
            else:
                first = (str(exc).strip().splitlines() or [""])[0]
                skeleton.failures.append(
                    StatementFailure(statement.lineno, names, f"{type(exc).__name__}: {first}", exc)
                )
                continue
            skeleton.not_run.update((n, why) for n in missing)
    return skeleton


class _SkeletonLoader(importlib.abc.Loader):
    def __init__(self, finder: SkeletonFinder, path: str) -> None:
        self.finder = finder
        self.path = path

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        source = Path(self.path).read_text(encoding="utf-8")
        skeleton = execute(module, source, self.path, statement_seconds=self.finder.seconds)
        self.finder.loaded[module.__name__] = skeleton


class SkeletonFinder(importlib.abc.MetaPathFinder):
    """Imports project files (under `root`) as skeletons, so their top-level work never runs."""

    def __init__(self, root: Path, seconds: float = 5.0) -> None:
        self.root = root.resolve()
        self.seconds = seconds
        self.loaded: dict[str, Skeleton] = {}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        origin = Path(spec.origin).resolve()
        if self.root not in origin.parents:
            return None
        return importlib.util.spec_from_file_location(
            fullname,
            spec.origin,
            loader=_SkeletonLoader(self, spec.origin),
            submodule_search_locations=spec.submodule_search_locations,
        )


def import_skeleton(
    name: str,
    path: Path,
    jitted: Collection[str],
    statement_seconds: float = 5.0,
    on_statement: Callable[[ast.stmt], None] | None = None,
) -> Skeleton:
    """Create module `name` from the skeleton of `path`, registered in sys.modules."""
    module = types.ModuleType(name)
    module.__file__ = str(path)
    is_package = path.name == "__init__.py"
    module.__package__ = name if is_package else name.rpartition(".")[0]
    if is_package:
        module.__path__ = [str(path.parent)]
    # Self-recursion and `import pkg.mod` inside the module resolve through sys.modules.
    sys.modules[name] = module
    source = path.read_text(encoding="utf-8")
    return execute(module, source, str(path), jitted, statement_seconds, on_statement)
