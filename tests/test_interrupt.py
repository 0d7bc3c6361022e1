"""Ctrl-C (and worse) in the middle of a trial compile: no orphan worker, no half-written file.

The checked modules sleep at import time (an assignment the skeleton keeps), so the signal
arrives while workers are running user code. A terminal's Ctrl-C reaches the whole process
group; `kill -INT` (or a hook runner forwarding it) reaches the linter alone; SIGKILL gives the
linter no chance to clean up, and still its workers must not outlive it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from numba_lint.atomic import TEMPORARY_SUFFIX

SLOW_MODULE = (
    "import time\nfrom numba import njit\n\n"
    "STARTED = open({marker!r}, 'w').close()\n"
    "NAP = time.sleep(120)\n\n\n"
    '@njit("int64(int64)")\ndef f(n):\n    return n + 1\n'
)


def _as_a_foreground_command() -> None:
    """Give the linter SIGINT's default action, as an interactive shell does.

    A shell without job control starts background commands with SIGINT ignored, and Python then
    never turns it into KeyboardInterrupt; the suite run that way must still test Ctrl-C.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state letter) of every process, from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry)] = (int(fields[1]), fields[0])
    return found


def _descendants(root: int) -> set[int]:
    table = _processes()
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found - {root}


def _still_running(pids: set[int]) -> set[int]:
    """Those of `pids` alive and not a zombie (a dead process the container's init may never
    reap: it runs nothing)."""
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


PACKAGE_MODULE = "import time\nfrom numba import njit\n\nfrom . import base\n" + SLOW_MODULE.split(
    "\n", 2
)[2].replace("NAP", "SLEPT")


def _depth(pids: set[int], root: int) -> int:
    """The longest chain of parents from a process of `pids` up to `root` (1: its children)."""
    table = _processes()

    def up(pid: int) -> int:
        parent = table.get(pid, (0, ""))[0]
        return 1 if parent == root or parent not in pids else 1 + up(parent)

    return max((up(pid) for pid in pids), default=0)


def _interrupted(tmp_path: Path, files: dict[str, str], how: str) -> tuple[set[int], int]:
    """Starts a check of a project of `files` ({marker} in each: a file it creates when its
    worker started), interrupts it `how` once one started; (its descendants then, the depth
    of their tree), after asserting that none of those processes outlives it."""
    project, cache, scratch = tmp_path / "project", tmp_path / "cache", tmp_path / "tmp"
    for folder in (project, cache, scratch):
        folder.mkdir()
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    for number, (name, text) in enumerate(files.items()):
        marker = str(tmp_path / f"started_{number}")
        (project / name).parent.mkdir(exist_ok=True)
        (project / name).write_text(text.format(marker=marker), encoding="utf-8")
    env = {**os.environ, "NUMBA_LINT_CACHE_DIR": str(cache), "TMPDIR": str(scratch)}
    linter = subprocess.Popen(
        [sys.executable, "-m", "numba_lint", "check", "--jobs", "2", "."],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, as a shell gives a foreground command
        preexec_fn=_as_a_foreground_command,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("started_*")):
            assert linter.poll() is None, linter.communicate()
            assert time.monotonic() < deadline, "no worker started in 120 s"
            time.sleep(0.05)
        time.sleep(0.3)  # let the second worker start too
        workers = _descendants(linter.pid)
        depth = _depth(workers, linter.pid)
        assert workers, "no worker process to check"
        if how == "ctrl-c":
            os.killpg(linter.pid, signal.SIGINT)
        else:
            os.kill(linter.pid, signal.SIGINT if how == "kill -INT" else signal.SIGKILL)
        _, err = linter.communicate(timeout=60)
    finally:
        if linter.poll() is None:
            os.killpg(linter.pid, signal.SIGKILL)
    stopped = time.monotonic() + 15
    while _still_running(workers) and time.monotonic() < stopped:
        time.sleep(0.1)
    assert not _still_running(workers), f"orphans after {how}: {_still_running(workers)}"
    text = err.decode("utf-8", "replace")
    if how != "kill -KILL":
        assert linter.returncode == 130, text
        assert "numba-lint: interrupted" in text and "Traceback" not in text, text
        # Its scratch folder removed, no temporary file left anywhere it writes.
        assert not list(scratch.iterdir())
        assert not list(cache.rglob(f"*{TEMPORARY_SUFFIX}")) and not list(cache.rglob("*.part"))
    return workers, depth


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "kill -INT", "kill -KILL"])
def test_an_interrupted_check_leaves_nothing_behind(tmp_path: Path, how: str) -> None:
    # Nothing can clean up after SIGKILL but the workers ending themselves.
    files = {f"slow_{number}.py": SLOW_MODULE for number in range(3)}
    _interrupted(tmp_path, files, how)
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == [
        "pyproject.toml",
        "slow_0.py",
        "slow_1.py",
        "slow_2.py",
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("how", "slow_init"), [("ctrl-c", False), ("kill -KILL", False), ("kill -KILL", True)]
)
def test_an_interrupted_package_factory_leaves_nothing_behind(
    tmp_path: Path, how: str, slow_init: bool
) -> None:
    """The modules of one package: their workers fork from its package factory, a grandchild
    of the zygote (slow_init: the factory itself is still importing the package)."""
    init = "import time\nSTARTED = open({marker!r}, 'w').close()\nNAP = time.sleep(120)\n"
    files = {"slowpkg/__init__.py": init if slow_init else "", "slowpkg/base.py": ""}
    files.update({f"slowpkg/slow_{n}.py": PACKAGE_MODULE for n in range(3)})
    workers, depth = _interrupted(tmp_path, files, how)
    if slow_init:
        assert len(workers) == 2  # the zygote and the factory; the modules wait for it
    else:
        assert depth == 3  # zygote -> package factory -> workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_interrupted_static_pool_leaves_no_worker_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    # Enough files for the worker pool, each slow to parse (a long chain of additions).
    for number in range(16):
        (tmp_path / f"m{number}.py").write_text(
            "import numba\nx = " + " + ".join(["1"] * 1500) + "\n", encoding="utf-8"
        )
    linter = subprocess.Popen(
        [sys.executable, "-m", "numba_lint", "check", "--static-only", "--jobs", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_as_a_foreground_command,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_descendants(linter.pid)) < 2:
            assert linter.poll() is None, linter.communicate()
            assert time.monotonic() < deadline, "the worker pool did not start"
            time.sleep(0.05)
        time.sleep(0.5)  # parsing now
        workers = _descendants(linter.pid)
        os.killpg(linter.pid, signal.SIGINT)
        _, err = linter.communicate(timeout=60)
    finally:
        if linter.poll() is None:
            os.killpg(linter.pid, signal.SIGKILL)
    text = err.decode("utf-8", "replace")
    assert linter.returncode == 130, text
    # One line from the linter, none from each worker.
    assert "numba-lint: interrupted" in text and "Traceback" not in text, text
    stopped = time.monotonic() + 15
    while _still_running(workers) and time.monotonic() < stopped:
        time.sleep(0.1)
    assert not _still_running(workers)
