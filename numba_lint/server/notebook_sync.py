"""The language server's notebook documents: notebookDocument/didOpen|didChange|didSave|didClose.

On open and (debounced) change: the static pass on the editor's cells, written as the notebook
JSON the pipeline reads. On save: the whole pipeline (static + trial compile) on the saved
.ipynb file. Either way each cell gets its own findings (server/notebooks.py), published on the
cell's own document, so the editor shows them in the right cell and line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from ..diagnostic import Diagnostic
from .convert import to_lsp
from .notebooks import by_cell, notebook_json

if TYPE_CHECKING:
    from .app import NumbaLintServer


def notebook_path(uri: str) -> Path:
    path = to_fs_path(uri)
    return Path(path) if path else Path.cwd() / "untitled.ipynb"


def schedule(ls: NumbaLintServer, uri: str, delay: float) -> None:
    key = f"notebook:{uri}"
    previous = ls.pending.pop(key, None)
    if previous is not None:
        previous.cancel()
    ls.pending[key] = asyncio.ensure_future(_static_later(ls, uri, delay))


def _snapshot(ls: NumbaLintServer, uri: str) -> tuple[int, list[str], str] | None:
    """(version, cell document URIs, notebook JSON) of an open notebook."""
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
    if notebook is None:
        return None
    cells = []
    for cell in notebook.cells:
        document = ls.workspace.get_text_document(cell.document)
        cells.append((cell.kind, document.language_id or "python", document.source))
    return notebook.version, [cell.document for cell in notebook.cells], notebook_json(cells)


async def _static_later(ls: NumbaLintServer, uri: str, delay: float) -> None:
    if delay:
        await asyncio.sleep(delay)  # debounce: a newer change cancels this task
    await ls.settled()
    snapshot = _snapshot(ls, uri)
    if snapshot is None:
        return
    version, cell_uris, text = snapshot
    found = await ls.static_findings(notebook_path(uri), text)
    if found is None:
        return
    current = ls.workspace.get_notebook_document(notebook_uri=uri)
    if current is None or current.version != version:
        return  # closed, or a newer check is on its way
    publish(ls, cell_uris, found)


async def check_saved(ls: NumbaLintServer, uri: str) -> None:
    """The saved .ipynb through the whole pipeline; published when the cells still match."""
    from .warm_worker import check_saved as run_saved

    await ls.settled()
    path = notebook_path(uri)
    config = ls.config_for(path)
    if config is None or not path.is_file():
        return
    loop = asyncio.get_running_loop()
    try:
        _, found, _ = await loop.run_in_executor(ls.dynamic_pool, run_saved, path, config, False)
    except Exception:  # noqa: BLE001 - a crash in one check must not end the session
        ls.report_crash("trial compile", path)
        return
    snapshot = _snapshot(ls, uri)
    if snapshot is not None:
        publish(ls, snapshot[1], found)


def publish(ls: NumbaLintServer, cell_uris: list[str], found: list[Diagnostic]) -> None:
    for cell_uri, diagnostics in by_cell(found, cell_uris).items():
        document = ls.workspace.get_text_document(cell_uri)
        lines = document.source.splitlines()
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=cell_uri,
                diagnostics=[to_lsp(d, lines, document.position_codec) for d in diagnostics],
                version=document.version,
            )
        )


def close(ls: NumbaLintServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
    task = ls.pending.pop(f"notebook:{params.notebook_document.uri}", None)
    if task is not None:
        task.cancel()
    for cell in params.cell_text_documents:
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[])
        )
