"""Report -> GitHub Actions workflow commands (`::error file=...,line=...::message`).

GitHub turns each command into an annotation on the pull request's diff. Errors and warnings
map to `::error` and `::warning`; info diagnostics (functions the trial compile could not check)
become `::notice` only with --verbose, as in the text format, so they do not crowd the limited
number of annotations GitHub shows per step.
"""

from __future__ import annotations

from ..diagnostic import Diagnostic, Report, Severity
from . import RenderOptions
from .text import summary_line

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command: %, CR and LF are percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: additionally ':' and ',' (they separate properties)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(diagnostic: Diagnostic) -> str:
    start, end = diagnostic.location, diagnostic.end_location
    properties = {
        "file": diagnostic.filename,
        "line": str(start.row),
        "col": str(start.column),
        "endLine": str(max(end.row, start.row)),
        "endColumn": str(end.column),
        "title": diagnostic.code,
    }
    fields = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.confirmed:
        message += " (confirmed by trial compile)"
    if diagnostic.url:
        message += f"\n{diagnostic.url}"
    return f"::{_COMMANDS[diagnostic.severity]} {fields}::{escape_data(message)}"


def render(report: Report, options: RenderOptions) -> str:
    out = [
        command(diagnostic)
        for diagnostic in report.diagnostics
        if diagnostic.severity is not Severity.INFO or options.verbose
    ]
    out.append(summary_line(report))
    return "\n".join(out) + "\n"
