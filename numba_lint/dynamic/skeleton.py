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


def keep(
    statements: Sequence[ast.stmt], jitted: Collection[str]
) -> tuple[list[ast.stmt], set[str]]:
    """The statements a skeleton runs (compound ones filtered) and the names it leaves unbound."""
    kept: list[ast.stmt] = []
    dropped: set[str] = set()
    for statement in statements:
        if isinstance(
            statement,
            (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef),
        ):
            kept.append(statement)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            value = statement.value
            # A call to a jitted function would compile and run it: it is a call site instead.
            if value is not None and _calls_jitted(value, jitted):
                dropped |= bound_names(statement)
            else:
                kept.append(statement)
        elif isinstance(statement, ast.Expr):
            value = statement.value
            is_docstring = isinstance(value, ast.Constant) and isinstance(value.value, str)
            is_setup = isinstance(value, ast.Call) and _dotted(value.func).startswith(
                _SETUP_PREFIXES
            )
            if is_docstring or (is_setup and not _calls_jitted(value, jitted)):
                kept.append(statement)
        elif isinstance(statement, ast.If) and not _is_main_guard(statement):
            body, lost_body = keep(statement.body, jitted)
            orelse, lost_else = keep(statement.orelse, jitted)
            dropped |= lost_body | lost_else
            if body or orelse:
                kept.append(_filtered(statement, body=body or [_pass(statement)], orelse=orelse))
        elif isinstance(statement, ast.Try):
            body, lost = keep(statement.body, jitted)
            dropped |= lost
            if body:
                handlers = []
                for handler in statement.handlers:
                    handler_body, lost = keep(handler.body, jitted)
                    dropped |= lost
                    handlers.append(_filtered(handler, body=handler_body or [_pass(handler)]))
                orelse, lost_else = keep(statement.orelse, jitted)
                final, lost_final = keep(statement.finalbody, jitted)
                dropped |= lost_else | lost_final
                kept.append(
                    _filtered(
                        statement, body=body, handlers=handlers, orelse=orelse, finalbody=final
                    )
                )
        else:
            dropped |= bound_names(statement)
    for statement in kept:
        dropped -= bound_names(statement)
    return kept, dropped


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


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds`: stops Python code (not native loops: the parent kills those)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"statement ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    kept, dropped = keep(tree.body, jitted)
    skeleton = Skeleton(module=module, dropped_names=set(dropped))
    for statement in kept:
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
            first = (str(exc).strip().splitlines() or [""])[0]
            skeleton.failures.append(
                StatementFailure(statement.lineno, names, f"{type(exc).__name__}: {first}", exc)
            )
            skeleton.dropped_names.update(n for n in names if n not in module.__dict__)
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
