"""`numba-lint merge OUT.json ...`: the outputs of a CI matrix's `check --shard I/N` jobs -> one.

Shards split the tree by file, and each output is already in the one total order (file first:
README, "The order is total"), so a stable sort by file of the concatenated results gives the
order a single run gives. JSON: diagnostics, functions and the summary's counts; SARIF: one
run whose results are the shards' results and whose invocation failed if any shard's did.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_CLEAN, EXIT_USAGE = 0, 2


class MergeError(Exception):
    """An input that cannot be merged: the message says which and why."""


def add_merge_parser(sub: Any) -> None:
    merge = sub.add_parser(
        "merge",
        help="merge the JSON or SARIF outputs of 'check --shard I/N' jobs into one",
        description="Merge the outputs of the jobs of a CI matrix that each ran "
        "'numba-lint check --shard I/N --format json|sarif' (docs/ci.md).",
    )
    merge.add_argument("inputs", nargs="+", type=Path, metavar="OUTPUT", help="shard outputs")
    merge.add_argument(
        "--format",
        choices=("json", "sarif"),
        help="format of the inputs and the result (default: read from the first input)",
    )
    merge.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE")


def merge_main(args: argparse.Namespace) -> int:
    try:
        documents = [_load(path) for path in args.inputs]
        merged = merge_documents(documents, args.format)
    except MergeError as exc:
        sys.stderr.write(f"numba-lint: error: {exc}\n")
        return EXIT_USAGE
    text = json.dumps(merged, indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_CLEAN
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"numba-lint: error: --output {args.output}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    return EXIT_CLEAN


def _load(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MergeError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise MergeError(f"{path}: not JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("runs"), list) and len(data["runs"]) == 1:
        return "sarif", data
    if isinstance(data, dict) and data.get("version") == 1 and "diagnostics" in data:
        return "json", data
    raise MergeError(f"{path}: neither numba-lint's JSON (version 1) nor a one-run SARIF log")


def merge_documents(
    documents: list[tuple[str, dict[str, Any]]], wanted: str | None = None
) -> dict[str, Any]:
    kinds = {kind for kind, _ in documents}
    if len(kinds) > 1:
        raise MergeError("the inputs mix JSON and SARIF: merge each format on its own")
    kind = kinds.pop()
    if wanted is not None and wanted != kind:
        raise MergeError(f"--format {wanted}, but the inputs are {kind}")
    data = [document for _, document in documents]
    return _merge_sarif(data) if kind == "sarif" else _merge_json(data)


def _by_file(groups: list[list[dict[str, Any]]], file_of: Any) -> list[dict[str, Any]]:
    """Concatenate per-shard lists and sort them stably by file; a file in two inputs means
    they were not shards of one split (their order would be ambiguous)."""
    owner: dict[str, int] = {}
    for position, items in enumerate(groups):
        for item in items:
            name = file_of(item)
            if owner.setdefault(name, position) != position:
                raise MergeError(f"{name} is in several inputs: they are not shards of one run")
    flat = [item for items in groups for item in items]
    return sorted(flat, key=file_of)


def _merge_json(data: list[dict[str, Any]]) -> dict[str, Any]:
    diagnostics = _by_file([d.get("diagnostics", []) for d in data], lambda d: d["filename"])
    functions = _by_file([d.get("functions", []) for d in data], lambda f: f["filename"])
    summary: dict[str, Any] = {}
    for document in data:
        for key, value in document.get("summary", {}).items():
            summary[key] = _combined(key, summary.get(key), value)
    return {
        "version": data[0]["version"],
        "diagnostics": diagnostics,
        "summary": summary,
        "functions": functions,
    }


def _combined(key: str, before: Any, value: Any) -> Any:
    """Counts add up; `seconds` is the slowest shard's (the matrix's wall time); other fields
    (signatures file, engine note) are the first shard's that has one."""
    if before is None:
        return value
    if key == "seconds":
        return max(before, value)
    if isinstance(value, bool) or not isinstance(value, int):
        return before if before is not None else value
    return before + value


def _merge_sarif(data: list[dict[str, Any]]) -> dict[str, Any]:
    runs = [document["runs"][0] for document in data]
    results = _by_file([run.get("results", []) for run in runs], _sarif_file)
    merged = json.loads(json.dumps(data[0]))  # a deep copy: tool, rules, root
    run = merged["runs"][0]
    run["results"] = results
    notifications = [
        n
        for r in runs
        for i in r.get("invocations", [])
        for n in i.get("toolExecutionNotifications", [])
    ]
    run["invocations"] = [
        {
            "executionSuccessful": all(
                i.get("executionSuccessful", True) for r in runs for i in r.get("invocations", [])
            ),
            "toolExecutionNotifications": notifications,
        }
    ]
    return merged


def _sarif_file(result: dict[str, Any]) -> str:
    try:
        return str(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    except (KeyError, IndexError, TypeError):
        return ""
