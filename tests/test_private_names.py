"""A module's leading-underscore names are its own: no other module of numba_lint imports them,
so a step's internals can change without breaking a caller that reached into them (explain once
called two private functions of the dynamic pass's run.py)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "numba_lint"


def private_imports(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found += [
                    f"{path.relative_to(root.parent)}:{node.lineno} {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    return found


def test_no_module_imports_another_modules_private_name() -> None:
    assert private_imports(PACKAGE) == []


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("def _helper():\n    return 1\n", encoding="utf-8")
    (package / "b.py").write_text("from .a import _helper\n", encoding="utf-8")
    assert private_imports(package) == ["pkg/b.py:1 a._helper"]
