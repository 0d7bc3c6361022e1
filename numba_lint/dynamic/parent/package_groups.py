"""Jobs -> the modules whose workers may fork from their package's factory, by package.

Used by trial.py in the linter's process (pure `ast` and file reads; never imports Numba or
user code). A module's worker normally imports the module's skeleton, and the module's first
import of its own package (`from ..util import f`, `import pkg.sub`) runs the whole package's
skeleton: `pkg/__init__.py` and everything it imports, `@guvectorize` compiles included. For a
package of many modules that is the same work once per module. A package factory
(worker/package_factory.py) does that import once; the workers fork from it and find the
package in `sys.modules`, as the module's first package import would have left it.

That is the same check only when nothing the module runs before that import could change what
the package's import does, so a module qualifies when:

- it lies in a regular package (`pkg/__init__.py` exists) under the project root, and is not
  itself a package's `__init__.py` (whose relative imports resolve inside itself, without
  importing the top-level package);
- its text is the file on disk (an editor's unsaved buffer is checked as a plain worker: the
  factory imported the file);
- every top-level statement before its first import of the package is a docstring, a
  `from __future__` import, an assignment of a literal (`__all__ = [...]`) or an import of a
  module that is not in the project (the project root and the package's folder hold no module
  of that name): third-party modules whose import does not depend on the order;
- that first package import is a plain top-level `import`/`from ... import` statement, so the
  warnings the package's import raised are added at its line (skeleton_import.py), as before.

A package needs at least two such modules to get a factory. Anything else, and any factory
that cannot start (its import fails, starts a thread, times out), gets plain workers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from ..protocol import Job


@dataclass(frozen=True)
class PackageImport:
    """A module's worker may fork from the factory of package `key` (its folder); `line` is the
    statement that imports the package first."""

    key: str
    line: int


def groups(jobs: list[Job]) -> dict[int, PackageImport]:
    """Job number -> its package import, for the packages with at least two such modules."""
    found = {number: package_import(job) for number, job in enumerate(jobs)}
    counts: dict[str, int] = {}
    for item in found.values():
        if item is not None:
            counts[item.key] = counts.get(item.key, 0) + 1
    return {
        number: item for number, item in found.items() if item is not None and counts[item.key] >= 2
    }


def package_import(job: Job) -> PackageImport | None:
    """The module's package import, when its worker may fork from the package's factory."""
    name = job["module_name"]
    path = Path(job["path"])
    if "." not in name or path.name == "__init__.py" or job.get("companions"):
        return None
    top_name = name.partition(".")[0]
    # The folder that holds the top-level package (as skeleton_import.install_finder finds it).
    top = path.parent
    for _ in range(name.count(".")):
        top = top.parent
    package = top / top_name
    root = Path(job["project_root"])
    if not (package / "__init__.py").is_file() or root not in package.parents:
        return None
    if {"site-packages", "dist-packages"} & set(package.relative_to(root).parts):
        return None
    try:
        if path.read_text(encoding="utf-8") != job["text"]:
            return None
        tree = ast.parse(job["text"])
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    for statement in tree.body:
        if _imports_package(statement, top_name, name.count(".")):
            return PackageImport(str(package), statement.lineno)
        if not _harmless(statement, (root, top)):
            return None
    return None


def _imports_package(statement: ast.stmt, top_name: str, depth: int) -> bool:
    """Whether the statement's first effect is importing the module's own top-level package."""
    if isinstance(statement, ast.ImportFrom):
        if statement.level:
            # Inside the package (deeper would be "beyond top-level package", an error).
            return statement.level <= depth
        module = statement.module or ""
        return module == top_name or module.startswith(top_name + ".")
    if isinstance(statement, ast.Import):
        first = statement.names[0].name
        return first == top_name or first.startswith(top_name + ".")
    return False


def _harmless(statement: ast.stmt, folders: tuple[Path, ...]) -> bool:
    """A statement that cannot change what the package's import does."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return True  # the docstring
    if isinstance(statement, ast.ImportFrom):
        if statement.module == "__future__":
            return True
        return not statement.level and _outside(statement.module or "", folders)
    if isinstance(statement, ast.Import):
        return all(_outside(alias.name, folders) for alias in statement.names)
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        try:
            ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return all(isinstance(target, ast.Name) for target in targets)
    return False


def _outside(module: str, folders: tuple[Path, ...]) -> bool:
    """Whether `module` cannot be a module of the project (so it is imported normally)."""
    first = module.partition(".")[0]
    return bool(first) and not any(
        (folder / first).exists() or (folder / f"{first}.py").exists() for folder in folders
    )
