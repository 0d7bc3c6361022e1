"""Run CMD with the harvest hook in every Python process it starts -> the per-process record files.

Called by `harvest_main`. It builds a temporary directory holding a `sitecustomize.py` (put first
on PYTHONPATH), copies of the hook modules, an empty NUMBA_CACHE_DIR and the record folder; runs
CMD unchanged (same arguments, stdin/stdout/stderr, working directory) and removes the
directory afterwards, whatever happened. Never interprets CMD's output.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import signatures_file
from . import hook, spelling

# Module copies placed next to sitecustomize.py; names chosen not to clash with user modules.
_COPIES = {
    "_numba_lint_signatures_file.py": Path(signatures_file.__file__),
    "_numba_lint_spelling.py": Path(spelling.__file__),
    "_numba_lint_hook.py": Path(hook.__file__),
}

_SITECUSTOMIZE = '''"""Written by `numba-lint harvest` for one run; deleted when the run ends."""
import os as _os
import sys as _sys

if _os.environ.get("{dir_variable}"):
    try:
        import _numba_lint_hook
        _numba_lint_hook.install_from_environment()
    except Exception:
        pass


def _chain_to_shadowed_sitecustomize():
    # This file hides any sitecustomize.py later on sys.path (a distribution's or a venv's):
    # run that one too, so the program behaves exactly as without the harvest.
    import importlib.machinery
    import importlib.util

    here = _os.path.dirname(_os.path.abspath(__file__))
    rest = [entry for entry in _sys.path if _os.path.abspath(entry or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    _sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_chain_to_shadowed_sitecustomize()
'''


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    record_files: tuple[Path, ...]
    interrupted: bool


@contextmanager
def hook_directory() -> Iterator[Path]:
    """A temporary directory with the hook, the record folder and the Numba cache; removed on
    exit, also after an exception or KeyboardInterrupt."""
    base = Path(tempfile.mkdtemp(prefix="numba-lint-harvest-"))
    try:
        site = base / "site"
        site.mkdir()
        (base / "records").mkdir()
        (base / "numba-cache").mkdir()
        for name, source in _COPIES.items():
            shutil.copyfile(source, site / name)
        (site / "sitecustomize.py").write_text(
            _SITECUSTOMIZE.format(dir_variable=hook.DIR_VARIABLE), encoding="utf-8"
        )
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def child_environment(base: Path, project_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    site = str(base / "site")
    env["PYTHONPATH"] = site + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env[hook.DIR_VARIABLE] = str(base / "records")
    env[hook.ROOT_VARIABLE] = str(project_root.resolve())
    env[hook.PACKAGES_VARIABLE] = ",".join(sorted(project_packages(project_root)))
    # A caller loaded from Numba's disk cache is never typed, so its callees never compile.
    env["NUMBA_CACHE_DIR"] = str(base / "numba-cache")
    return env


# Folders below the root that hold no project module of their own.
_NOT_PACKAGES = frozenset({"site-packages", "dist-packages", "node_modules", "build", "dist"})


def project_packages(project_root: Path) -> set[str]:
    """The top-level module names the project defines (a package folder or a module file, at the
    root or in `src/`): the hook reports these when they are compiled from outside the root."""
    names = set()
    for folder in (project_root, project_root / "src"):
        try:
            children = list(folder.iterdir())
        except OSError:
            continue
        for child in children:
            if child.name.startswith(".") or child.name in _NOT_PACKAGES:
                continue
            if child.suffix == ".py" and child.stem.isidentifier():
                names.add(child.stem)
            elif child.name.isidentifier() and (child / "__init__.py").is_file():
                names.add(child.name)
    return names


# Numba reads NUMBA_DISABLE_JIT with int(): any non-zero number makes every @jit the plain Python
# function, so nothing compiles and the hook has nothing to record.
_DISABLE_JIT = "NUMBA_DISABLE_JIT"
# `NUMBA_DISABLE_JIT=1` (pytest-env, tox), `["NUMBA_DISABLE_JIT"] = "1"`, `setenv("...", "1")`.
_DISABLE_JIT_SETTING = re.compile(r"""NUMBA_DISABLE_JIT["']?\]?\s*[=:,]\s*["']?\s*0*[1-9]""")
# Where a test suite sets it for itself (read only at the project root and its test folders).
_TEST_CONFIGURATION = (
    "pytest.ini",
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
    "conftest.py",
    "tests/conftest.py",
    "test/conftest.py",
)


def jit_disabled(project_root: Path, environment: Mapping[str, str] | None = None) -> str | None:
    """Where NUMBA_DISABLE_JIT turns compilation off for the command ("the environment", or a
    test configuration file), or None."""
    value = (os.environ if environment is None else environment).get(_DISABLE_JIT, "").strip()
    try:
        if int(value or "0") != 0:
            return "the environment"
    except ValueError:
        pass  # Numba ignores a value int() cannot read (with a warning)
    for name in _TEST_CONFIGURATION:
        try:
            text = (project_root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if not line.lstrip().startswith(("#", ";")) and _DISABLE_JIT_SETTING.search(line):
                return name
    return None


def run_command(command: Sequence[str], base: Path, project_root: Path) -> RunResult:
    """Run `command` to completion and return its exit code (a shell's 128+N for signal N).

    Ctrl-C in a terminal reaches the command directly (same process group); a SIGINT or SIGTERM
    sent to the harvest alone is passed on. Either way the run counts as interrupted.
    """
    env = child_environment(base, project_root)
    interrupted = False
    process: subprocess.Popen[bytes] | None = None

    def pass_on(signum: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True
        if process is not None and (signum != signal.SIGINT or not _terminal_delivers()):
            process.send_signal(signum)

    handlers = {}
    if threading.current_thread() is threading.main_thread():
        handlers = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        process = subprocess.Popen(list(command), env=env)
        code = process.wait()
    finally:
        for sig, previous in handlers.items():
            signal.signal(sig, previous)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
    if code < 0:  # killed by a signal: report it the way a shell does
        interrupted = interrupted or -code in (signal.SIGINT, signal.SIGTERM)
        code = 128 - code
    records = tuple(sorted((base / "records").glob("records-*.jsonl")))
    return RunResult(code, records, interrupted)


def _terminal_delivers() -> bool:
    """True when Ctrl-C came from our terminal: it already went to the whole process group."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False
