"""The static cache's last entry + this run's texts -> this run's output, when the only files
that changed are files the static pass never parsed: without libcst, the engine or a rule.

Called by `StaticCache.rescanned` (`cache.py`) when the last run checked the same files (same
paths and module names) and some texts differ. The engine (`engine.py`, `stages.py`) reads a
file that the prefilter passes over in one of three ways: only for its syntax error; for its
syntax error and its top-level bindings, when a parsed module imports it (the bindings join the
project's facts, which the rules read); or it parses it after all, in the second round, when it
names one of the project's decorator aliases. So when every changed file

- was not parsed last run (its record has no "parse") and is not a candidate now,
- cannot be a second-round file now (the first-round candidates are unchanged, so the aliases
  they export are those in their records), and
- if a parsed module imports it, was scanned with its bindings and has the same bindings now,

every parse, index, fact and rule answer of the last run stands, and the output is the last
output with those files' syntax errors read again by Python's parser. Any doubt (a missing or
inconsistent record, bindings that changed) answers None, and the engine runs with the records
as usual. The records written back are those the engine would write.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..diagnostic import Diagnostic
from ..discover import SourceFile
from ..modules import imported_modules, is_imported
from ..parse import SyntaxProblem, python_parse
from . import codec
from .prefilter import may_use_numba
from .syntax_only import syntax_diagnostic

Record = dict[str, Any]
# A file's entry in the cache: [text digest, path, module name].
FileEntry = list[str]
_SYNTAX_ERROR = "NB001"


@dataclass
class Rescanned:
    """What a rescan found: the files that changed (display names), their syntax problems,
    and every file's record."""

    changed: set[str]
    problems: list[SyntaxProblem]
    records: dict[str, Record]


def rescan(
    texts: Mapping[SourceFile, str],
    files: Mapping[str, FileEntry],
    past_files: Any,
    past_records: Any,
) -> Rescanned | None:
    """`files`: this run's entries by display name; `past_files`, `past_records`: the last
    entry's (as read: anything). The changed files' problems and every file's record, or None
    when the engine must run (a record damaged on disk included)."""
    if not isinstance(past_files, dict) or not isinstance(past_records, dict):
        return None
    try:
        return _rescan(texts, files, past_files, past_records)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None


def _rescan(
    texts: Mapping[SourceFile, str],
    files: Mapping[str, FileEntry],
    past_files: dict[str, Any],
    past_records: dict[str, Any],
) -> Rescanned | None:
    if past_files.keys() != files.keys():
        return None
    changed = {display for display, entry in files.items() if past_files[display] != entry}
    if not changed or any(past_files[d][1:] != files[d][1:] for d in changed):
        return None
    for display, entry in past_files.items():
        record = past_records.get(display)
        if not isinstance(record, dict) or [record.get(k) for k in _KEYS] != entry:
            return None
    by_display = {source.display: (source, text) for source, text in texts.items()}
    parsed = {d for d, record in past_records.items() if d in files and "parse" in record}
    if any(d in parsed or may_use_numba(by_display[d][1]) for d in changed):
        return None
    reexporting, alias_names = _first_round_aliases(past_records, parsed)
    if reexporting and any(
        may_use_numba(by_display[d][1], reexporting, alias_names) for d in changed
    ):
        return None
    imported = imported_modules(
        (files[d][2], by_display[d][0].path, by_display[d][1]) for d in sorted(parsed)
    )
    records = dict(past_records)
    problems: list[SyntaxProblem] = []
    for display in sorted(changed):
        source, text = by_display[display]
        record = _rescanned(source, text, files[display], past_records[display], imported)
        if record is None:
            return None
        records[display] = record
        problems.extend(_problems(record, source, text))
    return Rescanned(changed, problems, {d: records[d] for d in files})


_KEYS = ("sha", "path", "module")


def _first_round_aliases(
    records: Mapping[str, Record], parsed: set[str]
) -> tuple[list[str], frozenset[str]]:
    """The modules of the first round that bind decorator aliases, and the aliases' names:
    what the engine's second round looks for in the files that never name numba."""
    reexporting: list[str] = []
    names: set[str] = set()
    for display in sorted(parsed):
        record = records[display]
        parse = record["parse"]
        if parse[0] is None and parse[2]:  # a first-round parse (no jit names given)
            reexporting.append(record["module"])
            names.update(parse[2])
    return reexporting, frozenset(names)


def _rescanned(
    source: SourceFile, text: str, entry: FileEntry, past: Record, imported: set[str]
) -> Record | None:
    """The changed file's new record, as the engine's scan would write it; None when its
    past record is not a scan, or its bindings matter to the project and changed."""
    scan = past.get("scan")
    if not (isinstance(scan, list) and len(scan) == 2 and isinstance(scan[1], list)):
        return None
    with_bindings = bool(scan[0])
    # A module a parsed one imports lends its bindings to the project's facts: the engine
    # scans the first round's imports with their bindings (a second-round file's imports are
    # read afresh, and never recorded: those take the engine).
    if with_bindings != is_imported(entry[2], imported):
        return None
    found = _scan(source, text, entry[2], with_bindings)
    if with_bindings and _bindings_of(found) != _bindings_of(scan[1]):
        return None
    sha, path, module = entry
    return {"sha": sha, "path": path, "module": module, "scan": [with_bindings, found]}


def _scan(source: SourceFile, text: str, module: str, with_bindings: bool) -> list[Any]:
    """The scan's record data for one file (`share.ModuleShare.scan`, through
    `codec.scanned_data`): its syntax problem, or its bindings when asked, or nothing."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        problem = python_parse(source, text)
        return [codec.scanned_data(problem)] if isinstance(problem, SyntaxProblem) else []
    if not with_bindings:
        return []
    from ..bindings import unparsed_bindings  # libcst: only for a file whose bindings matter

    found = unparsed_bindings(tree, module, source.path.stem == "__init__")
    return [json.loads(json.dumps(codec.scanned_data(found)))]


def _bindings_of(scanned: list[Any]) -> list[Any]:
    """What the project's facts take from a scan: its bindings, none for a syntax problem."""
    return [data for data in scanned if data[0] != "problem"]


def _problems(record: Record, source: SourceFile, text: str) -> list[SyntaxProblem]:
    return [
        codec.problem(data[1], source, text) for data in record["scan"][1] if data[0] == "problem"
    ]


def patched_diagnostics(
    diagnostics: list[Diagnostic], changed: set[str], problems: list[SyntaxProblem]
) -> list[Diagnostic] | None:
    """The last output's diagnostics with the changed files' syntax errors replaced; None if
    the output holds anything else for those files (it cannot: no rule ran on them)."""
    kept = [d for d in diagnostics if d.filename not in changed]
    if any(d.code != _SYNTAX_ERROR for d in diagnostics if d.filename in changed):
        return None
    return kept + [syntax_diagnostic(problem) for problem in problems]
