"""The vocabulary and `ast` helpers the skeleton rules (skeleton_rules.py) are written in.

Pure `ast`, imports neither Numba nor user code. The vocabulary: which calls only set the
process up, which builtins, methods and modules compute values without running user code, which
methods fill a container, and which Numba packages register rather than compile. The helpers
read dotted call chains and the names a statement binds or fills, and copy compound statements
with filtered bodies.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Collection
from typing import Any, TypeVar

NodeT = TypeVar("NodeT", bound=ast.AST)

# Top-level calls that only configure the process; keeping them makes imports behave as usual.
SETUP_PREFIXES = (
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
# Builtins a table-filling loop may call: they compute values and run no user code of their own.
PURE_BUILTINS = frozenset(
    "abs all any bin bool bytes chr complex dict divmod enumerate float format frozenset getattr "
    "hasattr hash hex int isinstance issubclass iter len list max min next oct ord pow range repr "
    "reversed round set slice sorted str sum tuple type zip".split()
)
# Methods of builtin containers, strings and arrays that only read (any receiver).
READ_METHODS = frozenset(
    "items keys values get copy lower upper strip lstrip rstrip split rsplit join replace "
    "startswith endswith format encode decode index count find astype reshape ravel flatten "
    "tolist sum min max mean any all view transpose item".split()
)
# Methods that fill a container in place; called on a module-level name defined earlier.
FILL_METHODS = frozenset(
    "append extend insert update add setdefault fill discard appendleft".split()
)
# Modules whose functions a table-filling loop may call (numeric constructors and maths) ...
VALUE_MODULES = ("numpy", "math", "cmath")
# ... except the ones that read or write files.
FILE_FUNCTIONS = frozenset(
    "load loads save savez savez_compressed savetxt loadtxt genfromtxt fromfile tofile memmap "
    "fromregex open".split()
)
# Numba's own entry points that compile (and, called again, run) user code: never set-up.
COMPILING = frozenset("jit njit generated_jit vectorize guvectorize cfunc stencil jitclass".split())
# Numba's registration APIs live in these packages; GPU calls (numba.cuda) are work, not set-up.
SETUP_PACKAGES = ("numba", "llvmlite")
WORK_PACKAGES = ("numba.cuda", "numba.test", "numba.testing", "numba.tests", "numba.runtests")


def dotted(node: ast.expr) -> str:
    """`sys.path.append` -> "sys.path.append"; a chain with a call in it keeps its attributes."""
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


def calls_jitted(node: ast.AST, jitted: Collection[str]) -> bool:
    return any(
        isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in jitted
        for sub in ast.walk(node)
    )


def is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def chain_root(node: ast.expr) -> tuple[str | None, list[str]]:
    """`a.b.c` -> ("a", ["b", "c"]); (None, []) when the chain has anything but attributes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, list(reversed(parts))
    return None, []


def innermost_callee(call: ast.Call) -> ast.expr:
    """`overload(len)(impl)` -> `overload`: the function a curried call starts from."""
    func = call.func
    while isinstance(func, ast.Call):
        func = func.func
    return func


def in_package(path: str, packages: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + ".") for p in packages)


def filled_names(statement: ast.stmt, jitted: Collection[str]) -> set[str]:
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
            and node.func.attr in FILL_METHODS
        ):
            slot = node.func
        if slot is not None:
            root = slot.value
            while isinstance(root, (ast.Subscript, ast.Attribute)):
                root = root.value
            if isinstance(root, ast.Name):
                names.add(root.id)
    return names


def filtered_copy(node: NodeT, **fields: Any) -> NodeT:
    """A copy of a compound statement with filtered bodies; every position is kept."""
    clone = copy.copy(node)
    for name, value in fields.items():
        setattr(clone, name, value)
    return clone


def pass_at(anchor: ast.AST) -> ast.Pass:
    where = {
        k: getattr(anchor, k) for k in ("lineno", "col_offset", "end_lineno", "end_col_offset")
    }
    return ast.Pass(**where)
