"""The static pass's results kept between runs, under the project: `.numba-lint/cache/static/`.

Called by `pipeline.run` around the static pass (`static.static_pass`) of a static-only run.
One entry ("slot") per set of checked files and effective configuration: its name hashes the
numba-lint version, the Python version, the knowledge base's environment key, the selected
rules and every file's path and module name; its content holds each file's content hash and the
static pass's output (diagnostics before suppression, the jit-function listing, the notes it
added). A later run replays the output only when every hash still matches, so the replay is the
run it stands for.
A changed file rewrites the slot (a cache never grows with edits).

Written atomically (pre-commit runs several processes at once); an unreadable, corrupt or
foreign entry counts as absent and is rewritten. Stored as JSON, never pickle: a static-only
run promises not to execute anything from the checked tree, the cache included.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..diagnostic import CellPosition, Diagnostic, FunctionCoverage, Location, Pass, Severity
from ..discover import SourceFile

# 1: the first layout. Any change to what an entry holds bumps it.
FORMAT = 1
FOLDER = Path(".numba-lint") / "cache"


def project_cache_dir(project_root: Path) -> Path:
    return project_root / FOLDER


@dataclass
class StaticOutput:
    """What the static steps of `pipeline.run` produce for a set of texts."""

    diagnostics: list[Diagnostic]
    functions: list[FunctionCoverage]
    jit_functions: int
    notes: list[str] = field(default_factory=list)


class StaticCache:
    def __init__(self, folder: Path, texts: dict[SourceFile, str], selected: Sequence[str]) -> None:
        self.root = folder
        self.files = {
            source.display: hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            for source, text in texts.items()
        }
        slot = json.dumps(
            [
                FORMAT,
                __version__,
                list(sys.version_info[:2]),
                _knowledge_key(),
                sorted(selected),
                sorted((s.display, str(s.path), _module_name(s)) for s in texts),
            ],
            default=str,
        )
        self.path = folder / "static" / f"{hashlib.sha256(slot.encode()).hexdigest()}.json"

    def load(self) -> StaticOutput | None:
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8"))
            if entry.get("format") != FORMAT or entry.get("files") != self.files:
                return None
            return _output_from_data(entry["output"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # absent, corrupt or foreign: the run recomputes and rewrites it

    def store(self, output: StaticOutput) -> None:
        entry = {"format": FORMAT, "files": self.files, "output": _output_data(output)}
        try:
            _ensure_folder(self.root)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(entry, default=str))
        except OSError:
            pass  # a read-only checkout is not a reason to fail the run


def write_atomically(path: Path, text: str) -> None:
    """Write to a private temporary file next to `path`, then rename it over `path`: a reader
    sees the old entry or the new one, never half of one, however many processes write."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _ensure_folder(root: Path) -> None:
    """The cache folder with its own `.gitignore`, so that it is never committed."""
    root.mkdir(parents=True, exist_ok=True)
    ignore = root / ".gitignore"
    if not ignore.exists():
        write_atomically(ignore, "# Created by numba-lint: its cache, never committed.\n*\n")


def clean(project_root: Path) -> list[Path]:
    """Remove the project's cache folder; the paths removed."""
    folder = project_cache_dir(project_root)
    if not folder.is_dir():
        return []
    shutil.rmtree(folder, ignore_errors=True)
    return [folder]


def _module_name(source: SourceFile) -> str:
    from ..parse import module_name_for

    return module_name_for(source.path)


def _knowledge_key() -> Any:
    """What identifies the knowledge tables the rules read (`knowledge.load_knowledge`)."""
    from ..knowledge import FORMAT as KNOWLEDGE_FORMAT
    from ..knowledge_build.environment import builder_digest
    from ..knowledge_key import environment_key

    return [KNOWLEDGE_FORMAT, environment_key(), builder_digest()]


def _output_data(output: StaticOutput) -> dict[str, Any]:
    return {
        "diagnostics": [_diagnostic_data(d) for d in output.diagnostics],
        "functions": [_function_data(f) for f in output.functions],
        "jit_functions": output.jit_functions,
        "notes": output.notes,
    }


def _output_from_data(data: dict[str, Any]) -> StaticOutput:
    return StaticOutput(
        diagnostics=[_diagnostic(d) for d in data["diagnostics"]],
        functions=[_function(f) for f in data["functions"]],
        jit_functions=int(data["jit_functions"]),
        notes=[str(note) for note in data["notes"]],
    )


def _diagnostic_data(d: Diagnostic) -> dict[str, Any]:
    cell = d.cell
    return {
        "filename": d.filename,
        "location": [d.location.row, d.location.column],
        "end_location": [d.end_location.row, d.end_location.column],
        "code": d.code,
        "message": d.message,
        "severity": d.severity.value,
        "pass": d.pass_.value,
        "function": d.function,
        "confirmed": d.confirmed,
        "url": d.url,
        "detail": d.detail,
        "cell": None if cell is None else _cell_data(cell),
    }


def _cell_data(cell: CellPosition) -> list[Any]:
    return [cell.cell, cell.row, cell.column, cell.end_row, cell.end_column, cell.exact, cell.text]


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    cell = data["cell"]
    return Diagnostic(
        filename=data["filename"],
        location=Location(*data["location"]),
        end_location=Location(*data["end_location"]),
        code=data["code"],
        message=data["message"],
        severity=Severity(data["severity"]),
        pass_=Pass(data["pass"]),
        function=data["function"],
        confirmed=data["confirmed"],
        url=data["url"],
        detail=data["detail"],
        cell=None if cell is None else CellPosition(*cell),
    )


def _function_data(f: FunctionCoverage) -> dict[str, Any]:
    return {
        "filename": f.filename,
        "name": f.name,
        "line": f.line,
        "checked": f.checked,
        "signature_source": f.signature_source,
        "signatures": list(f.signatures),
        "reason": f.reason,
        "via": f.via,
        "dispatcher": f.dispatcher,
        "cell": None if f.cell is None else list(f.cell),
    }


def _function(data: dict[str, Any]) -> FunctionCoverage:
    cell = data["cell"]
    return FunctionCoverage(
        filename=data["filename"],
        name=data["name"],
        line=data["line"],
        checked=data["checked"],
        signature_source=data["signature_source"],
        signatures=tuple(data["signatures"]),
        reason=data["reason"],
        via=data["via"],
        dispatcher=data["dispatcher"],
        cell=None if cell is None else (cell[0], cell[1]),
    )
