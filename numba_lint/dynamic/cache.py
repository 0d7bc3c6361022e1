"""Worker results cached by content: (job, Numba/Python/numba-lint versions) -> result dict.

Called by run.py in the linter's process around trial.run_jobs. A hit also requires every
project file the worker imported to be unchanged (their hashes are stored with the result).
Lives in $NUMBA_LINT_CACHE_DIR or ~/.cache/numba-lint; never stores failures of the worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

# 2: workers hash with a fixed seed and report candidate places (irfacts.py).
FORMAT = 2


def cache_dir() -> Path:
    """numba-lint's one cache folder (the knowledge tables' too): $NUMBA_LINT_CACHE_DIR, else
    $XDG_CACHE_HOME/numba-lint, else ~/.cache/numba-lint (SECURITY.md)."""
    from ..knowledge import default_cache_dir

    return default_cache_dir()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _file_hash(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


class ResultCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = (folder or cache_dir()) / "dynamic"
        # Versions that change what a worker finds.
        self.salt = json.dumps(
            [
                FORMAT,
                sys.version,
                _version("numba"),
                _version("numpy"),
                _version("llvmlite"),
                _version("numba-lint"),
                _version("scipy"),
            ]
        )

    def key(self, job: dict[str, Any]) -> str:
        text = json.dumps(job, sort_keys=True, default=str) + self.salt
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, job: dict[str, Any]) -> dict[str, Any] | None:
        path = self.folder / f"{self.key(job)}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        for dependency, digest in entry.get("dependencies", {}).items():
            if _file_hash(dependency) != digest:
                return None
        return entry.get("result")

    def put(self, job: dict[str, Any], result: dict[str, Any]) -> None:
        dependencies = {
            path: _file_hash(path)
            for path in result.get("project_files", [])
            if path != str(Path(job["path"]).resolve())
        }
        entry = {"dependencies": dependencies, "result": result}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{self.key(job)}.json"
            temporary = target.with_suffix(f".{os.getpid()}.part")
            temporary.write_text(json.dumps(entry), encoding="utf-8")
            temporary.replace(target)
        except OSError:
            pass  # a read-only home is not a reason to fail the run
