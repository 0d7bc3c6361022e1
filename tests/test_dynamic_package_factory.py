"""A package's skeleton is imported once per run, by its package factory, and its modules'
findings are those of plain workers (each importing the package itself).

Real runs: a fixture package whose `__init__.py` appends a line to a file each time it is
imported (the lines count the imports), checked once with package factories and once with
them switched off (`groups` answering no package), and the two results compared.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from dynamic_support import check_files

from numba_lint.dynamic import DynamicResult
from numba_lint.dynamic.parent import package_factories
from numba_lint.dynamic.parent.package_groups import package_import
from numba_lint.dynamic.protocol import Job

INIT = """\
'''Counts its imports; warns like Numba on import.'''
import os
import warnings

from numba.core.errors import NumbaPerformanceWarning

_COUNTED = open(os.path.join(os.path.dirname(__file__), "..", "imports.log"), "a").write("+\\n")
warnings.warn(NumbaPerformanceWarning("the package warns at import"))

from .helpers import scale
"""

HELPERS = """\
from numba import njit


@njit
def scale(x):
    return x * 2.0
"""

FIRST = """\
'''Relative import after a literal and third-party imports.'''
__all__ = ["good", "bad"]
import numpy as np
from numba import njit

from .helpers import scale


@njit
def good(x: float) -> float:
    return scale(x) + 1.0


@njit
def bad(x: float) -> float:
    return np.frobnicate(x)
"""

SECOND = """\
from numba import njit

from countpkg import scale


@njit
def twice(x: float) -> float:
    return scale(scale(x))


@njit
def broken(x: float) -> float:
    return undefined_name(x)
"""

THREAD = """\
import threading


def _start():
    started = threading.Event()
    threading.Thread(target=started.wait, daemon=True).start()
    return started


_STARTED = _start()
"""


def _package(root: Path, init: str) -> list[Path]:
    package = root / "countpkg"
    package.mkdir()
    files = {"__init__.py": init, "helpers.py": HELPERS, "first.py": FIRST, "second.py": SECOND}
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    return [package / name for name in ("first.py", "second.py", "helpers.py")]


def _run(paths: list[Path], root: Path) -> tuple[DynamicResult, int]:
    """The dynamic result and how many times the package was imported."""
    log = root / "imports.log"
    log.write_text("", encoding="utf-8")
    result = check_files(paths, root)
    return result, len(log.read_text(encoding="utf-8").splitlines())


def _facts(result: DynamicResult) -> list[object]:
    return [result.diagnostics, result.functions, result.errors, result.engine_note]


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package_factories, "groups", lambda jobs: {})


def test_the_package_is_imported_once_and_findings_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _package(tmp_path, INIT)
    shared, imports = _run(paths, tmp_path)
    assert imports == 1  # by the factory, not by each of the two modules' workers
    with monkeypatch.context() as patch:
        _plain(patch)
        plain, plain_imports = _run(paths, tmp_path)
    assert plain_imports == 2
    assert _facts(shared) == _facts(plain)
    # `np.frobnicate`, where Numba placed it (before 0.68) or where its message names it (0.68
    # gives no location).
    found = {(d.filename, d.code, d.function) for d in shared.diagnostics}
    assert ("countpkg/first.py", "NB904", "bad") in found
    [frobnicate] = [d for d in shared.diagnostics if d.function == "bad"]
    assert (frobnicate.location.row, frobnicate.location.column) == (16, 12)
    assert ("countpkg/second.py", "NB903", "broken") in found
    # The package's import warning, caught where each module imported the package.
    warned = [d for d in shared.diagnostics if "warns at import" in d.message]
    assert len(warned) == len([d for d in plain.diagnostics if "warns at import" in d.message])
    assert warned
    assert all(f.checked for f in shared.functions)


def test_a_package_whose_import_starts_a_thread_gets_plain_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _package(tmp_path, INIT + THREAD)
    shared, imports = _run(paths, tmp_path)
    assert imports == 3  # the factory's import, refused, then each module's own
    with monkeypatch.context() as patch:
        _plain(patch)
        plain, _ = _run(paths, tmp_path)
    assert _facts(shared) == _facts(plain)


def _job(path: Path, root: Path, name: str, text: str | None = None) -> Job:
    return {
        "path": str(path),
        "project_root": str(root),
        "module_name": name,
        "text": path.read_text(encoding="utf-8") if text is None else text,
    }


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (FIRST, 6),
        (SECOND, 3),
        ("import numpy\nimport countpkg.helpers\n", 2),
        ("from . import helpers\n", 1),
        # Runs code before the package's import: its order could matter.
        ("import os\nos.environ['X'] = '1'\nfrom . import helpers\n", None),
        # A project module imported first.
        ("import local\nfrom . import helpers\n", None),
        # Never imports its package.
        ("import numpy\n", None),
        # Beyond the top-level package: an error, whichever way it runs.
        ("from .. import helpers\n", None),
        ("try:\n    from . import helpers\nexcept ImportError:\n    pass\n", None),
    ],
)
def test_which_modules_fork_from_their_package_factory(
    tmp_path: Path, source: str, line: int | None
) -> None:
    _package(tmp_path, INIT)
    (tmp_path / "local.py").write_text("", encoding="utf-8")
    path = tmp_path / "countpkg" / "mod.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    found = package_import(_job(path, tmp_path, "countpkg.mod"))
    assert (found.line if found else None) == line
    if found is not None:
        assert found.key == str(tmp_path / "countpkg")


def test_unsaved_text_and_package_inits_get_plain_workers(tmp_path: Path) -> None:
    paths = _package(tmp_path, INIT)
    first = paths[0]
    assert package_import(_job(first, tmp_path, "countpkg.first")) is not None
    edited = FIRST.replace("+ 1.0", "+ 2.0")
    assert package_import(_job(first, tmp_path, "countpkg.first", edited)) is None
    init = tmp_path / "countpkg" / "__init__.py"
    assert package_import(_job(init, tmp_path, "countpkg")) is None
    # A module outside any package.
    (tmp_path / "alone.py").write_text("import countpkg\n", encoding="utf-8")
    assert package_import(_job(tmp_path / "alone.py", tmp_path, "alone")) is None
