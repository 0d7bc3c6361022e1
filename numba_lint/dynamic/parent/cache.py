"""Worker results cached by content: (job, Numba/Python/numba-lint versions) -> result dict.

Called by run.py in the linter's process around trial.run_jobs. A hit also requires every
project file the worker imported to be unchanged (their hashes are stored with the result).
Lives in $NUMBA_LINT_CACHE_DIR or ~/.cache/numba-lint; never stores failures of the worker.
The folder is shared by every project of the user, so it is capped: after a run that stored
entries, the least recently used ones (the planning's call-site scans in SITES_FOLDER too) go
until it holds at most $NUMBA_LINT_CACHE_MAX_MB (DEFAULT_MAX_MB) megabytes; a hit counts as a
use.
Keys and entries name the project root by a placeholder, not its absolute path, so a cache
folder restored on another machine or checkout (CI's `actions/cache`, docs/ci.md) still hits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from ...atomic import write_atomically

# 2: workers hash with a fixed seed and report candidate places (irfacts.py).
# 3: each entry carries the digest of its result. 4: the project root stored as ROOT,
# not as its absolute path, so a cache restored in a checkout at another path still hits.
FORMAT = 4
ROOT = "<numba-lint:project-root>"
# A result is a few kilobytes: 256 MB holds tens of thousands of modules' results.
DEFAULT_MAX_MB = 256
MAX_MB_VARIABLE = "NUMBA_LINT_CACHE_MAX_MB"
# The planning's remembered call-site scans (call_site_cache.py): in the folder, under the cap.
SITES_FOLDER = "callsites"
# The worker results' folder in the cache folder.
RESULTS_FOLDER = "dynamic"


def cache_dir() -> Path:
    """numba-lint's one cache folder (the knowledge tables' too): $NUMBA_LINT_CACHE_DIR, else
    $XDG_CACHE_HOME/numba-lint, else ~/.cache/numba-lint (SECURITY.md)."""
    from ...knowledge import default_cache_dir

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


def _digest(result: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(result, sort_keys=True).encode("utf-8")).hexdigest()


class ResultCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = (folder or cache_dir()) / RESULTS_FOLDER
        self.stored = 0  # entries written by this run (trim only after a run that wrote)
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
        text = portable(json.dumps(job, sort_keys=True, default=str), job) + self.salt
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, job: dict[str, Any]) -> dict[str, Any] | None:
        path = self.folder / f"{self.key(job)}.json"
        try:
            entry = json.loads(local(path.read_text(encoding="utf-8"), job))
        except (OSError, ValueError):
            return None
        # A damaged entry (a disk error, an edit by hand) is a miss, never a crash: the
        # result must still match the digest it was stored with.
        if not isinstance(entry, dict):
            return None
        result, dependencies = entry.get("result"), entry.get("dependencies")
        if not isinstance(result, dict) or not isinstance(dependencies, dict):
            return None
        if entry.get("digest") != _digest(result):
            return None
        for dependency, digest in dependencies.items():
            if _file_hash(dependency) != digest:
                return None
        with contextlib.suppress(OSError):
            os.utime(path)  # a use: eviction goes by the time of last use
        return result

    def put(self, job: dict[str, Any], result: dict[str, Any]) -> None:
        dependencies = {
            path: _file_hash(path)
            for path in result.get("project_files", [])
            if path != str(Path(job["path"]).resolve())
        }
        entry = {"dependencies": dependencies, "result": result, "digest": _digest(result)}
        try:
            target = self.folder / f"{self.key(job)}.json"
            write_atomically(target, portable(json.dumps(entry), job))
        except OSError:
            pass  # a read-only home is not a reason to fail the run
        else:
            self.stored += 1

    def trim(self, limit: int | None = None) -> int:
        """Remove the least recently used entries until the folder holds at most `limit` bytes
        (default: max_bytes()); returns how many were removed. Never fails the run."""
        limit = max_bytes() if limit is None else limit
        entries: list[tuple[float, int, Path]] = []
        try:
            for path in [*self.folder.glob("*.json"), *self.folder.glob(f"{SITES_FOLDER}/*.json")]:
                with contextlib.suppress(OSError):
                    status = path.stat()
                    entries.append((status.st_mtime, status.st_size, path))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):  # oldest use first
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
            total -= size
        return removed


def max_bytes() -> int:
    """The cap on the dynamic cache folder: $NUMBA_LINT_CACHE_MAX_MB megabytes, else
    DEFAULT_MAX_MB (also for a bad value, which `max_mb_problem` reports)."""
    text = os.environ.get(MAX_MB_VARIABLE)
    megabytes = DEFAULT_MAX_MB if max_mb_problem() or text is None else int(text)
    return megabytes * 1024 * 1024


def max_mb_problem() -> str | None:
    """The error to report for a $NUMBA_LINT_CACHE_MAX_MB that is not a whole number >= 0."""
    text = os.environ.get(MAX_MB_VARIABLE)
    if text is None or (text.strip().isdigit() and text.strip().isascii()):
        return None
    return (
        f"{MAX_MB_VARIABLE}={text!r} is not a whole number of megabytes; "
        f"the dynamic cache was capped at the default {DEFAULT_MAX_MB} MB"
    )


def _root_forms(job: dict[str, Any]) -> list[tuple[str, str]]:
    """(as written in JSON text, placeholder) for the project root: as a path's prefix and as
    a whole string."""
    root = str(job.get("project_root", "")).rstrip("/\\")
    if not root:
        return []
    return [
        (json.dumps(root + os.sep)[1:-1], json.dumps(ROOT + os.sep)[1:-1]),
        (json.dumps(root), json.dumps(ROOT)),
    ]


def portable(text: str, job: dict[str, Any]) -> str:
    """JSON text with the project root's absolute path replaced by ROOT."""
    for written, placeholder in _root_forms(job):
        text = text.replace(written, placeholder)
    return text


def local(text: str, job: dict[str, Any]) -> str:
    """The inverse of `portable`, for this run's project root."""
    for written, placeholder in _root_forms(job):
        text = text.replace(placeholder, written)
    return text
