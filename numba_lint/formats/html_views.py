"""The HTML report's view of one file: the lines the worker typed, how to label them, where each
finding sits among them, and the path the recorded types name.

A `.py` file is one view: its lines as checked. A notebook is one view per module its code cells
form (docs/notebooks.md): the notebook's own module and each `%%writefile` module, with the
cell's original text on each line, `cell 5:2` labels, and its findings moved from their physical
.ipynb lines back to the module's rows. Reading the notebook again here costs one JSON parse.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostic import Diagnostic, Location
from ..notebook.read import Notebook, read_notebook
from ..notebook.source import notebook_modules


@dataclass
class View:
    lines: list[str]
    labels: list[str]
    # The resolved path of the module the worker typed (what the type records name).
    path: str
    # Findings of the file, with rows of `lines`; only those that belong to this view.
    findings: list[Diagnostic]
    # (cell, line in the cell) of each row, for a notebook's module; empty for a .py file.
    rows: list[tuple[int, int]]

    def def_row(self, line: int, cell: tuple[int, int] | None) -> int | None:
        if cell is None:
            return line if not self.rows else None
        return self.rows.index(cell) + 1 if cell in self.rows else None


def views(filename: str, lines: list[str], findings: list[Diagnostic]) -> list[View]:
    path = Path(filename)
    if path.suffix != ".ipynb":
        labels = [str(row) for row in range(1, len(lines) + 1)]
        return [View(lines, labels, str(path.resolve()), findings, [])]
    try:
        notebook = read_notebook(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
    if not isinstance(notebook, Notebook):
        return []
    found = []
    for module in notebook_modules(notebook).modules:
        rows = list(module.rows)
        texts = [notebook.cells[cell - 1].lines[line - 1] for cell, line in rows]
        labels = [f"cell {cell}:{line}" for cell, line in rows]
        typed = path if not module.name else path.parent / module.name
        mine = []
        for diagnostic in findings:
            cell = diagnostic.cell
            if cell is not None and (cell.cell, cell.row) in rows:
                row = rows.index((cell.cell, cell.row)) + 1
                end = row + cell.end_row - cell.row
                mine.append(
                    replace(
                        diagnostic,
                        location=Location(row, cell.column),
                        end_location=Location(end, cell.end_column),
                    )
                )
        found.append(View(texts, labels, str(typed.resolve()), mine, rows))
    return found
