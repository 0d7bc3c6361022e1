"""Per-process record files (JSON lines) -> one SignaturesFile of this run, plus what could not be
stored and why.

Called by `harvest_main` after CMD ended. Union over processes: the same signature recorded by
pytest and by its xdist workers is one signature. Tolerates the half-written last line of a
process that was killed. Never reads or writes the user's signatures file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..signatures_file import MAX_SIGNATURES, HarvestEntry, SignaturesFile, entry_key


@dataclass(frozen=True)
class NotRecorded:
    key: str
    shown: str
    why: str


@dataclass(frozen=True)
class Harvest:
    file: SignaturesFile
    not_recorded: tuple[NotRecorded, ...] = ()
    eager_skipped: int = 0
    processes: int = 0
    bad_lines: int = 0
    # Files outside the project root that the project's own modules were compiled from (an
    # installed, non-editable copy), with how many functions each: nothing of them is recorded.
    outside: tuple[tuple[str, int], ...] = ()


@dataclass
class _Function:
    path: str
    qualname: str
    params: tuple[str, ...]
    source_hash: str | None
    signatures: set[tuple[str, ...]] = field(default_factory=set)
    unstorable: set[str] = field(default_factory=set)


@dataclass
class _Reading:
    """What the record lines read so far add up to."""

    functions: dict[str, _Function] = field(default_factory=dict)
    not_recorded: dict[tuple[str, str], NotRecorded] = field(default_factory=dict)
    eager: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    numba_version: str | None = None
    processes: int = 0
    bad_lines: int = 0
    outside: dict[str, set[str]] = field(default_factory=dict)

    def read_line(self, line: str) -> None:
        try:
            record = json.loads(line)
            if "process" in record:
                return
            if "outside" in record:
                self.outside.setdefault(str(record["outside"]), set()).add(str(record["qualname"]))
                return
            key = entry_key(record["path"], record["qualname"])
            params = tuple(record["params"])
        except (json.JSONDecodeError, KeyError, TypeError):
            self.bad_lines += 1
            return
        self._add(record, key, params)

    def _add(self, record: dict[str, Any], key: str, params: tuple[str, ...]) -> None:
        """One compiled signature (or why it could not be stored) of one function."""
        self.numba_version = record.get("numba") or self.numba_version
        args = record.get("args")
        if record.get("eager"):
            # Explicit in the decorator already: the linter reads it from there.
            self.eager.add((key, tuple(args or ())))
            return
        function = self.functions.get(key)
        if function is None or function.params != params:
            # A changed parameter list between processes cannot happen in one run unless
            # two definitions share a qualname; the last one wins, like in the module.
            function = self.functions[key] = _Function(
                record["path"], record["qualname"], params, record.get("source_hash")
            )
        if args is None:
            why = str(record.get("why", "unknown"))
            function.unstorable.add(why)
            self.not_recorded[(key, why)] = NotRecorded(key, str(record.get("shown", "")), why)
        else:
            function.signatures.add(tuple(str(arg) for arg in args))


def _entries(functions: dict[str, _Function]) -> dict[str, HarvestEntry]:
    """Each function's entry: its signatures sorted, at most MAX_SIGNATURES ("capped")."""
    entries = {}
    for key, function in functions.items():
        signatures = sorted(function.signatures)
        note = None
        if len(signatures) > MAX_SIGNATURES:
            signatures = signatures[:MAX_SIGNATURES]
            note = "capped"
        entries[key] = HarvestEntry(
            function.path,
            function.qualname,
            function.params,
            function.source_hash,
            tuple(signatures),
            note,
            tuple(sorted(function.unstorable)),
        )
    return entries


def read_records(files: Iterable[Path]) -> Harvest:
    reading = _Reading()
    for path in files:
        reading.processes += 1
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            reading.read_line(line)
    return Harvest(
        SignaturesFile(reading.numba_version, _entries(reading.functions)),
        tuple(sorted(reading.not_recorded.values(), key=lambda item: (item.key, item.why))),
        len(reading.eager),
        reading.processes,
        reading.bad_lines,
        tuple(sorted((path, len(names)) for path, names in reading.outside.items())),
    )
