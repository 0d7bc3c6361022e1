"""The language server, driven over stdio by a real LSP client (pytest-lsp).

Every wait is for a notification or a response, never a sleep. The save test needs the dynamic
pass (trial compile in worker processes) and the type job behind hover.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest_lsp
from conftest import ROOT
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SOURCE = """\
import numpy as np
from numba import njit


class MyInt:
    def __init__(self, x):
        self.x = x


@njit
def add_object(a, b):
    return a.x + b.x


@njit
def total(values):
    s = np.sum(values) * 2.0
    return s


add_object(MyInt(5), MyInt(6))
total(np.ones(3))
"""
BAD_LINE = 11  # 0-based: `    return a.x + b.x`
TIMEOUT = 120

CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "numba_lint", "server"],
    server_env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
            initialization_options={"numba-lint": {"debounce": 0.05}},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(
    client: LanguageClient,
    uri: str,
    accept: Callable[[Sequence[lsp.Diagnostic]], bool] = lambda found: True,
) -> Sequence[lsp.Diagnostic]:
    """The first published diagnostics for `uri` that `accept` likes (callers clear old ones)."""

    async def wait() -> Sequence[lsp.Diagnostic]:
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and accept(found):
                return found
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_document(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    return uri


async def test_open_publishes_the_static_finding_at_its_range(client: LanguageClient, tmp_path):
    # Never saved: the static pass checks the editor's text, not the disk.
    uri = open_document(client, tmp_path / "kernels.py", SOURCE)
    found = await diagnostics_for(client, uri)
    assert [(d.code, d.range) for d in found] == [
        ("NB101", lsp.Range(lsp.Position(BAD_LINE, 11), lsp.Position(BAD_LINE, 14))),
        ("NB101", lsp.Range(lsp.Position(BAD_LINE, 17), lsp.Position(BAD_LINE, 20))),
    ]
    first = found[0]
    assert first.severity == lsp.DiagnosticSeverity.Error
    assert first.source == "numba-lint"
    assert "attribute 'x' of 'a'" in first.message
    assert first.code_description is not None
    assert first.code_description.href.endswith("rules/NB101-plain-class-attribute.md")


async def test_quick_fix_adds_noqa_and_the_finding_goes(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "kernels.py", SOURCE)
    found = await diagnostics_for(client, uri)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=lsp.CodeActionContext(diagnostics=[found[0]]),
        )
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, lsp.CodeAction) and action.kind == lsp.CodeActionKind.QuickFix
    (edit,) = action.edit.changes[uri]
    end_of_line = len("    return a.x + b.x")
    assert edit.range == lsp.Range(
        lsp.Position(BAD_LINE, end_of_line), lsp.Position(BAD_LINE, end_of_line)
    )
    assert edit.new_text == "  # noqa: NB101"

    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
            ],
        )
    )
    assert list(await diagnostics_for(client, uri)) == []


async def test_save_confirms_the_finding_and_hover_shows_numba_types(
    client: LanguageClient, tmp_path: Path
):
    path = tmp_path / "kernels.py"
    path.write_text(SOURCE)
    uri = open_document(client, path, SOURCE)
    await diagnostics_for(client, uri)

    client.diagnostics.pop(uri, None)
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    confirmed = await diagnostics_for(
        client, uri, lambda found: any(d.data and d.data.get("confirmed") for d in found)
    )
    first = next(d for d in confirmed if d.data.get("confirmed"))
    assert first.code == "NB101"
    assert first.range.start == lsp.Position(BAD_LINE, 11)
    assert "(confirmed by trial compile)" in first.message

    # `s` on `return s` (line 17, 0-based) of total(np.ones(3)).
    answer = await asyncio.wait_for(
        client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(17, 11)
            )
        ),
        TIMEOUT,
    )
    assert answer is not None
    assert "s: float64" in answer.contents.value
    assert "total(array(float64, 1d, C))" in answer.contents.value

    values = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(16, 20)
        )
    )
    assert values is not None and "values: array(float64, 1d, C)" in values.contents.value
    # Outside any jitted function there is nothing to say.
    outside = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(21, 2)
        )
    )
    assert outside is None


async def test_workspace_configuration_applies_and_shutdown_is_clean(tmp_path: Path):
    client = pytest_lsp.make_test_lsp_client()
    # What the editor answers to workspace/configuration for the "numba-lint" section.
    client.set_configuration({"ignore": ["NB101"]}, section="numba-lint")
    await client.start_io(*CONFIG.server_command, env=CONFIG.server_env)
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("neovim"), root_uri=tmp_path.as_uri()
            )
        )
        uri = open_document(client, tmp_path / "kernels.py", SOURCE)
        assert list(await diagnostics_for(client, uri)) == []
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        assert client._server is not None and client._server.returncode == 0
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # a failed test must not leave the server behind
        await client.stop()


def test_the_editor_path_never_imports_numba(tmp_path: Path) -> None:
    script = f"""
import sys
from pathlib import Path
from numba_lint.config import load_config
from numba_lint.server.app import check_static
path = Path({str(tmp_path / "kernels.py")!r})
found = check_static(path, {SOURCE!r}, load_config(path.parent))
assert [d.code for d in found] == ["NB101", "NB101"], found
loaded = sorted(m for m in sys.modules if m == "numba" or m.startswith("numba."))
assert not loaded, loaded
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
