"""Package layouts the trial compile must import as Python does: a package's `__init__.py`
with relative imports, and a virtual environment kept inside the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import run_cli

INIT = """\
from numba import njit

from .kernels import double


@njit
def quadruple(x):
    return double(double(x))


QUAD = quadruple(2.0)
"""

KERNELS = """\
from numba import njit


@njit
def double(x):
    return 2 * x
"""

DEPENDENCY = """\
FACTOR = None


def _setup():
    global FACTOR
    FACTOR = 3.0


_setup()
"""

USER = """\
from numba import njit

from fakedep import FACTOR

K = FACTOR * 2


@njit
def scale(x):
    return x * K


scale(1.0)
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _check(root: Path, *paths: str, env: dict[str, str] | None = None) -> dict:
    done = run_cli(
        "check", "--no-cache", "--format", "json", "--exit-zero", *paths, cwd=root, env=env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_package_init_with_relative_imports_is_checked(tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": INIT, "pkg/kernels.py": KERNELS})
    # Valid: Python imports it and Numba compiles it with its warnings as errors.
    proof = (
        "import warnings, numba; from numba.core.errors import NumbaWarning; "
        "warnings.simplefilter('error', NumbaWarning); import pkg; assert pkg.QUAD == 8.0"
    )
    subprocess.run([sys.executable, "-c", proof], cwd=tmp_path, check=True)
    report = _check(tmp_path, "pkg")
    assert report["diagnostics"] == []
    assert {f["name"]: f["checked"] for f in report["functions"]} == {
        "quadruple": True,
        "double": True,
    }


def test_a_dependency_inside_the_project_runs_its_own_set_up(tmp_path: Path) -> None:
    site = tmp_path / ".venv" / "lib" / "site-packages"
    _write(tmp_path, {"pyproject.toml": "", "mod.py": USER})
    _write(site, {"fakedep/__init__.py": DEPENDENCY})
    env = {"PYTHONPATH": str(site)}
    subprocess.run(
        [sys.executable, "-c", "import mod; assert mod.scale(1.0) == 6.0"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, **env},
    )
    report = _check(tmp_path, "mod.py", env=env)
    assert report["diagnostics"] == []
    assert [f["checked"] for f in report["functions"]] == [True]
