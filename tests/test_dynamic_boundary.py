"""The process boundary of the dynamic pass, as the package layout draws it.

`dynamic/parent/` runs in the linter, which must never import Numba (a slow import, and Numba's
threading layers must not start in a process that later forks); `dynamic/worker/` runs only in
the worker factory and its workers. These tests read the real package: a fresh interpreter
imports every parent module, and every import statement in numba_lint/ is resolved.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numba_lint

PACKAGE = Path(numba_lint.__file__).resolve().parent
DYNAMIC = PACKAGE / "dynamic"
WORKER_PACKAGE = "numba_lint.dynamic.worker"
# Processes of their own that run worker code, started with `python -m <module>` from outside
# worker/: none (the worker factory is in worker/ itself, and the language server's hover reads
# the types of each save's trial compile, forked by that factory).
SUBPROCESS_ENTRIES: set[str] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _parent_side_modules() -> list[str]:
    modules = ["numba_lint.dynamic", "numba_lint.dynamic.protocol"]
    modules += [_module_name(p) for p in sorted((DYNAMIC / "parent").glob("*.py"))]
    return modules


def _imported_modules(path: Path) -> set[str]:
    """Every module an import statement in the file names, at any depth (lazy imports too),
    `from pkg import name` counted as `pkg.name` as well (name may be a submodule)."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def test_parent_side_imports_no_numba() -> None:
    """The dynamic package and every module of parent/ leave Numba (and llvmlite) unimported."""
    modules = _parent_side_modules()
    assert "numba_lint.dynamic.parent.run" in modules and len(modules) > 10
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite'))\n"
        "worker = sorted(m for m in sys.modules if m.startswith('numba_lint.dynamic.worker'))\n"
        "print(json.dumps({'numba': loaded, 'worker': worker}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded == {"numba": [], "worker": []}


def test_parent_side_never_names_numba_or_the_worker() -> None:
    """Not even inside a function: a lazy import would still run in the linter's process."""
    offenders = {}
    for path in sorted((DYNAMIC / "parent").glob("*.py")) + [DYNAMIC / "protocol.py"]:
        bad = {
            name
            for name in _imported_modules(path)
            if name.split(".")[0] in ("numba", "llvmlite") or name.startswith(WORKER_PACKAGE)
        }
        if bad:
            offenders[_module_name(path)] = sorted(bad)
    assert offenders == {}


def test_worker_modules_imported_only_from_the_worker_side() -> None:
    """Outside worker/, only a subprocess entry point may import a worker module."""
    importers: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module.startswith(WORKER_PACKAGE):
            continue
        named = sorted(n for n in _imported_modules(path) if n.startswith(WORKER_PACKAGE))
        if named:
            importers[module] = named
    assert set(importers) == SUBPROCESS_ENTRIES, importers
    for entry in SUBPROCESS_ENTRIES:
        source = (PACKAGE.parent / (entry.replace(".", "/") + ".py")).read_text(encoding="utf-8")
        assert 'if __name__ == "__main__":' in source


def test_the_zygote_is_started_from_the_worker_package() -> None:
    """The parent starts the factory by module name; that name must be a worker module."""
    trial = (DYNAMIC / "parent" / "trial.py").read_text(encoding="utf-8")
    assert f'"{WORKER_PACKAGE}.zygote"' in trial
    assert (DYNAMIC / "worker" / "zygote.py").is_file()
