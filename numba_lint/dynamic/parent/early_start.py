"""Whether a `check` starts the worker factory before its static pass.

Called by the command line (`cli._check`) once the configuration is read, before libcst or a
rule is imported. The factory imports and warms Numba (`worker/zygote.py`: about half a
second of CPU, more on a loaded machine); the dynamic pass would otherwise start it only after
the static pass, and then wait for it. Started first, it runs on another core while this
process imports libcst and runs the static pass (`bench_dynamic.py --sixty`).

It is started early only where the trial compile will most likely need it: not for a
static-only run, not when every path named is a file and none of them may use numba (a
pre-commit hook passes every staged file), and not when the dynamic result cache already holds
results (a warm run may answer every module from it: the dynamic pass then starts the factory
at the first module that needs a worker, as before). A factory started for nothing is killed
at exit (`trial.Zygote.close`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ...config import Config
from ...static.prefilter import may_use_numba


def start_early(config: Config, paths: Sequence[str], stdin_text: str | None = None) -> bool:
    """Whether to start the worker factory now (see the module docstring)."""
    if config.static_only:
        return False
    if stdin_text is not None:
        if not may_use_numba(stdin_text):
            return False
    elif paths and all(Path(path).is_file() for path in paths):
        if not any(_may_use_numba(Path(path)) for path in paths):
            return False
    # Only now: the cache module imports importlib.metadata, which a file without numba never needs.
    from .cache import RESULTS_FOLDER, cache_dir

    return not config.cache or not _holds_results(cache_dir() / RESULTS_FOLDER)


def _may_use_numba(path: Path) -> bool:
    try:
        return may_use_numba(path.read_bytes().decode("utf-8", "replace"))
    except OSError:  # the run reports it
        return False


def _holds_results(folder: Path) -> bool:
    """Whether the dynamic result cache has at least one entry (stops at the first)."""
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith(".json") for entry in entries)
    except OSError:  # no folder yet: a cold cache
        return False
