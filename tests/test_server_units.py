"""The language server's pure parts: LSP ranges, the `# noqa` edit, settings and hover lookup."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec

from numba_lint.config import ConfigError
from numba_lint.diagnostic import Diagnostic, Location, Pass, Severity
from numba_lint.server import hover, settings
from numba_lint.server.convert import noqa_edit, to_lsp

UTF16 = PositionCodec(lsp.PositionEncodingKind.Utf16)


@pytest.mark.parametrize(
    ("line", "start", "end", "text"),
    [
        ("    return a.x", 14, 14, "  # noqa: NB101"),
        ("    return a.x   ", 14, 17, "  # noqa: NB101"),
        ("    return a.x  # noqa: NB201", 29, 29, ", NB101"),
        ("    x = 1  # noqa: NB201, NB3 more words", 29, 29, ", NB101"),
        ("    s = 'é😀' + a.x", 19, 19, "  # noqa: NB101"),  # UTF-16: the emoji is 2 units
    ],
)
def test_noqa_edit(line: str, start: int, end: int, text: str) -> None:
    edit = noqa_edit(3, line, "NB101", UTF16)
    assert edit is not None
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (
        start,
        end,
        text,
    )
    assert edit.range.start.line == edit.range.end.line == 3


@pytest.mark.parametrize(
    "line",
    ["    return a.x  # noqa", "    y = a.x + \\", "    return a.x  # noqa: NB101"],
)
def test_no_noqa_edit_when_useless_or_unsafe(line: str) -> None:
    assert noqa_edit(0, line, "NB101", UTF16) is None


def test_to_lsp_converts_columns_to_client_units() -> None:
    diagnostic = Diagnostic(
        filename="m.py",
        location=Location(2, 9),
        end_location=Location(2, 12),
        code="NB101",
        message="m",
        severity=Severity.WARNING,
        pass_=Pass.STATIC,
        confirmed=True,
        url="https://example.invalid/NB101",
    )
    lines = ["x = 1", "s = '😀' + a.x"]
    converted = to_lsp(diagnostic, lines, UTF16)
    # Code points 8..11 (0-based) are UTF-16 units 9..12 after the emoji.
    assert converted.range == lsp.Range(lsp.Position(1, 9), lsp.Position(1, 12))
    assert converted.severity == lsp.DiagnosticSeverity.Warning
    assert converted.message == "m (confirmed by trial compile)"
    assert converted.code_description.href == "https://example.invalid/NB101"


def test_settings_layers_override_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.numba-lint]\nignore = ["NB001"]\n')
    table, options = settings.split(
        settings.normalise({"numbaLint": {"staticOnly": True, "debounce": 1, "checkOnSave": False}})
    )
    assert table == {"static-only": True}
    assert options == settings.ServerOptions(debounce=1.0, check_on_save=False)
    config = settings.document_config(tmp_path / "m.py", [("editor", table)])
    assert config.static_only is True and config.ignore == ["NB001"]
    with pytest.raises(ConfigError):
        settings.document_config(tmp_path / "m.py", [("editor", {"no-such-key": 1})])
    with pytest.raises(ConfigError):
        settings.split({"debounce": "soon"})


def test_describe_picks_the_assignment_that_reaches_the_line() -> None:
    store = hover.TypeStore()
    store.update(
        {
            "functions": {
                "f": [
                    {
                        "signature": "(int64)",
                        "return": "float64",
                        "variables": [
                            {"name": "x", "line": 2, "type": "int64"},
                            {"name": "x", "line": 5, "type": "float64"},
                        ],
                    }
                ]
            }
        }
    )
    assert "x: int64" in hover.describe(store, "f", "x", 4)
    assert "x: float64" in hover.describe(store, "f", "x", 6)
    assert hover.describe(store, "f", "y", 6) is None
    # A later typing without this function keeps the last successful one.
    store.update({"functions": {}})
    assert "x: float64" in hover.describe(store, "f", "x", 6)
    assert hover.identifier_at("    return total + x1", 19) == "x1"
    assert hover.identifier_at("    return total + x1", 21) == "x1"
    assert hover.identifier_at("    return (", 11) is None
