"""Report -> the JSON contract of shared/design.md (`version` 1)."""

from __future__ import annotations

import json
from typing import Any

from ..diagnostic import Report
from . import RenderOptions

VERSION = 1


def as_data(report: Report) -> dict[str, Any]:
    return {
        "version": VERSION,
        "diagnostics": [diagnostic.to_json() for diagnostic in report.diagnostics],
        "summary": report.summary.to_json(),
        "functions": [function.to_json() for function in report.functions],
    }


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(as_data(report), indent=2) + "\n"
