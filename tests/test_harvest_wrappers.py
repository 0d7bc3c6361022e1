"""Functions jitted by a project's own factories and wrapper classes, lazy ufuncs and defs jitted
inside factory functions: the real harvest records what no import of their own file states, and
`check` types each one from it or from module-level calls.

The fixture project (tests/fixtures/harvest_wrappers) is valid code: its own test suite runs
with every Numba warning an error (its pyproject's `filterwarnings`), through the harvest.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from numba_lint.harvest import run_harvest

FIXTURE = Path(__file__).parent / "fixtures" / "harvest_wrappers"
ALL = (
    "move_sum",
    "cumulative",
    "running_max",
    "shifted",
    "_erf_half",
    "cdf",
    "clipped",
    "clip01",
    "add_scalar",
    "make_norm._norm",
)


def copy_project(destination: Path) -> Path:
    project = destination / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__", ".numba-lint"))
    return project


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    """(project copy, signatures file's functions, harvest summary) of one harvested run."""
    project = copy_project(tmp_path_factory.mktemp("wrappers"))
    output = project / ".numba-lint" / "signatures.json"
    summary = io.StringIO()
    previous = Path.cwd()
    os.chdir(project)
    try:
        code = run_harvest([sys.executable, "-m", "pytest", "-q"], project, output, stream=summary)
    finally:
        os.chdir(previous)
    # The fixture's tests pass with Numba warnings as errors: the code is valid.
    assert code == 0, summary.getvalue()
    functions = json.loads(output.read_text(encoding="utf-8"))["functions"]
    return project, functions, summary.getvalue()


def check(project: Path, *extra: str) -> dict:
    done = run_cli("check", "--format", "json", "--no-cache", *extra, "wpkg/", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def by_name(report: dict) -> dict[str, dict]:
    return {f["name"]: f for f in report["functions"]}


def test_harvest_records_compiles_that_no_statement_of_the_file_states(harvested):
    _, functions, summary = harvested
    recorded = {key: entry["signatures"] for key, entry in functions.items()}
    # Compiled by a wrapper class on first call (numbagg's `ndmove.gufunc`), by a wrapper's
    # `__init__` at import, and inside a factory function: no decorator of their own file
    # states these signatures, so they are recorded although Numba compiled them eagerly.
    assert recorded["wpkg/moving.py::move_sum"] == [
        ["float32[:]", "int64", "float32[:]"],
        ["float64[:]", "int64", "float64[:]"],
    ]
    assert recorded["wpkg/moving.py::running_max"] == [["float64[:]", "float64[:]"]]
    assert recorded["wpkg/moving.py::shifted"] == [["float64[:]", "float64[:]"]]
    assert recorded["wpkg/moving.py::cumulative"] == [["float64[:]", "float64[:]"]]
    assert recorded["wpkg/ufuncs.py::make_norm.<locals>._norm"] == [["float64[::1]"]]
    # `@_jit(2)` is applied by a module-level statement of stats.py: importing stats.py compiles
    # the same signatures again, so the harvest leaves them to the decorator.
    assert not any(key.startswith("wpkg/stats.py::") for key in recorded)
    assert "6 signatures skipped: explicit in the decorator" in summary


def test_check_types_every_wrapper_made_function(harvested):
    project, _, _ = harvested
    report = check(project)
    assert [d for d in report["diagnostics"] if d["severity"] != "info"] == []
    functions = by_name(report)
    assert sorted(functions) == sorted(ALL)
    assert all(f["checked"] for f in functions.values()), functions
    sources = {name: f["signature_source"] for name, f in functions.items()}
    assert sources == {
        **dict.fromkeys(("_erf_half", "cdf", "clipped"), "decorator"),
        **dict.fromkeys(
            (
                "move_sum",
                "running_max",
                "shifted",
                "cumulative",
                "clip01",
                "add_scalar",
                "make_norm._norm",
            ),
            "harvest",
        ),
    }
    assert functions["move_sum"]["via"] == "wpkg.decorators.ndmove.wrap"


def test_without_the_harvest_module_level_calls_and_import_compiles_type_them(harvested, tmp_path):
    project, _, _ = harvested
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / ".numba-lint" / "signatures.json").unlink()
    report = check(copy)
    assert [d for d in report["diagnostics"] if d["severity"] != "info"] == []
    functions = by_name(report)
    # The lazy @vectorize and the dynamic @guvectorize take the kernel types Numba derives
    # from their module-level calls (dtypes; the layout's core dimensions).
    assert functions["clip01"]["signature_source"] == "callsite"
    assert functions["clip01"]["signatures"] == ["(float64)"]
    assert functions["add_scalar"]["signatures"] == [
        "(array(float64, 1d, A), float64, array(float64, 1d, A))"
    ]
    # Jitted inside `make_norm`, checked through `norm2 = make_norm(2.0)` and `norm2(GRID)`.
    assert functions["make_norm._norm"]["signature_source"] == "callsite"
    # Built by a wrapper's `__init__` while the module was imported: compiled, without error.
    assert functions["shifted"]["checked"]
    assert functions["shifted"]["signature_source"] == "decorator"
    # Compiled only on first call, never called at module level: nothing to type them with.
    # `cumulative([1.0, 2.0, 3.0], TOTALS)` calls the wrapper, whose parameters are not the
    # kernel's (a list is converted first): it never types the kernel (a false NB904 on
    # `a.shape` if it did).
    for name in ("move_sum", "running_max", "cumulative"):
        assert functions[name]["reason"] == "no argument types", functions[name]


BREAKS = {
    # file: (valid line, broken line)
    "wpkg/moving.py": ("        out[i] = total\n", "        out[i] = total + 'x'\n"),
    "wpkg/ufuncs.py": (
        "    return min(max(x, 0.0), 1.0)\n",
        "    return min(max(x, 0.0), 'one')\n",
    ),
}


def _break(copy: Path) -> set[tuple[str, int]]:
    rows = set()
    for name, (old, new) in BREAKS.items():
        path = copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
        rows.add((name, text.splitlines().index(new.rstrip("\n")) + 1))
    norm = copy / "wpkg" / "ufuncs.py"
    text = norm.read_text(encoding="utf-8")
    broken = "            total += abs(v) ** power + 'p'\n"
    text = text.replace("            total += abs(v) ** power\n", broken)
    norm.write_text(text, encoding="utf-8")
    rows.add(("wpkg/ufuncs.py", text.splitlines().index(broken.rstrip("\n")) + 1))
    return rows


@pytest.mark.parametrize("harvest", [True, False], ids=["harvested", "call-sites"])
def test_broken_wrapper_made_functions_are_errors_at_their_line(harvested, tmp_path, harvest):
    project, _, _ = harvested
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__"))
    if not harvest:
        (copy / ".numba-lint" / "signatures.json").unlink()
    rows = _break(copy)
    # Real Numba rejects each broken function (the fixture's own tests fail).
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0 and "TypingError" in done.stdout, done.stdout[-2000:]
    report = check(copy)
    errors = {
        (d["filename"], d["location"]["row"])
        for d in report["diagnostics"]
        if d["severity"] == "error"
    }
    expected = rows if harvest else {row for row in rows if row[0] == "wpkg/ufuncs.py"}
    assert errors == expected, report["diagnostics"]
