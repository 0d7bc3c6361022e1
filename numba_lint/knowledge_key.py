"""The knowledge base's environment key, remembered per fingerprint of what is installed.

Called by `knowledge.load_knowledge` and the static cache's key (`static/cache.py`) on every
run that needs them. Computing the key (`knowledge_build.environment.environment_key`) imports
importlib.metadata and reads every installed distribution's entry points: about a tenth of a
one-file check, paid again on every check of the language server. The key only changes when
what Python can import changes, so it is kept per fingerprint of the installation: the Python
running, the modules hidden from it (NUMBA_LINT_HIDE_MODULES), and each folder on `sys.path`
with the names and modification times of the `.dist-info` and `.egg-info` entries in it and
the names of the numba, numpy and scipy modules there. Installing, upgrading or removing a
distribution (numba, numpy, scipy or a `numba_extensions` package) adds or removes entries
there, which changes the listing. Kept in this process and in a small file in the user's cache,
next to the derived knowledge; an unreadable or foreign file counts as absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

FILE_NAME = "environment-keys.json"
# 1: the first layout. Entries kept in the file (a few environments share one cache folder).
FORMAT, KEPT = 1, 16
_METADATA_SUFFIXES = (".dist-info", ".egg-info")
# Modules whose presence the key reads besides the metadata (`knowledge_build.environment`:
# whether scipy is importable), found as a folder or file of that name (`scipy/`, `scipy.py`,
# an extension module) even without its metadata.
_KEY_MODULES = frozenset({"numba", "numpy", "scipy"})
_REMEMBERED: dict[str, dict[str, Any]] = {}


def installation_fingerprint() -> str:
    """A digest of everything the environment key is read from (see the module docstring)."""
    from .knowledge_build.environment import HIDE_ENV

    parts: list[Any] = [sys.executable, list(sys.version_info), os.environ.get(HIDE_ENV, "")]
    for entry in sys.path:
        parts.append([entry, *_folder_state(entry or ".")])
    return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _folder_state(entry: str) -> list[Any]:
    """What of a path entry the key can depend on: the names and modification times of its
    metadata entries and the names of the modules the key looks for (`_KEY_MODULES`); for a
    zip file, its time ([None]: it does not exist). Not a folder's own time: the project's
    root is on the path (`python -m`), and any file created there (the cache folder, an
    editor's backup) would make the next run compute the key again."""
    try:
        state = os.stat(entry)
    except OSError:
        return [None]
    if not stat.S_ISDIR(state.st_mode):
        return [state.st_mtime_ns]
    try:
        with os.scandir(entry) as listing:
            found = sorted(
                [item.name, item.stat().st_mtime_ns]
                if item.name.endswith(_METADATA_SUFFIXES)
                else [item.name, None]
                for item in listing
                if item.name.endswith(_METADATA_SUFFIXES) or item.name.split(".")[0] in _KEY_MODULES
            )
    except OSError:  # unreadable: its time, as for a file
        return [state.st_mtime_ns]
    return [found]


def environment_key(cache_dir: Path | None = None) -> dict[str, Any]:
    """`knowledge_build.environment.environment_key()`, computed only when the installation
    changed since a run that remembered it (`cache_dir`: the user cache, by default)."""
    fingerprint = installation_fingerprint()
    key = _REMEMBERED.get(fingerprint) or _stored_or_computed(fingerprint, cache_dir)
    _REMEMBERED[fingerprint] = key
    return json.loads(json.dumps(key))  # a copy: callers own what they get


def _stored_or_computed(fingerprint: str, cache_dir: Path | None) -> dict[str, Any]:
    path = _key_file(cache_dir)
    stored = _read_stored(path)
    found = stored.get(fingerprint)
    if isinstance(found, dict) and _well_formed(found):
        return found
    from .knowledge_build.environment import environment_key as computed

    key = computed()
    _store(path, stored, fingerprint, key)
    return key


def _key_file(cache_dir: Path | None) -> Path:
    from .knowledge import default_cache_dir

    return (cache_dir or default_cache_dir()) / FILE_NAME


def _read_stored(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    keys = data.get("keys")
    return dict(keys) if isinstance(keys, dict) else {}


def _well_formed(key: dict[str, Any]) -> bool:
    fields = ("numba", "numpy", "python", "scipy", "extensions")
    return sorted(key) == sorted(fields)


def _store(path: Path, stored: dict[str, Any], fingerprint: str, key: dict[str, Any]) -> None:
    """Add the key to the file, keeping the latest `KEPT`; a read-only cache is no failure."""
    from .atomic import write_atomically

    kept = {name: value for name, value in stored.items() if name != fingerprint}
    kept = dict(list(kept.items())[-(KEPT - 1) :])
    kept[fingerprint] = key
    try:
        write_atomically(path, json.dumps({"format": FORMAT, "keys": kept}))
    except OSError:
        pass
