"""Report -> text, one module per output format, all with the same `render(report, options)`.

Formatters never know about rules; rules never know about formats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..diagnostic import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False
    # Used to make SARIF URIs relative to the repository root.
    root: Path | None = None


Renderer = Callable[[Report, RenderOptions], str]

FORMATS: dict[str, str] = {
    "text": "numba_lint.formats.text",
    "concise": "numba_lint.formats.concise",
    "json": "numba_lint.formats.json_format",
    "sarif": "numba_lint.formats.sarif",
    "github": "numba_lint.formats.github",
    "html": "numba_lint.formats.html",
}


def available_formats() -> list[str]:
    """The format names, without importing the formatters: building the command line's parser
    must stay cheap (`--version`, a one-file pre-commit run), and the SARIF and HTML formatters
    import every rule and libcst."""
    return list(FORMATS)


def renderer(name: str) -> Renderer:
    module = import_module(FORMATS[name])
    return module.render  # type: ignore[no-any-return]
