"""static.indexing: explain and hover index one module as the static engine indexes it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from numba_lint.checks import ALL_RULES
from numba_lint.discover import SourceFile
from numba_lint.jit_index import IndexedModule
from numba_lint.parse import SyntaxProblem
from numba_lint.server.hover import enclosing_function
from numba_lint.static.engine import static_pass
from numba_lint.static.indexing import parse_and_index

# Valid code Numba compiles: a module-level alias, a jit by call, a jitclass, a plain helper.
SOURCE = textwrap.dedent("""
    import numpy as np
    from numba import int64, njit
    from numba.experimental import jitclass

    fast = njit(cache=True)

    def helper(x):
        return x + 1

    @fast
    def total(values):
        s = 0.0
        for v in values:
            s += v
        return s

    def slow(x):
        return x * 2

    quick = njit(slow)

    @jitclass([("count", int64)])
    class Counter:
        def __init__(self):
            self.count = 0

        def bump(self):
            self.count += 1
            return self.count

    TABLE = np.zeros(3)
    """).lstrip()


def test_one_module_is_indexed_as_the_engine_indexes_it(tmp_path: Path) -> None:
    path = tmp_path / "kernels.py"
    path.write_text(SOURCE)
    source = SourceFile(path, "kernels.py")
    alone = parse_and_index(source, SOURCE)
    assert not isinstance(alone, SyntaxProblem)
    (engine,) = static_pass({source: SOURCE}, ALL_RULES, jobs=1, keep_trees=True).indexed

    def functions(module: IndexedModule) -> list[tuple[str, str, str]]:
        _, index, _ = module
        return [(f.qualname, f.kind, f.form) for f in index.functions]

    assert (
        functions(alone)
        == functions(engine)
        == [
            ("total", "njit", "decorator"),
            ("slow", "njit", "call"),
            ("Counter.__init__", "jitclass", "jitclass-method"),
            ("Counter.bump", "jitclass", "jitclass-method"),
        ]
    )
    assert dict(alone.bindings) == dict(engine.bindings)
    assert alone.bindings["total"] == alone.bindings["quick"] == "jitted"
    assert alone.bindings["helper"] == "plain-function"
    assert alone.bindings["TABLE"] == "array"
    # Hover's "the function here": the innermost jitted function around the line.
    lines = SOURCE.splitlines()

    def function_at(text: str) -> str | None:
        found = enclosing_function(alone, lines.index(text) + 1)
        return found.qualname if found else None

    assert function_at("        s += v") == "total"
    assert function_at("        return self.count") == "Counter.bump"
    assert function_at("    return x + 1") is None


def test_a_syntax_error_is_returned_not_raised(tmp_path: Path) -> None:
    source = SourceFile(tmp_path / "broken.py", "broken.py")
    problem = parse_and_index(source, "from numba import njit\n@njit\ndef f(x:\n    return x\n")
    assert isinstance(problem, SyntaxProblem) and problem.row == 3
