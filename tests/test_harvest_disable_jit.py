"""harvest under NUMBA_DISABLE_JIT=1: Numba compiles nothing, so the harvest says so and leaves
the signatures file alone instead of writing an empty one (real Numba, real subprocesses)."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path

import pytest

from numba_lint.harvest import run_harvest
from numba_lint.harvest.runner import jit_disabled

COMPILES = "from numba import njit\n@njit\ndef f(x):\n    return x + 1\nf(1)\n"


def _harvest(command: list[str], root: Path) -> tuple[int, str, Path]:
    output = root / "sigs.json"
    stream = io.StringIO()
    code = run_harvest(command, root, output, stream=stream)
    return code, stream.getvalue(), output


def test_disabled_in_the_environment_records_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
    code, said, output = _harvest([sys.executable, "-c", COMPILES], tmp_path)
    assert code == 0
    assert "NUMBA_DISABLE_JIT is set in the environment" in said
    assert "nothing was compiled" in said
    assert not output.exists()


def test_disabled_by_the_test_suite_leaves_the_file_unchanged(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NUMBA_DISABLE_JIT", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conftest.py").write_text(
        'import os\nos.environ["NUMBA_DISABLE_JIT"] = "1"\n', encoding="utf-8"
    )
    (tmp_path / "test_f.py").write_text(
        COMPILES.replace("f(1)\n", "def test_f():\n    assert f(1) == 2\n"), encoding="utf-8"
    )
    # A file from an earlier harvest, holding one signature.
    (tmp_path / "old.py").write_text(COMPILES, encoding="utf-8")
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "0")
    assert _harvest([sys.executable, "old.py"], tmp_path)[0] == 0
    monkeypatch.delenv("NUMBA_DISABLE_JIT")
    before = (tmp_path / "sigs.json").read_text(encoding="utf-8")
    assert "old.py::f" in before
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_f.py"]
    code, said, output = _harvest(command, tmp_path)
    assert code == 0
    assert "NUMBA_DISABLE_JIT is set in conftest.py" in said
    assert "left unchanged" in said
    assert output.read_text(encoding="utf-8") == before


def test_compiling_run_is_recorded_without_the_note(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "0")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\n# env = NUMBA_DISABLE_JIT=1\n", encoding="utf-8"
    )
    (tmp_path / "run.py").write_text(COMPILES, encoding="utf-8")
    code, said, output = _harvest([sys.executable, "run.py"], tmp_path)
    assert code == 0
    assert "NUMBA_DISABLE_JIT" not in said
    assert "run.py::f" in output.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("pytest.ini", "[pytest]\nenv =\n    NUMBA_DISABLE_JIT=1\n", "pytest.ini"),
        (
            "pyproject.toml",
            '[tool.pytest.ini_options]\nenv = ["NUMBA_DISABLE_JIT=1"]\n',
            "pyproject.toml",
        ),
        ("tox.ini", "[testenv]\nsetenv =\n    NUMBA_DISABLE_JIT = 1\n", "tox.ini"),
        (
            "tests/conftest.py",
            'def f(mp):\n    mp.setenv("NUMBA_DISABLE_JIT", "1")\n',
            "tests/conftest.py",
        ),
        ("pytest.ini", "[pytest]\nenv =\n    NUMBA_DISABLE_JIT=0\n", None),
        ("setup.cfg", "[tool:pytest]\n; env = NUMBA_DISABLE_JIT=1\n", None),
    ],
)
def test_where_the_setting_is_found(tmp_path, name, text, found) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    assert jit_disabled(tmp_path, environment={}) == found


def test_environment_values_as_numba_reads_them(tmp_path) -> None:
    assert jit_disabled(tmp_path, {"NUMBA_DISABLE_JIT": "1"}) == "the environment"
    assert jit_disabled(tmp_path, {"NUMBA_DISABLE_JIT": "2"}) == "the environment"
    assert jit_disabled(tmp_path, {"NUMBA_DISABLE_JIT": "0"}) is None
    assert jit_disabled(tmp_path, {"NUMBA_DISABLE_JIT": "yes"}) is None
    assert jit_disabled(tmp_path, {}) is None
