"""The progress line (numba_lint/progress.py): on stderr when it is a terminal and the format is
a human one; never through a pipe, never with a machine format. Real runs of the command line
on the valid-code corpus (65 modules: long enough for the line to appear), stderr on a pty."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "valid_corpus"


def run(stderr_is_terminal: bool, output_format: str, tree: Path) -> tuple[str, str]:
    """stdout, stderr of a cold static check, one job (the slowest: the line surely shows)."""
    command = [sys.executable, "-m", "numba_lint", "check", "--static-only", "--no-cache"]
    command += ["--jobs", "1", "--format", output_format, "."]
    # The line is drawn from the start: on a fast machine the run ends before the usual 0.5 s.
    env = {**os.environ, "NO_COLOR": "1", "NUMBA_LINT_PROGRESS_AFTER": "0"}
    if not stderr_is_terminal:
        done = subprocess.run(command, cwd=tree, capture_output=True, text=True, env=env)
        return done.stdout, done.stderr
    main, secondary = pty.openpty()
    # stdout to a file: a pipe nobody reads while the pty is read would fill up and block.
    with (tree.parent / "stdout.txt").open("w+", encoding="utf-8") as stdout:
        process = subprocess.Popen(command, cwd=tree, stdout=stdout, stderr=secondary, env=env)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the pty's other end is closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=300)
        os.close(main)
        stdout.seek(0)
        return stdout.read(), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("progress")
    shutil.copytree(CORPUS, folder / "corpus" / "valid_corpus")
    return folder / "corpus"


def test_progress_on_a_terminal_with_a_human_format(tree: Path) -> None:
    stdout, stderr = run(True, "concise", tree)
    assert "numba-lint: files parsed " in stderr
    assert "files parsed" not in stdout
    # Drawn in place and erased before the report's own messages.
    last_line = stderr.rsplit("\r", 1)[-1]
    assert "\r" in stderr and "files parsed" not in last_line


def test_no_progress_through_a_pipe(tree: Path) -> None:
    _, stderr = run(False, "concise", tree)
    assert "files parsed" not in stderr


def test_no_progress_with_a_machine_format_even_on_a_terminal(tree: Path) -> None:
    stdout, stderr = run(True, "json", tree)
    assert "files parsed" not in stderr
    assert stdout.startswith("{")
