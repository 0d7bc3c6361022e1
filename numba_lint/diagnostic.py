"""The values that flow between the steps: positions, severities and the Diagnostic itself.

Every step produces or consumes these frozen dataclasses. Field names are the JSON contract's
(shared/design.md), so the JSON formatter is a plain conversion and no rename layer can drift.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

DOCS_URL = "https://github.com/numba-lint/numba-lint/blob/main/rules/{page}"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe; used by --fail-level."""
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Pass(str, enum.Enum):
    STATIC = "static"
    DYNAMIC = "dynamic"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based row and 1-based column, as in ruff's JSON."""

    row: int
    column: int

    def to_json(self) -> dict[str, int]:
        return {"row": self.row, "column": self.column}


@dataclass(frozen=True)
class CellPosition:
    """Where a finding in a Jupyter notebook sits in its cell (docs/notebooks.md). The
    Diagnostic's own location is then the physical one in the .ipynb file."""

    # 1-based over all cells, as Jupyter shows them; rows and columns within the cell.
    cell: int
    row: int
    column: int
    end_row: int
    end_column: int
    # False: the notebook is not stored one source line per JSON line, so the physical
    # location is the line where the cell's source starts.
    exact: bool = True
    # The source line itself (the text format's excerpt); not part of the JSON.
    text: str = field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "cell": self.cell,
            "cell_line": self.row,
            "cell_column": self.column,
            "cell_end_line": self.end_row,
            "cell_end_column": self.end_column,
        }
        if not self.exact:
            data["location_is_cell_start"] = True
        return data


@dataclass(frozen=True)
class Diagnostic:
    filename: str
    location: Location
    end_location: Location
    code: str
    message: str
    severity: Severity
    pass_: Pass
    function: str | None = None
    confirmed: bool = False
    url: str | None = None
    # Extra machine-readable detail (Numba's own error text, signatures tried, call chain).
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Set for findings in notebooks (`location` is then the line of the .ipynb file).
    cell: CellPosition | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.filename, self.location.row, self.location.column, self.code)

    def with_changes(self, **changes: Any) -> Diagnostic:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "filename": self.filename,
            "location": self.location.to_json(),
            "end_location": self.end_location.to_json(),
            "code": self.code,
            "message": self.message,
            "severity": self.severity.value,
            "pass": self.pass_.value,
            "function": self.function,
            "confirmed": self.confirmed,
            "url": self.url,
        }
        if self.detail:
            data["detail"] = self.detail
        if self.cell is not None:
            data.update(self.cell.to_json())
        return data


@dataclass(frozen=True)
class FunctionCoverage:
    """One jitted function and whether the dynamic pass could check it (JSON `functions`)."""

    filename: str
    name: str
    line: int
    checked: bool
    signature_source: str | None = None
    signatures: tuple[str, ...] = ()
    reason: str | None = None
    # The project wrapper that made it jitted (a decorator factory such as `pkg._util._jit`, a
    # decorator function, a `partial` or configured alias, a wrapper class); None when the
    # function is jitted by numba's own decorator. Optional in JSON (added in version 1).
    via: str | None = None
    # The name holding this compiled variant when one def is jitted more than once
    # (`f_par = njit(parallel=True)(f)`; `f_ser = njit(f)`): each variant is one entry.
    dispatcher: str | None = None
    # In a notebook: (cell, line in the cell) of the `def`; `line` is then the .ipynb's line.
    cell: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "filename": self.filename,
            "name": self.name,
            "line": self.line,
            "checked": self.checked,
            "signature_source": self.signature_source,
            "signatures": list(self.signatures),
        }
        if not self.checked:
            data["reason"] = self.reason
        if self.via is not None:
            data["via"] = self.via
        if self.dispatcher is not None:
            data["dispatcher"] = self.dispatcher
        if self.cell is not None:
            data["cell"], data["cell_line"] = self.cell
        return data


@dataclass
class Summary:
    files: int = 0
    jit_functions: int = 0
    dynamically_checked: int = 0
    unchecked_no_signature: int = 0
    seconds: float = 0.0
    dynamic_ran: bool = False
    # The harvested signatures file the dynamic pass read (as displayed), None when none was.
    signatures_file: str | None = None
    # Set when the trial compile used Numba's full compile because the installed Numba does not
    # fit the typing-only engine: the one note saying so, naming the version.
    engine_note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "jit_functions": self.jit_functions,
            "dynamically_checked": self.dynamically_checked,
            "unchecked_no_signature": self.unchecked_no_signature,
            "seconds": round(self.seconds, 3),
            "signatures_file": self.signatures_file,
            "engine_note": self.engine_note,
        }


@dataclass
class Report:
    """Everything one run produced, handed to a formatter."""

    diagnostics: list[Diagnostic]
    summary: Summary
    functions: list[FunctionCoverage] = field(default_factory=list)
    # Problems that are not findings about code: unreadable files, bad paths. Printed to
    # stderr; any of them makes the exit code 2.
    errors: list[str] = field(default_factory=list)
    # Things the user should know that are not errors (no Python files in a folder, knowledge
    # base built). Printed to stderr.
    notes: list[str] = field(default_factory=list)
    # The text that was checked, by display name (stdin and editor buffers are not on disk).
    sources: dict[str, list[str]] = field(default_factory=dict)
    # Each typing's variables and types, when the run recorded them (the HTML report).
    types: list[dict[str, Any]] = field(default_factory=list)
