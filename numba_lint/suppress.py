"""Which diagnostics the user wants to see: rule selection from config and `# noqa` comments.

Parts of the filter step (filter.FindingFilter, the one home for "why was this finding not
shown?"); the pipeline asks for them through it. Parsing of `# noqa` is strict: `# noqa`
alone silences the line, `# noqa: NB101,NB203` silences those codes (or code prefixes); a
`# noqa:` followed by anything else silences nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, ConfigError
from .diagnostic import Diagnostic

if TYPE_CHECKING:
    import pathspec

_NOQA = re.compile(
    r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*[,\s]\s*[A-Z]+[0-9]+)*))?"
    r"(?P<rest>\s*:)?",
    re.IGNORECASE,
)
_CODE_SPLIT = re.compile(r"[,\s]+")

ALL = "ALL"


def noqa_codes(line: str) -> frozenset[str] | None:
    """None: no usable noqa; empty set: blanket noqa; else the listed codes (upper case)."""
    match = _NOQA.search(line)
    if match is None:
        return None
    if match.group("codes"):
        return frozenset(c.upper() for c in _CODE_SPLIT.split(match.group("codes").strip()) if c)
    if match.group("rest"):
        # A noqa comment followed by anything but codes: strict, silences nothing.
        return None
    return frozenset()


def is_suppressed(diagnostic: Diagnostic, lines: Sequence[str]) -> bool:
    row = diagnostic.location.row
    if not 1 <= row <= len(lines):
        return False
    codes = noqa_codes(lines[row - 1])
    if codes is None:
        return False
    return not codes or any(diagnostic.code.startswith(code) for code in codes)


def expand(patterns: Iterable[str], known: Iterable[str], where: str) -> set[str]:
    """Codes named by `patterns`: full codes, prefixes like "NB1", or ALL."""
    known = sorted(set(known))
    result: set[str] = set()
    for pattern in patterns:
        upper = pattern.strip().upper()
        if upper == ALL:
            result.update(known)
            continue
        matched = [code for code in known if code.startswith(upper)]
        if not upper or not matched:
            raise ConfigError(f"{where}: unknown rule code or prefix '{pattern}'")
        result.update(matched)
    return result


class Selection:
    """The codes to report, per file."""

    def __init__(self, config: Config, known: dict[str, bool]) -> None:
        """`known` maps every rule code to whether it is enabled by default."""
        codes = list(known)
        if config.select:
            selected = expand(config.select, codes, config.origin("select"))
        else:
            selected = {code for code, default in known.items() if default}
        selected |= expand(config.extend_select, codes, config.origin("extend-select"))
        selected -= expand(config.ignore, codes, config.origin("ignore"))
        self.selected = frozenset(selected)
        self.root = config.project_root
        self.per_file: list[tuple[pathspec.PathSpec, frozenset[str]]] = []
        if config.per_file_ignores:  # pathspec is imported only when there is a glob to match
            self._add_per_file_ignores(config, codes)

    def _add_per_file_ignores(self, config: Config, codes: list[str]) -> None:
        import pathspec

        self.per_file = [
            (
                pathspec.GitIgnoreSpec.from_lines([glob]),
                frozenset(
                    expand(ignored, codes, f"{config.origin('per-file-ignores')} ('{glob}')")
                ),
            )
            for glob, ignored in config.per_file_ignores.items()
        ]

    def wants(self, diagnostic: Diagnostic, path: Path | None = None) -> bool:
        if diagnostic.code not in self.selected:
            return False
        if self.per_file and path is not None:
            try:
                relative = path.resolve().relative_to(self.root).as_posix()
            except ValueError:
                relative = path.as_posix()
            for spec, ignored in self.per_file:
                if diagnostic.code in ignored and spec.match_file(relative):
                    return False
        return True
