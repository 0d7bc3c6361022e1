"""LSP notebook documents <-> the pipeline's notebook input, and findings -> the cell they are in.

An editor that syncs notebooks (VS Code) sends the notebook's cells, each a text document of its
own (`vscode-notebook-cell:...#W2sZmlsZQ==`). The server writes them as the .ipynb JSON the
pipeline reads (`notebook_json`), so an editor's notebook is checked exactly as
`numba-lint check nb.ipynb` checks the file, and hands each finding to the cell it names
(`by_cell`), positioned in that cell's own text. Pure functions; used by app.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from lsprotocol import types as lsp

from ..diagnostic import Diagnostic, Location

# Sync every cell, markdown included: cells are numbered over all of them, as Jupyter does.
SYNC_OPTIONS = lsp.NotebookDocumentSyncOptions(
    notebook_selector=[lsp.NotebookDocumentFilterWithNotebook(notebook="jupyter-notebook")],
    save=True,
)
_PYTHON = frozenset({"python", "python3", "ipython"})


def notebook_json(cells: Sequence[tuple[lsp.NotebookCellKind, str, str]]) -> str:
    """(kind, language, text) of each cell -> nbformat 4 JSON in Jupyter's layout. A code cell
    in another language is written as a raw cell: it keeps its number and is not checked."""
    written = []
    for kind, language, text in cells:
        if kind == lsp.NotebookCellKind.Markup:
            cell_type = "markdown"
        else:
            cell_type = "code" if language.lower() in _PYTHON else "raw"
        written.append(
            {"cell_type": cell_type, "metadata": {}, "source": text.splitlines(keepends=True)}
        )
    notebook = {
        "cells": written,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def by_cell(found: Sequence[Diagnostic], cell_uris: Sequence[str]) -> dict[str, list[Diagnostic]]:
    """Each cell's findings, placed in the cell's own text; every cell is a key (an empty list
    clears what was published before). Findings without a cell (a notebook that could not be
    read) go to the first cell."""
    result: dict[str, list[Diagnostic]] = {uri: [] for uri in cell_uris}
    if not cell_uris:
        return result
    for diagnostic in found:
        cell = diagnostic.cell
        if cell is None:
            result[cell_uris[0]].append(
                replace(diagnostic, location=Location(1, 1), end_location=Location(1, 1))
            )
            continue
        if not 1 <= cell.cell <= len(cell_uris):
            continue
        result[cell_uris[cell.cell - 1]].append(
            replace(
                diagnostic,
                location=Location(cell.row, cell.column),
                end_location=Location(cell.end_row, cell.end_column),
                cell=None,
            )
        )
    return result
