"""`numba-lint clean [PATH] [--dynamic]`: remove the caches and say what was removed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from .config import find_project_root
from .static.cache import clean


def clean_main(path: Path, dynamic: bool) -> int:
    if not path.exists():
        sys.stderr.write(f"numba-lint: error: {path}: no such file or folder\n")
        return 2
    removed = clean(find_project_root(path))
    if dynamic:
        from .dynamic.parent.cache import ResultCache

        folder = ResultCache().folder
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in removed:
        sys.stdout.write(f"removed {folder}\n")
    if not removed:
        sys.stdout.write("nothing to remove: no cache found\n")
    return 0
