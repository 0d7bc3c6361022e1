"""Jupyter notebooks: reading, IPython syntax kept off the parser line for line, positions.

The fixtures under tests/fixtures/notebooks are written in Jupyter's own layout (indent 1, one
source line per JSON string). The command line runs for real; `valid.ipynb` is also compiled by
Numba in-process, so the "no findings" test stands on code that really compiles.
"""

from __future__ import annotations

import ast
import json
import shutil
import time
import warnings
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from numba_lint.notebook.positions import physical_location
from numba_lint.notebook.read import Notebook, NotebookProblem, read_notebook
from numba_lint.notebook.source import neutralised, notebook_modules

NOTEBOOKS = ROOT / "tests" / "fixtures" / "notebooks"


def _notebook(name: str) -> Notebook:
    found = read_notebook((NOTEBOOKS / name).read_text(encoding="utf-8"))
    assert isinstance(found, Notebook), found
    return found


def _physical_row(name: str, needle: str) -> int:
    lines = (NOTEBOOKS / name).read_text(encoding="utf-8").splitlines()
    (row,) = [n for n, line in enumerate(lines, 1) if needle in line]
    return row


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(NOTEBOOKS / name, tmp_path / name)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    return tmp_path


# Reading ------------------------------------------------------------------------------------


def test_cells_are_numbered_over_all_cells_and_lines_map_to_the_file() -> None:
    notebook = _notebook("tutorial.ipynb")
    assert [c.kind for c in notebook.cells][:3] == ["markdown", "code", "code"]
    assert notebook.exact_layout
    raw = (NOTEBOOKS / "tutorial.ipynb").read_text(encoding="utf-8").splitlines()
    for cell in notebook.cells:
        assert cell.physical is not None
        for line, (row, column) in zip(cell.lines, cell.physical, strict=True):
            # The JSON string on that file line, from the character after its quote.
            assert raw[row - 1][column - 1] == '"'
            assert json.loads(raw[row - 1].strip().rstrip(",")).rstrip("\n") == line


def test_a_notebook_in_another_layout_falls_back_to_the_cell_start() -> None:
    data = json.loads((NOTEBOOKS / "tutorial.ipynb").read_text(encoding="utf-8"))
    notebook = read_notebook(json.dumps(data))  # all on one line
    assert isinstance(notebook, Notebook)
    assert not notebook.exact_layout
    assert notebook.cells[4].lines == ("def add_object(a, b):", "    return a.x + b.x")


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ('{"cells": [\n  {"cell_type": "code",}\n]}', 2, 24, "not valid JSON"),
        ("[1, 2]", 1, 1, "not an object"),
        ('{"worksheets": []}', 1, 1, "nbformat 3"),
        ('{"cells": [\n{"cell_type": "code", "source": 3}]}', 2, 1, '"source" is not text'),
    ],
)
def test_what_is_not_a_notebook_says_why_and_where(
    text: str, row: int, column: int, words: str
) -> None:
    problem = read_notebook(text)
    assert isinstance(problem, NotebookProblem)
    assert (problem.row, problem.column) == (row, column)
    assert words in problem.message


# IPython syntax -----------------------------------------------------------------------------


def test_ipython_lines_are_neutralised_keeping_every_line_and_column() -> None:
    cell = [
        "%load_ext autoreload",
        "!pip install numba",
        "files = !ls",
        "out = %sx ls",
        "np.sum?",
        "??np.sum",
        "%time f(x)",
        "%timeit -n 10 f(x, y)",
        "for i in range(3):",
        "    !echo $i",
        'text = """',
        "!kept inside a string",
        '"""',
        "y = (1,",
        "     2)  # not a magic",
        "z = a % b",
        "pip install numba",  # automagic: a magic without %, not Python
        "ls",  # valid Python: kept
    ]
    result = neutralised(cell)
    assert len(result) == len(cell)
    ast.parse("\n".join(result))
    assert result[:6] == ["pass"] * 6
    assert result[6] == "(     f(x))" and result[6].index("f") == cell[6].index("f")
    assert result[7].index("f") == cell[7].index("f")
    assert result[9] == "    pass"
    assert result[10:16] == cell[10:16]
    assert result[16:] == ["pass", "ls"]


def test_ipython_syntax_is_only_recognised_where_a_statement_starts() -> None:
    cell = [
        's = "a\\"b" + """',
        "!inside the string",
        '"""',
        "total = a + \\",
        "    !b",
        "t = '#'  # (",
        "!ls",
        "d = {'a': [1,",
        "  !c]}",
        "!pwd",
    ]
    assert neutralised(cell) == [*cell[:6], "pass", *cell[7:9], "pass"]


def test_neutralising_is_linear_in_the_cell_length() -> None:
    # Once quadratic: 2000 magics in a 4000-line cell took 25 s; now milliseconds.
    cell = [line for i in range(2000) for line in (f"x{i} = f({i})", "!echo hi")]
    started = time.perf_counter()
    assert neutralised(cell)[1::2] == ["pass"] * 2000
    assert time.perf_counter() - started < 5.0


def test_cell_magics_writefile_modules_and_skipped_cells() -> None:
    found = notebook_modules(_notebook("tutorial.ipynb"))
    assert found.skipped == {"timeit": 1, "bash": 1}
    main, kernels = found.modules
    ast.parse(main.text)
    assert main.rows[main.lines.index("    return a.x + b.x")] == (5, 2)
    assert kernels.name == "kernels.py"  # `%%file kernels.py`, the last cell
    assert kernels.rows[kernels.lines.index("def norm2(p):")] == (10, 12)

    written = notebook_modules(_notebook("writefile.ipynb"))
    main, kernels = written.modules
    assert kernels.name == "kernels.py"
    assert kernels.lines[0] == "from numba import njit"
    assert kernels.rows[0] == (2, 2)  # line 1 of the cell is the magic
    assert main.lines == ["pass"]  # `!python kernels.py`


# The command line ---------------------------------------------------------------------------


def test_tutorial_failures_are_reported_in_their_cells_and_confirmed(tmp_path: Path) -> None:
    # The tutorial: `fast = jit(nopython=True)(add_object)` on a function of an earlier
    # cell, plain-class instances passed in a later cell, a `%%file` cell with a failing
    # module, shell escapes and magics; nothing of it is run.
    root = _copy(tmp_path, "tutorial.ipynb")
    done = run_cli("check", "tutorial.ipynb", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("tutorial.ipynb:cell 5:2:12: NB101 [error, confirmed] ")
    # The call site is the `%timeit fast(a, b)` of a later cell, never run.
    assert "passed at cell 7, line 3" in lines[0]
    assert lines[1:3] == ["        return a.x + b.x", "               ^^^"]
    assert lines[3].startswith("tutorial.ipynb:cell 10:13:12: NB101 [error, confirmed] ")
    assert "instance of the plain class 'Point'" in lines[3]
    assert "passed at cell 10, line 16" in lines[3]
    assert lines[-1].startswith("Found 2 errors, 0 warnings (1 file, 2 jit functions, 2 trial")
    assert "2 cells skipped (cell magics: %%bash (1), %%timeit (1))" in done.stderr
    assert not (root / "kernels.py").exists()

    data = json.loads(run_cli("check", "--format", "json", "tutorial.ipynb", cwd=root).stdout)
    finding, in_file_cell = data["diagnostics"]
    assert (in_file_cell["cell"], in_file_cell["cell_line"], in_file_cell["confirmed"]) == (
        10,
        13,
        True,
    )
    row = _physical_row("tutorial.ipynb", '"    return a.x + b.x"')
    assert row == 53
    assert finding["location"] == {"row": row, "column": 17}
    assert (finding["cell"], finding["cell_line"], finding["cell_column"]) == (5, 2, 12)
    assert finding["confirmed"] is True
    function, norm2 = data["functions"]
    assert (function["name"], function["checked"]) == ("add_object", True)
    assert (norm2["name"], norm2["cell"], norm2["cell_line"]) == ("norm2", 10, 12)
    assert (function["line"], function["cell"], function["cell_line"]) == (row - 1, 5, 1)
    # Numba's own text quotes the cell's source, not the JSON around it.
    assert "    return a.x + b.x" in finding["detail"]["dynamic"]["numba"]


def test_github_and_sarif_point_at_the_physical_line(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tutorial.ipynb")
    github = run_cli("check", "--static-only", "--format", "github", "tutorial.ipynb", cwd=root)
    assert github.stdout.startswith(
        "::error file=tutorial.ipynb,line=53,col=17,endLine=53,endColumn=20,title=NB101::"
    )
    sarif = json.loads(
        run_cli("check", "--static-only", "--format", "sarif", "tutorial.ipynb", cwd=root).stdout
    )
    # Static only: `a.x` and `b.x` are two findings (the trial compile merges them into one).
    regions = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in sarif["runs"][0]["results"]
    ]
    assert [(uri, region["startLine"], region["startColumn"]) for uri, region in regions][:2] == [
        ("tutorial.ipynb", 53, 17),
        ("tutorial.ipynb", 53, 23),
    ]


def test_valid_notebook_compiles_and_gives_no_findings(tmp_path: Path) -> None:
    (main,) = notebook_modules(_notebook("valid.ipynb")).modules
    # Numba compiles it for real, warnings as errors (the calls run here, never in the linter).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        namespace: dict[str, object] = {}
        exec(compile(main.text, "valid_notebook", "exec"), namespace)  # noqa: S102
    assert namespace["total"](namespace["data"]) == 45.0  # type: ignore[operator]

    root = _copy(tmp_path, "valid.ipynb")
    done = run_cli("check", "valid.ipynb", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("All checks passed (1 file, 1 jit function, 1 trial-compiled")


def test_writefile_cell_is_a_module_of_its_own(tmp_path: Path) -> None:
    root = _copy(tmp_path, "writefile.ipynb")
    done = run_cli("check", "writefile.ipynb", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("writefile.ipynb:cell 2:12:12: NB101 [error, confirmed] ")
    assert not (root / "kernels.py").exists()
    # The file the cell writes, when it is on disk too: checked once, as the cell.
    (root / "kernels.py").write_text("from numba import njit\n", encoding="utf-8")
    done = run_cli("check", "--static-only", "--format", "concise", ".", cwd=root)
    assert "kernels.py: checked as writefile.ipynb[kernels.py], which writes it" in done.stderr
    assert {line.split(":")[0] for line in done.stdout.splitlines()} == {"writefile.ipynb"}


def test_malformed_notebook_is_one_finding_and_the_other_files_are_checked(
    tmp_path: Path,
) -> None:
    root = _copy(tmp_path, "tutorial.ipynb")
    (root / "broken.ipynb").write_text('{"cells": [\n  {"cell_type": "code",}\n]}\n')
    (root / "seed.py").write_text(
        "from numba import njit\n\n\n@njit\ndef f(a):\n    return a.x\n", encoding="utf-8"
    )
    done = run_cli("check", "--static-only", "--format", "concise", ".", cwd=root)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "broken.ipynb:2:24: NB001 [error] cannot read notebook: not valid JSON: "
        "Expecting property name enclosed in double quotes"
    )
    assert lines[1].startswith("seed.py:6:12: NB101")
    assert lines[2].startswith("tutorial.ipynb:cell 5:2:12: NB101")


def test_noqa_per_file_ignores_and_excludes_work_in_notebooks(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tutorial.ipynb")
    text = (root / "tutorial.ipynb").read_text(encoding="utf-8")
    quiet = text.replace('"    return a.x + b.x"', '"    return a.x + b.x  # noqa: NB101"')
    quiet = quiet.replace("p.y * p.y\\n", "p.y * p.y  # noqa\\n")  # in the %%file cell
    (root / "quiet.ipynb").write_text(quiet, encoding="utf-8")
    done = run_cli("check", "--static-only", "--format", "concise", ".", cwd=root)
    assert {line.split(":")[0] for line in done.stdout.splitlines()} == {"tutorial.ipynb"}

    (root / "pyproject.toml").write_text(
        '[tool.numba-lint]\nper-file-ignores = {"tutorial.ipynb" = ["NB101"]}\n', encoding="utf-8"
    )
    done = run_cli("check", "--static-only", ".", cwd=root)
    assert done.returncode == 0, done.stdout

    (root / "pyproject.toml").write_text(
        '[tool.numba-lint]\nextend-exclude = ["tutorial.ipynb"]\n', encoding="utf-8"
    )
    checkpoints = root / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(NOTEBOOKS / "tutorial.ipynb", checkpoints / "tutorial-checkpoint.ipynb")
    done = run_cli("check", "--static-only", ".", cwd=root)
    assert done.returncode == 0, done.stdout  # the checkpoint folder is excluded by default
    assert done.stdout.startswith("All checks passed (1 file,")  # quiet.ipynb


def test_the_physical_column_counts_json_escapes_as_written() -> None:
    # `ensure_ascii` writes é as \u00e9 and 😀 as a surrogate pair; quotes and tabs are escaped.
    line = 'label = "é😀\t\\"q\\""; total = a.x'
    text = json.dumps(
        {"cells": [{"cell_type": "code", "metadata": {}, "source": ["import numba\n", line]}]},
        indent=1,
        ensure_ascii=True,
    )
    notebook = read_notebook(text)
    assert isinstance(notebook, Notebook)
    (cell,) = notebook.cells
    column = line.index("a.x") + 1
    found = physical_location(notebook, cell, 2, column)
    raw = text.splitlines()[found.row - 1]
    assert raw[found.column - 1 :].startswith('a.x"')
    assert physical_location(notebook, cell, 2, 1).column == raw.index('"') + 2


def test_another_layout_points_at_the_cell_start_and_says_so(tmp_path: Path) -> None:
    data = json.loads((NOTEBOOKS / "tutorial.ipynb").read_text(encoding="utf-8"))
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "flat.ipynb").write_text(json.dumps(data), encoding="utf-8")  # one line
    done = run_cli("check", "--static-only", "--format", "json", "flat.ipynb", cwd=tmp_path)
    first = json.loads(done.stdout)["diagnostics"][0]
    assert (first["cell"], first["cell_line"], first["cell_column"]) == (5, 2, 12)
    assert first["location"] == {"row": 1, "column": 1}
    assert first["location_is_cell_start"] is True
    assert "flat.ipynb: not saved one source line per JSON line" in done.stderr
