"""The skeleton keeps imports, defs, classes and assignments and drops every other statement."""

from __future__ import annotations

import ast
import sys
import textwrap
import types
from pathlib import Path

from numba_lint.dynamic.worker.skeleton import execute, keep

SOURCE = textwrap.dedent(
    """
    import os
    try:
        import json
    except ImportError:
        json = None
    LIMIT = 3
    print("side effect")
    for i in range(2):
        LOOP = i
    with open(os.devnull) as handle:
        OPENED = True
    RESULT = fast(LIMIT)
    if __name__ == "__main__":
        MAIN = 1
    if LIMIT > 1:
        BIG = True
        print("dropped inside if")
    def fast(n):
        return n + 1
    class Plain:
        pass
    BROKEN = 1 / 0
    AFTER = LIMIT * 2
    """
).lstrip("\\n")


def test_keep_and_dropped_names() -> None:
    kept, dropped = keep(ast.parse(SOURCE).body, jitted={"fast"})
    kinds = [type(s).__name__ for s in kept]
    assert kinds == ["Import", "Try", "Assign", "If", "FunctionDef", "ClassDef", "Assign", "Assign"]
    assert dropped == {"i", "LOOP", "handle", "OPENED", "RESULT", "MAIN"}


def test_execute_keeps_line_numbers_and_isolates_failures(tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text(SOURCE, encoding="utf-8")
    module = types.ModuleType("skeleton_probe")
    module.__file__ = str(path)
    try:
        skeleton = execute(module, SOURCE, str(path), jitted={"fast"})
    finally:
        sys.modules.pop("skeleton_probe", None)
    space = module.__dict__
    assert space["LIMIT"] == 3 and space["BIG"] is True and space["AFTER"] == 6
    assert "RESULT" not in space and "LOOP" not in space and "MAIN" not in space
    assert space["fast"].__code__.co_firstlineno == SOURCE.splitlines().index("def fast(n):") + 1
    assert space["fast"].__code__.co_filename == str(path)
    [failure] = skeleton.failures
    assert failure.names == ("BROKEN",) and "ZeroDivisionError" in failure.error
    assert "BROKEN" in skeleton.dropped_names
