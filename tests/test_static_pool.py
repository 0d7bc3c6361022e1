"""Static-only runs in worker processes find exactly what the serial run finds."""

from __future__ import annotations

import textwrap
from pathlib import Path

from numba_lint.config import Config
from numba_lint.pipeline import Options, run


def make_project(root: Path, modules: int = 24) -> None:
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_jit.py").write_text("import numba\n\nfast_jit = numba.njit(cache=True)\n")
    (package / "helpers.py").write_text("def helper(x):\n    return x\n\nTABLE = [1, 2]\n")
    (package / "broken.py").write_text("def broken(:\n    pass\n")
    # Never names numba: parsed in the second round, where only the project's aliases jit.
    (package / "late.py").write_text(
        "import functools\n\nfrom ._jit import fast_jit\n\n\n"
        "@functools.lru_cache\ndef plain(x):\n    return [1, 'a'][0]\n\n\n"
        "@fast_jit\ndef late(x):\n    return [1, 'a'][0]\n"
    )
    for number in range(modules):
        (package / f"m{number}.py").write_text(
            textwrap.dedent(f"""
            from numba import njit, prange

            from ._jit import fast_jit
            from .helpers import TABLE, helper

            def local(x):
                return x

            @fast_jit
            def f{number}(x):
                for i in prange(x):
                    pass
                return helper(x) + local(x) + TABLE[0]  # noqa: NB130

            @njit
            def g{number}(x):
                return [1, "a"][0]
            """).lstrip()
        )


def check(root: Path, jobs: int) -> tuple[list[tuple], int]:
    config = Config(project_root=root, static_only=True, cache=False, jobs=jobs)
    report = run(config, Options(paths=[str(root)]))
    assert not report.errors
    found = [
        (d.filename, d.location.row, d.location.column, d.code, d.message, d.function)
        for d in report.diagnostics
    ]
    return found, report.summary.jit_functions


def test_pool_matches_the_serial_run(tmp_path: Path, monkeypatch) -> None:
    import numba_lint.static_pool as pool

    used = []
    original = pool.run_static_parallel
    monkeypatch.setattr(
        pool,
        "run_static_parallel",
        lambda *args, **kwargs: used.append(True) or original(*args, **kwargs),
    )
    make_project(tmp_path)
    serial, serial_count = check(tmp_path, jobs=1)
    assert not used
    pooled, pooled_count = check(tmp_path, jobs=2)
    assert used, "the run with two jobs did not use the worker pool"
    assert pooled == serial
    assert pooled_count == serial_count == 49
    # The second-round module: its jitted function is checked, the plain one is not.
    assert [row[1:4] for row in serial if row[0].endswith("late.py")] == [(13, 12, "NB140")]
    codes = {row[3] for row in serial}
    assert codes == {"NB001", "NB205", "NB302", "NB140"}
    # helper(x) (helpers.py is never parsed, it is read with `ast`) and local(x), in each f.
    assert sum(1 for row in serial if row[3] == "NB205") == 48
