"""Findings -> content fingerprints, and a baseline file of accepted findings -> only new ones.

Used by the filter step (filter.apply_baseline: `--write-baseline FILE`, `--baseline FILE`)
and by the SARIF formatter (its `partialFingerprints`). A finding is identified by rule, file,
function and the text of its line with whitespace collapsed, never by line number, so
unrelated edits above it change nothing. Never decides what is reported beyond subtracting
the baseline.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_atomically
from .config import ConfigError
from .diagnostic import Diagnostic

BASELINE_VERSION = 1


class SourceLines:
    """The lines of each reported file, read once (formatters and the baseline share this)."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._lines: dict[str, list[str]] = {
            name: text.splitlines() for name, text in (texts or {}).items()
        }

    def line(self, filename: str, row: int) -> str | None:
        if filename not in self._lines:
            try:
                text = Path(filename).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._lines[filename] = text.splitlines()
        lines = self._lines[filename]
        return lines[row - 1] if 1 <= row <= len(lines) else None


def relative_path(filename: str, root: Path | None) -> str:
    """`filename` relative to the project root, with forward slashes (stable across machines)."""
    path = Path(filename)
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def content_key(diagnostic: Diagnostic, lines: SourceLines) -> str:
    """The flagged line's text with whitespace collapsed, plus the flagged span itself (two
    findings on one line stay apart); the message when the line is gone."""
    text = lines.line(diagnostic.filename, diagnostic.location.row)
    if text is None:
        return "message:" + diagnostic.message
    start, end = diagnostic.location, diagnostic.end_location
    span = text[start.column - 1 : end.column - 1] if end.row == start.row else ""
    return " ".join(text.split()) + "\0" + span.strip()


def fingerprint(diagnostic: Diagnostic, path: str, lines: SourceLines) -> str:
    parts = (diagnostic.code, path, diagnostic.function or "", content_key(diagnostic, lines))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, order=True)
class Entry:
    """One accepted finding (the baseline file holds a sorted list of these, with counts)."""

    file: str
    code: str
    function: str
    fingerprint: str


def entries(
    diagnostics: Iterable[Diagnostic], root: Path | None, lines: SourceLines
) -> list[Entry]:
    result = []
    for diagnostic in diagnostics:
        path = relative_path(diagnostic.filename, root)
        result.append(
            Entry(
                path,
                diagnostic.code,
                diagnostic.function or "",
                fingerprint(diagnostic, path, lines),
            )
        )
    return result


def write_baseline(
    target: Path, diagnostics: Sequence[Diagnostic], root: Path | None, lines: SourceLines
) -> int:
    """Record `diagnostics` in `target` (sorted, so the file diffs cleanly). Returns the count."""
    counts = Counter(entries(diagnostics, root, lines))
    data = {
        "version": BASELINE_VERSION,
        "tool": "numba-lint",
        "findings": [
            {
                "file": e.file,
                "code": e.code,
                "function": e.function or None,
                "fingerprint": e.fingerprint,
                "count": counts[e],
            }
            for e in sorted(counts)
        ],
    }
    write_atomically(target, json.dumps(data, indent=2) + "\n")
    return sum(counts.values())


def load_baseline(source: Path) -> Counter[Entry]:
    where = f"--baseline {source}"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it ({exc.strerror or exc})") from exc
    except ValueError as exc:  # not JSON, or not UTF-8
        raise ConfigError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("tool", "numba-lint") != "numba-lint":
        raise ConfigError(f"{where}: not a numba-lint baseline (version {BASELINE_VERSION})")
    if data.get("version") != BASELINE_VERSION:
        raise ConfigError(
            f"{where}: written in baseline format {data.get('version')!r}, this numba-lint "
            f"reads format {BASELINE_VERSION}; record it again with --write-baseline"
        )
    accepted: Counter[Entry] = Counter()
    try:
        for item in data["findings"]:
            entry = Entry(item["file"], item["code"], item["function"] or "", item["fingerprint"])
            accepted[entry] += int(item.get("count", 1))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: malformed entry ({exc})") from exc
    return accepted


def new_findings(
    diagnostics: Sequence[Diagnostic],
    accepted: Counter[Entry],
    root: Path | None,
    lines: SourceLines,
) -> list[Diagnostic]:
    """The diagnostics not covered by the baseline. A key recorded n times absorbs n findings:
    a second copy of an accepted problem is new."""
    remaining = Counter(accepted)
    fresh = []
    for diagnostic, entry in zip(diagnostics, entries(diagnostics, root, lines), strict=True):
        if remaining[entry] > 0:
            remaining[entry] -= 1
        else:
            fresh.append(diagnostic)
    return fresh
