"""The `check` command's flags (its arguments, in the order `numba-lint check --help` lists them).

Built by cli_parser.build_parser; read by cli._check and cli.configure. Imports nothing heavy:
`numba-lint --version` and `check --help` stay fast (tests/test_startup.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .config import SEVERITY_NAMES
from .formats import available_formats

# The configuration keys, for `numba-lint check --help` (README "Configuration" has examples).
CONFIG_HELP = """\
configuration ([tool.numba-lint] in pyproject.toml; flags override it):
  select, extend-select, ignore    rule codes or prefixes (lists)
  per-file-ignores                 table of glob = [codes]
  exclude, extend-exclude          gitignore-style patterns
  fail-level                       error | warning | info
  jobs                             trial-compile workers (default: CPU count)
  timeout                          seconds per module in the trial compile (default: 60)
  memory-limit                     MiB each trial-compile worker may allocate
                                   (default: 8192; 0: no limit)
  signatures-file                  harvested signatures (default: .numba-lint/signatures.json)
  full-compile, static-only, cache true | false

environment:
  NUMBA_LINT_STATIC_ONLY=1         static pass only, whatever the configuration says
  NUMBA_LINT_CACHE_DIR             numba-lint's cache folder (default: ~/.cache/numba-lint)

What the trial compile runs and writes: SECURITY.md.
"""


def add_check_parser(sub: Any) -> None:
    """`numba-lint check`: its parser in `sub` (the subparsers of the top-level parser)."""
    check = sub.add_parser(
        "check",
        help="check files and folders (the default command)",
        description="Check Python files and folders for code that Numba's nopython mode rejects.",
        epilog=CONFIG_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for add_flags in (
        _add_paths_and_output,
        _add_selection,
        _add_trial_compile,
        _add_input,
        _add_exit_and_baseline,
        _add_shard_and_display,
    ):
        add_flags(check)


def _add_paths_and_output(check: argparse.ArgumentParser) -> None:
    """Flags: what to check and where the report goes."""
    check.add_argument(
        "paths",
        nargs="*",
        default=None,
        metavar="PATH",
        help="files or folders to check (default: .); '-' reads one file from standard input",
    )
    check.add_argument(
        "--format",
        choices=available_formats(),
        default="text",
        help="output format (default: text)",
    )
    check.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of standard output (e.g. with --format html)",
    )


def _add_selection(check: argparse.ArgumentParser) -> None:
    """Flags: which rules report."""
    check.add_argument(
        "--select",
        type=_codes,
        help="comma-separated codes or prefixes to "
        "report (replaces the default set; ALL for every rule)",
    )
    check.add_argument(
        "--extend-select",
        type=_codes,
        help="codes or prefixes to add to the selection (e.g. rules that are off by default)",
    )
    check.add_argument(
        "--ignore",
        type=_codes,
        help="codes or prefixes not to report (added to the configured ignores)",
    )


def _add_trial_compile(check: argparse.ArgumentParser) -> None:
    """Flags: how the checks run: the trial compile and the caches."""
    check.add_argument(
        "--static-only",
        action="store_true",
        default=None,
        help="skip the trial compile: never import or run the checked code (also: "
        "static-only = true, or the environment variable NUMBA_LINT_STATIC_ONLY=1)",
    )
    check.add_argument(
        "--full-compile",
        action="store_true",
        default=None,
        help="trial-compile through LLVM lowering too (slower; finds the rare "
        "failures that only appear while lowering)",
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        help="worker processes for the trial compile (default: CPU count)",
    )
    check.add_argument(
        "--timeout",
        type=float,
        help="seconds allowed per module in the trial compile (default: 60)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write any cache (static results, trial-compile results)",
    )


def _add_input(check: argparse.ArgumentParser) -> None:
    """Flags: standard input, configuration file, excludes."""
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the path of the file given on "
        "standard input (for configuration, imports and messages)",
    )
    check.add_argument(
        "--config",
        type=Path,
        metavar="PYPROJECT",
        help="use this pyproject.toml instead of the nearest one",
    )
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the configured "
        "excludes to files named on the command line too (for pre-commit)",
    )


def _add_exit_and_baseline(check: argparse.ArgumentParser) -> None:
    """Flags: the exit code and the baseline."""
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--fail-level",
        choices=SEVERITY_NAMES,
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in this baseline file (see --write-baseline)",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's "
        "findings in FILE (by rule, file, function and line content) and exit 0",
    )


def _add_shard_and_display(check: argparse.ArgumentParser) -> None:
    """Flags: the shard of a CI matrix, and how text output looks."""
    check.add_argument(
        "--shard",
        metavar="I/N",
        help="check only shard I of N (a CI matrix job; files split by estimated cost); join "
        "the outputs with 'numba-lint merge' (docs/ci.md)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (default: auto, only on a terminal)",
    )
    check.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list info diagnostics (functions not trial-compiled) and Numba's own error text",
    )


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
