"""The seed script: the finding lands on `a.x`, is confirmed, and no top-level statement runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dynamic_support import FIXTURES, by_code, check_files

from numba_lint.merge import merge

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    shutil.copy(FIXTURES / "seed" / "script.py", folder / "script.py")
    return folder / "script.py"


def test_finding_at_first_use_of_untypable_argument(seed: Path) -> None:
    result = check_files([seed], seed.parent)
    [found] = by_code(result, "NB901")
    # One root cause (the call passes plain objects), at the first use in source order of any
    # such argument (`a.x`), naming every one; `b.x` is the other place.
    assert (found.location.row, found.location.column, found.end_location.column) == (12, 12, 15)
    assert found.detail["also_at"] == [{"row": 12, "column": 18}]
    assert found.message.startswith(
        "arguments 'a' and 'b' are instances of the plain class 'MyInt', which nopython mode"
    )
    assert found.function == "add_object"
    assert found.detail["signature_source"] == "callsite"
    assert [f.signature_source for f in result.functions] == ["callsite"]
    # The script's top-level work (the call, the file it writes) never ran.
    assert not Path(str(seed) + ".ran").exists()


def test_static_finding_confirmed_end_to_end(seed: Path, cli) -> None:
    done = cli("check", str(seed), "--format", "json", "--no-cache", cwd=seed.parent)
    report = json.loads(done.stdout)
    rows = {(d["location"]["row"], d["location"]["column"]): d for d in report["diagnostics"]}
    assert rows[(12, 12)]["confirmed"] is True, report["diagnostics"]
    assert rows[(12, 12)]["detail"]["dynamic"]["code"] == "NB901"
    assert not Path(str(seed) + ".ran").exists()


def test_merge_marks_static_confirmed_and_drops_duplicate(seed: Path) -> None:
    from numba_lint.diagnostic import Diagnostic, Location, Pass, Severity

    dynamic = by_code(check_files([seed], seed.parent), "NB901")
    static = Diagnostic(
        dynamic[0].filename,
        Location(12, 12),
        Location(12, 15),
        "NB101",
        "attribute 'x' of 'a'",
        Severity.ERROR,
        Pass.STATIC,
    )
    merged = merge([static], dynamic)
    assert [(d.code, d.confirmed) for d in merged] == [("NB101", True)]


def test_linter_process_never_imports_numba_or_user_code(seed: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, 'tests')\n"
        "from dynamic_support import check_files\n"
        f"path = Path({str(seed)!r})\n"
        "result = check_files([path], path.parent)\n"
        "assert [d.code for d in result.diagnostics] == ['NB901'], result\n"
        "assert 'numba' not in sys.modules and 'script' not in sys.modules\n"
        "print('clean')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "clean", done.stderr
