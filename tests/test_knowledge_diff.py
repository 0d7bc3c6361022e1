"""`numba-lint knowledge --diff OTHER`: what a Numba upgrade changes for the static rules.

Compares the shipped Numba 0.68.1 table with a copy in which a few verdicts are changed as a
release changes them (a function dropped, a keyword removed, a syntax probe that now fails, a
module no longer typed at all): the diff names exactly those, in both directions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from numba_lint.knowledge import DATA_DIR, Knowledge
from numba_lint.knowledge_diff import DiffError, diff, resolve

SHIPPED = DATA_DIR / "knowledge-numba-0.68.1_numpy-2.4_py-3.11_scipy.json"


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["key"]["numba"] = "9.9.0"
    data["callables"]["numpy.isin"]["supported"] = False
    data["callables"]["numpy.sum"]["parameters"] = ["a", "dtype", "where"]
    data["syntax"]["assert"] = False
    data["unsupported_modules"] = sorted({*data["unsupported_modules"], "numpy"})
    changed = tmp_path / "knowledge-numba-9.9.0_numpy-2.4_py-3.11_scipy.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    return SHIPPED, changed


def _knowledge(path: Path) -> Knowledge:
    return Knowledge.from_json(json.loads(path.read_text(encoding="utf-8")))


def test_the_diff_names_each_change(tables: tuple[Path, Path]) -> None:
    shipped, changed = tables
    text = diff(_knowledge(shipped), _knowledge(changed))
    assert text.splitlines()[:2] == [
        "from Numba 0.68.1 (NumPy 2.4, Python 3.11, SciPy)",
        "  to Numba 9.9.0 (NumPy 2.4, Python 3.11, SciPy)",
    ]
    assert "becomes unsupported (1):\n  numpy.isin\n" in text
    assert "keywords accepted (1):\n  numpy.sum: +where, -axis\n" in text
    assert "syntax that now fails (1):\n  assert\n" in text
    assert "modules now wholly unsupported (1):\n  numpy\n" in text
    assert "becomes supported" not in text
    back = diff(_knowledge(changed), _knowledge(shipped))
    assert "becomes supported (1):\n  numpy.isin\n" in back
    assert "syntax that now compiles (1):\n  assert\n" in back


def test_the_same_table_has_no_difference() -> None:
    assert diff(_knowledge(SHIPPED), _knowledge(SHIPPED)).endswith(
        "no difference the static rules can see\n"
    )


def test_a_version_resolves_to_a_shipped_table() -> None:
    assert resolve("0.68.1").key["numba"] == "0.68.1"
    with pytest.raises(DiffError, match="no knowledge table for Numba 0.1.0 "):
        resolve("0.1.0")


def test_command_line(tables: tuple[Path, Path], tmp_path: Path) -> None:
    _, changed = tables
    done = run_cli("knowledge", "--diff", str(changed))
    assert done.returncode == 0, done.stderr
    assert "to Numba 9.9.0" in done.stdout
    missing = run_cli("knowledge", "--diff", "0.1.0")
    assert missing.returncode == 2 and "no knowledge table for Numba 0.1.0" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    bad = run_cli("knowledge", "--diff", str(broken))
    assert bad.returncode == 2 and "not a readable knowledge file" in bad.stderr
    assert "Traceback" not in bad.stderr
