"""The trial compile on notebooks: same findings as the .py file, %%writefile modules imported.

A notebook whose code cell holds a whole .py file must be reported exactly as that file is (the
cell's line numbers are the file's), with Numba's own locations: the worker checks the cells
under the notebook's path, which the dynamic pass has to accept as user code. Each run uses a
cache folder of its own, so a result cached by an older build cannot hide a regression.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

DYNAMIC_ONLY = """\
import numpy as np
from numba import njit


@njit
def pick(flag, x):
    if flag:
        y = 1
    else:
        y = (1, 2)
    return y


@njit
def unknown(x):
    return missing_name + x


pick(True, 1.0)
unknown(1)
"""


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    """A notebook in Jupyter's own layout: indent 1, one source line per JSON string."""

    def cell(kind: str, text: str) -> dict[str, object]:
        lines = text.splitlines(keepends=True)
        found: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": lines}
        if kind == "code":
            found.update(execution_count=None, outputs=[])
        return found

    notebook = {
        "cells": [cell(kind, text) for kind, text in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _check(root: Path, *args: str) -> list[dict[str, object]]:
    done = run_cli(
        "check", "--format", "json", *args, cwd=root, env={"NUMBA_LINT_CACHE_DIR": str(root)}
    )
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)["diagnostics"]  # type: ignore[no-any-return]


def test_a_cell_holding_a_file_is_reported_as_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "module.py").write_text(DYNAMIC_ONLY, encoding="utf-8")
    write_notebook(tmp_path / "module_nb.ipynb", [("markdown", "# x"), ("code", DYNAMIC_ONLY)])
    from_file = _check(tmp_path, "module.py")
    from_cells = _check(tmp_path, "module_nb.ipynb")
    assert [d["code"] for d in from_file] == ["NB903", "NB903"]
    assert [(d["code"], d["location"], d["message"], d["confirmed"]) for d in from_file] == [
        (
            d["code"],
            {"row": d["cell_line"], "column": d["cell_column"]},
            str(d["message"]).replace("cell 2, line", "line"),
            d["confirmed"],
        )
        for d in from_cells
    ]
    assert {d["cell"] for d in from_cells} == {2}


def test_other_cells_import_what_a_writefile_cell_writes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    kernels = (
        "%%writefile kern.py\nfrom numba import njit\n\n\n@njit\ndef add(a, b):\n    return a + b\n"
    )
    user = (
        "from numba import njit\nfrom kern import add\n\n\n"
        "@njit\ndef twice(a):\n    return add(a, a)\n\n\ntwice(1.5)\n"
    )
    write_notebook(tmp_path / "nb.ipynb", [("code", kernels), ("code", user)])
    done = run_cli(
        "check", "--verbose", "nb.ipynb", cwd=tmp_path, env={"NUMBA_LINT_CACHE_DIR": str(tmp_path)}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # `add` is trial-compiled as the callee of `twice(1.5)`; no kern.py was written for it.
    assert "2 trial-compiled (" in done.stdout
    assert "1 callsite" in done.stdout and "1 callee" in done.stdout
    assert not (tmp_path / "kern.py").exists()


def test_a_notebook_on_stdin(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", [("code", DYNAMIC_ONLY)])
    done = run_cli(
        "check",
        "--static-only",
        "--stdin-filename",
        "given.ipynb",
        "-",
        cwd=tmp_path,
        stdin=(tmp_path / "nb.ipynb").read_text(encoding="utf-8"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("All checks passed (1 file, 2 jit functions")


def test_calls_shell_escapes_and_magics_never_run(tmp_path: Path) -> None:
    # As for a module, only the arguments of calls to jitted functions are evaluated (`2.5`).
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    cells = [
        (
            "code",
            "import pathlib\nfrom numba import njit\n!touch shell_ran\nfiles = !touch assigned_ran",
        ),
        ("code", "@njit\ndef double(x):\n    return 2 * x"),
        (
            "code",
            "%time pathlib.Path('timed_ran').write_text('x')\n"
            "pathlib.Path('call_ran').write_text('x')\n"
            "%timeit double(2.5)",
        ),
        ("code", "%%bash\ntouch bash_ran"),
        ("code", "%%writefile -a notes.txt\nnot python"),
    ]
    write_notebook(tmp_path / "nb.ipynb", cells)
    # The caches in a folder of their own: the files beside the notebook are only its own.
    cache = str(tmp_path / "cache")
    done = run_cli("check", "nb.ipynb", cwd=tmp_path, env={"NUMBA_LINT_CACHE_DIR": cache})
    assert "Traceback" not in done.stderr, done.stderr
    assert "2 cells skipped (cell magics: %%bash (1), %%writefile (1))" in done.stderr
    assert "1 trial-compiled (1 callsite)" in done.stdout  # from `%timeit double(2.5)`
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "nb.ipynb",
        "pyproject.toml",
    ]


def test_a_syntax_error_in_a_cell_is_placed_as_in_a_file(tmp_path: Path) -> None:
    # Python places a syntax error's column from the text it is given, never the .ipynb JSON;
    # as in Jupyter, a cell that does not parse leaves the other cells to be checked.
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    broken = "pip install numba\nimport numba\n%time 1\ndef f(:\n    pass\n"
    checked = "cd data\nfrom numba import njit\n\n\n@njit\ndef g(a):\n    return a.x\n"
    cells = [("markdown", "# x"), ("code", broken), ("code", checked), ("code", "print(1")]
    write_notebook(tmp_path / "nb.ipynb", cells)
    done = run_cli("check", "--static-only", "--format", "concise", "nb.ipynb", cwd=tmp_path)
    assert [line.split(" [")[0] for line in done.stdout.splitlines()] == [
        "nb.ipynb:cell 2:4:7: NB001",
        "nb.ipynb:cell 3:7:12: NB101",
        "nb.ipynb:cell 4:1:6: NB001",
    ]
    assert "syntax error: '(' was never closed" in done.stdout


def test_a_file_written_twice_is_checked_in_both_cells(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    body = "from numba import njit\n\n\n@njit\ndef f(a):\n    return a.x\n"
    cells = [("code", "%%writefile k.py\n" + body), ("code", "%%writefile k.py\n" + body)]
    write_notebook(tmp_path / "nb.ipynb", cells)
    write_notebook(tmp_path / "other.ipynb", cells[:1])
    done = run_cli("check", "--static-only", "--format", "concise", ".", cwd=tmp_path)
    assert [line.split(": NB")[0] for line in done.stdout.splitlines()] == [
        "nb.ipynb:cell 1:7:12",
        "nb.ipynb:cell 2:7:12",
        "other.ipynb:cell 1:7:12",
    ]
