"""Explanation -> text (source with the types after each line, findings under their line) or JSON.

One block per typing: the signature, then the function's lines, each followed by the Numba
types of the variables it assigns. A typing that failed shows the types inferred up to the
failing line, the line marked with the finding, Numba's own message and the rule's fix hint.
"""

from __future__ import annotations

import json
from typing import Any

from ..catalog import find_rule
from ..diagnostic import Diagnostic
from .collect import Explanation, SourceLine, Typing

# Lines of Numba's own message shown under a finding (the whole text is in --format json).
NUMBA_LINES = 8


def render_text(explanation: Explanation) -> str:
    out = [f"{explanation.filename}: {explanation.function}", *_header(explanation)]
    blocks: list[Typing | None] = list(explanation.typings) or [None]
    failing = [typing for typing in blocks if typing is None or not typing.complete]
    for typing in blocks:
        out.append("")
        if typing is not None:
            out.append(_signature_line(explanation, typing))
        # Findings go with the typings that failed (with the last one when every typing passed:
        # a warning or what only lowering rejects).
        shown = typing in failing or (not failing and typing is blocks[-1])
        out.extend(_source(explanation, typing, explanation.findings if shown else []))
    if explanation.elsewhere:
        out += ["", "found elsewhere while typing it:"]
        for diagnostic in explanation.elsewhere:
            out.append(f"  {_where(diagnostic)}: {diagnostic.code} {diagnostic.message}")
    return "\n".join(out) + "\n"


def _header(explanation: Explanation) -> list[str]:
    if explanation.problem:
        return [explanation.problem]
    coverage = explanation.coverage
    if coverage is None:
        return ["not trial-compiled"]
    if not coverage.checked:
        return [f"not trial-compiled: {coverage.reason} (--signature gives it argument types)"]
    count = len(coverage.signatures)
    plural = "s" if count != 1 else ""
    listed = "; ".join(coverage.signatures)
    return [f"checked with {count} signature{plural} from {coverage.signature_source}: {listed}"]


def _signature_line(explanation: Explanation, typing: Typing) -> str:
    head = f"{explanation.function}{typing.signature}"
    if typing.complete:
        return f"{head} -> {typing.return_type}" if typing.return_type else head
    return f"{head}: typing failed (the types below are those inferred up to the failure)"


def _source(
    explanation: Explanation, typing: Typing | None, findings: list[Diagnostic]
) -> list[str]:
    lines = explanation.lines
    width = max((len(line.label) for line in lines), default=1)
    types = types_by_row(typing)
    stop = failing_row(findings) if typing is not None and not typing.complete else None
    out = []
    for line in lines:
        out.append(f"{line.label:>{width}} | {line.text}")
        pad = " " * width
        indent = " " * (len(line.text) - len(line.text.lstrip()))
        shown = types.get(line.row, [])
        if shown and (stop is None or line.row <= stop):
            out.append(f"{pad} : {indent}" + ", ".join(f"{n}: {t}" for n, t in shown))
        for diagnostic in findings:
            if diagnostic.location.row == line.row:
                out.extend(_marked(diagnostic, line, pad))
    return out


def _marked(diagnostic: Diagnostic, line: SourceLine, pad: str) -> list[str]:
    start = diagnostic.location.column - 1
    end = diagnostic.end_location.column - 1
    if diagnostic.end_location.row != line.row or end <= start:
        end = len(line.text)
    carets = " " * start + "^" * max(1, end - start)
    out = [f"{pad} ! {carets} {diagnostic.code} [{diagnostic.severity.value}] {diagnostic.message}"]
    numba = [text for text in diagnostic.detail.get("numba", "").splitlines() if text.strip()]
    if numba:
        out.append(f"{pad} !   Numba: {numba[0]}")
        out.extend(f"{pad} !          {text}" for text in numba[1:NUMBA_LINES])
    hint = fix_hint(diagnostic.code)
    if hint:
        out.append(f"{pad} !   fix: {hint}")
    if diagnostic.url:
        out.append(f"{pad} !   see: {diagnostic.url}")
    return out


def fix_hint(code: str) -> str | None:
    """The prose that opens the rule's "Use instead" section (its documentation page)."""
    rule = find_rule(code)
    if rule is None:
        return None
    text = rule.docs()
    _, found, after = text.partition("## Use instead")
    if not found:
        return None
    prose = []
    for raw in after.strip().splitlines():
        if raw.startswith("```") or raw.startswith("## ") or not raw.strip():
            break
        prose.append(raw.strip())
    return " ".join(prose).rstrip(":") or None


def types_by_row(typing: Typing | None) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for row, name, text in typing.variables if typing is not None else ():
        found.setdefault(row, []).append((name, text))
    return found


def failing_row(findings: list[Diagnostic]) -> int | None:
    rows = [d.location.row for d in findings if d.severity.value == "error"]
    return min(rows) if rows else None


def _where(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.filename}:{diagnostic.location.row}:{diagnostic.location.column}"


def render_json(explanation: Explanation) -> str:
    coverage = explanation.coverage
    data: dict[str, Any] = {
        "filename": explanation.filename,
        "function": explanation.function,
        "checked": bool(coverage and coverage.checked),
        "signature_source": coverage.signature_source if coverage else None,
        "signatures": list(coverage.signatures) if coverage else [],
        "reason": (coverage.reason if coverage else None) or explanation.problem,
        "lines": [
            {"line": line.row, "label": line.label, "text": line.text} for line in explanation.lines
        ],
        "typings": [
            {
                "signature": typing.signature,
                "return": typing.return_type or None,
                "complete": typing.complete,
                "variables": [
                    {"line": row, "name": name, "type": text}
                    for row, name, text in typing.variables
                ],
            }
            for typing in explanation.typings
        ],
        "findings": [_finding_json(d) for d in explanation.findings],
        "elsewhere": [_finding_json(d) for d in explanation.elsewhere],
    }
    return json.dumps(data, indent=2) + "\n"


def _finding_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {**diagnostic.to_json(), "fix": fix_hint(diagnostic.code)}
