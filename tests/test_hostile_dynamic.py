"""Hostile modules in one trial-compile run: each gets one clear note, the good one's finding stays.

One real CLI run (JSON output) over a project where modules raise on import, call sys.exit()
and os._exit(), segfault, hang past the module timeout, print megabytes, change the working
directory and sys.path, import a package that is not installed, allocate past the worker's
memory limit, fork, and start a thread that never ends, next to modules with real findings.
The modules are written by the test (a checkout holds no file that segfaults or hangs when
checked).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

HEADER = (
    "import os, sys, time, signal, ctypes, tempfile\nimport numpy as np\nfrom numba import njit\n"
)
KERNEL = "\n\n@njit\ndef kernel_{name}(x: int) -> int:\n    return x + 1\n"

HOSTILE = {
    "raises": "CONFIG = int('not a number')\n",
    "exits": "STATUS = sys.exit(3)\n",
    "hard_exit": "STATUS = os._exit(7)\n",
    "segfault": "VALUE = ctypes.string_at(1, 1)\n",
    # SIGALRM blocked: the 5 s statement timer cannot stop it, only the module timeout can.
    "hangs": (
        "_ = signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\nNAP = time.sleep(600)\n"
    ),
    "prints": "NOISE = print('x' * 3_000_000)\nMORE = print('y' * 3_000_000, file=sys.stderr)\n",
    "missing": "import numba_lint_no_such_package_anywhere\n",
    "allocates": "BIG = np.ones(2**29)  # 4 GiB, past the 1024 MiB limit\n",
    # Both processes go on with the skeleton; only the worker's own result counts.
    "forks": "PID = os.fork()\n",
    # A thread that never ends does not keep the worker alive once its result is written.
    "threads": (
        "import threading\nT = threading.Thread(target=time.sleep, args=(600,))\n_ = T.start()\n"
    ),
}

# Changes the process's directory and import path, then still has a finding of its own.
MOVES = """
_ = os.chdir(tempfile.gettempdir())
sys.path.insert(0, "/nonexistent-numba-lint")


def helper(x):
    return x


@njit
def uses_helper(x: int) -> int:
    return helper(x)
"""

GOOD = """
from numba import njit


class Point:
    def __init__(self, x):
        self.x = x


@njit
def norm(p):
    return p.x * p.x


norm(Point(2.0))
"""

# What each hostile module must say (code, words in the message or the function's reason).
EXPECTED = {
    "raises": ("NB950", "ValueError"),
    "exits": ("NB950", "SystemExit"),
    "hard_exit": ("NB952", "exited with status 7"),
    "segfault": ("NB952", "SIGSEGV"),
    "hangs": ("NB951", "no result after"),
    "allocates": ("NB952", "out of memory (limit 1024 MiB)"),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, str]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "pyproject.toml").write_text(
        "[tool.numba-lint]\ntimeout = 20\nmemory-limit = 1024\njobs = 2\n", encoding="utf-8"
    )
    for name, body in HOSTILE.items():
        source = HEADER + body + KERNEL.format(name=name)
        (root / f"{name}.py").write_text(source, encoding="utf-8")
    (root / "moves.py").write_text(HEADER + textwrap.dedent(MOVES), encoding="utf-8")
    (root / "good.py").write_text(textwrap.dedent(GOOD).lstrip(), encoding="utf-8")
    done = run_cli("check", "--no-cache", "--format", "json", ".", cwd=root, timeout=400)
    return done.returncode, json.loads(done.stdout), done.stderr


def _of(data: dict, name: str) -> list[dict]:
    return [d for d in data["diagnostics"] if Path(d["filename"]).name == f"{name}.py"]


def test_json_output_is_valid_and_the_run_ends_normally(run: tuple[int, dict, str]) -> None:
    code, data, stderr = run
    assert code == 1, stderr  # findings, no configuration error
    assert "Traceback" not in stderr
    assert data["version"] == 1 and data["summary"]["files"] == len(HOSTILE) + 2


def test_the_good_modules_findings_are_reported(run: tuple[int, dict, str]) -> None:
    _, data, _ = run
    found = {(d["code"], d["location"]["row"], d["confirmed"]) for d in _of(data, "good")}
    assert ("NB101", 11, True) in found, found
    # The module that moved its working directory and sys.path is still checked.
    moved = {(d["code"], d["function"], d["confirmed"]) for d in _of(data, "moves")}
    assert ("NB205", "uses_helper", True) in moved, moved


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_module_gets_one_clear_note(run: tuple[int, dict, str], name: str) -> None:
    _, data, _ = run
    code, words = EXPECTED[name]
    notes = [d for d in _of(data, name) if d["code"] == code]
    assert len(notes) == 1, _of(data, name)
    assert words in notes[0]["message"], notes[0]["message"]
    (entry,) = [f for f in data["functions"] if f["name"] == f"kernel_{name}"]
    if code == "NB950":
        # One top-level statement failed: the rest of the module is still checked.
        assert entry["checked"] is True, entry
    else:
        # The worker is gone: its function is listed as not checked, with the reason.
        assert entry["checked"] is False, entry
        assert entry["reason"].startswith("module not checked: "), entry


@pytest.mark.parametrize("name", ["forks", "threads", "prints"])
def test_harmless_oddities_leave_the_module_checked(run: tuple[int, dict, str], name: str) -> None:
    _, data, _ = run
    assert _of(data, name) == []
    (entry,) = [f for f in data["functions"] if f["name"] == f"kernel_{name}"]
    assert entry["checked"] is True, entry


def test_printing_and_a_missing_package_are_handled(run: tuple[int, dict, str]) -> None:
    _, data, stderr = run
    # Megabytes printed at import go to the worker's log, not to numba-lint's output.
    assert "xxxxxxxxxx" not in stderr and len(stderr) < 10_000
    missing = _of(data, "missing")
    assert missing and all(d["severity"] != "error" for d in missing), missing
    assert any("numba_lint_no_such_package_anywhere" in d["message"] for d in missing)
