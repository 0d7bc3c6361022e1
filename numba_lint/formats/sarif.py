"""Report -> SARIF 2.1.0, the format GitHub code scanning and other CI dashboards ingest.

`tool.driver.rules` lists every rule numba-lint knows (not only those found), so a dashboard can
show rule help for any alert. URIs are relative to the project root (`%SRCROOT%`), and each
result carries a `partialFingerprints` entry built from content, not line numbers, so code
scanning keeps an alert's identity when unrelated lines move.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .. import __version__
from ..baseline import SourceLines, fingerprint, relative_path
from ..checks import ALL_RULES, RuleInfo
from ..diagnostic import Diagnostic, Report, Severity
from . import RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/numba-lint/numba-lint"
FINGERPRINT_KEY = "numbaLint/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(as_data(report, options), indent=2) + "\n"


def as_data(report: Report, options: RenderOptions) -> dict[str, Any]:
    root = source_root(options.root)
    # Rules sorted by code (a total order that does not depend on the registry's grouping);
    # results in the report's order (pipeline.diagnostic_order), each with its rule's index.
    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    index = {rule.code: position for position, rule in enumerate(rules)}
    lines = SourceLines()
    seen: Counter[str] = Counter()
    results = []
    for diagnostic in report.diagnostics:
        path = relative_path(diagnostic.filename, root)
        base = fingerprint(diagnostic, path, lines)
        seen[base] += 1  # identical findings stay distinct, in source order
        results.append(
            _result(diagnostic, path, f"{base}:{seen[base]}", index.get(diagnostic.code))
        )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "numba-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": text}} for text in report.errors
                ],
            }
        ],
    }
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def source_root(project_root: Path | None) -> Path | None:
    """The repository root above the project (code scanning resolves URIs against the
    repository, and pyproject.toml may sit in a subfolder); the project root outside git."""
    if project_root is None:
        return None
    start = project_root.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _rule(rule: type[RuleInfo]) -> dict[str, Any]:
    docs = rule.docs()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(docs) or rule.summary},
        "help": {"text": docs or rule.summary, "markdown": docs or rule.summary},
        "helpUri": rule.url(),
        "defaultConfiguration": {
            "level": _LEVELS[rule.severity],
            "enabled": rule.default_enabled,
        },
        "properties": {"pass": rule.pass_.value, "tags": ["numba", rule.pass_.value]},
    }


def _what_it_does(docs: str) -> str:
    """The paragraph under the "What it does" heading of a rule's documentation."""
    body: list[str] = []
    inside = False
    for line in docs.splitlines():
        if line.startswith("#"):
            if inside:
                break
            inside = line.lstrip("#").strip().lower() == "what it does"
            continue
        if inside:
            body.append(line.strip())
    return " ".join(part for part in body if part)


def _result(
    diagnostic: Diagnostic, path: str, print_: str, rule_index: int | None
) -> dict[str, Any]:
    start, end = diagnostic.location, diagnostic.end_location
    region = {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": max(end.row, start.row),
        # SARIF's endColumn is the column after the last character, as ours is.
        "endColumn": end.column
        if (end.row, end.column) > (start.row, start.column)
        else start.column + 1,
    }
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": _LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                },
                **(
                    {
                        "logicalLocations": [
                            {"fullyQualifiedName": diagnostic.function, "kind": "function"}
                        ]
                    }
                    if diagnostic.function
                    else {}
                ),
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: print_},
        "properties": {"pass": diagnostic.pass_.value, "confirmed": diagnostic.confirmed},
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    return result
