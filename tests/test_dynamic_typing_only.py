"""Typing-only never lowers, writes no cache, and agrees with a full compile on typing errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dynamic_support import FIXTURES, by_code, check_files

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).with_name("typing_only_probe.py")
CASES = FIXTURES / "agreement" / "cases.py"
# The one case only lowering rejects (documented in NB907 lowering-error).
LOWERING_ONLY = {"global_jitclass_constant"}


def probe(mode: str, path: Path, cache_dir: Path) -> dict:
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(cache_dir),
        "NUMBA_COLOR_SCHEME": "no_color",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, str(PROBE), mode, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("agreement")
    shutil.copy(CASES, folder / "cases.py")
    return {
        mode: {
            **probe(mode, folder / "cases.py", folder / f"cache-{mode}"),
            "cache": folder / f"cache-{mode}",
        }
        for mode in ("typing", "full")
    }


def test_typing_only_lowers_nothing(runs: dict[str, dict]) -> None:
    typing, full = runs["typing"], runs["full"]
    assert typing["results"]["uses_overloads"] == "ok"  # np.interp, np.sort, a jitted callee
    assert typing["lowered"] == [] and typing["llvm_modules"] == 0
    # The counters do count: the full compile of the same functions lowers many.
    assert len(full["lowered"]) > 10 and full["llvm_modules"] > 10


def test_typing_only_writes_no_numba_cache(runs: dict[str, dict]) -> None:
    assert runs["typing"]["results"]["cached"] == "ok"
    written = [p.name for p in runs["typing"]["cache"].rglob("*") if p.is_file()]
    assert written == []
    # A full compile of the same cache=True function does write one (the check is meaningful).
    assert any(p.suffix == ".nbi" for p in runs["full"]["cache"].rglob("*"))


def test_typing_only_agrees_with_full_compile(runs: dict[str, dict]) -> None:
    typing, full = runs["typing"]["results"], runs["full"]["results"]
    assert set(typing) == set(full)
    failing = 0
    for name in typing:
        if name in LOWERING_ONLY:
            assert typing[name] == "ok" and full[name] != "ok"
            continue
        assert typing[name] == full[name], name
        failing += typing[name] != "ok"
    assert failing == 4


def test_lowering_failures_seen_in_types_and_what_only_full_compile_finds() -> None:
    default = check_files([CASES], CASES.parent)
    full = check_files([CASES], CASES.parent, full_compile=True)
    # A jitclass instance used as a constant fails only in lowering: the default mode reads it
    # from the types (prelower.py), --full-compile from Numba's lowering; same place, same words.
    for result in (default, full):
        [lowering] = by_code(result, "NB907")
        assert (lowering.location.row, lowering.location.column) == (77, 12)
        assert "global 'BOX'" in lowering.message
    # Parfor lowering's safety warning exists only when lowering runs.
    [safety] = by_code(full, "NB973")
    assert "NumbaParallelSafetyWarning" in safety.message and "last " in safety.message
    # Re-anchored from the prange loop (Numba's place) to the write inside it.
    assert (safety.location.row, safety.location.column) == (84, 9)
    assert safety.function == "last_written"
    assert by_code(default, "NB973") == []
    same = {(d.code, d.location, d.message) for d in default.diagnostics}
    assert same == {(d.code, d.location, d.message) for d in full.diagnostics if d.code != "NB973"}
