"""The static cache (numba_lint/static/cache.py): a warm run, a run after one file changed and
a run over a corrupt entry print exactly what a run without the cache prints; `--no-cache`
neither reads nor writes it; `numba-lint clean` removes it.

The tree is the examples and the valid-code corpus (65 modules, enough for the static worker
pool with `--jobs 2`), checked through the real command line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

CACHE = Path(".numba-lint") / "cache"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid_corpus", tmp_path / "valid_corpus")
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    return tmp_path


def check(tree: Path, *extra: str) -> str:
    done = run_cli("check", "--static-only", "--format", "json", *extra, ".", cwd=tree)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    data["summary"].pop("seconds")
    return json.dumps(data, indent=2)


def entries(tree: Path) -> list[Path]:
    return sorted((tree / CACHE / "static").glob("*.json"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cold_warm_and_touched_runs_are_identical(tree: Path, jobs: str) -> None:
    uncached = check(tree, "--jobs", jobs, "--no-cache")
    assert not (tree / CACHE).exists()  # --no-cache writes nothing
    assert check(tree, "--jobs", jobs) == uncached  # cold
    assert (tree / CACHE / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    [entry] = entries(tree)
    assert check(tree, "--jobs", jobs) == uncached  # warm

    # The warm run replays the entry (not vacuous): an edited entry shows through.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["output"]["diagnostics"][0]["message"] = "replayed from the cache"
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert "replayed from the cache" in check(tree, "--jobs", jobs)

    # One file changed: a new finding, and the same output as a run without the cache.
    touched = sorted((tree / "valid_corpus").glob("*.py"))[0]
    touched.write_text(
        touched.read_text(encoding="utf-8")
        + "\n\nimport numba\n\n\n@numba.njit\ndef touched(**options):\n    return 1\n",
        encoding="utf-8",
    )
    changed = check(tree, "--jobs", jobs)
    assert changed == check(tree, "--jobs", jobs, "--no-cache")
    assert changed != uncached
    assert "replayed from the cache" not in changed
    assert check(tree, "--jobs", jobs) == changed  # warm again, from the rewritten entry
    assert entries(tree) == [entry]  # the slot is rewritten, not added to


def test_corrupt_or_foreign_entry_is_ignored_and_rewritten(tree: Path) -> None:
    uncached = check(tree, "--no-cache")
    check(tree)
    [entry] = entries(tree)
    for garbage in ("{not json", json.dumps({"format": 999, "files": {}, "output": {}}), "[]"):
        entry.write_text(garbage, encoding="utf-8")
        assert check(tree) == uncached
        assert json.loads(entry.read_text(encoding="utf-8"))["format"] != 999


def test_clean_removes_the_cache_and_says_so(tree: Path) -> None:
    check(tree)
    done = run_cli("clean", cwd=tree)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"removed {tree / CACHE}\n"
    assert not (tree / CACHE).exists()
    again = run_cli("clean", cwd=tree)
    assert again.returncode == 0 and "nothing to remove" in again.stdout
    missing = run_cli("clean", "no/such/folder", cwd=tree)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
