"""A virtual module's (row, column) -> the cell, the line in the cell, and the .ipynb position.

Cells are numbered as Jupyter shows them: 1-based over all cells, markdown and raw included.
The physical position is the line of the .ipynb file that holds the source line and the column
of the character in that line (counting JSON escapes such as `\\"` and `\\u00e9` as written),
which is what SARIF viewers and GitHub annotations highlight. A cell not stored one source line
per JSON string falls back to the line where its source starts, column 1.
"""

from __future__ import annotations

from ..diagnostic import CellPosition, Location
from .read import Cell, Notebook


def cell_line(rows: list[tuple[int, int]], row: int) -> tuple[int, int]:
    """(cell number, line in the cell) of a 1-based virtual row (clamped to the module)."""
    return rows[min(max(row, 1), len(rows)) - 1]


def physical_location(notebook: Notebook, cell: Cell, line: int, column: int) -> Location:
    if cell.physical is None or not 1 <= line <= len(cell.physical):
        return Location(cell.first_line, 1)
    row, after_quote = cell.physical[line - 1]
    raw = notebook.raw_lines[row - 1] if row <= len(notebook.raw_lines) else ""
    return Location(row, _raw_offset(raw, after_quote, column - 1) + 1)


def _raw_offset(raw: str, start: int, characters: int) -> int:
    """The 0-based offset in `raw` of the character `characters` decoded characters after
    `start` (the first character of a JSON string's contents)."""
    at = start
    for _ in range(max(characters, 0)):
        if at >= len(raw) or raw[at] == '"':
            break
        if raw[at] != "\\":
            at += 1
        elif raw[at + 1 : at + 2] != "u":
            at += 2
        elif _is_surrogate_pair(raw, at):
            at += 12  # one character written as two \\uXXXX escapes
        else:
            at += 6
    return at


def _is_surrogate_pair(raw: str, at: int) -> bool:
    first = raw[at + 2 : at + 6].lower()
    return first[:2] == "d8" or first[:2] == "d9" or first[:2] == "da" or first[:2] == "db"


def cell_position(
    notebook: Notebook,
    rows: list[tuple[int, int]],
    start: Location,
    end: Location,
) -> tuple[CellPosition, Location, Location]:
    """The cell position of a virtual (start, end) range and its physical (start, end)."""
    number, line = cell_line(rows, start.row)
    cell = notebook.cells[number - 1]
    end_number, end_line = cell_line(rows, end.row)
    end_column = end.column
    if end_number != number or end_line < line:  # a range that runs past its cell
        end_line, end_column = line, start.column + 1
    text = cell.lines[line - 1] if 1 <= line <= len(cell.lines) else ""
    position = CellPosition(
        cell=number,
        row=line,
        column=start.column,
        end_row=end_line,
        end_column=end_column,
        exact=cell.physical is not None,
        text=text,
    )
    physical_start = physical_location(notebook, cell, line, start.column)
    physical_end = physical_location(notebook, cell, end_line, end_column)
    if (physical_end.row, physical_end.column) <= (physical_start.row, physical_start.column):
        physical_end = Location(physical_start.row, physical_start.column + 1)
    return position, physical_start, physical_end
