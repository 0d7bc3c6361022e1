"""The command line's parser: `numba-lint COMMAND ...` -> an `argparse.Namespace` for cli.main.

One function per command (the `check` command's flags live in check_args.py, `merge` and
`explain` next to their code); the order of the calls is the order `--help` lists them in.
Imports nothing heavy (tests/test_startup.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .check_args import add_check_parser

EXIT_USAGE = 2  # argparse's own exit code for usage errors, as cli.EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2 (argparse's contract)
        self.exit(EXIT_USAGE, f"numba-lint: error: {message} (see 'numba-lint --help')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command (`--help` lists them all), or, given what argv starts
    with, of that command only (none for `--version`): the others' flags live next to their
    code (`merge`, `explain`), which a `check` run need not import."""
    parser = _Parser(
        prog="numba-lint",
        description="Find what stops @njit from compiling: a static pass over the source and a "
        "trial compile of every jitted function in isolated worker processes.",
    )
    parser.add_argument("--version", action="version", version=f"numba-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add in _COMMANDS:
        if command is None or command in (name, *_SHARED.get(name, ())):
            add(sub)
    return parser


def _add_merge_parser(sub: Any) -> None:
    from .shard_merge import add_merge_parser

    add_merge_parser(sub)


def _add_explain_parser(sub: Any) -> None:
    from .explain.command import add_explain_parser

    add_explain_parser(sub)


def _add_rule_parsers(sub: Any) -> None:
    """`rule CODE`, `rules` and `server`: commands without flags of their own."""
    rule = sub.add_parser("rule", help="explain one rule: what it flags, why, and the fix")
    rule.add_argument("code", help="a rule code such as NB101, or its name")
    sub.add_parser("rules", help="list every rule with its code, severity and summary")
    sub.add_parser("server", help="run the language server on standard input/output")


def _add_harvest_parser(sub: Any) -> None:
    """`harvest`, for `--help` only: harvest_main parses its own flags (cli.main)."""
    harvest = sub.add_parser(
        "harvest",
        help="run a command (e.g. your tests) and record the "
        "signatures Numba compiles, for the trial compile",
    )
    harvest.add_argument(
        "--output",
        type=Path,
        help="signatures file (default: signatures-file, else .numba-lint/signatures.json under "
        "the project root)",
    )
    harvest.add_argument(
        "--replace",
        action="store_true",
        help="start a new file instead of merging into the existing one",
    )
    harvest.add_argument("cmd", nargs=argparse.REMAINDER, help="-- then the command to run")


def _add_knowledge_parser(sub: Any) -> None:
    knowledge = sub.add_parser(
        "knowledge", help="show (or rebuild) what numba-lint derived from the installed Numba"
    )
    knowledge.add_argument("--rebuild", action="store_true", help="derive it again now")
    knowledge.add_argument(
        "--diff",
        metavar="OTHER",
        help="show what becomes supported or unsupported with another Numba: a knowledge file, "
        "or a version whose table is shipped or cached (e.g. 0.59.1)",
    )


def _add_clean_parser(sub: Any) -> None:
    clean = sub.add_parser("clean", help="remove the project's cache (.numba-lint/cache)")
    clean.add_argument("path", nargs="?", default=".", help="a path in the project (default: .)")
    clean.add_argument(
        "--dynamic",
        action="store_true",
        help="also remove the cached trial-compile results (shared by every project of this user)",
    )


# Every command's parser, in the order `--help` lists them.
_COMMANDS: tuple[tuple[str, Callable[[Any], None]], ...] = (
    ("check", add_check_parser),
    ("merge", _add_merge_parser),
    ("explain", _add_explain_parser),
    ("rule", _add_rule_parsers),
    ("harvest", _add_harvest_parser),
    ("knowledge", _add_knowledge_parser),
    ("clean", _add_clean_parser),
)
# Parsers that add more than one command: built when any of those is asked for.
_SHARED = {"rule": ("rules", "server")}
