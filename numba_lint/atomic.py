"""Write a file so that no reader, and no interrupted run, ever leaves half of it behind.

Used for every file numba-lint writes: the trial-compile cache, the signatures file, a
baseline, the knowledge tables. The text goes to a temporary file in the same folder (so the
rename cannot cross file systems), which replaces the target in one step; if anything stops
the write (a full disk, Ctrl-C), the temporary file is removed before the error goes on.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Temporary files end with this, so a test (or a user) can see none was left behind.
TEMPORARY_SUFFIX = ".numba-lint.tmp"


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Replace `path` with `text` (UTF-8) in one step. Raises OSError as `open` would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
