"""Report -> flake8/ruff-style text: `path:row:col: CODE [severity] message`, source line, caret.

Info-level diagnostics (functions the trial compile could not check) are counted in the summary
and listed only with --verbose, so a large lazy codebase does not drown its real findings.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..diagnostic import Diagnostic, Location, Report, Severity
from . import RenderOptions

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(report: Report, options: RenderOptions) -> str:
    out: list[str] = []
    sources = dict(report.sources)
    for diagnostic in report.diagnostics:
        if diagnostic.severity is Severity.INFO and not options.verbose:
            continue
        out.append(_headline(diagnostic, options.color))
        if diagnostic.cell is not None:  # a notebook: the excerpt is the cell's line
            out.extend(_excerpt(in_cell(diagnostic), [diagnostic.cell.text], options.color))
        else:
            lines = sources.setdefault(diagnostic.filename, _read_lines(diagnostic.filename))
            out.extend(_excerpt(diagnostic, lines, options.color))
        if options.verbose and diagnostic.detail.get("numba"):
            out.extend("    | " + line for line in str(diagnostic.detail["numba"]).splitlines())
    if options.verbose:
        out.extend(wrapper_lines(report))
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def wrapper_lines(report: Report) -> list[str]:
    """--verbose: the functions a project wrapper made jitted (a decorator factory, a wrapper
    class, a `partial`), and each variant of a def jitted more than once."""
    lines = []
    for function in report.functions:
        if function.via is None and function.dispatcher is None:
            continue
        how = f"via {function.via}" if function.via else "jitted"
        if function.dispatcher:
            how += f" as {function.dispatcher}"
        where = f"cell {function.cell[0]}:{function.cell[1]}" if function.cell else function.line
        lines.append(f"{function.filename}:{where}: {function.name} ({how})")
    return ["Jitted through project wrappers or as variants:", *lines] if lines else []


def position(diagnostic: Diagnostic) -> str:
    """`path:row:col`, or `nb.ipynb:cell 7:2:12` in a notebook (cell, line in it, column)."""
    cell = diagnostic.cell
    if cell is not None:
        return f"{diagnostic.filename}:cell {cell.cell}:{cell.row}:{cell.column}"
    return f"{diagnostic.filename}:{diagnostic.location.row}:{diagnostic.location.column}"


def in_cell(diagnostic: Diagnostic) -> Diagnostic:
    """A notebook finding moved onto row 1 of a text holding only its cell line, with the
    cell's columns: what `_excerpt` needs to print that line and the caret under it."""
    cell = diagnostic.cell
    assert cell is not None
    end_row = 1 if cell.end_row == cell.row else 2
    return diagnostic.with_changes(
        location=Location(1, cell.column), end_location=Location(end_row, cell.end_column)
    )


def _headline(diagnostic: Diagnostic, color: bool) -> str:
    where = f"{position(diagnostic)}:"
    severity = diagnostic.severity.value
    # "confirmed": the trial compile failed on the same node the static rule flagged.
    tag = f"{severity}, confirmed" if diagnostic.confirmed else severity
    if color:
        tint = _COLORS[severity]
        return (
            f"{_BOLD}{where}{_RESET} {tint}{_BOLD}{diagnostic.code}{_RESET} "
            f"{tint}[{tag}]{_RESET} {diagnostic.message}"
        )
    return f"{where} {diagnostic.code} [{tag}] {diagnostic.message}"


def _read_lines(filename: str) -> list[str]:
    try:
        return Path(filename).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _excerpt(diagnostic: Diagnostic, lines: list[str], color: bool) -> list[str]:
    row = diagnostic.location.row
    if not 1 <= row <= len(lines):
        return []
    line = lines[row - 1].rstrip()
    start = max(diagnostic.location.column - 1, 0)
    if diagnostic.end_location.row == row:
        width = max(diagnostic.end_location.column - diagnostic.location.column, 1)
    else:
        width = max(len(line) - start, 1)
    if len(line) > _EXCERPT_WIDTH:  # a generated or minified line: show the part that matters
        line, start, width = _window(line, start, width)
    caret = " " * start + "^" * width
    if color:
        caret = _COLORS[diagnostic.severity.value] + caret + _RESET
    return [f"    {line}", f"    {caret}"]


# Longest source line shown whole under a finding (a 10,000-term line stays one screen line).
_EXCERPT_WIDTH = 160


def _window(line: str, start: int, width: int) -> tuple[str, int, int]:
    """About `_EXCERPT_WIDTH` characters of `line` around the flagged columns, cut ends marked
    with "...": the shown line, and the caret's start and width in it."""
    low = max(0, min(start - _EXCERPT_WIDTH // 3, len(line) - _EXCERPT_WIDTH))
    high = min(len(line), low + _EXCERPT_WIDTH)
    before = "..." if low > 0 else ""
    after = "..." if high < len(line) else ""
    shown = before + line[low:high] + after
    return shown, start - low + len(before), max(1, min(width, high - start))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    counts = Counter(d.severity.value for d in report.diagnostics)
    summary = report.summary
    parts = [
        f"{_plural(summary.files, 'file')}",
        f"{_plural(summary.jit_functions, 'jit function')}",
    ]
    if summary.dynamic_ran:
        parts.append(coverage_phrase(report))
    elif summary.jit_functions:
        parts.append("static pass only")
    scope = ", ".join(parts)
    if not counts.get("error") and not counts.get("warning"):
        found = "All checks passed"
    else:
        found = (
            f"Found {_plural(counts.get('error', 0), 'error')}, "
            f"{_plural(counts.get('warning', 0), 'warning')}"
        )
    if counts.get("info"):
        found += f", {counts['info']} info"
    return f"{found} ({scope}, {summary.seconds:.2f}s)."


def coverage_phrase(report: Report) -> str:
    """ "30 trial-compiled (12 decorator, 9 annotations), 12 not checked (no argument types)"."""
    checked = Counter(f.signature_source for f in report.functions if f.checked)
    unchecked = Counter(f.reason or "unknown" for f in report.functions if not f.checked)
    phrase = f"{sum(checked.values())} trial-compiled"
    if checked:
        phrase += " (" + ", ".join(f"{n} {source}" for source, n in checked.most_common()) + ")"
    if unchecked:
        phrase += (
            f", {sum(unchecked.values())} not checked ("
            + ", ".join(f"{n} {reason}" for reason, n in unchecked.most_common())
            + ")"
        )
    return phrase
