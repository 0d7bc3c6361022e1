"""numba-lint Diagnostics -> LSP diagnostics, and the `# noqa: CODE` quick-fix edit.

Pure functions used by the language server (app.py). numba-lint positions are 1-based code
points; LSP positions are 0-based in the client's encoding (UTF-16 unless negotiated), so every
range goes through the document's position codec against the text that was checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, ServerTextRange

from ..diagnostic import Diagnostic, Severity

SOURCE = "numba-lint"
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
# An existing noqa comment with a code list that a new code can join.
_NOQA_CODES = re.compile(
    r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+|\s+[A-Z]+[0-9]+)*)",
    re.IGNORECASE,
)
_BARE_NOQA = re.compile(r"#\s*noqa(?!\s*:)", re.IGNORECASE)


def to_lsp(diagnostic: Diagnostic, lines: Sequence[str], codec: PositionCodec) -> lsp.Diagnostic:
    start, end = diagnostic.location, diagnostic.end_location
    if (end.row, end.column) < (start.row, start.column):
        end = start
    server_range = ServerTextRange(
        ServerTextPosition(start.row - 1, start.column - 1),
        ServerTextPosition(end.row - 1, end.column - 1),
    )
    message = diagnostic.message
    if diagnostic.confirmed:
        message += " (confirmed by trial compile)"
    return lsp.Diagnostic(
        range=codec.range_to_client_units(list(lines), server_range),
        message=message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        code_description=lsp.CodeDescription(href=diagnostic.url) if diagnostic.url else None,
        source=SOURCE,
        data={
            "pass": diagnostic.pass_.value,
            "function": diagnostic.function,
            "confirmed": diagnostic.confirmed,
        },
    )


def noqa_edit(line_number: int, line: str, code: str, codec: PositionCodec) -> lsp.TextEdit | None:
    """The edit that silences `code` on a 0-based line, or None when it cannot be done safely
    (the line already silences everything, or it ends in a backslash continuation)."""
    text = line.rstrip("\r\n")
    if _BARE_NOQA.search(text) or text.rstrip().endswith("\\"):
        return None
    existing = _NOQA_CODES.search(text)
    if existing is not None:
        codes = re.split(r"[,\s]+", existing.group("codes").strip())
        if code.upper() in (c.upper() for c in codes):
            return None
        start = end = existing.end("codes")
        replacement = f", {code}"
    else:
        # Replaces trailing whitespace, so the line does not gain a W291.
        start, end = len(text.rstrip()), len(text)
        replacement = f"  # noqa: {code}"
    return lsp.TextEdit(
        range=lsp.Range(
            start=lsp.Position(line_number, codec.client_num_units(text[:start])),
            end=lsp.Position(line_number, codec.client_num_units(text[:end])),
        ),
        new_text=replacement,
    )


def noqa_actions(
    uri: str, lines: Sequence[str], diagnostics: Sequence[lsp.Diagnostic], codec: PositionCodec
) -> list[lsp.CodeAction]:
    """A quick fix per numba-lint diagnostic of the document: `# noqa: CODE` on its line."""
    actions = []
    for diagnostic in diagnostics:
        if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
            continue
        row = diagnostic.range.start.line
        if row >= len(lines):
            continue
        edit = noqa_edit(row, lines[row], diagnostic.code, codec)
        if edit is None:
            continue
        actions.append(
            lsp.CodeAction(
                title=f"Ignore {diagnostic.code} on this line (# noqa: {diagnostic.code})",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return actions
