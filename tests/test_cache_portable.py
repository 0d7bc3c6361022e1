"""The trial-compile cache names no absolute path: a cache folder made in one checkout hits in
a copy of the project at another path (CI restores it with `actions/cache`, docs/ci.md), and a
changed imported module still misses there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cli

JIT = "import numba\n\nfast = numba.njit\n"
USES = """from pkg._jit import fast


@fast("float64(float64)")
def twice(x):
    return x * 2


@fast("float64(float64)")
def broken(x):
    return x.nope
"""


def _project(folder: Path) -> Path:
    (folder / "pkg").mkdir(parents=True)
    (folder / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    (folder / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "pkg" / "_jit.py").write_text(JIT, encoding="utf-8")
    (folder / "pkg" / "use.py").write_text(USES, encoding="utf-8")
    return folder


def _check(folder: Path, cache: Path) -> dict:
    done = run_cli(
        "check", "--format", "json", ".", cwd=folder, env={"NUMBA_LINT_CACHE_DIR": str(cache)}
    )
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    data["summary"].pop("seconds")
    return data


def _entries(cache: Path) -> set[str]:
    return {path.name for path in (cache / "dynamic").glob("*.json")}


def test_a_restored_cache_hits_in_a_checkout_at_another_path(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _project(tmp_path / "machine-a" / "repo")
    before = _check(first, cache)
    written = _entries(cache)
    assert written
    for entry in (cache / "dynamic").glob("*.json"):
        assert str(tmp_path) not in entry.read_text(encoding="utf-8")

    second = tmp_path / "machine-b" / "checkout"
    shutil.copytree(first, second)
    shutil.rmtree(first)  # nothing of the first checkout is left to hash
    # Numba's own text names the checked file: the hit names it at its new place.
    moved = json.loads(json.dumps(before).replace(str(first), str(second)))
    assert moved != before
    assert _check(second, cache) == moved
    assert _entries(cache) == written  # a hit: no new entry

    # The imported module changed: the entry's dependency hash no longer matches.
    stamps = {path: path.stat().st_mtime_ns for path in (cache / "dynamic").glob("*.json")}
    (second / "pkg" / "_jit.py").write_text(JIT + "# changed\n", encoding="utf-8")
    assert _check(second, cache) == moved
    assert _entries(cache) == written  # same key, entry rewritten after the miss
    assert any(path.stat().st_mtime_ns != stamp for path, stamp in stamps.items())
    (second / "pkg" / "use.py").write_text(USES + "\n", encoding="utf-8")
    _check(second, cache)
    assert len(_entries(cache)) == len(written) + 1
