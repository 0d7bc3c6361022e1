"""The language server's notebook documents, driven over stdio by a real LSP client (pytest-lsp).

The client opens a notebook as VS Code does (notebookDocument/didOpen with one text document per
cell, markdown included); findings must arrive on the document of the cell they are in, at the
line and columns within that cell. Every wait is for a notification, never a sleep.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest_lsp
from conftest import ROOT
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from numba_lint.server.notebooks import notebook_json

TIMEOUT = 120
CELLS = [
    (lsp.NotebookCellKind.Markup, "markdown", "# Plain classes in nopython mode"),
    (lsp.NotebookCellKind.Code, "python", "%load_ext autoreload\nfrom numba import njit"),
    (
        lsp.NotebookCellKind.Code,
        "python",
        "class MyInt:\n    def __init__(self, x):\n        self.x = x\n\n\n"
        "@njit\ndef add_object(a, b):\n    return a.x + b.x",
    ),
    (lsp.NotebookCellKind.Code, "python", "!echo hi\n%timeit add_object(MyInt(5), MyInt(6))"),
]
BAD_CELL, BAD_LINE = 2, 7  # 0-based: the third cell, `    return a.x + b.x`

CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "numba_lint", "server"],
    server_env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    capabilities = client_capabilities("visual-studio-code")
    capabilities.notebook_document = lsp.NotebookDocumentClientCapabilities(
        synchronization=lsp.NotebookDocumentSyncClientCapabilities()
    )
    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=tmp_path.as_uri(),
            initialization_options={"numba-lint": {"debounce": 0.05}},
        )
    )
    sync = result.capabilities.notebook_document_sync
    assert isinstance(sync, lsp.NotebookDocumentSyncOptions) and sync.save
    yield
    await lsp_client.shutdown_session()


def cell_uri(path: Path, number: int) -> str:
    return f"vscode-notebook-cell:{path.as_posix()}#cell{number}"


async def diagnostics_for(
    client: LanguageClient,
    uri: str,
    accept: Callable[[Sequence[lsp.Diagnostic]], bool] = lambda found: True,
) -> Sequence[lsp.Diagnostic]:
    async def wait() -> Sequence[lsp.Diagnostic]:
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and accept(found):
                return found
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_notebook(client: LanguageClient, path: Path) -> list[str]:
    uris = [cell_uri(path, number) for number in range(len(CELLS))]
    for uri in uris:
        client.diagnostics.pop(uri, None)
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(
                uri=path.as_uri(),
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    lsp.NotebookCell(kind=kind, document=uri)
                    for (kind, _, _), uri in zip(CELLS, uris, strict=True)
                ],
            ),
            cell_text_documents=[
                lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
                for (_, language, text), uri in zip(CELLS, uris, strict=True)
            ],
        )
    )
    return uris


async def test_findings_arrive_in_their_cell_and_go_when_fixed(client: LanguageClient, tmp_path):
    uris = open_notebook(client, tmp_path / "tutorial.ipynb")
    found = await diagnostics_for(client, uris[BAD_CELL])
    assert [(d.code, d.range) for d in found] == [
        ("NB101", lsp.Range(lsp.Position(BAD_LINE, 11), lsp.Position(BAD_LINE, 14))),
        ("NB101", lsp.Range(lsp.Position(BAD_LINE, 17), lsp.Position(BAD_LINE, 20))),
    ]
    for other in (1, 3):  # the other code cells get an empty list
        assert list(await diagnostics_for(client, uris[other])) == []

    # The quick fix works on the cell's document as on a file.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uris[BAD_CELL]),
            range=found[0].range,
            context=lsp.CodeActionContext(diagnostics=[found[0]]),
        )
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, lsp.CodeAction) and action.edit and action.edit.changes
    (edit,) = action.edit.changes[uris[BAD_CELL]]
    assert edit.new_text == "  # noqa: NB101"

    client.diagnostics.pop(uris[BAD_CELL], None)
    end = len("    return a.x + b.x")
    client.notebook_document_did_change(
        lsp.DidChangeNotebookDocumentParams(
            notebook_document=lsp.VersionedNotebookDocumentIdentifier(
                version=2, uri=(tmp_path / "tutorial.ipynb").as_uri()
            ),
            change=lsp.NotebookDocumentChangeEvent(
                cells=lsp.NotebookDocumentCellChanges(
                    text_content=[
                        lsp.NotebookDocumentCellContentChanges(
                            document=lsp.VersionedTextDocumentIdentifier(
                                uri=uris[BAD_CELL], version=2
                            ),
                            changes=[
                                lsp.TextDocumentContentChangePartial(
                                    range=lsp.Range(
                                        lsp.Position(BAD_LINE, end), lsp.Position(BAD_LINE, end)
                                    ),
                                    text="  # noqa: NB101",
                                )
                            ],
                        )
                    ]
                )
            ),
        )
    )
    assert list(await diagnostics_for(client, uris[BAD_CELL])) == []


async def test_save_confirms_the_finding_in_its_cell(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "tutorial.ipynb"
    path.write_text(notebook_json(CELLS), encoding="utf-8")  # as the editor would save it
    uris = open_notebook(client, path)
    await diagnostics_for(client, uris[BAD_CELL])

    client.diagnostics.pop(uris[BAD_CELL], None)
    client.notebook_document_did_save(
        lsp.DidSaveNotebookDocumentParams(
            notebook_document=lsp.NotebookDocumentIdentifier(uri=path.as_uri())
        )
    )
    confirmed = await diagnostics_for(
        client, uris[BAD_CELL], lambda found: any(d.data and d.data.get("confirmed") for d in found)
    )
    first = next(d for d in confirmed if d.data and d.data.get("confirmed"))
    assert first.code == "NB101"
    assert first.range.start == lsp.Position(BAD_LINE, 11)
    assert "passed at cell 4, line 2" in first.message
