"""Relative module names -> absolute ones, as Python's import system resolves them; the dotted
name an `ast` expression spells (`np.linalg.norm`); the absolute names a module's top-level
imports bind (`module_imports`).

Shared by the static pass's blanking (before libcst), the jit index, the project's bindings and the
pipeline, which finds with `imported_modules` what a module imports without parsing it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

# Import statements at the start of a line, found after a newline (the text is read with one
# put in front): a pattern that starts with a literal is searched for quickly, `^` in
# multi-line mode is tried at every character (2-3 times slower on the corpus).
_IMPORTS = re.compile(r"\n[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import|import[ \t]+([\w.]+))")


def absolute_module_name(name: str, module_name: str, is_package: bool) -> str:
    """`.sub.name` as written in module `module_name` -> `package.sub.name`; absolute names
    pass through. `is_package`: the module is a package's `__init__`."""
    if not name.startswith("."):
        return name
    dots = len(name) - len(name.lstrip("."))
    package = module_name.split(".")
    base = package if is_package else package[:-1]
    base = base[: len(base) - (dots - 1)] if dots > 1 else base
    return ".".join([*base, name.lstrip(".")]).rstrip(".")


def imported_modules(modules: Iterable[tuple[str, Path, str]]) -> set[str]:
    """The absolute names of the modules that (module name, path, text) triples import (read
    from the text: imports anywhere, first name of `import a, b` only)."""
    imported = set()
    for module_name, path, text in modules:
        for absolute, relative_or_plain in _IMPORTS.findall("\n" + text):
            name = absolute or relative_or_plain
            if name.startswith("."):
                name = absolute_module_name(name, module_name, path.stem == "__init__")
            imported.add(name)
    return imported


def is_imported(module_name: str, imported: set[str]) -> bool:
    # `from pkg import helpers` names the package: its modules may be what is imported.
    return module_name in imported or module_name.rsplit(".", 1)[0] in imported


def dotted_name(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of attributes on a name; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


# Statements that bind their own name at module level.
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _imports(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Local name -> the absolute dotted name a module-level import binds to it; names bound
    more than once (also by assignment or definition) are left out."""
    bound: dict[str, str | None] = {}

    def bind(name: str, target: str | None) -> None:
        bound[name] = None if name in bound else target

    for statement in tree.body:
        if isinstance(statement, _DEFINITIONS):
            bind(statement.name, None)
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bind(alias.asname, alias.name)
                    else:
                        head = alias.name.split(".")[0]
                        bind(head, head)
            elif isinstance(node, ast.ImportFrom):
                source = "." * node.level + (node.module or "")
                if node.level:
                    source = absolute_module_name(source, module, is_package)
                for alias in node.names:
                    bind(alias.asname or alias.name, f"{source}.{alias.name}")
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bind(node.id, None)
            elif isinstance(node, _DEFINITIONS):
                bind(node.name, None)
    return {name: target for name, target in bound.items() if target is not None}


def module_imports(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Local name -> the absolute dotted name a module-level import binds to it (`_imports`),
    computed once per tree (the static pass's blanking and the jit index's wrappers both ask)."""
    key = (module, is_package)
    cached = getattr(tree, "_numba_lint_imports", None)
    if cached is None or cached[0] != key:
        cached = (key, _imports(tree, module, is_package))
        tree._numba_lint_imports = cached  # type: ignore[attr-defined]
    return cached[1]
