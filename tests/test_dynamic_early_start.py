"""`check` starts the worker factory before its static pass when the trial compile will most
likely need it (dynamic/parent/early_start.py), and the factory imports neither libcst nor the
rules (issue 13: the check of 60 signed functions against the import that compiles them)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from numba_lint.config import Config
from numba_lint.dynamic.parent import trial
from numba_lint.dynamic.parent.cache import RESULTS_FOLDER
from numba_lint.dynamic.parent.early_start import start_early

JITTED = 'from numba import njit\n\n\n@njit("float64(float64)")\ndef f(x):\n    return 2.0 * x\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NUMBA_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jitted.py").write_text(JITTED, encoding="utf-8")
    (tmp_path / "plain.py").write_text("import os\n\nprint(os.sep)\n", encoding="utf-8")
    (tmp_path / "package").mkdir()
    return tmp_path


def test_started_early_only_where_the_trial_compile_will_likely_run(project: Path) -> None:
    config = Config(project_root=project)
    assert start_early(config, ["jitted.py"])
    assert start_early(config, ["plain.py", "jitted.py"])
    assert start_early(config, ["package"])  # a folder: not read ahead
    assert start_early(config, ["-"], stdin_text=JITTED)
    # Nothing that may use numba: the static pass alone runs.
    assert not start_early(config, ["plain.py"])
    assert not start_early(config, ["-"], stdin_text="print(1)\n")
    assert not start_early(Config(project_root=project, static_only=True), ["jitted.py"])
    # A warm result cache may answer every module: the factory starts when one needs it.
    results = project / "cache" / RESULTS_FOLDER
    results.mkdir(parents=True)
    assert start_early(config, ["jitted.py"])  # an empty folder is a cold cache
    (results / "0123.json").write_text("{}", encoding="utf-8")
    assert not start_early(config, ["jitted.py"])
    assert start_early(Config(project_root=project, cache=False), ["jitted.py"])


PROBE = """
import json, sys
from numba_lint.cli import main
from numba_lint.dynamic.parent import trial

calls = []
real = trial.prestart


def recorded():
    calls.append(sorted(m for m in ("libcst", "numba_lint.checks") if m in sys.modules))
    real()


trial.prestart = recorded
code = main(sys.argv[1:])
print(json.dumps([code, calls]))
"""


def _probe(cwd: Path, *args: str) -> tuple[int, list[list[str]]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "NUMBA_LINT_CACHE_DIR": str(cwd / "cache")},
    )
    code, calls = json.loads(done.stdout.splitlines()[-1])
    return code, calls


def test_the_command_line_starts_the_factory_before_libcst_is_imported(project: Path) -> None:
    code, calls = _probe(project, "check", "--format", "concise", "jitted.py")
    assert code == 0
    # First before the static pass (nothing of it imported yet), then by the dynamic pass,
    # which finds it running.
    assert calls[0] == [] and len(calls) >= 2
    # A file that cannot use numba: no factory at all.
    assert _probe(project, "check", "plain.py") == (0, [])


def test_a_factory_that_was_never_used_is_killed_at_close() -> None:
    """Closing a factory that is still importing Numba does not wait for the import."""
    factory = trial.Zygote()
    factory.close()
    assert factory.process.returncode == -signal.SIGKILL


def test_the_factory_imports_neither_libcst_nor_the_rules() -> None:
    """The factory (and the early start) import the dynamic package and the trial module, not
    `parent.run`, which pulls in libcst and every rule; `run_dynamic` is still found there."""
    code = (
        "import sys, numba_lint.dynamic, numba_lint.dynamic.parent.trial;"
        "print(sorted(m for m in ('libcst', 'numba_lint.checks', 'numba_lint.dynamic.parent.run')"
        " if m in sys.modules));"
        "from numba_lint.dynamic import run_dynamic;"
        "print(run_dynamic.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["[]", "numba_lint.dynamic.parent.run"], done.stderr
