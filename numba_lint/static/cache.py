"""The static pass's results kept between runs, under the project: `.numba-lint/cache/static/`.

Called by `pipeline.run` around the static pass (`static.static_pass`) of a static-only run.
One entry ("slot") per effective configuration: its name hashes the numba-lint version, the
Python version, the knowledge base's environment key and the selected rules. It holds the last
run's whole output with the files it stands for (path, module name and content hash of each),
replayed as it is when a run checks the very same files; and each file's record
(`replay.py`): what every stage computed for that file and from which inputs, so that after
an edit only the changed files, and those whose inputs from the project changed, are parsed
and checked again. A file's record is replaced when the file changes and dropped when the file
is gone: the cache never grows with edits.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..diagnostic import Diagnostic, FunctionCoverage
from ..discover import SourceFile

# 1: the first layout; 2: one slot per configuration, with each file's record. Any change to
# what an entry holds bumps it.
FORMAT = 2
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
    """One slot per effective configuration (not per set of files): the last run's whole
    output with the files it stands for, and every file's record (`replay.py`)."""

    def __init__(
        self, folder: Path, texts: Mapping[SourceFile, str], selected: Sequence[str]
    ) -> None:
        self.root = folder
        self.files = {
            source.display: [text_digest(text), str(source.path), source.module_name]
            for source, text in texts.items()
        }
        slot = json.dumps(
            [FORMAT, __version__, list(sys.version_info[:2]), _knowledge_key(), sorted(selected)],
            default=str,
        )
        self.path = folder / "static" / f"{hashlib.sha256(slot.encode()).hexdigest()}.json"
        self._entry: dict[str, Any] | None = None

    def digests(self) -> dict[str, str]:
        """Each file's text digest, by display name."""
        return {display: entry[0] for display, entry in self.files.items()}

    def _read(self) -> dict[str, Any]:
        """The slot's entry; empty if absent, corrupt or foreign (the run rewrites it)."""
        if self._entry is None:
            try:
                entry = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                entry = None
            valid = isinstance(entry, dict) and entry.get("format") == FORMAT
            self._entry = entry if valid else {}
        return self._entry

    def load(self) -> StaticOutput | None:
        """The whole output of the last run, if it checked these very files."""
        entry = self._read()
        try:
            if entry.get("files") != self.files:
                return None
            return _output_from_data(entry["output"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def rescanned(self, texts: Mapping[SourceFile, str]) -> StaticOutput | None:
        """The output of the last run, brought up to date without the engine when the files
        that changed since were never parsed (`rescan.py`); the entry is rewritten. None when
        the engine must run."""
        from .rescan import patched_diagnostics, rescan

        entry = self._read()
        found = rescan(texts, self.files, entry.get("files"), entry.get("records"))
        if found is None:
            return None
        try:
            past = _output_from_data(entry["output"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        diagnostics = patched_diagnostics(past.diagnostics, found.changed, found.problems)
        if diagnostics is None:
            return None
        output = StaticOutput(diagnostics, past.functions, past.jit_functions, past.notes)
        self.store(output, found.records)
        return output

    def records(self) -> dict[str, Any]:
        """Each file's record of past runs, by display name (`replay.py` checks them)."""
        records = self._read().get("records")
        if not isinstance(records, dict):
            return {}
        return {d: r for d, r in records.items() if _well_formed(r)}

    def store(self, output: StaticOutput, records: dict[str, Any] | None) -> None:
        """This run's output and records (None: none could be written down). The records of
        files outside this run are kept while the file exists: a one-file run does not throw
        away the project's, and a deleted file's record goes."""
        kept = {
            display: record
            for display, record in self.records().items()
            if display not in self.files and Path(record["path"]).is_file()
        }
        entry = {
            "format": FORMAT,
            "files": self.files,
            "output": _output_data(output),
            "records": {**kept, **(records or {})},
        }
        try:
            _ensure_folder(self.root)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(entry, default=str))
        except OSError:
            pass  # a read-only checkout is not a reason to fail the run
        self._entry = entry


def _well_formed(record: Any) -> bool:
    return isinstance(record, dict) and all(
        isinstance(record.get(key), str) for key in ("sha", "path", "module")
    )


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


def _knowledge_key() -> Any:
    """What identifies the knowledge tables the rules read (`knowledge.load_knowledge`)."""
    from ..knowledge import FORMAT as KNOWLEDGE_FORMAT
    from ..knowledge_build.environment import builder_digest
    from ..knowledge_key import environment_key

    return [KNOWLEDGE_FORMAT, environment_key(), builder_digest()]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _output_data(output: StaticOutput) -> dict[str, Any]:
    from . import codec  # libcst and the index: not for `numba-lint clean`

    return {
        "diagnostics": [codec.diagnostic_data(d) for d in output.diagnostics],
        "functions": [codec.function_data(f) for f in output.functions],
        "jit_functions": output.jit_functions,
        "notes": output.notes,
    }


def _output_from_data(data: dict[str, Any]) -> StaticOutput:
    from . import codec

    return StaticOutput(
        diagnostics=[codec.diagnostic(d) for d in data["diagnostics"]],
        functions=[codec.function(f) for f in data["functions"]],
        jit_functions=int(data["jit_functions"]),
        notes=[str(note) for note in data["notes"]],
    )
