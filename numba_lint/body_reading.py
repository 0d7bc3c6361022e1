"""What the steps that read a whole module find in one top-level def's body: the questions the
language server's memo of the jit index (`index_memo.py`) asks of the def an edit touched, to
know whether the index's walk (`index_visitor.py`) or the module's wrappers (`wrappers.py`)
could read it differently now. Each answer errs towards "yes, it may": the memo then builds
from scratch.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from .jit_model import JIT_DECORATORS
from .modules import dotted_name
from .wrapper_values import own_statements

# Returned values the wrappers' evaluation follows (see `gives_nothing`).
_FOLLOWED = (ast.Name, ast.Attribute, ast.IfExp, ast.Lambda, ast.Call)
# In a body, what the index's walk may read (see `inert`): a nested def or class, a scope
# statement, or a call whose first argument may be a bare name (then `inert` asks the ast).
_MAY_MATTER = re.compile(r"\b(?:def|class|global|nonlocal)\b")
_FIRST_NAME = re.compile(r"\((?:[\s\\(]|#[^\n]*)*([A-Za-z_]\w*)")


def inert(source: str, body: str, module_defs: frozenset[str]) -> bool:
    """Whether a top-level def (`source`, its body `body`) holds nothing the index reads inside
    a function body: no nested def or class, no `global`/`nonlocal`, no call whose first
    argument names a module-level def. The text answers most; Python's ast the rest."""
    if _MAY_MATTER.search(body) is None and not any(
        name in module_defs for name in _FIRST_NAME.findall(body)
    ):
        return True
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    if len(tree.body) != 1:
        return False
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)
    for node in ast.walk(tree.body[0]):
        if node is not tree.body[0] and isinstance(node, nested):
            return False
        if isinstance(node, ast.Call) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in module_defs:
                return False
    return True


def gives_nothing(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether no own `return` of the def returns a name, attribute, call, lambda or
    conditional: the wrappers' evaluation (`wrapper_values.Evaluator.evaluate`) gives nothing
    for any other value, so the def is no wrapper whatever its body binds."""
    return not any(
        isinstance(statement, ast.Return) and isinstance(statement.value, _FOLLOWED)
        for statement in own_statements(node.body)
    )


def numba_decorated(decorator: ast.expr, imports: Mapping[str, str]) -> bool:
    """Whether the decorator is one of numba's own by the names the module's imports bind (as
    the wrappers resolve it: they never read the body of a def it jits)."""
    name = dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
    head, _, rest = (name or "").partition(".")
    base = imports.get(head)
    return base is not None and (f"{base}.{rest}" if rest else base) in JIT_DECORATORS
