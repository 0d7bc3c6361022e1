"""Helpers for the dynamic-pass tests: parse + index real files and run the dynamic pass."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

from numba_lint.config import Config
from numba_lint.discover import SourceFile
from numba_lint.dynamic import DynamicResult, run_dynamic
from numba_lint.jit_index import IndexedModule
from numba_lint.parse import ParsedModule, parse
from numba_lint.static.indexing import index_module

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dynamic"


def load(path: Path, root: Path) -> IndexedModule:
    display = path.resolve().relative_to(root.resolve()).as_posix()
    parsed = parse(SourceFile(path=path, display=display), path.read_text(encoding="utf-8"))
    assert isinstance(parsed, ParsedModule), parsed
    return index_module(parsed)


def check_files(paths: list[Path], root: Path, **options: object) -> DynamicResult:
    config = replace(Config(project_root=root, cache=False, jobs=2), **options)
    return run_dynamic([load(p, root) for p in paths], config)


def check_source(
    tmp_path: Path, code: str, name: str = "example.py", **options: object
) -> DynamicResult:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
    return check_files([path], tmp_path, **options)


def by_code(result: DynamicResult, code: str) -> list:
    return [d for d in result.diagnostics if d.code == code]
