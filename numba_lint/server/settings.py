"""Editor settings + pyproject.toml -> the Config for one document, and the server's own options.

Called by the language server for every check. Precedence, lowest first: the `[tool.numba-lint]`
table of the pyproject.toml nearest to the document, `initializationOptions`, then the client's
`workspace/configuration` section "numba-lint". Keys are the pyproject keys (kebab-case; the
camelCase spellings editors prefer are accepted too). Never reads anything but those sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError, apply_environment, apply_table, load_config

SECTION = "numba-lint"


@dataclass(frozen=True)
class ServerOptions:
    """Options of the editor integration itself (not part of [tool.numba-lint])."""

    # Seconds to wait after the last keystroke before the static pass runs.
    debounce: float = 0.3
    # Run the trial compile when a file is saved.
    check_on_save: bool = True


_SERVER_KEYS = {"debounce", "check-on-save"}


def kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key).replace("_", "-").lower()


def normalise(settings: Any) -> dict[str, Any]:
    """Accept `{"numba-lint": {...}}`, `{"numbaLint": {...}}` or the bare table; kebab keys."""
    if not isinstance(settings, dict):
        return {}
    for wrapper in (SECTION, "numbaLint", "numba_lint"):
        if isinstance(settings.get(wrapper), dict):
            settings = settings[wrapper]
            break
    return {kebab(str(key)): value for key, value in settings.items()}


def split(settings: dict[str, Any]) -> tuple[dict[str, Any], ServerOptions]:
    """Settings -> ([tool.numba-lint]-shaped table, server options)."""
    table = {k: v for k, v in settings.items() if k not in _SERVER_KEYS}
    options = ServerOptions()
    debounce = settings.get("debounce", options.debounce)
    if not isinstance(debounce, (int, float)) or isinstance(debounce, bool) or debounce < 0:
        raise ConfigError("editor setting 'debounce' must be a number of seconds")
    on_save = settings.get("check-on-save", options.check_on_save)
    if not isinstance(on_save, bool):
        raise ConfigError("editor setting 'check-on-save' must be true or false")
    return table, ServerOptions(debounce=float(debounce), check_on_save=on_save)


def document_config(path: Path, layers: list[tuple[str, dict[str, Any]]]) -> Config:
    """The configuration that applies to `path`: its pyproject.toml, then each settings layer."""
    config = load_config(path if path.exists() else path.parent)
    for where, table in layers:
        if table:
            apply_table(config, table, where)
    # NUMBA_LINT_STATIC_ONLY=1 wins over editor settings too (SECURITY.md).
    return apply_environment(config)
