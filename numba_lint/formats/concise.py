"""Report -> one line per finding, `path:row:col: CODE [severity] message`, nothing else.

For editors and tools that parse output line by line (Vim ALE, flycheck, efm): unlike `text`,
no source excerpt or summary line that a pattern could mistake for a finding. Info diagnostics
only with --verbose, as in `text`.
"""

from __future__ import annotations

from ..diagnostic import Report, Severity
from . import RenderOptions
from .text import position


def render(report: Report, options: RenderOptions) -> str:
    lines = [
        f"{position(d)}: {d.code} [{d.severity.value}] "
        f"{d.message}{' (confirmed by trial compile)' if d.confirmed else ''}"
        for d in report.diagnostics
        if d.severity is not Severity.INFO or options.verbose
    ]
    return "".join(line.replace("\n", " ") + "\n" for line in lines)
