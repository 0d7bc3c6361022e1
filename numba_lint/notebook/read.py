"""Notebook JSON text -> Notebook (cells, each with the physical line of every source line).

Reads the format nbformat 4 writes (a JSON object whose "cells" list holds objects with
"cell_type" and "source", a string or a list of strings) with the standard library's json, so
no Jupyter package is needed. A second, position-keeping walk over the same text finds where
each string of a cell's "source" list starts: Jupyter writes one source line per JSON string,
one string per line of the file, and that is what lets SARIF and GitHub annotations point at
the right line of the .ipynb file. Never runs anything.
"""

from __future__ import annotations

import bisect
import json
import json.scanner
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_DECODER = json.JSONDecoder()
# (text, offset) -> (value, offset after it): the json module's own scanner (typeshed types its
# argument as the scanner class, but it takes the decoder whose settings it copies).
_SCAN_VALUE = json.scanner.make_scanner(_DECODER)  # type: ignore[arg-type]
_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True)
class Cell:
    # 1-based over all cells (markdown and raw included), as Jupyter shows them.
    number: int
    kind: str
    # The source lines, without line endings.
    lines: tuple[str, ...]
    # Physical (1-based line, 0-based column of the first character after the opening quote)
    # of each source line in the .ipynb text; None when the cell is not stored one line per
    # JSON string, one string per file line.
    physical: tuple[tuple[int, int], ...] | None
    # The physical line where the cell's "source" value starts (the fallback position).
    first_line: int


@dataclass(frozen=True)
class Notebook:
    cells: tuple[Cell, ...]
    # The kernel's language ("python" when the notebook does not say).
    language: str
    # The physical lines of the .ipynb text (to turn a source column into a file column).
    raw_lines: tuple[str, ...] = field(repr=False, default=())

    @property
    def exact_layout(self) -> bool:
        """Every code cell has the usual one-line-per-string layout."""
        return all(c.physical is not None for c in self.cells if c.kind == "code")


@dataclass(frozen=True)
class NotebookProblem:
    """Why a text is not a notebook this reader understands, with a 1-based position."""

    row: int
    column: int
    message: str


def read_notebook(text: str) -> Notebook | NotebookProblem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return NotebookProblem(exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")
    except RecursionError:
        return NotebookProblem(1, 1, "not valid JSON: nested too deeply")
    if not isinstance(data, dict):
        return NotebookProblem(1, 1, "not a notebook: the JSON value is not an object")
    cells = data.get("cells")
    if not isinstance(cells, list):
        if "worksheets" in data:
            return NotebookProblem(
                1, 1, "nbformat 3 notebook: convert it with `jupyter nbconvert --to notebook`"
            )
        return NotebookProblem(1, 1, 'not a notebook: no "cells" list')
    offsets = _source_offsets(text)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found = []
    for position, raw in enumerate(cells):
        where = offsets.get(position)
        first = _row(starts, where[0]) if where else 1
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            return NotebookProblem(first, 1, f'cell {position + 1} has no "cell_type"')
        source = raw.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            parts: list[str] = source
        elif isinstance(source, str):
            parts = [source]
        else:
            return NotebookProblem(
                first, 1, f'cell {position + 1}: "source" is not text or a list of text'
            )
        lines = _split(parts)
        physical = None
        if where is not None and isinstance(source, list):
            physical = _layout(source, lines, where[1], starts)
        found.append(Cell(position + 1, raw["cell_type"], lines, physical, first))
    return Notebook(tuple(found), _language(data), tuple(text.split("\n")))


def _split(parts: list[str]) -> tuple[str, ...]:
    """Source lines as Python counts them (split at \\n; a final \\n ends the last line)."""
    joined = "".join(parts)
    if not joined:
        return ()
    lines = joined.split("\n")
    if joined.endswith("\n"):
        lines.pop()
    return tuple(line.removesuffix("\r") for line in lines)


def _layout(
    parts: list[str], lines: tuple[str, ...], offsets: list[int], starts: list[int]
) -> tuple[tuple[int, int], ...] | None:
    """Each line's (physical row, column after the quote), when every string is one line of
    source on a file line of its own; None otherwise."""
    if len(parts) != len(lines) or len(offsets) != len(parts):
        return None
    if any("\n" in part.removesuffix("\n") for part in parts):
        return None
    rows = [_row(starts, offset) for offset in offsets]
    if any(later <= earlier for earlier, later in zip(rows, rows[1:], strict=False)):
        return None
    return tuple(
        (row, offset - starts[row - 1] + 1) for row, offset in zip(rows, offsets, strict=True)
    )


def _row(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


def _language(data: dict[str, Any]) -> str:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, inner in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(inner), str):
            return str(section[inner]).lower()
    return "python"


# The position-keeping walk. It runs only on text json.loads accepted, so it never meets
# malformed JSON; values it does not need are skipped with the json module's own scanner.


def _source_offsets(text: str) -> dict[int, tuple[int, list[int]]]:
    """cell position -> (offset of its "source" value, offsets of the list's strings)."""
    found: dict[int, tuple[int, list[int]]] = {}

    def top_value(key: str, start: int) -> int:
        if key == "cells" and text[start] == "[":
            return _array(text, start, cell)
        return _skip_value(text, start)

    def cell(position: int, start: int) -> int:
        if text[start] != "{":
            return _skip_value(text, start)

        def member(key: str, value_start: int) -> int:
            if key != "source":
                return _skip_value(text, value_start)
            strings: list[int] = []
            found[position] = (value_start, strings)
            if text[value_start] != "[":
                return _skip_value(text, value_start)

            def element(_: int, element_start: int) -> int:
                strings.append(element_start)
                return _skip_value(text, element_start)

            return _array(text, value_start, element)

        return _object(text, start, member)

    start = _space(text, 0)
    if text[start] == "{":
        _object(text, start, top_value)
    return found


def _space(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _skip_value(text: str, start: int) -> int:
    _, end = _SCAN_VALUE(text, start)
    return int(end)


def _object(text: str, start: int, member: Callable[[str, int], int]) -> int:
    at = _space(text, start + 1)
    if text[at] == "}":
        return at + 1
    while True:
        key, at = _SCAN_VALUE(text, at)
        at = _space(text, _space(text, at) + 1)  # past the ':'
        at = _space(text, member(key, at))
        if text[at] == "}":
            return at + 1
        at = _space(text, at + 1)  # past the ','


def _array(text: str, start: int, item: Callable[[int, int], int]) -> int:
    at = _space(text, start + 1)
    if text[at] == "]":
        return at + 1
    position = 0
    while True:
        at = _space(text, item(position, at))
        position += 1
        if text[at] == "]":
            return at + 1
        at = _space(text, at + 1)
