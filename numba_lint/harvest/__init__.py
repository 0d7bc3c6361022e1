"""`numba-lint harvest [--output FILE] [--replace] -- CMD...`: record the signatures CMD compiles.

harvest_main runs the steps in order: hook directory -> run CMD (runner) -> read the records
(collect) -> merge into the signatures file (signatures_file) -> print a summary on stderr.
It returns CMD's exit code (2 for a usage error); it never alters CMD's own output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..config import ConfigError, load_config
from ..signatures_file import (
    MAX_SIGNATURES,
    SignaturesFile,
    SignaturesFileError,
    merge_files,
    read_file,
    write_file,
)
from .collect import Harvest, read_records
from .runner import hook_directory, jit_disabled, run_command

__all__ = ["build_parser", "harvest_main", "run_harvest"]

PROG = "numba-lint harvest"


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The harvest options; cli.py can pass its subparser to get the same ones."""
    if parser is None:
        parser = argparse.ArgumentParser(
            prog=PROG,
            description="Run a command (usually your test suite) and record the signature of "
            "every jitted function of the project that Numba compiles during it.",
        )
    parser.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        default=None,
        help="signatures file to update (default: signatures-file from [tool.numba-lint], "
        "else .numba-lint/signatures.json under the project root)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="start the file over instead of merging this run into it",
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- CMD ...",
        help="the command to run, after `--`",
    )
    return parser


def harvest_main(argv: Sequence[str]) -> int:
    parser = build_parser()
    options = parser.parse_args(list(argv))
    command = list(options.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print(
            f"{PROG}: error: give the command to run after `--`, e.g. `{PROG} -- pytest tests/`",
            file=sys.stderr,
        )
        return 2
    try:
        config = load_config(Path.cwd())
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    # The same root and file as `check` (config.find_project_root), so it reads this file.
    root = config.project_root
    output = options.output if options.output is not None else config.signatures_path()
    return run_harvest(command, root, output, replace=options.replace)


def run_harvest(
    command: Sequence[str],
    root: Path,
    output: Path,
    replace: bool = False,
    stream: TextIO | None = None,
) -> int:
    """Run `command`, update `output` with what it compiled, return the command's exit code."""
    stream = stream if stream is not None else sys.stderr
    try:
        existing = SignaturesFile() if replace else read_file(output)
    except SignaturesFileError as exc:
        # Checked before running CMD: a long test run must not end in "cannot write".
        print(f"{PROG}: error: {exc} (use --replace to start it over)", file=stream)
        return 2
    disabled = jit_disabled(root)
    if disabled is not None:
        print(
            f"{PROG}: info: NUMBA_DISABLE_JIT is set in {disabled}: code run with it compiles "
            "nothing, so the harvest cannot record its signatures",
            file=stream,
        )
    with hook_directory() as base:
        try:
            result = run_command(command, base, root)
        except FileNotFoundError:
            print(f"{PROG}: error: command not found: {command[0]}", file=stream)
            return 127
        except PermissionError:
            print(f"{PROG}: error: cannot run {command[0]}: permission denied", file=stream)
            return 126
        if result.interrupted:
            print(f"{PROG}: interrupted; {output} left unchanged", file=stream)
            return result.exit_code
        harvest = read_records(result.record_files)
    if disabled is not None and not any(e.signatures for e in harvest.file.entries.values()):
        print(f"{PROG}: info: nothing was compiled; {output} left unchanged", file=stream)
        return result.exit_code
    merged = merge_files(existing, harvest.file, project_root=root)
    write_file(output, merged)
    _summarise(harvest, existing, merged, output, root, result.exit_code, stream)
    return result.exit_code


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _summarise(
    harvest: Harvest,
    existing: SignaturesFile,
    merged: SignaturesFile,
    output: Path,
    root: Path,
    exit_code: int,
    stream: TextIO,
) -> None:
    lines = [
        _headline(harvest, existing, merged, output),
        *_how_it_ran(harvest, root),
        *_what_was_left(harvest, merged),
    ]
    if exit_code != 0:
        lines.append(
            f"{PROG}: the command exited with {exit_code}; the signatures it compiled before "
            "that are recorded"
        )
    for line in lines:
        print(line, file=stream)


def _headline(
    harvest: Harvest, existing: SignaturesFile, merged: SignaturesFile, output: Path
) -> str:
    """How many signatures were recorded, how many are new, and what the file now holds."""
    # A function whose every signature was unstorable has an entry (so that `check` can say
    # why it is not used) but nothing recorded: it is counted apart, never as recorded.
    recorded = {key: entry for key, entry in harvest.file.entries.items() if entry.signatures}
    signatures = sum(len(entry.signatures) for entry in recorded.values())
    new = sum(
        len(set(entry.signatures) - set(existing.entries[key].signatures))
        if key in existing.entries
        else len(entry.signatures)
        for key, entry in recorded.items()
    )
    held = sum(1 for entry in merged.entries.values() if entry.signatures)
    without = len(merged.entries) - held
    processes = _count(harvest.processes, "process", "processes")
    return (
        f"{PROG}: {_count(signatures, 'signature')} of {_count(len(recorded), 'function')} "
        f"recorded ({new} new) from {processes}; {output} now holds signatures of "
        f"{_count(held, 'function')}"
        + (f" and lists {without} without a storable one" if without else "")
    )


def _how_it_ran(harvest: Harvest, root: Path) -> list[str]:
    """Signatures skipped as explicit, and warnings about where the command compiled from."""
    lines = []
    if harvest.eager_skipped:
        lines.append(
            f"{PROG}: {_count(harvest.eager_skipped, 'signature')} skipped: explicit in the "
            "decorator"
        )
    if harvest.outside:
        # The tests imported an installed copy of the project (site-packages): its functions
        # lie outside the root, so none could be keyed to the source that `check` reads.
        functions = sum(count for _, count in harvest.outside)
        places = sorted({str(Path(path).parent) for path, _ in harvest.outside})
        lines.append(
            f"{PROG}: warning: {_count(functions, 'jitted function')} of this project compiled "
            f"from files outside the project root {root}, not recorded: the command imported an "
            f"installed copy ({', '.join(places)}). Install the project in editable mode "
            "(`pip install -e .`) and harvest again"
        )
    if not harvest.processes:
        lines.append(
            f"{PROG}: warning: no process of the command imported Numba with the hook loaded "
            "(was Python started with -I, -E or -S?)"
        )
    return lines


def _what_was_left(harvest: Harvest, merged: SignaturesFile) -> list[str]:
    """Functions at the signature cap, signatures not recorded (each with why), bad lines."""
    entries = harvest.file.entries
    lines = []
    capped = sorted(key for key, entry in merged.entries.items() if entry.note and key in entries)
    if capped:
        lines.append(
            f"{PROG}: {_count(len(capped), 'function')} hit the cap of {MAX_SIGNATURES} "
            f"signatures: {', '.join(capped)}"
        )
    if harvest.not_recorded:
        nothing = sorted(key for key, entry in entries.items() if not entry.signatures)
        lines.append(
            f"{PROG}: {_count(len(harvest.not_recorded), 'signature')} not recorded"
            + (
                f" ({_count(len(nothing), 'function')} with no signature stored at all, "
                "which `check` cannot use: " + ", ".join(nothing) + ")"
                if nothing
                else ""
            )
            + ":"
        )
        lines.extend(f"  {item.key} {item.shown}: {item.why}" for item in harvest.not_recorded)
    if harvest.bad_lines:
        lines.append(
            f"{PROG}: {_count(harvest.bad_lines, 'unreadable record line')} skipped (a process was "
            "killed while writing)"
        )
    return lines
