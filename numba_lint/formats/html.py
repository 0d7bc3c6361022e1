"""Report -> one self-contained HTML page: an overview per file, then each jitted function's source
with the types Numba inferred per line and its findings under their lines (as `explain` shows).

Inline CSS only, no script, no link that loads anything: the page reads the same offline and
without JavaScript; functions fold with <details>. `check --format html` asks the run to record
the types (pipeline.Options.record_types); without them the source is shown with its findings.
A notebook's functions are shown with their cells' text and `cell 5:2` line labels.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..diagnostic import Diagnostic, FunctionCoverage, Report
from ..explain.collect import Typing
from ..explain.render import failing_row, fix_hint, types_by_row
from . import RenderOptions
from .html_views import View, views

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.ok{color:#11652b}.fail{color:#a30d0d;font-weight:600}.skip{color:#7a5b00}
details{margin:.6em 0;border:1px solid #ddd;border-radius:4px;padding:.3em .6em}
summary{cursor:pointer;font-weight:600}
.src{font:13px/1.4 ui-monospace,monospace;white-space:pre;overflow-x:auto}
.src div{padding:0 .4em}.no{color:#888;display:inline-block;min-width:4em;text-align:right;
margin-right:1em;user-select:none}
.types{color:#0b4f8a;background:#eef5fc}.failing{background:#fde2e2;border-left:4px solid
#c00}.finding{background:#fff4f4;color:#7a0000;white-space:pre-wrap}
.finding a{color:#7a0000;font-weight:700}.sig{color:#444;font-style:italic}
"""


def render(report: Report, options: RenderOptions) -> str:
    s = report.summary
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>numba-lint report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>numba-lint report</h1>",
        f"<p>{s.files} file(s), {s.jit_functions} jitted function(s), "
        f"{s.dynamically_checked} trial-compiled; "
        f"{sum(d.severity.value == 'error' for d in report.diagnostics)} error(s), "
        f"{sum(d.severity.value == 'warning' for d in report.diagnostics)} warning(s).</p>",
    ]
    files = sorted(
        {f.filename for f in report.functions} | {d.filename for d in report.diagnostics}
    )
    for filename in files:
        parts.extend(_file(report, filename))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _file(report: Report, filename: str) -> list[str]:
    functions = [f for f in report.functions if f.filename == filename]
    findings = [d for d in report.diagnostics if d.filename == filename]
    placed: dict[int, tuple[View, tuple[int, int], int]] = {}
    for view in views(filename, report.sources.get(filename, []), findings):
        for function in functions:
            row = view.def_row(function.line, function.cell)
            span = _span(view.lines, row) if row is not None else None
            if row is not None and span is not None and id(function) not in placed:
                placed[id(function)] = (view, span, row)
    out = [f'<h2 id="{escape(filename)}">{escape(filename)}</h2>', "<table>"]
    out.append("<tr><th>function</th><th>line</th><th>status</th><th>signatures</th></tr>")
    for function in functions:
        where_placed = placed.get(id(function))
        if where_placed is None:
            mine = _findings_of(function, None, findings)
        else:
            mine = _findings_of(function, where_placed[1], where_placed[0].findings)
        where = f"cell {function.cell[0]}:{function.cell[1]}" if function.cell else function.line
        status, css = _status(function, mine)
        signatures = "; ".join(function.signatures)
        source = f" (from {function.signature_source})" if function.signature_source else ""
        out.append(
            f"<tr><td>{escape(function.name)}</td><td>{where}</td>"
            f'<td class="{css}">{escape(status)}</td><td>{escape(signatures + source)}</td></tr>'
        )
    out.append("</table>")
    shown: set[tuple[str, int, int, str]] = set()
    for function in functions:
        if id(function) not in placed:
            continue
        view, span, def_row = placed[id(function)]
        mine = _findings_of(function, span, view.findings)
        shown.update((d.code, d.location.row, d.location.column, d.message) for d in mine)
        typings = _typings(report.types, function, view.path, def_row)
        out.extend(_function(function, view, span, typings, mine))
    others = [d for d in findings if not _shown(d, shown)]
    if others:
        out.append("<h3>Other findings</h3><ul>")
        for d in others:
            where = f"cell {d.cell.cell}:{d.cell.row}" if d.cell else f"line {d.location.row}"
            out.append(f"<li>{where}: {_code_link(d)} {escape(d.message)}</li>")
        out.append("</ul>")
    return out


def _shown(d: Diagnostic, shown: set[tuple[str, int, int, str]]) -> bool:
    # A notebook's findings were moved to module rows: compared by code and message there.
    if d.cell is not None:
        return any(key[0] == d.code and key[3] == d.message for key in shown)
    return (d.code, d.location.row, d.location.column, d.message) in shown


def _status(function: FunctionCoverage, findings: list[Diagnostic]) -> tuple[str, str]:
    if any(d.severity.value == "error" for d in findings):
        return "failing", "fail"
    if function.checked:
        return "trial-compiled", "ok"
    return f"not checked: {function.reason or 'no trial compile'}", "skip"


def _span(lines: list[str], def_row: int) -> tuple[int, int] | None:
    """(first, last) 1-based rows of the function at `def_row`: its decorators, its body."""
    if not 1 <= def_row <= len(lines):
        return None
    indent = len(lines[def_row - 1]) - len(lines[def_row - 1].lstrip())
    first = def_row
    while first > 1 and lines[first - 2].strip().startswith("@"):
        first -= 1
    last = def_row
    for row in range(def_row + 1, len(lines) + 1):
        text = lines[row - 1]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        if text.strip():
            last = row
    return first, last


def _findings_of(
    function: FunctionCoverage, span: tuple[int, int] | None, findings: list[Diagnostic]
) -> list[Diagnostic]:
    if span is None:
        return [d for d in findings if d.function == function.name]
    return [d for d in findings if span[0] <= d.location.row <= span[1]]


def _typings(
    records: list[dict[str, Any]], function: FunctionCoverage, path: str, def_row: int
) -> list[Typing]:
    """The recorded typings of `function` in the module at `path`; Numba places the arguments
    at the first decorator's line, shown here on the `def` line."""
    return [
        Typing(
            r["signature"],
            r.get("return", ""),
            bool(r.get("complete")),
            tuple((max(v["line"], def_row), v["name"], v["type"]) for v in r["variables"]),
        )
        for r in records
        if r["file"] == path and r["qualname"] == function.name
    ]


def _function(
    function: FunctionCoverage,
    view: View,
    span: tuple[int, int],
    typings: list[Typing],
    findings: list[Diagnostic],
) -> list[str]:
    failing = any(d.severity.value == "error" for d in findings)
    status, css = _status(function, findings)
    out = [
        f'<details{" open" if failing else ""} id="{escape(function.filename)}::'
        f'{escape(function.name)}">',
        f'<summary>{escape(function.name)} <span class="{css}">{escape(status)}</span></summary>',
    ]
    if function.signature_source:
        out.append(f'<p class="sig">signatures from {escape(function.signature_source)}</p>')
    blocks: list[Typing | None] = list(typings) or [None]
    for typing in blocks:
        if typing is not None:
            state = "" if typing.complete else " — typing failed: types up to the failure"
            ret = f" -> {typing.return_type}" if typing.complete and typing.return_type else ""
            out.append(
                f'<p class="sig">{escape(function.name + typing.signature + ret + state)}</p>'
            )
        shown = findings if typing is None or not typing.complete or typing is blocks[-1] else []
        out.append(_source(view, span, typing, shown))
    out.append("</details>")
    return out


def _source(
    view: View, span: tuple[int, int], typing: Typing | None, findings: list[Diagnostic]
) -> str:
    types = types_by_row(typing)
    stop = failing_row(findings) if typing is not None and not typing.complete else None
    rows = []
    for row in range(span[0], span[1] + 1):
        text = view.lines[row - 1]
        marked = [d for d in findings if d.location.row == row]
        css = ' class="failing"' if any(d.severity.value == "error" for d in marked) else ""
        rows.append(
            f'<div{css}><span class="no">{escape(view.labels[row - 1])}</span>{escape(text)}</div>'
        )
        shown = types.get(row, [])
        if shown and (stop is None or row <= stop):
            indent = text[: len(text) - len(text.lstrip())]
            names = ", ".join(f"{n}: {t}" for n, t in shown)
            rows.append(
                f'<div class="types"><span class="no"></span>{escape(indent + names)}</div>'
            )
        rows.extend(_finding(d) for d in marked)
    return '<div class="src">' + "".join(rows) + "</div>"


def _finding(d: Diagnostic) -> str:
    text = f"{_code_link(d)} [{escape(d.severity.value)}] {escape(d.message)}"
    numba = d.detail.get("numba", "")
    if numba:
        text += "\nNumba: " + escape(numba.strip())
    hint = fix_hint(d.code)
    if hint:
        text += "\nfix: " + escape(hint)
    return f'<div class="finding"><span class="no">!</span>{text}</div>'


def _code_link(d: Diagnostic) -> str:
    if d.url:
        return f'<a href="{escape(d.url)}">{escape(d.code)}</a>'
    return escape(d.code)
