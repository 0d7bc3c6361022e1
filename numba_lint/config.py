"""`[tool.numba-lint]` in pyproject.toml plus command-line overrides -> Config.

Called by the CLI and the language server before anything is checked. Every bad value raises
ConfigError with one clear sentence; nothing here knows about rules beyond their codes.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "__pypackages__",
    "build",
    "dist",
    "site-packages",
    "node_modules",
    ".eggs",
    "*.egg-info",
    ".ipynb_checkpoints",
)

SEVERITY_NAMES = ("error", "warning", "info")

# Set to 1 (CI, a shared runner) to forbid the trial compile whatever the configuration says.
STATIC_ONLY_VARIABLE = "NUMBA_LINT_STATIC_ONLY"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


class ConfigError(Exception):
    """A bad flag or configuration value: reported as one line, exit code 2."""


@dataclass
class Config:
    project_root: Path
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    fail_level: str = "error"
    jobs: int | None = None
    timeout: float = 60.0
    # MiB of data (heap and private mappings) each trial-compile worker may allocate; 0: no limit.
    memory_limit: int = 8192
    signatures_file: str = ".numba-lint/signatures.json"
    full_compile: bool = False
    static_only: bool = False
    cache: bool = True
    # Where pyproject.toml came from, for messages.
    source: Path | None = None
    # Option name -> where its value was set ("command line", "[tool.numba-lint] in ..."),
    # so an error about a value can say where to fix it.
    origins: dict[str, str] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        return self.origins.get(key, key)

    def excludes(self) -> list[str]:
        return [*(self.exclude or DEFAULT_EXCLUDES), *self.extend_exclude]

    def signatures_path(self) -> Path:
        """The signatures file `harvest` writes and `check` reads (one rule for both)."""
        return signatures_path(self.project_root, self.signatures_file)

    def signatures_file_configured(self) -> bool:
        """Whether `signatures-file` was set explicitly (a missing file is then worth a note)."""
        return "signatures-file" in self.origins


# pyproject key -> (attribute, expected type description, checker)
_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (a file or a folder)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def find_project_root(start: Path, cwd: Path | None = None) -> Path:
    """The project root of every command (check, harvest, the language server), so that the
    signatures file `harvest` writes is the one `check` reads, whatever paths it is given.

    The folder of the nearest `pyproject.toml` at or above `start`; else the nearest folder at
    or above `start` holding `.git` (a folder, or a file in a worktree or submodule); else the
    working directory. `start` is a checked path, or the working directory itself for `harvest`.
    """
    pyproject = find_pyproject(start)
    if pyproject is not None:
        return pyproject.parent.resolve()
    return _root_without_pyproject(start, cwd)


def _root_without_pyproject(start: Path, cwd: Path | None) -> Path:
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    working = (cwd or Path.cwd()).resolve()
    if here == working or working in here.parents:
        return working
    # A path outside the working directory, in no repository: its own folder is the best guess
    # (nothing else could have harvested it under a root that contains it).
    return here


def signatures_path(project_root: Path, signatures_file: str) -> Path:
    """`signatures-file` resolved against the project root (an absolute path stays as it is)."""
    path = Path(signatures_file).expanduser()
    return path if path.is_absolute() else project_root / path


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Read the configuration that applies to paths under `start` (see find_project_root)."""
    pyproject = explicit if explicit is not None else find_pyproject(start)
    if pyproject is None:
        return apply_environment(Config(project_root=find_project_root(start)))
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {pyproject}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject} is not valid TOML: {exc}") from exc
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"'tool' in {pyproject} must be a table")
    table = tool.get("numba-lint", {})
    config = Config(project_root=pyproject.parent.resolve(), source=pyproject)
    apply_table(config, table, where=f"[tool.numba-lint] in {pyproject}")
    return apply_environment(config)


def apply_environment(config: Config, environ: Mapping[str, str] | None = None) -> Config:
    """NUMBA_LINT_STATIC_ONLY=1 forces the static pass alone (it can only switch the trial
    compile off: 0 or empty leaves the configuration as it is)."""
    value = (os.environ if environ is None else environ).get(STATIC_ONLY_VARIABLE)
    if value is None or value.strip().lower() in _FALSE:
        return config
    if value.strip().lower() not in _TRUE:
        raise ConfigError(f"{STATIC_ONLY_VARIABLE}={value!r}: use 1 (static pass only) or 0")
    config.static_only = True
    config.origins["static-only"] = f"the environment variable {STATIC_ONLY_VARIABLE}"
    return config


def apply_table(config: Config, table: Any, where: str) -> None:
    """Apply a `[tool.numba-lint]`-shaped mapping (also used for LSP settings)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    known = {f.name.replace("_", "-") for f in fields(Config)} - {
        "project-root",
        "source",
        "origins",
    }
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown option '{key}' (known: {', '.join(sorted(known))})"
            )
        attr = key.replace("-", "_")
        config.origins[key] = where
        if key in _LIST_KEYS:
            setattr(config, attr, _string_list(value, key, where))
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'per-file-ignores' must be a table of glob = [codes]")
            config.per_file_ignores = {
                str(glob): _string_list(codes, f"per-file-ignores.{glob}", where)
                for glob, codes in value.items()
            }
        elif key == "fail-level":
            if value not in SEVERITY_NAMES:
                raise ConfigError(
                    f"{where}: 'fail-level' must be one of {', '.join(SEVERITY_NAMES)}"
                )
            config.fail_level = value
        elif key == "jobs":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{where}: 'jobs' must be a positive integer")
            config.jobs = value
        elif key == "timeout":
            if (
                not isinstance(value, (int, float))
                or isinstance(value, bool)
                or not 0 < value < math.inf  # also rejects nan
            ):
                raise ConfigError(f"{where}: 'timeout' must be a positive number of seconds")
            config.timeout = float(value)
        elif key == "memory-limit":
            # The limit is set in bytes through a C long: 2**43 MiB is the most it holds.
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**43:
                raise ConfigError(
                    f"{where}: 'memory-limit' must be a whole number of MiB (0: no limit)"
                )
            config.memory_limit = value
        elif key == "signatures-file":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: 'signatures-file' must be a path")
            config.signatures_file = value
        elif key in ("full-compile", "static-only", "cache"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: '{key}' must be true or false")
            setattr(config, attr, value)


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return list(value)
