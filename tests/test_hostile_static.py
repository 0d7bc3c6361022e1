"""Bad input to the static pass: one tree of hostile files, checked by the real command line.

Every broken file gets one clear diagnostic (an NB001 finding, or a line on stderr), the run
exits 2 when a file could not be read, never prints a traceback, and still reports the real
finding in every other file, at the right column, whatever the file's encoding, line endings
or name. The tree is checked once per output format, so the battery stays a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

# A plain class passed to a jitted function: NB101 at `a.x`, row 11, column 12.
FINDING = (
    "from numba import njit\n\n\nclass P:\n    def __init__(self, x):\n        self.x = x\n\n\n"
    "@njit\ndef f(a):\n    return a.x + 1\n"
)
NON_UTF8_NAME = b"caf\xe9.py"

# display name -> (row, column) of the NB101 finding that must survive in that file.
FINDINGS = {
    "good.py": (11, 12),
    "bom.py": (11, 12),
    "cookie.py": (12, 12),
    "crlf.py": (11, 12),
    "cr.py": (11, 12),
    "tabs.py": (11, 9),
    "formfeed.py": (10, 12),
    "ns/pkg/mod.py": (11, 12),
    "src/proj/core.py": (11, 12),
    "dir.py/inner.py": (11, 12),
    "odd/caf\\xe9.py": (11, 12),
    # 2,900 terms around `a.x` (near the most Python accepts): deeper than the recursion limit.
    "chain.py": (11, 12 + 4 * 1450),
}
# display name -> (row, column, words of the message) of each NB001.
SYNTAX = {
    "syntax.py": (1, 7, "invalid syntax"),
    "pep695.py": (2, 6, "Python 3.11 grammar"),
    "nul.py": (2, 6, "null bytes"),
    "nested.py": (2, None, "too many nested parentheses"),
}
if sys.version_info >= (3, 12):
    del SYNTAX["pep695.py"]  # valid there
# Python 3.11 cannot compile a 10,000-term sum; newer ones may: then it is simply clean.
DEEP_SUM = "sum.py"
UNREADABLE_ON_STDERR = ("latin1.py: cannot decode", "selfloop.py: cannot read", "dangling.py")


def _write(root: Path, name: str, data: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def build_tree(root: Path) -> None:
    _write(root, "pyproject.toml", "")
    _write(root, "good.py", FINDING)
    _write(root, "bom.py", b"\xef\xbb\xbf" + FINDING.encode())
    cookie = "# -*- coding: latin-1 -*-\n" + FINDING.replace("a.x + 1", "a.x + 1  # caf\xe9")
    _write(root, "cookie.py", cookie.encode("latin-1"))
    _write(root, "crlf.py", FINDING.replace("\n", "\r\n"))
    _write(root, "cr.py", FINDING.replace("\n", "\r"))
    tabs = FINDING.replace("    ", "\t")
    _write(root, "tabs.py", tabs)
    _write(root, "formfeed.py", FINDING.replace("\n\n\nclass", "\n\f\nclass"))
    _write(root, "ns/pkg/mod.py", FINDING)  # a namespace package: no __init__.py
    _write(root, "src/proj/__init__.py", "")
    _write(root, "src/proj/core.py", FINDING)
    _write(root, "dir.py/inner.py", FINDING)  # a folder whose name ends in .py
    (root / "odd").mkdir()
    with open(os.fsencode(root / "odd") + b"/" + NON_UTF8_NAME, "wb") as handle:
        handle.write(FINDING.encode())
    chain = " + ".join(["1"] * 1450) + " + a.x + " + " + ".join(["2"] * 1450)
    _write(root, "chain.py", FINDING.replace("a.x + 1", chain))
    _write(root, "syntax.py", "def f(:\n    pass\n")
    _write(root, "pep695.py", "import numba\ntype X = int\n")
    _write(root, "nul.py", b"import numba\nx = 1\x00\n")
    _write(root, "nested.py", "import numba\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    _write(root, DEEP_SUM, "import numba\nx = " + " + ".join(["1"] * 10_000) + "\n")
    _write(root, "big.py", "import numba\n" + "".join(f"x{i} = {i}\n" for i in range(50_000)))
    _write(root, "empty.py", "")
    _write(root, "latin1.py", "import numba\n# caf\xe9\n".encode("latin-1"))  # no coding line
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "up")  # a folder loop: must not be walked forever
    os.symlink("selfloop.py", root / "selfloop.py")
    os.symlink("nowhere.py", root / "dangling.py")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    build_tree(root)
    return root


def _check(root: Path, *args: str) -> tuple[int, str, str]:
    # "good.py" named twice more: it must be reported once.
    done = run_cli("check", *args, ".", "good.py", "./good.py", cwd=root)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def static_json(tree: Path) -> tuple[int, dict[str, Any], str]:
    code, out, err = _check(tree, "--static-only", "--format", "json")
    return code, json.loads(out), err


def _by_file(data: dict[str, Any]) -> dict[str, list[tuple[str, int, int, str]]]:
    found: dict[str, list[tuple[str, int, int, str]]] = {}
    for item in data["diagnostics"]:
        where = item["location"]
        entry = (item["code"], where["row"], where["column"], item["message"])
        found.setdefault(item["filename"], []).append(entry)
    return found


def test_every_other_file_keeps_its_finding_at_the_right_column(static_json) -> None:
    _, data, _ = static_json
    found = _by_file(data)
    for name, (row, column) in FINDINGS.items():
        assert [(c, r, col) for c, r, col, _ in found.get(name, [])] == [("NB101", row, column)], (
            name
        )


def test_broken_files_get_one_syntax_diagnostic_each(static_json) -> None:
    _, data, _ = static_json
    found = _by_file(data)
    for name, (row, column, words) in SYNTAX.items():
        [(code, got_row, got_column, message)] = found[name]
        assert code == "NB001" and words in message, (name, message)
        assert got_row == row and (column is None or got_column == column), name
    if DEEP_SUM in found:  # a Python that cannot compile it says so; none may crash
        [(code, _, _, message)] = found[DEEP_SUM]
        assert code == "NB001" and "too deeply nested" in message
    for quiet in ("empty.py", "big.py"):
        assert quiet not in found


def test_unreadable_files_are_named_on_stderr_and_exit_2(static_json) -> None:
    code, data, err = static_json
    assert code == 2
    for words in UNREADABLE_ON_STDERR:
        assert f"numba-lint: error: {words}" in err, err
    # Counted once each, the loop not followed: the real files plus the three unreadable.
    assert not any(name.startswith("loop/") for name in _by_file(data))


def test_sarif_output_stays_valid(tree: Path) -> None:
    code, out, _ = _check(tree, "--static-only", "--format", "sarif")
    assert code == 2
    results = json.loads(out)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris >= set(FINDINGS) | set(SYNTAX)
    out.encode("utf-8")  # no lone surrogate from the non-UTF-8 name


def test_the_trial_compile_run_survives_the_same_tree(tree: Path) -> None:
    code, out, err = _check(tree, "--format", "json", "--no-cache")
    assert code == 2, err
    found = _by_file(json.loads(out))
    for name, (row, column) in FINDINGS.items():
        assert ("NB101", row, column) in [(c, r, col) for c, r, col, _ in found[name]], name
    for name in SYNTAX:
        assert [c for c, *_ in found[name]] == ["NB001"], name


def test_a_file_without_read_permission(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading the file")
    _write(tmp_path, "pyproject.toml", "")
    _write(tmp_path, "good.py", FINDING)
    _write(tmp_path, "secret.py", FINDING)
    (tmp_path / "secret.py").chmod(0)
    try:
        done = run_cli("check", "--static-only", ".", cwd=tmp_path)
    finally:
        (tmp_path / "secret.py").chmod(0o644)
    assert done.returncode == 2
    assert "numba-lint: error: secret.py: cannot read file: Permission denied" in done.stderr
    assert "good.py:11:12: NB101" in done.stdout


def test_a_symbolic_link_loop_named_on_the_command_line(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "")
    os.symlink("a.py", tmp_path / "b.py")
    os.symlink("b.py", tmp_path / "a.py")
    done = run_cli("check", "--static-only", "a.py", cwd=tmp_path)
    assert done.returncode == 2
    assert "a.py: a symbolic link that loops or points nowhere" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_very_long_line_is_shown_cut_around_the_finding(tree: Path) -> None:
    done = run_cli("check", "--static-only", "chain.py", cwd=tree)
    assert done.returncode == 1, done.stderr
    source, caret = done.stdout.splitlines()[1:3]
    assert len(source) < 200 and source.startswith("    ...") and source.endswith("...")
    assert source[caret.index("^") : caret.index("^") + 3] == "a.x" and caret.count("^") == 3


def test_a_long_module_level_expression_in_serial_and_pooled_runs(tmp_path: Path) -> None:
    """A module-level sum of 1,500 terms is valid Python deeper than the default recursion limit:
    the project facts and bindings walk it too, one file alone (serial) or many (the pool)."""
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    long_sum = "import numba\nx = " + " + ".join(["1"] * 1500) + "\n"
    (tmp_path / "m0.py").write_text(long_sum, encoding="utf-8")
    serial = subprocess.run(
        [sys.executable, "-m", "numba_lint", "check", "--static-only", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert serial.returncode == 0, serial.stdout + serial.stderr
    for number in range(1, 16):
        (tmp_path / f"m{number}.py").write_text(long_sum, encoding="utf-8")
    pooled = subprocess.run(
        [
            sys.executable,
            "-m",
            "numba_lint",
            "check",
            "--static-only",
            "--no-cache",
            "-j",
            "2",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert pooled.returncode == 0, pooled.stdout + pooled.stderr
    assert "16 files" in pooled.stdout
