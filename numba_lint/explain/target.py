"""`numba-lint explain`'s target: `path.py::func`, `path.py:LINE`, or a notebook cell position.

Notebook positions use the names of docs/notebooks.md: cells are numbered as Jupyter shows them
(1-based over all cells) and `nb.ipynb:cell 5:3` is the third line of the fifth cell. A name
after `::` may be a qualified name (`Class.method`, `outer.inner`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_CELL = re.compile(r"^(?P<path>.+?):\s*cell\s*(?P<cell>\d+)$")
_LINE = re.compile(r"^(?P<path>.+?)(?::\s*cell\s*(?P<cell>\d+))?:(?P<line>\d+)$")

USAGE = "expected PATH::FUNCTION, PATH:LINE, NOTEBOOK:cell N::FUNCTION or NOTEBOOK:cell N:LINE"


class TargetError(ValueError):
    """A target that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Target:
    path: Path
    # The function's (qualified) name, or None when a line names it.
    name: str | None = None
    # 1-based: the line in the file, or in the cell when `cell` is set.
    line: int | None = None
    # 1-based cell number (notebooks only).
    cell: int | None = None

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


def parse_target(text: str) -> Target:
    """`text` as written on the command line -> Target; TargetError says what is wrong."""
    text = text.strip()
    if "::" in text:
        where, _, name = text.rpartition("::")
        if not name.isidentifier() and not all(p.isidentifier() for p in name.split(".")):
            raise TargetError(f"'{name}' is not a function name ({USAGE})")
        cell_match = _CELL.match(where)
        if cell_match:
            return _checked(Target(Path(cell_match["path"]), name, cell=int(cell_match["cell"])))
        return _checked(Target(Path(where), name))
    match = _LINE.match(text)
    if match is None:
        raise TargetError(f"'{text}': {USAGE}")
    cell = int(match["cell"]) if match["cell"] else None
    return _checked(Target(Path(match["path"]), line=int(match["line"]), cell=cell))


def _checked(target: Target) -> Target:
    if target.cell is not None and not target.is_notebook:
        raise TargetError(f"{target.path}: a cell number needs a notebook (.ipynb)")
    if target.line is not None and target.line < 1 or target.cell is not None and target.cell < 1:
        raise TargetError("lines and cells are numbered from 1")
    if not target.path.is_file():
        raise TargetError(f"{target.path}: no such file")
    return target
